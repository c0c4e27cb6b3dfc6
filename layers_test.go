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
		"missionsearch":                    {"missionsearch/"},
		"missionsearch/crawler/extract":    {"missionsearch/crawler", "missionsearch/store", "missionsearch/index", "missionsearch/search", "missionsearch/server", "github.com/blevesearch/", "net/http"},
		"missionsearch/crawler":            {"missionsearch/store", "missionsearch/index", "missionsearch/indexer", "missionsearch/search", "missionsearch/server", "github.com/blevesearch/"},
		"missionsearch/store":              {"missionsearch/crawler", "missionsearch/index", "missionsearch/search", "missionsearch/server", "github.com/blevesearch/"},
		"missionsearch/index":              {"missionsearch/crawler", "missionsearch/store", "missionsearch/indexer", "missionsearch/search", "missionsearch/server"},
		"missionsearch/indexer":            {"missionsearch/crawler", "missionsearch/search", "missionsearch/server"},
		"missionsearch/search":             {"net/http", "missionsearch/crawler", "missionsearch/store", "missionsearch/indexer", "missionsearch/server"},
		"missionsearch/server":             {"github.com/blevesearch/", "missionsearch/index", "missionsearch/indexer", "missionsearch/store", "missionsearch/crawler"},
		"missionsearch/export":             {"net/http", "missionsearch/crawler", "missionsearch/store", "missionsearch/index", "missionsearch/indexer", "missionsearch/search", "missionsearch/server", "github.com/blevesearch/"},
		"missionsearch/internal/demosite":  {"missionsearch"},
		"missionsearch/internal/wpsite":    {"missionsearch"},
		"missionsearch/crawler/pdftext":    {"missionsearch/crawler", "missionsearch/store", "missionsearch/index", "missionsearch/search", "missionsearch/server", "net/http"},
		"missionsearch/internal/relevance": {"missionsearch"},
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
