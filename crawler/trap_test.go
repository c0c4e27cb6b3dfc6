package crawler

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch/crawler/extract"
)

func TestFamily(t *testing.T) {
	for raw, want := range map[string]string{
		"http://h/a":               "h/*",
		"http://h/aa":              "h/*",
		"http://h/agenda/2020/01":  "h/agenda/0/*",
		"http://h/agenda/2021/12":  "h/agenda/0/*",
		"http://h/fr/news/un-slug": "h/fr/news/*",
		"http://h/fr/tags/x/":      "h/fr/tags/*/",
		"http://h/fr/news?page=3":  "h/fr/news?page=",
		"http://h/":                "h/",
	} {
		u, _ := url.Parse(raw)
		if got := family(u); got != want {
			t.Errorf("family(%s) = %q, want %q", raw, got, want)
		}
	}
}

// TestTrapRuleOnCorpora runs the trap rule over every page of real French
// sites (MISSIONSEARCH_CORPORA), as if each had been linked from a page of
// its own family: none is stopped, and it reports how many pages counted
// as without new content.
func TestTrapRuleOnCorpora(t *testing.T) {
	dir := os.Getenv("MISSIONSEARCH_CORPORA")
	if dir == "" {
		t.Skip("MISSIONSEARCH_CORPORA is not set")
	}
	for _, corpus := range []string{"gimp-help-fr", "lilypond-fr/web", "aptitude-doc-fr", "installation-guide-fr", "debian-handbook-fr", "wikinews-fr-100/documents"} {
		files, _ := filepath.Glob(filepath.Join(dir, corpus, "*.html"))
		if len(files) == 0 {
			t.Errorf("%s: no pages", corpus)
			continue
		}
		slices.Sort(files)
		tr := newTraps(DefaultTrapPages)
		empty, stopped := 0, 0
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse("http://h/" + corpus + "/" + filepath.Base(f))
			res, err := extract.Extract(strings.NewReader(string(data)), u, "text/html", extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			before := tr.fams[family(u)]
			e0 := 0
			if before != nil {
				e0 = before.empty
			}
			if _, stops := tr.judge(task{from: family(u)}, u, res.Page.Body); stops {
				stopped++
			}
			if tr.fams[family(u)].empty > e0 {
				empty++
			}
		}
		t.Logf("%s: %d pages, %d without new content", corpus, len(files), empty)
		if stopped != 0 {
			t.Errorf("%s: family stopped as a trap", corpus)
		}
	}
}
