package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/crawler/extract"
	"github.com/missionsearch/missionsearch/store"
)

// Floors the corpora crawl must hold (see TestCorporaCrawl).
const (
	// maxBoilerplateShare is the largest share of stored bodies allowed to
	// hold the corpus's navigation text.
	maxBoilerplateShare = 0.05
	// minDateAccuracy is the smallest share of wikinews-fr-100 articles
	// whose stored published date must be the dateline's.
	minDateAccuracy = 0.90
)

// bigCorpus marks the corpora left out in -short mode (several hundred
// pages each).
var bigCorpus = map[string]bool{"gimp-help-fr": true, "lilypond-fr": true, "debian-handbook-fr": true}

// TestCorporaCrawl crawls every corpus of $MISSIONSEARCH_CORPORA
// (shared/corpora: real French documentation sites and Wikinews articles
// nobody on the team wrote) with the real crawler into a real store, each
// served on loopback from its own folder, and checks that:
//   - every HTML page reachable by links from the entry page (computed here
//     independently of the crawler, with x/net/html and
//     extract.NormalizeURL) is stored exactly once, except pages the crawler
//     reported as duplicates of a stored page's content;
//   - nothing else is stored, and every stored page is complete;
//   - at most maxBoilerplateShare of the stored bodies hold the corpus's
//     navigation text: the text blocks of the raw HTML found on at least
//     half of its pages (DocBook "Précédent"/"Suivant"/"Sommaire", Sphinx
//     and lilypond menus, …);
//   - for wikinews-fr-100, at least minDateAccuracy of the articles have as
//     published date the date of their dateline ("22 mai 2012. - …"),
//     read here from the raw HTML.
//
// It logs per corpus the pages, the crawl time, pages/s, the boilerplate
// share and, for wikinews, the date accuracy.
func TestCorporaCrawl(t *testing.T) {
	root := os.Getenv("MISSIONSEARCH_CORPORA")
	if root == "" {
		t.Skip("MISSIONSEARCH_CORPORA is not set: set it to the shared/corpora folder to crawl the real corpora")
	}
	entries, err := corpusEntries(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatalf("%s/README.md lists no corpus", root)
	}
	var (
		mu      sync.Mutex
		reports []corpusReport
	)
	t.Run("corpus", func(t *testing.T) {
		for _, e := range entries {
			t.Run(e.name, func(t *testing.T) {
				if testing.Short() && bigCorpus[e.name] {
					t.Skipf("%s is big: skipped in -short mode", e.name)
				}
				t.Parallel()
				r := crawlCorpusSite(t, filepath.Join(root, e.name), e.name, e.entry)
				mu.Lock()
				reports = append(reports, r)
				mu.Unlock()
			})
		}
	})
	sort.Slice(reports, func(i, j int) bool { return reports[i].name < reports[j].name })
	var b strings.Builder
	b.WriteString("\ncorpus                    pages   time      pages/s  boilerplate  page-nav  dates\n")
	for _, r := range reports {
		dates := ""
		if r.dated > 0 {
			dates = strconv.FormatFloat(100*r.dateAccuracy, 'f', 1, 64) + "% of " + strconv.Itoa(r.dated)
		}
		b.WriteString(padRight(r.name, 25) + " " + padLeft(strconv.Itoa(r.pages), 5) + "  " +
			padLeft(r.elapsed.Round(time.Millisecond).String(), 8) + "  " +
			padLeft(strconv.FormatFloat(float64(r.pages)/r.elapsed.Seconds(), 'f', 0, 64), 7) + "  " +
			padLeft(strconv.FormatFloat(100*r.boilerShare, 'f', 1, 64)+"%", 11) + "  " +
			padLeft(strconv.FormatFloat(100*r.pageNavShare, 'f', 1, 64)+"%", 8) + "  " + dates + "\n")
	}
	t.Log(b.String())
}

type corpusEntry struct{ name, entry string }

