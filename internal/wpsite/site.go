// Package wpsite is missionsearch's second sample mission site: an
// http.Handler serving a small WordPress-like website of a fictitious
// organisation's country mission ("Bureau de l'AIM en Tunisie"), shaped
// unlike the Drupal-like internal/demosite so that crawler and extractor
// tests check that they generalise. All its text was written for this
// package; the organisation, the people and the events are fictitious.
//
// French posts live at flat permalinks "/<slug>/", English and Arabic ones
// at "/en/<slug>/" and "/ar/<slug>/" (Polylang style), linked to their
// translations by <link rel="alternate" hreflang> and a language switcher.
// Listings are WordPress archives, 10 teasers a page with pages
// ".../page/N/": the language homes "/", "/en/", "/ar/", the category,
// tag, author and monthly ("/2021/10/") archives. There are four static
// pages, PDF reports under /wp-content/uploads/ (among them a scanned, a
// truncated and a mislabelled one), /robots.txt and no sitemap.
//
// Each post gives its publication date in one way only (see
// Post.DateSource): a <time> element, Yoast JSON-LD, a meta element, a
// French byline in words or in digits, or nothing at all but the teasers
// of the listings. Listings and static pages carry no date of their own.
//
// Every page has the same theme layout: a header with the site title,
// the menu and the language switcher, a sidebar (recent posts,
// categories with counts, monthly archives, tag cloud, search form) and
// a footer.
//
// The package imports only the standard library and
// codeberg.org/go-pdf/fpdf; it knows nothing of the rest of the module.
package wpsite

