package main

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/demosite"
	"github.com/missionsearch/missionsearch/internal/wpsite"
	"github.com/missionsearch/missionsearch/search"
	"github.com/missionsearch/missionsearch/store"
)

// crawlSite crawls the site at base into a new data directory with the
// real command and returns it with the command's output.
func crawlSite(t *testing.T, base string) (data, out string) {
	t.Helper()
	data = t.TempDir()
	code, stdout, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", "--concurrency", "4", base+"/")
	if code != 0 {
		t.Fatalf("crawl %s: exit %d\n%s\n%s", base, code, stdout, stderr)
	}
	return data, stdout + stderr
}

// storedPages returns every live page of the data directory's store by
// URL path.
func storedPages(t *testing.T, data string) map[string]*missionsearch.Page {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(data, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]*missionsearch.Page{}
	if err := st.Pages(t.Context(), func(p *missionsearch.Page) error {
		u, _ := url.Parse(p.URL)
		k := u.Path
		if u.RawQuery != "" {
			k += "?" + u.RawQuery
		}
		out[k] = p
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkNoListingInTop10 runs visitor queries against the data directory
// and fails when one finds nothing or puts a listing in its first ten.
func checkNoListingInTop10(t *testing.T, data string, queries []string) {
	t.Helper()
	s, closeIdx, err := openSearcher(&Env{Logger: slog.New(slog.DiscardHandler)}, data)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIdx()
	for _, q := range queries {
		def, err := s.Search(t.Context(), search.Request{Query: q, Size: 10})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if def.Total == 0 {
			t.Errorf("%q finds nothing", q)
		}
		for _, h := range def.Hits {
			if h.Type == missionsearch.TypeListing {
				t.Errorf("%q: listing %s in the top 10", q, h.URL)
			}
		}
	}
}

// checkArticlesFound searches every article by its title (its first
// search.MaxQueryTerms words) and fails when it is not in the first ten.
func checkArticlesFound(t *testing.T, data string, titles map[string]string) {
	t.Helper()
	s, closeIdx, err := openSearcher(&Env{Logger: slog.New(slog.DiscardHandler)}, data)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIdx()
	for path, title := range titles {
		if w := strings.Fields(title); len(w) > search.MaxQueryTerms {
			title = strings.Join(w[:search.MaxQueryTerms], " ")
		}
		res, err := s.Search(t.Context(), search.Request{Query: title, Size: 10})
		if err != nil {
			t.Fatalf("%q: %v", title, err)
		}
		found := false
		for _, h := range res.Hits {
			found = found || strings.HasSuffix(h.URL, path)
		}
		if !found {
			t.Errorf("article %s not in the top 10 of its title %q", path, title)
		}
	}
}

func needPoppler(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils): the PDF documents cannot be checked")
	}
}

// TestContentModelDemo crawls the Drupal-shaped demo site with the real
// command and checks what the index holds: the type of every page, its
// PDF reports as documents linked to the pages citing them, no listing in
// the top ten of visitor queries, every article found by its title, and
// every article tagged Jeunesse found by "jeunesse".
func TestContentModelDemo(t *testing.T) {
	needPoppler(t)
	site := demosite.New()
	ts := httptest.NewServer(site)
	defer ts.Close()
	data, out := crawlSite(t, ts.URL)
	if !strings.Contains(out, "crawl: 2 PDF documents stored") {
		t.Errorf("crawl summary does not count the 2 reports:\n%s", out)
	}
	pages := storedPages(t, data)
	articles, titles := map[string]bool{}, map[string]string{}
	var jeunesse []string
	for _, a := range site.Articles() {
		articles[a.Path], titles[a.Path] = true, a.Title
		for _, tg := range a.Tags {
			if tg == "Jeunesse" {
				jeunesse = append(jeunesse, a.Path)
			}
		}
	}
	reports := map[string]demosite.Report{}
	for _, r := range site.Reports() {
		reports[r.Path] = r
	}
	counts := map[missionsearch.PageType]int{}
	for path, p := range pages {
		counts[p.Type]++
		want := missionsearch.TypeStatic
		segs := strings.Split(strings.Trim(strings.SplitN(path, "?", 2)[0], "/"), "/")
		switch {
		case articles[path]:
			want = missionsearch.TypeArticle
		case reports[path].Path != "":
			want = missionsearch.TypeDocument
		case path == "/" || len(segs) == 1 || strings.Contains(path, "?page=") || len(segs) == 3 && segs[1] == "tags" ||
			len(segs) == 2 && strings.Contains(" news stories press-releases events ", " "+segs[1]+" "):
			want = missionsearch.TypeListing
		}
		if p.Type != want {
			t.Errorf("%s: type %s, want %s", path, p.Type, want)
		}
	}
	t.Logf("demo records by type: %v", counts)
	for path, r := range reports {
		p := pages[path]
		if p == nil {
			t.Errorf("report %s not stored", path)
			continue
		}
		if p.Title != r.Title || !strings.Contains(p.Body, r.Word) || p.PublishedSource != missionsearch.DatePDF {
			t.Errorf("report %s: title %q, date source %q, word %q in body %v", path, p.Title, p.PublishedSource, r.Word, strings.Contains(p.Body, r.Word))
		}
		if len(p.CitedBy) != len(r.CitedBy) {
			t.Errorf("report %s cited by %v, want %v", path, p.CitedBy, r.CitedBy)
		}
	}
	queries := []string{"migration", "jeunesse", "atelier", "traite", "santé", "réintégration", "retour volontaire",
		"Oujda", "Tanger", "Casablanca", "enfants", "femmes", "formation", "climat", "emploi", "journée mondiale",
		"rapport annuel", "frontières", "société civile", "Fès", "الهجرة", "migrants", "protection", "Tizimouna"}
	checkNoListingInTop10(t, data, queries)
	checkArticlesFound(t, data, titles)

	s, closeIdx, err := openSearcher(&Env{Logger: slog.New(slog.DiscardHandler)}, data)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIdx()
	res, err := s.Search(context.Background(), search.Request{Query: "jeunesse", Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, h := range res.Hits {
		u, _ := url.Parse(h.URL)
		found[u.Path] = true
	}
	for _, p := range jeunesse {
		if !found[p] {
			t.Errorf("jeunesse does not find %s, tagged Jeunesse", p)
		}
	}
	t.Logf("jeunesse: %d hits, %d articles tagged Jeunesse", res.Total, len(jeunesse))
}

// TestContentModelWordPress crawls the WordPress-shaped sample site (no
// sitemap, flat permalinks, /category/, /tag/, /page/N/, dates in <time>,
// JSON-LD, bylines, only in teasers) and checks the type of every page,
// every post's date, its PDFs (text indexed, scanned and broken ones
// skipped and counted, a PDF served as text/html indexed), no listing in
// the top ten of visitor queries and every post found by its title.
func TestContentModelWordPress(t *testing.T) {
	needPoppler(t)
	site := wpsite.New()
	ts := httptest.NewServer(site)
	defer ts.Close()
	data, out := crawlSite(t, ts.URL)
	if !strings.Contains(out, "not indexed: broken 1, no_text 1") {
		t.Errorf("crawl summary does not count the skipped PDFs:\n%s", out)
	}
	pages := storedPages(t, data)
	types := site.Types()
	counts := map[missionsearch.PageType]int{}
	for path, p := range pages {
		counts[p.Type]++
		if want := missionsearch.PageType(types[path]); p.Type != want {
			t.Errorf("%s: type %s, want %s", path, p.Type, want)
		}
	}
	t.Logf("wordpress records by type: %v", counts)
	titles := map[string]string{}
	bySource := map[string][2]int{}
	for _, post := range site.Posts() {
		titles[post.Path] = post.Title
		p := pages[post.Path]
		if p == nil {
			t.Errorf("post %s not stored", post.Path)
			continue
		}
		n := bySource[post.DateSource]
		n[1]++
		if p.Published.Format(time.DateOnly) == post.Published.Format(time.DateOnly) {
			n[0]++
		} else {
			t.Errorf("%s (%s): published %v from %q, want %v", post.Path, post.DateSource, p.Published, p.PublishedSource, post.Published)
		}
		bySource[post.DateSource] = n
		if post.DateSource == "teaser" && p.PublishedSource != missionsearch.DateTeaser {
			t.Errorf("%s: date source %q, want teaser", post.Path, p.PublishedSource)
		}
		for _, line := range []string{"Publié le", "Posted on", "Par la rédaction"} {
			if strings.Contains(p.Body, line) {
				t.Errorf("%s: the byline %q is in the body", post.Path, line)
			}
		}
		got := map[string]string{}
		for _, tr := range p.Translations {
			u, _ := url.Parse(tr.URL)
			got[string(tr.Lang)] = u.Path
		}
		for lang, path := range post.Translations {
			if lang != post.Lang && got[lang] != path {
				t.Errorf("%s: translation %s = %q, want %q", post.Path, lang, got[lang], path)
			}
		}
		if len(got) > len(post.Translations) {
			t.Errorf("%s: translations %v, want %v", post.Path, got, post.Translations)
		}
	}
	t.Logf("dates right by source (right, posts): %v", bySource)
	for _, d := range site.PDFs() {
		p := pages[d.Path]
		switch d.Kind {
		case "scanned", "broken":
			if p != nil {
				t.Errorf("%s PDF %s stored", d.Kind, d.Path)
			}
		default:
			if p == nil || p.Type != missionsearch.TypeDocument || !strings.Contains(p.Body, d.Word) {
				t.Errorf("%s PDF %s: stored %v", d.Kind, d.Path, p != nil)
				continue
			}
			if len(p.CitedBy) == 0 {
				t.Errorf("PDF %s cited by no page", d.Path)
			}
		}
	}
	// A word only a PDF has finds that document first.
	s, closeIdx, err := openSearcher(&Env{Logger: slog.New(slog.DiscardHandler)}, data)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIdx()
	for _, d := range site.PDFs() {
		if d.Word == "" {
			continue
		}
		res, err := s.Search(t.Context(), search.Request{Query: d.Word})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || !strings.HasSuffix(res.Hits[0].URL, d.Path) || res.Hits[0].Type != missionsearch.TypeDocument {
			t.Errorf("%q does not find the PDF %s first: %+v", d.Word, d.Path, res.Hits)
		}
	}
	// Every post tagged Jeunesse, also those whose text never says it.
	res, err := s.Search(t.Context(), search.Request{Query: "jeunesse", Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, h := range res.Hits {
		u, _ := url.Parse(h.URL)
		found[u.Path] = true
	}
	for _, post := range site.Posts() {
		for _, tg := range post.Tags {
			if tg == "Jeunesse" && !found[post.Path] {
				t.Errorf("jeunesse does not find %s, tagged Jeunesse", post.Path)
			}
		}
	}
	queries := []string{"migration", "jeunesse", "formation", "santé", "enfants", "travail", "traite", "atelier",
		"partenariat", "rapport", "Sfax", "Tunis", "Médenine", "femmes", "élections", "retour volontaire", "climat",
		"réfugiés", "droits", "programme", "Zarkounia", "Tamerzouk"}
	checkNoListingInTop10(t, data, queries)
	checkArticlesFound(t, data, titles)
}
