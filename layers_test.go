package missionsearch_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers enforces the one-way dependencies of doc/contracts.md: each
// package may import only the layers before it. It checks the direct imports
// of the non-test code of each package (transitive ones would flag bleve's own
// use of net/http through expvar, which is not ours to police).
func TestLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	forbidden := map[string][]string{
		"github.com/missionsearch/missionsearch":                    {"github.com/missionsearch/missionsearch/"},
		"github.com/missionsearch/missionsearch/crawler/extract":    {"github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/index", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server", "github.com/blevesearch/", "net/http"},
		"github.com/missionsearch/missionsearch/crawler":            {"github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/index", "github.com/missionsearch/missionsearch/indexer", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server", "github.com/blevesearch/"},
		"github.com/missionsearch/missionsearch/store":              {"github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/index", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server", "github.com/blevesearch/"},
		"github.com/missionsearch/missionsearch/index":              {"github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/indexer", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server"},
		"github.com/missionsearch/missionsearch/indexer":            {"github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server"},
		"github.com/missionsearch/missionsearch/search":             {"net/http", "github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/indexer", "github.com/missionsearch/missionsearch/server"},
		"github.com/missionsearch/missionsearch/server":             {"github.com/blevesearch/", "github.com/missionsearch/missionsearch/index", "github.com/missionsearch/missionsearch/indexer", "github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/crawler"},
		"github.com/missionsearch/missionsearch/export":             {"net/http", "github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/index", "github.com/missionsearch/missionsearch/indexer", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server", "github.com/blevesearch/"},
		"github.com/missionsearch/missionsearch/internal/demosite":  {"github.com/missionsearch/missionsearch"},
		"github.com/missionsearch/missionsearch/internal/wpsite":    {"github.com/missionsearch/missionsearch"},
		"github.com/missionsearch/missionsearch/crawler/pdftext":    {"github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/index", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server", "net/http"},
		"github.com/missionsearch/missionsearch/internal/relevance": {"github.com/missionsearch/missionsearch"},
		"github.com/missionsearch/missionsearch/entity":             {"github.com/missionsearch/missionsearch/crawler", "github.com/missionsearch/missionsearch/store", "github.com/missionsearch/missionsearch/index", "github.com/missionsearch/missionsearch/search", "github.com/missionsearch/missionsearch/server", "github.com/blevesearch/", "net/http"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, pkg).CombinedOutput()
		if err != nil {
			t.Errorf("go list %s: %v\n%s", pkg, err, out)
			continue
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == pkg {
				continue
			}
			for _, b := range bad {
				if dep == strings.TrimSuffix(b, "/") || strings.HasPrefix(dep, b) {
					t.Errorf("%s imports %s (forbidden: %s)", pkg, dep, b)
				}
			}
		}
	}
}