import (
	"embed"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed content/*.txt
var files embed.FS

// Paths of the special pages of the site.
const (
	// MalformedJSONLDPath is a post whose Yoast JSON-LD is not valid JSON;
	// its <time> element gives the date (DateSource "time").
	MalformedJSONLDPath = "/atelier-protection-donnees-personnelles/"
	// ConflictingDatesPath is a post whose visible <time> element shows a
	// wrong day (the theme prints the day of a later edit as if it were
	// the publication day); the JSON-LD datePublished is the truth
	// (DateSource "jsonld").
	ConflictingDatesPath = "/caravane-sante-gafsa/"
	// DeadLinkPath is linked from a post but answers 404: the page was
	// deleted.
	DeadLinkPath = "/programme-2018-archive/"
	// AdminPath is disallowed in robots.txt and answers a login page; no
	// page links to it.
	AdminPath = "/wp-admin/"
)

// PageSize is the number of teasers on a listing page.
const PageSize = 10

// Site is the sample WordPress site. It is an http.Handler safe for
// concurrent use; its content is fixed at New and never changes, so every
// Site serves the same bytes.
type Site struct {
	posts     []*post // newest first
	byPath    map[string]*post
	statics   map[string]*staticPage
	lists     []*listing          // in Paths order
	listPages map[string]listPage // every page of every listing
	pdfs      []*pdfFile
	pdfByPath map[string]*pdfFile

	mu   sync.Mutex
	hits map[string]int
}

// listing is a WordPress archive: a language home, a category, a tag, an
// author or a month.
type listing struct {
	path     string // first page, ending in "/"
	lang     string
	kind     string // "home", "category", "tag", "author", "date"
	title    string // <h1>; "" on the homes
	og       bool   // og:type website
	dateText func(time.Time) string
	items    []*post
}

// pages is the number of pages of l.
func (l *listing) pages() int { return max(1, (len(l.items)+PageSize-1)/PageSize) }

// pagePath is the path of page n (1-based) of l.
func (l *listing) pagePath(n int) string {
	if n == 1 {
		return l.path
	}
	return l.path + "page/" + strconv.Itoa(n) + "/"
}

type listPage struct {
	l *listing
	n int
}

// New returns the site. It panics if the embedded content is malformed,
// which the package tests rule out.
func New() *Site {
	posts, statics, err := loadContent(files)
	if err != nil {
		panic("wpsite: " + err.Error())
	}
	s := &Site{
		posts:     posts,
		byPath:    map[string]*post{},
		statics:   statics,
		listPages: map[string]listPage{},
		pdfByPath: map[string]*pdfFile{},
		hits:      map[string]int{},
	}
	for _, p := range posts {
		s.byPath[p.Path] = p
	}
	if err := s.link(); err != nil {
		panic("wpsite: " + err.Error())
	}
	s.buildListings()
	if s.pdfs, err = buildPDFs(); err != nil {
		panic("wpsite: " + err.Error())
	}
	for _, f := range s.pdfs {
		s.pdfByPath[f.Path] = f
	}
	for _, p := range posts {
		for _, f := range p.PDFs {
			if s.pdfByPath[f] == nil {
				panic("wpsite: " + p.Path + " links to unknown PDF " + f)
			}
			s.pdfByPath[f].CitedBy = append(s.pdfByPath[f].CitedBy, p.Path)
		}
	}
	return s
}

// link joins translations and chains the posts of each language for the
// post navigation.
func (s *Site) link() error {
	groups := map[string]map[string]string{} // French path → lang → path
	for _, p := range s.posts {
		fr := p.Path
		if p.Lang != "fr" {
			fr = p.header["translates"]
			if fr == "" {
				continue
			}
			if q := s.byPath[fr]; q == nil || q.Lang != "fr" {
				return fmt.Errorf("%s translates %s, not a French post", p.Path, fr)
			}
		}
		if groups[fr] == nil {
			groups[fr] = map[string]string{"fr": fr}
		}
		if p.Lang != "fr" {
			if groups[fr][p.Lang] != "" {
				return fmt.Errorf("%s has two %s translations", fr, p.Lang)
			}
			groups[fr][p.Lang] = p.Path
		}
	}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		for _, path := range g {
			s.byPath[path].Translations = maps.Clone(g)
		}
	}
	last := map[string]*post{}
	for i := len(s.posts) - 1; i >= 0; i-- {
		p := s.posts[i]
		if q := last[p.Lang]; q != nil {
			p.older, q.newer = q, p
		}
		last[p.Lang] = p
	}
	for path, want := range map[string]string{MalformedJSONLDPath: "time", ConflictingDatesPath: "jsonld"} {
		p := s.byPath[path]
		if p == nil || p.DateSource != want {
			return fmt.Errorf("special post %s missing or not of source %s", path, want)
		}
	}
	if s.byPath[ConflictingDatesPath].shown.IsZero() {
		return fmt.Errorf("%s has no shown date", ConflictingDatesPath)
	}
	return nil
}

// buildListings makes every archive and indexes its pages.
func (s *Site) buildListings() {
	byPath := map[string]*listing{}
	add := func(path, lang, kind, title string, dateText func(time.Time) string, p *post) {
		l := byPath[path]
		if l == nil {
			l = &listing{path: path, lang: lang, kind: kind, title: title, dateText: dateText}
			byPath[path] = l
		}
		l.items = append(l.items, p)
	}
	for _, p := range s.posts {
		lb := siteLabels[p.Lang]
		add(lb.Prefix+"/", p.Lang, "home", "", lb.longDate, p)
		add(lb.Prefix+"/category/"+p.Category+"/", p.Lang, "category", lb.Category+lb.CatNames[p.Category], lb.longDate, p)
		tagDate := lb.longDate
		if p.Lang == "fr" {
			tagDate = numericDate
		}
		for i, t := range p.Tags {
			add(lb.Prefix+"/tag/"+p.tagSlugs[i]+"/", p.Lang, "tag", lb.Tag+t, tagDate, p)
		}
		t := p.Published.In(tunis)
		add(fmt.Sprintf("%s/%04d/%02d/", lb.Prefix, t.Year(), t.Month()), p.Lang, "date", lb.Month+lb.monthName(t.Year(), t.Month()), lb.longDate, p)
		add("/author/"+p.author+"/", "fr", "author", siteLabels["fr"].Author+p.Author, abbrDate, p)
	}
	for _, k := range slices.Sorted(maps.Keys(byPath)) {
		l := byPath[k]
		l.og = l.kind == "home" || l.kind == "category"
		s.lists = append(s.lists, l)
		for n := 1; n <= l.pages(); n++ {
			s.listPages[l.pagePath(n)] = listPage{l, n}
		}
	}
}

// Posts returns the ground truth of every post, newest first. The result
// is a copy the caller may modify.
func (s *Site) Posts() []Post {
	out := make([]Post, len(s.posts))
	for i, p := range s.posts {
		out[i] = p.Post
		out[i].Tags = slices.Clone(p.Tags)
		out[i].Body = slices.Clone(p.Body)
		out[i].Headings = slices.Clone(p.Headings)
		out[i].Translations = maps.Clone(p.Translations)
		out[i].PDFs = slices.Clone(p.PDFs)
	}
	return out
}

// PDFs returns the ground truth of every PDF file the site serves, each
// linked from at least one post. The result is a copy the caller may
// modify.
func (s *Site) PDFs() []PDF {
	out := make([]PDF, len(s.pdfs))
	for i, f := range s.pdfs {
		out[i] = f.PDF
		out[i].CitedBy = slices.Clone(f.CitedBy)
	}
	return out
}

// Types returns the expected page type of every path the site serves and
// links to, except robots.txt, the stylesheet and DeadLinkPath: "article"
// for posts, "listing" for every page of every archive (language homes,
// categories, tags, authors, months), "static" for the static pages and
// "document" for the PDF files.
func (s *Site) Types() map[string]string {
	m := map[string]string{}
	for _, p := range s.posts {
		m[p.Path] = "article"
	}
	for path := range s.listPages {
		m[path] = "listing"
	}
	for path := range s.statics {
		m[path] = "static"
	}
	for _, f := range s.pdfs {
		m[f.Path] = "document"
	}
	return m
}

// Paths returns the path of every HTML page of the site that answers 200
// and is linked from another page: every page of every listing, the static
// pages and the posts, in a stable order. It leaves out the PDFs,
// robots.txt, AdminPath and the redirects WordPress answers (a path
// without its final slash, ".../page/1/").
func (s *Site) Paths() []string {
	var out []string
	for _, l := range s.lists {
		for n := 1; n <= l.pages(); n++ {
			out = append(out, l.pagePath(n))
		}
	}
	out = append(out, slices.Sorted(maps.Keys(s.statics))...)
	for _, p := range s.posts {
		out = append(out, p.Path)
	}
	return out
}

// Hits returns how many requests the site has answered for path (the URL
// path, without the query) since New or the last ResetHits.
func (s *Site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// ResetHits sets every request count back to zero.
func (s *Site) ResetHits() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.hits)
}

// ServeHTTP answers GET and HEAD requests for the pages of the site, 404
// with the theme's "Page introuvable" page for unknown paths (the
// sitemaps included), and 405 for other methods. A known path without its
// final slash, and ".../page/1/", answer 301 to the canonical path, as
// WordPress does. Absolute URLs (canonical and hreflang links, JSON-LD)
// are built from the request's Host.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	s.mu.Lock()
	s.hits[p]++
	s.mu.Unlock()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	base := baseURL(r)
	switch {
	case p == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n")
		return
	case p == stylePath:
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		fmt.Fprint(w, styleCSS)
		return
	case strings.HasPrefix(p, AdminPath):
		serveLogin(w)
		return
	}
	if f, ok := s.pdfByPath[p]; ok {
		f.serve(w, r)
		return
	}
	if po, ok := s.byPath[p]; ok {
		s.servePost(w, r, po, base)
		return
	}
	if lp, ok := s.listPages[p]; ok {
		s.write(w, http.StatusOK, s.listingPage(lp.l, lp.n, base))
		return
	}
	if sp, ok := s.statics[p]; ok {
		s.write(w, http.StatusOK, s.staticPage(sp, base))
		return
	}
	if strings.HasSuffix(p, "/page/1/") {
		if lp, ok := s.listPages[strings.TrimSuffix(p, "page/1/")]; ok && lp.n == 1 {
			http.Redirect(w, r, lp.l.path, http.StatusMovedPermanently)
			return
		}
	}
	if !strings.HasSuffix(p, "/") && s.known(p+"/") {
		http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
		return
	}
	s.write(w, http.StatusNotFound, s.notFoundPage(p, base))
}

// known reports whether p is the path of an HTML page.
func (s *Site) known(p string) bool {
	_, a := s.byPath[p]
	_, b := s.listPages[p]
	_, c := s.statics[p]
	return a || b || c
}

// baseURL is the scheme and host the request was sent to.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// servePost sends a post page with its validators; http.ServeContent
// answers 304 to a matching If-None-Match or a recent If-Modified-Since.
func (s *Site) servePost(w http.ResponseWriter, r *http.Request, p *post, base string) {
	body := s.postPage(p, base)
	mod := p.Published
	if !p.Updated.IsZero() {
		mod = p.Updated
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("ETag", etag(body))
	http.ServeContent(w, r, "", mod, strings.NewReader(string(body)))
}

// write sends an HTML page with the given status.
func (s *Site) write(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