// corpusEntries reads the corpus table of the corpora README: rows
// "| `folder` | … | `entry page` |".
func corpusEntries(readme string) ([]corpusEntry, error) {
	data, err := os.ReadFile(readme)
	if err != nil {
		return nil, err
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|.*\\| `([^`]+)` \\|\\s*$")
	var out []corpusEntry
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		out = append(out, corpusEntry{m[1], m[2]})
	}
	return out, nil
}

type corpusReport struct {
	name         string
	pages        int
	elapsed      time.Duration
	boilerShare  float64
	pageNavShare float64
	dated        int
	dateAccuracy float64
}

// staticSite serves the files of dir as a plain static web server does,
// with index.html served under its own name (http.FileServer would redirect
// it to the directory, which the expected link graph would have to model).
func staticSite(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		f, err := os.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
	})
}

// dupRecorder is a slog handler keeping the crawler's "skipped: duplicate
// content" records: url → the URL whose content it repeats.
type dupRecorder struct {
	mu   *sync.Mutex
	dups map[string]string
}

func (h dupRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h dupRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h dupRecorder) WithGroup(string) slog.Handler            { return h }
func (h dupRecorder) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "skipped: duplicate content" {
		return nil
	}
	var u, of string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "url":
			u = a.Value.String()
		case "of":
			of = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	h.dups[u] = of
	h.mu.Unlock()
	return nil
}

func crawlCorpusSite(t *testing.T, dir, name, entry string) corpusReport {
	ctx := t.Context()
	ts := httptest.NewServer(staticSite(dir))
	t.Cleanup(ts.Close)
	base := ts.URL + "/"
	start, err := extract.NormalizeURL(entry, mustParse(t, base))
	if err != nil {
		t.Fatal(err)
	}

	// The expected pages, walked from the files themselves.
	want := walkCorpus(t, dir, base, start)
	if len(want) == 0 {
		t.Fatalf("no HTML page reachable from %s", entry)
	}

	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec := dupRecorder{mu: &sync.Mutex{}, dups: map[string]string{}}
	c, err := crawler.New(crawler.Config{
		Seeds:       []string{start},
		Include:     []*regexp.Regexp{regexp.MustCompile("^" + regexp.QuoteMeta(base))},
		Delay:       0,
		Concurrency: 8,
		MaxDepth:    -1,
		Logger:      slog.New(rec),
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := c.Run(ctx)
	if err != nil {
		t.Fatalf("crawl: %v (%+v)", err, stats)
	}

	stored := map[string]*missionsearch.Page{}
	err = st.Pages(ctx, func(p *missionsearch.Page) error {
		if _, ok := stored[p.URL]; ok {
			t.Errorf("%s stored twice", p.URL)
		}
		stored[p.URL] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for u := range want {
		if _, ok := stored[u]; ok {
			continue
		}
		if of, ok := rec.dups[u]; ok {
			if _, ok := stored[of]; !ok {
				t.Errorf("%s: skipped as a duplicate of %s, which is not stored", rel(u, base), rel(of, base))
			}
			continue
		}
		t.Errorf("%s: linked from the entry page but not stored", rel(u, base))
	}
	for u, p := range stored {
		if !want[u] {
			t.Errorf("%s: stored but not an HTML page reachable from the entry page", rel(u, base))
		}
		if p.ID != missionsearch.PageID(u) || p.Title == "" {
			t.Errorf("%s: incomplete page: id %q, title %q", rel(u, base), p.ID, p.Title)
		}
	}

	// Boilerplate: navigation text of the raw pages in the stored bodies.
	nav := navigationBlocks(t, want, base, dir)
	withNav, withPageNav := 0, 0
	var examples, pageExamples []string
	for u, p := range stored {
		data, _ := corpusFile(dir, base, u)
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		own := headings(doc)
		if leak := holdsNav(p.Body, pageNavigation(doc), own, false); leak != "" {
			withPageNav++
			if len(pageExamples) < 5 {
				pageExamples = append(pageExamples, rel(u, base)+": "+strconv.Quote(leak))
			}
		}
		if b := holdsNav(p.Body, nav, own, true); b != "" {
			withNav++
			if len(examples) < 5 {
				examples = append(examples, rel(u, base)+": "+strconv.Quote(b))
			}
		}
	}
	r := corpusReport{name: name, pages: len(stored), elapsed: stats.Elapsed}
	if len(stored) > 0 {
		r.boilerShare = float64(withNav) / float64(len(stored))
		r.pageNavShare = float64(withPageNav) / float64(len(stored))
	}
	t.Logf("%s: %d HTML pages reachable, %d stored, %d duplicates, %d navigation blocks; crawl %+v",
		name, len(want), len(stored), len(rec.dups), len(nav), stats)
	if testing.Verbose() {
		t.Logf("%s: navigation blocks: %q", name, first(nav, 12))
	}
	if r.pageNavShare > maxBoilerplateShare {
		t.Errorf("%.1f%% of the stored bodies (%d/%d) hold text of their own page's navigation elements, want ≤ %.0f%%; e.g.\n%s",
			100*r.pageNavShare, withPageNav, len(stored), 100*maxBoilerplateShare, strings.Join(pageExamples, "\n"))
	}
	if r.boilerShare > maxBoilerplateShare {
		t.Errorf("%.1f%% of the stored bodies (%d/%d) hold navigation text, want ≤ %.0f%%; e.g.\n%s",
			100*r.boilerShare, withNav, len(stored), 100*maxBoilerplateShare, strings.Join(examples, "\n"))
	}

	if name == "wikinews-fr-100" {
		r.dated, r.dateAccuracy = checkDatelines(t, stored, base, dir)
	}
	return r
}

// walkCorpus returns the normalised URLs of the HTML pages reachable by
// links from start within base, reading the files under dir.
func walkCorpus(t *testing.T, dir, base, start string) map[string]bool {
	seen := map[string]bool{start: true}
	pages := map[string]bool{}
	queue := []string{start}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		data, ok := corpusFile(dir, base, u)
		if !ok {
			continue // dead link, or not HTML
		}
		pages[u] = true
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		pu := mustParse(t, u)
		for _, href := range hrefs(doc) {
			l, err := extract.NormalizeURL(href, pu)
			if err != nil || !strings.HasPrefix(l, base) || seen[l] {
				continue
			}
			seen[l] = true
			queue = append(queue, l)
		}
	}
	return pages
}

// corpusFile returns the content of the HTML file that page URL u names,
// and false when there is none (a dead link, a directory, a query, not HTML).
func corpusFile(dir, base, u string) ([]byte, bool) {
	pu, err := url.Parse(u)
	if err != nil || pu.RawQuery != "" {
		return nil, false
	}
	ext := strings.ToLower(path.Ext(pu.Path))
	if ext != ".html" && ext != ".htm" && ext != ".xhtml" {
		return nil, false
	}
	p := strings.TrimPrefix(pu.Path, "/")
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path.Clean("/"+p))))
	if err != nil {
		return nil, false
	}
	return data, true
}

func hrefs(doc *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.A || n.DataAtom == atom.Area) {
			for _, a := range n.Attr {
				if a.Key == "href" {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// rawBlockTags end a text block of the raw HTML.
var rawBlockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Td: true, atom.Th: true, atom.Tr: true,
	atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Pre: true, atom.Blockquote: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Nav: true, atom.Aside: true, atom.Body: true, atom.Br: true, atom.Hr: true,
	atom.Caption: true, atom.Figcaption: true, atom.Address: true, atom.Center: true, atom.Form: true,
}

// rawBlocks returns the distinct text blocks of a raw HTML page: the text
// between two block-level tags, whitespace collapsed, of at least three
// letters.
func rawBlocks(doc *html.Node) map[string]bool {
	out := map[string]bool{}
	var cur strings.Builder
	flush := func() {
		s := strings.Join(strings.Fields(cur.String()), " ")
		cur.Reset()
		letters := 0
		for _, r := range s {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 3 {
			out[s] = true
		}
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Head, atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			}
		}
		block := n.Type == html.ElementNode && rawBlockTags[n.DataAtom]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		}
	}
	walk(doc)
	flush()
	return out
}

// navigationBlocks returns the corpus's navigation text: the text blocks of
// the raw HTML found on at least half of its pages (and on two at least).
func navigationBlocks(t *testing.T, pages map[string]bool, base, dir string) []string {
	count := map[string]int{}
	for u := range pages {
		data, ok := corpusFile(dir, base, u)
		if !ok {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for b := range rawBlocks(doc) {
			count[b]++
		}
	}
	var nav []string
	for b, n := range count {
		if n >= 2 && 2*n >= len(pages) {
			nav = append(nav, b)
		}
	}
	sort.Strings(nav)
	return nav
}

// navContainers are the class or id tokens of the navigation elements the
// corpora README lists (DocBook, Publican, Sphinx, lilypond).
var navContainers = map[string]bool{
	"navheader": true, "navfooter": true, "banner": true, "docnav": true, "related": true,
	"sphinxsidebar": true, "tocframe": true, "footer": true,
}

// pageNavigation returns the text blocks of a raw page found only inside its
// navigation elements (<nav>, <footer> and navContainers): the page's own
// previous/next/up links and menus, which differ from page to page.
func pageNavigation(doc *html.Node) []string {
	var navOnly []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			isNav := n.DataAtom == atom.Nav || n.DataAtom == atom.Footer
			for _, a := range n.Attr {
				if a.Key == "class" || a.Key == "id" {
					for _, tok := range strings.Fields(a.Val) {
						isNav = isNav || navContainers[tok]
					}
				}
			}
			if isNav {
				navOnly = append(navOnly, n)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(navOnly) == 0 {
		return nil
	}
	navText := map[string]bool{}
	for _, n := range navOnly {
		for b := range rawBlocks(n) {
			navText[b] = true
		}
	}
	// Take the navigation out to see which blocks the rest also has.
	type cut struct{ parent, node, next *html.Node }
	var cuts []cut
	for _, n := range navOnly {
		cuts = append(cuts, cut{n.Parent, n, n.NextSibling})
		n.Parent.RemoveChild(n)
	}
	rest := rawBlocks(doc)
	for i := len(cuts) - 1; i >= 0; i-- {
		c := cuts[i]
		c.parent.InsertBefore(c.node, c.next)
	}
	var out []string
	for b := range navText {
		if !rest[b] {
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}

// holdsNav returns the navigation block found in body, or "": a block of
// body equal to one, or, when within, holding one of 20 bytes or more.
// (A page's navigation names its neighbours, which its text may cite: "voir
// la section intitulée « … »"; only whole blocks count there.) The page's own
// headings (own) are not navigation on that page, even when menus repeat
// them: a block that one of them holds does not count.
func holdsNav(body string, nav []string, own map[string]bool, within bool) string {
	blocks := strings.Split(body, "\n\n")
nextNav:
	for _, n := range nav {
		for h := range own {
			if strings.Contains(h, n) {
				continue nextNav
			}
		}
		for _, b := range blocks {
			if b == n || within && len(n) >= 20 && strings.Contains(b, n) {
				return n
			}
		}
	}
	return ""
}

// frMonths are the French month names, accents folded.
var frMonths = map[string]time.Month{
	"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
	"aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}

// datelineRE is a Wikinews dateline at the start of the first paragraph:
// "22 mai 2012. -", "1er juin 2012, Espagne. -".
var datelineRE = regexp.MustCompile(`^\s*(\d{1,2})(?:er)? +([[:alpha:]éûÉÛ]+) +(\d{4})\b`)

// trueDateline reads the dateline date of a Wikinews article from its first
// <p>; ok is false when it has none.
func trueDateline(doc *html.Node) (time.Time, bool) {
	p := findElem(doc, atom.P)
	if p == nil {
		return time.Time{}, false
	}
	m := datelineRE.FindStringSubmatch(nodeText(p))
	if m == nil {
		return time.Time{}, false
	}
	month, ok := frMonths[strings.NewReplacer("é", "e", "û", "u", "É", "e", "Û", "u").Replace(strings.ToLower(m[2]))]
	if !ok {
		return time.Time{}, false
	}
	day, _ := strconv.Atoi(m[1])
	year, _ := strconv.Atoi(m[3])
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC), true
}

// checkDatelines compares the stored published dates of the Wikinews
// articles with their datelines and returns the number of dated articles
// and the share of them whose stored date is right.
func checkDatelines(t *testing.T, stored map[string]*missionsearch.Page, base, dir string) (int, float64) {
	dated, right, invented := 0, 0, 0
	var wrong []string
	for u, p := range stored {
		if !strings.Contains(u, "/documents/") {
			continue
		}
		data, ok := corpusFile(dir, base, u)
		if !ok {
			t.Fatalf("%s: no file", u)
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		want, ok := trueDateline(doc)
		if !ok {
			if !p.Published.IsZero() {
				invented++
				t.Logf("%s: no dateline, stored published %s", rel(u, base), p.Published.Format(time.DateOnly))
			}
			continue
		}
		dated++
		if p.Published.Equal(want) {
			right++
		} else if len(wrong) < 10 {
			wrong = append(wrong, rel(u, base)+": stored "+p.Published.Format(time.DateOnly)+", dateline "+want.Format(time.DateOnly))
		}
	}
	if dated < 90 {
		t.Errorf("only %d Wikinews articles with a dateline found, want ≥ 90", dated)
	}
	acc := 0.0
	if dated > 0 {
		acc = float64(right) / float64(dated)
	}
	t.Logf("wikinews dates: %d/%d right (%.1f%%), %d dates on articles without dateline", right, dated, 100*acc, invented)
	if acc < minDateAccuracy {
		t.Errorf("date accuracy %.1f%% (%d/%d), want ≥ %.0f%%; wrong:\n%s", 100*acc, right, dated, 100*minDateAccuracy, strings.Join(wrong, "\n"))
	}
	return dated, acc
}

// headings returns the text of the h1–h6 elements of a raw page,
// whitespace collapsed.
func headings(doc *html.Node) map[string]bool {
	out := map[string]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				out[strings.Join(strings.Fields(nodeText(n)), " ")] = true
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func findElem(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElem(c, a); f != nil {
			return f
		}
	}
	return nil
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func mustParse(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func rel(u, base string) string { return strings.TrimPrefix(u, base) }

func padRight(s string, n int) string {
	for len([]rune(s)) < n {
		s += " "
	}
	return s
}

func padLeft(s string, n int) string {
	for len([]rune(s)) < n {
		s = " " + s
	}
	return s
}
