// Package demosite is missionsearch's own sample mission site: an
// http.Handler serving a small Drupal-like website of a fictitious
// organisation's country mission ("AIM Maroc"), used by the demo command,
// the crawler tests and the end-to-end tests. All its text was written for
// this package; the organisation, the people and the events are fictitious.
//
// The site has French articles in four sections (/fr/news, /fr/stories,
// /fr/press-releases, /fr/events) plus English (/en/news) and Arabic
// (/ar/news) ones, paginated listings (?page=N, 10 a page, 0-based as in
// Drupal), tag pages (/<lang>/tags/<slug>), menu pages, /robots.txt,
// /sitemap.xml, conditional GET on articles, and hostile pages reachable
// from ResourcesPath: two PDF reports (see Reports), an external link, a redirect, a calendar trap,
// a page with broken HTML and a duplicate of an article under its
// /<lang>/node/<id> path.
//
// Every page carries the same layout: a mega-menu with long descriptions, a
// breadcrumb, a sidebar of recent articles and a newsletter block, a share
// bar, "similar articles" on article pages, and a footer. Tests learn what
// a perfect extraction gives from Articles and Boilerplate.
//
// The package imports only the standard library and
// codeberg.org/go-pdf/fpdf, which generates the PDF reports at New; it
// knows nothing of the rest of the module.
package demosite

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed content/*.txt templates/*.html
var files embed.FS

// Paths of the special pages of the site.
const (
	// ResourcesPath is the French page that links to every hostile page
	// below, and to one article through a tracking (utm_*) query.
	ResourcesPath = "/fr/pages/ressources"
	// PDFPath is the annual report 2024, a French PDF of three pages
	// served as application/pdf; Reports describes it and Report2023Path.
	PDFPath = "/sites/default/files/rapport.pdf"
	// ExternalURL is a link to another host, which a crawler restricted to
	// the site's host must not follow.
	ExternalURL = "https://www.example.org/"
	// OldNewsPath answers 301 to an article (see Redirects).
	OldNewsPath = "/fr/old-news"
	// CalendarPath is a crawler trap: CalendarPath?month=N (N ≥ 1, default
	// 1) links to month N+1 for ever, and to N−1 when N > 1.
	CalendarPath = "/fr/calendar"
	// BrokenPath is a French basic page whose HTML is broken: unclosed
	// <p>, <li>, <b> and <td>, upper-case tags, an unquoted attribute, a bare
	// "&", a stray end tag, and no </body></html>.
	BrokenPath = "/fr/pages/ancienne-page"
	// AdminPath is disallowed in robots.txt and must never be fetched by a
	// polite crawler; so is everything under /user/.
	AdminPath = "/admin/"
)

// PageSize is the number of items on a listing page.
const PageSize = 10

// Site is the sample mission site. It is an http.Handler safe for
// concurrent use; its content is fixed at New and never changes, so every
// Site serves the same pages.
type Site struct {
	articles []*article            // newest first
	byPath   map[string]*article   // canonical path → article
	byNode   map[string]*article   // /<lang>/node/<id> → article
	pages    map[string]*basicPage // menu pages, resources, broken page
	lists    map[string]*list      // listing and tag paths
	tmpl     *template.Template
	files    map[string][]byte // PDF reports: path → bytes, shared and read-only

	mu   sync.Mutex
	hits map[string]int
}

// list is a listing of articles: a section or a tag.
type list struct {
	lang, title, view, intro string
	items                    []*article
}

// redirects maps an old path to the target of its 301.
var redirects = map[string]string{
	OldNewsPath:      "/fr/news/ouverture-antenne-oujda",
	"/fr/actualites": "/fr/news",
}

// New returns the site. It panics if the embedded content is malformed or
// a PDF report cannot be generated, which the package tests rule out.
func New() *Site {
	arts, pages, err := loadContent(files)
	if err != nil {
		panic("demosite: " + err.Error())
	}
	pdfs, err := reportFiles()
	if err != nil {
		panic("demosite: " + err.Error())
	}
	slices.SortStableFunc(arts, func(x, y *article) int {
		if c := y.Published.Compare(x.Published); c != 0 {
			return c
		}
		return strings.Compare(x.Path, y.Path)
	})
	s := &Site{
		articles: arts,
		byPath:   map[string]*article{},
		byNode:   map[string]*article{},
		pages:    pages,
		lists:    map[string]*list{},
		tmpl:     template.Must(template.ParseFS(files, "templates/*.html")),
		hits:     map[string]int{},
		files:    pdfs,
	}
	for _, a := range arts {
		s.byPath[a.Path] = a
		s.byNode[fmt.Sprintf("/%s/node/%d", a.Lang, a.node)] = a
		key := "/" + a.Lang + "/" + a.Section
		if s.lists[key] == nil {
			s.lists[key] = &list{lang: a.Lang, title: siteLabels[a.Lang].Sections[a.Section], view: a.Section}
		}
		s.lists[key].items = append(s.lists[key].items, a)
		for i, slug := range a.tagSlugs {
			key := "/" + a.Lang + "/tags/" + slug
			if s.lists[key] == nil {
				s.lists[key] = &list{lang: a.Lang, title: a.Tags[i], view: "taxonomy-term"}
			}
			s.lists[key].items = append(s.lists[key].items, a)
		}
	}
	// Placeholders "node:/path" in basic pages become the article's node path.
	for _, p := range pages {
		if p.raw || !strings.Contains(string(p.bodyHTML), `href="node:`) {
			continue
		}
		h := string(p.bodyHTML)
		for path, a := range s.byPath {
			h = strings.ReplaceAll(h, `href="node:`+path+`"`, fmt.Sprintf(`href="/%s/node/%d"`, a.Lang, a.node))
		}
		p.bodyHTML = template.HTML(h)
	}
	return s
}

// Articles returns the ground truth of every article page, newest first
// (ties by path). The result is a copy the caller may modify.
func (s *Site) Articles() []Article {
	out := make([]Article, len(s.articles))
	for i, a := range s.articles {
		out[i] = a.Article
		out[i].Tags = slices.Clone(a.Tags)
		out[i].Body = slices.Clone(a.Body)
	}
	return out
}

// Boilerplate returns the boilerplate phrases of every language: texts of
// the menus, breadcrumb, sidebar, share bar and footer. Each phrase appears
// on every article page of its language (see BoilerplateFor), and none
// appears in the main content of any page: a correct extraction yields no
// body containing one of them.
func (s *Site) Boilerplate() []string {
	var out []string
	for _, lang := range []string{"fr", "en", "ar"} {
		for _, p := range siteLabels[lang].phrases() {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// BoilerplateFor returns the boilerplate phrases present on every article
// page in lang ("fr", "en" or "ar"); nil for another language. The texts
// are as the browser shows them: the HTML escapes them (' as &#39;).
func (s *Site) BoilerplateFor(lang string) []string {
	l, ok := siteLabels[lang]
	if !ok {
		return nil
	}
	return l.phrases()
}

// Redirects returns the site's permanent redirects, from old path to new
// path. Each target is an article or a listing.
func (s *Site) Redirects() map[string]string {
	m := make(map[string]string, len(redirects))
	for k, v := range redirects {
		m[k] = v
	}
	return m
}

// Paths returns the path (with its query, if any) of every HTML page of
// the site that answers 200 and is reachable by links from "/", except the
// endless CalendarPath pages: the home pages, each page of each listing
// and tag page ("/fr/news", "/fr/news?page=1", …), the menu and basic
// pages, and the articles. It leaves out redirects, the /<lang>/node/<id>
// duplicates, the PDF reports, robots.txt, the sitemap and the disallowed
// /admin/ and /user/ pages. The order is stable.
func (s *Site) Paths() []string {
	out := []string{"/", "/fr", "/en", "/ar"}
	var keys []string
	for k := range s.lists {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, k)
		for p := 1; p*PageSize < len(s.lists[k].items); p++ {
			out = append(out, k+"?page="+strconv.Itoa(p))
		}
	}
	keys = keys[:0]
	for k := range s.pages {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out = append(out, keys...)
	for _, a := range s.articles {
		out = append(out, a.Path)
	}
	return out
}

// Hits returns how many requests the site has answered for path (the URL
// path, without the query), since New or the last ResetHits. Crawler tests
// use it to check that disallowed pages were never fetched and that traps
// were left early.
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
// for unknown paths and 405 for other methods. Absolute URLs (canonical
// links, robots.txt, sitemap) are built from the request's Host.
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
		fmt.Fprintf(w, "#\n# robots.txt of the sample mission site\n#\nUser-agent: *\n# Directories\nDisallow: /admin/\nDisallow: /user/\n# Paths (no clean URLs)\nDisallow: /index.php/admin/\n\nSitemap: %s/sitemap.xml\n", base)
		return
	case p == "/sitemap.xml":
		s.serveSitemap(w, base)
		return
	case s.files[p] != nil:
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", strconv.Itoa(len(s.files[p])))
		w.Write(s.files[p])
		return
	case strings.HasPrefix(p, "/themes/"):
		s.serveAsset(w, r, p)
		return
	case p == "/admin" || strings.HasPrefix(p, "/admin/"), p == "/user" || strings.HasPrefix(p, "/user/"):
		serveRestricted(w)
		return
	case p == CalendarPath:
		s.serveCalendar(w, r)
		return
	}
	if to, ok := redirects[p]; ok {
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return
	}
	if a, ok := s.byPath[p]; ok {
		s.serveArticle(w, r, a, base)
		return
	}
	if a, ok := s.byNode[p]; ok {
		s.serveArticle(w, r, a, base)
		return
	}
	switch p {
	case "/", "/fr", "/en", "/ar":
		s.serveHome(w, p, base)
		return
	}
	if l, ok := s.lists[p]; ok {
		s.serveList(w, r, l)
		return
	}
	if bp, ok := s.pages[p]; ok {
		d := s.newPage(bp.lang, bp.title)
		d.Canonical = base + bp.path
		d.ShareURL = d.Canonical
		d.BodyClass = "path-node page-node-type-page"
		d.CrumbCurrent = bp.title
		d.Main = bp.bodyHTML
		d.Broken = bp.raw
		s.write(w, http.StatusOK, d)
		return
	}
	s.notFound(w, p)
}

// baseURL is the scheme and host the request was sent to.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// serveArticle sends an article page with its validators; http.ServeContent
// answers 304 to a matching If-None-Match or a recent If-Modified-Since.
func (s *Site) serveArticle(w http.ResponseWriter, r *http.Request, a *article, base string) {
	body, err := s.execute(s.articlePage(a, base))
	if err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	mod := a.Published
	if !a.Updated.IsZero() {
		mod = a.Updated
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("ETag", etag(body))
	w.Header().Set("Cache-Control", "max-age=0, public")
	http.ServeContent(w, r, "", mod, strings.NewReader(string(body)))
}

// serveHome sends a home page: "/" and "/fr" in French, "/en", "/ar".
func (s *Site) serveHome(w http.ResponseWriter, p, base string) {
	lang := strings.TrimPrefix(p, "/")
	if lang == "" {
		lang = "fr"
	}
	l := siteLabels[lang]
	d := s.newPage(lang, l.HomeTitle)
	d.Heading = l.Welcome
	d.Canonical = base + "/" + lang
	d.ShareURL = d.Canonical
	d.BodyClass = "path-frontpage"
	h := &homeView{}
	for _, a := range s.articles {
		if a.Lang != lang || len(h.Items) == 3 {
			continue
		}
		href := a.Path
		if lang == "fr" && len(h.Items) < 2 {
			// Tracking links, as newsletters and social posts leave them.
			href += "?utm_source=home&utm_medium=une&utm_campaign=featured"
		}
		h.Items = append(h.Items, item(a, href))
	}
	for _, sec := range []string{"news", "stories", "press-releases", "events"} {
		if s.lists["/"+lang+"/"+sec] != nil {
			h.Rubrics = append(h.Rubrics, link{"/" + lang + "/" + sec, l.Sections[sec]})
		}
	}
	if lang == "fr" {
		h.Rubrics = append(h.Rubrics, link{ResourcesPath, "Publications et ressources"})
	}
	d.Home = h
	s.write(w, http.StatusOK, d)
}

// serveList sends one page of a listing; ?page=N is 0-based and a page
// past the end, or a malformed N, is a 404.
func (s *Site) serveList(w http.ResponseWriter, r *http.Request, l *list) {
	page := 0
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n*PageSize >= len(l.items) {
			s.notFound(w, r.URL.Path)
			return
		}
		page = n
	}
	d := s.newPage(l.lang, l.title)
	d.BodyClass = "path-" + l.view
	d.CrumbCurrent = l.title
	d.ShareURL = baseURL(r) + r.URL.Path
	v := &listingView{View: l.view}
	end := min(len(l.items), (page+1)*PageSize)
	for _, a := range l.items[page*PageSize : end] {
		v.Items = append(v.Items, item(a, a.Path))
	}
	if pages := (len(l.items) + PageSize - 1) / PageSize; pages > 1 {
		for i := range pages {
			v.Pages = append(v.Pages, pagerLink{Href: "?page=" + strconv.Itoa(i), N: i + 1, Current: i == page})
		}
		if page > 0 {
			v.Prev = "?page=" + strconv.Itoa(page-1)
		}
		if page < pages-1 {
			v.Next = "?page=" + strconv.Itoa(page+1)
		}
	}
	d.Listing = v
	s.write(w, http.StatusOK, d)
}

// serveCalendar sends month N of the endless calendar.
func (s *Site) serveCalendar(w http.ResponseWriter, r *http.Request) {
	n := 1
	if v := r.URL.Query().Get("month"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			s.notFound(w, r.URL.Path)
			return
		}
	}
	d := s.newPage("fr", "Calendrier des activités")
	d.BodyClass = "path-calendar"
	d.CrumbCurrent = d.Title
	d.ShareURL = baseURL(r) + CalendarPath
	var b strings.Builder
	fmt.Fprintf(&b, "<p>Mois n° %d : aucune activité publique n'est encore programmée pour cette période.</p>\n<ul class=\"calendar-pager\">\n", n)
	if n > 1 {
		fmt.Fprintf(&b, "<li><a href=\"%s?month=%d\">Mois précédent</a></li>\n", CalendarPath, n-1)
	}
	fmt.Fprintf(&b, "<li><a href=\"%s?month=%d\">Mois suivant</a></li>\n</ul>\n", CalendarPath, n+1)
	d.Main = template.HTML(b.String())
	s.write(w, http.StatusOK, d)
}

// notFound sends the site's 404 page.
func (s *Site) notFound(w http.ResponseWriter, p string) {
	lang := "fr"
	if strings.HasPrefix(p, "/en/") {
		lang = "en"
	} else if strings.HasPrefix(p, "/ar/") {
		lang = "ar"
	}
	l := siteLabels[lang]
	d := s.newPage(lang, l.NotFoundTitle)
	d.NoIndex = true
	d.BodyClass = "path-404"
	d.CrumbCurrent = l.NotFoundTitle
	d.Main = template.HTML("<p>" + template.HTMLEscapeString(l.NotFound) + "</p>")
	s.write(w, http.StatusNotFound, d)
}
