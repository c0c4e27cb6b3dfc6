package entity_test

import (
	"bufio"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch/entity"
	"github.com/missionsearch/missionsearch/internal/demosite"
	"github.com/missionsearch/missionsearch/internal/wpsite"
)

// annotated is the hand annotation of one page (testdata/README.md).
type annotated struct {
	page string
	want map[string][]string // kind → names
}

func readAnnotations(t *testing.T) []annotated {
	t.Helper()
	f, err := os.Open("testdata/annotations.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pages []annotated
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("annotations.tsv:%d: want 3 columns, got %d", n, len(cols))
		}
		switch cols[1] {
		case "page":
			pages = append(pages, annotated{page: cols[0], want: map[string][]string{}})
		case "partner", "person", "place":
			if len(pages) == 0 || pages[len(pages)-1].page != cols[0] {
				t.Fatalf("annotations.tsv:%d: %s has no page row before it", n, cols[0])
			}
			p := &pages[len(pages)-1]
			p.want[cols[1]] = append(p.want[cols[1]], cols[2])
		default:
			t.Fatalf("annotations.tsv:%d: unknown kind %q", n, cols[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pages
}

var (
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	h1RE    = regexp.MustCompile(`(?s)<h1>(.*?)</h1>`)
	paraRE  = regexp.MustCompile(`(?s)<p>(.*?)</p>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// pageTexts returns the title and body of every page the annotations may
// name, by page key: the fixture sites' ground truth, and the wikinews
// files when MISSIONSEARCH_CORPORA is set.
func pageTexts(t *testing.T, pages []annotated) map[string]string {
	t.Helper()
	texts := map[string]string{}
	for _, a := range demosite.New().Articles() {
		texts["demo:"+a.Path] = a.Title + "\n\n" + strings.Join(a.Body, "\n\n")
	}
	for _, p := range wpsite.New().Posts() {
		texts["wp:"+p.Path] = p.Title + "\n\n" + strings.Join(p.Body, "\n\n")
	}
	corpora := os.Getenv("MISSIONSEARCH_CORPORA")
	for _, p := range pages {
		rel, ok := strings.CutPrefix(p.page, "wikinews:")
		if !ok || corpora == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(corpora, "wikinews-fr-100", rel))
		if err != nil {
			t.Fatalf("%s: %v", p.page, err)
		}
		clean := func(s string) string {
			return strings.TrimSpace(spaceRE.ReplaceAllString(html.UnescapeString(tagRE.ReplaceAllString(s, "")), " "))
		}
		var parts []string
		if m := h1RE.FindSubmatch(b); m != nil {
			parts = append(parts, clean(string(m[1])))
		}
		for _, m := range paraRE.FindAllSubmatch(b, -1) {
			parts = append(parts, clean(string(m[1])))
		}
		texts[p.page] = strings.Join(parts, "\n\n")
	}
	return texts
}

// TestPrecisionRecall measures the extractor against the hand annotations
// of testdata/annotations.tsv: precision and recall per kind over all the
// pages it can read, precision at least 0.9 for partners and places.
func TestPrecisionRecall(t *testing.T) {
	pages := readAnnotations(t)
	texts := pageTexts(t, pages)
	type score struct{ tp, fp, fn int }
	scores := map[string]*score{"partner": {}, "person": {}, "place": {}}
	read := 0
	fold := func(s string) string { return entity.FoldName(s) }
	for _, p := range pages {
		text, ok := texts[p.page]
		if !ok {
			if strings.HasPrefix(p.page, "wikinews:") {
				continue // MISSIONSEARCH_CORPORA unset
			}
			t.Fatalf("annotated page %s is not a page of the fixture sites", p.page)
		}
		read++
		e := entity.Extract(text)
		got := map[string][]string{"partner": e.Partners, "place": e.Places}
		for _, pe := range e.People {
			got["person"] = append(got["person"], pe.Name)
		}
		for kind, sc := range scores {
			want := map[string]bool{}
			for _, w := range p.want[kind] {
				want[fold(w)] = true
			}
			for _, g := range got[kind] {
				if want[fold(g)] {
					sc.tp++
					delete(want, fold(g))
				} else {
					sc.fp++
					t.Logf("%s: %s %q is not in the annotations", p.page, kind, g)
				}
			}
			for _, w := range p.want[kind] {
				if want[fold(w)] {
					sc.fn++
					if testing.Verbose() {
						t.Logf("%s: %s %q missed", p.page, kind, w)
					}
				}
			}
		}
	}
	if read < 40 {
		t.Fatalf("only %d annotated pages read, want at least 40", read)
	}
	if os.Getenv("MISSIONSEARCH_CORPORA") == "" {
		t.Log("MISSIONSEARCH_CORPORA unset: the wikinews pages are left out")
	}
	for _, kind := range []string{"partner", "person", "place"} {
		sc := scores[kind]
		precision := float64(sc.tp) / float64(max(1, sc.tp+sc.fp))
		recall := float64(sc.tp) / float64(max(1, sc.tp+sc.fn))
		t.Logf("%s: precision %.3f (%d/%d), recall %.3f (%d/%d) on %d pages", kind, precision, sc.tp, sc.tp+sc.fp,
			recall, sc.tp, sc.tp+sc.fn, read)
		if kind != "person" && precision < 0.9 {
			t.Errorf("%s precision %.3f, want at least 0.9", kind, precision)
		}
		if sc.tp == 0 {
			t.Errorf("%s: no entity found at all", kind)
		}
	}
}
