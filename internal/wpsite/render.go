package wpsite

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// esc escapes text for HTML content and attribute values.
var esc = html.EscapeString

// page is what the layout renders: one HTML page of the site.
type page struct {
	lang        string
	title       string // <title> before the site name
	description string
	path        string // canonical path
	ogType      string // "" leaves og:type out
	head        []string
	graph       []any // Yoast @graph nodes; nil leaves the script out
	brokenLD    bool  // write the JSON-LD with a syntax error
	bodyClass   string
	switcher    map[string]string // lang → href; missing languages go to their home
	main        string
	noIndex     bool
}

const (
	stylePath = "/wp-content/themes/mission/style.css"
	styleCSS  = "body{font-family:sans-serif;margin:0}.screen-reader-text{position:absolute!important;clip:rect(1px,1px,1px,1px);height:1px;width:1px;overflow:hidden}#primary{float:left;width:68%}#secondary{float:right;width:28%}.site-footer{clear:both}\n"
)

// render writes the whole page with the theme's layout.
func (s *Site) render(base string, p *page) []byte {
	l := siteLabels[p.lang]
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"UTF-8\">\n", l.HTMLLang, l.Dir)
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	title := l.SiteName
	if p.title != "" {
		title = p.title + " – " + l.SiteName
	}
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(title))
	if p.noIndex {
		b.WriteString("<meta name=\"robots\" content=\"noindex, follow\">\n")
	} else {
		b.WriteString("<meta name=\"robots\" content=\"index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1\">\n")
	}
	if p.description != "" {
		fmt.Fprintf(&b, "<meta name=\"description\" content=\"%s\">\n", esc(p.description))
	}
	if p.path != "" {
		fmt.Fprintf(&b, "<link rel=\"canonical\" href=\"%s\">\n", esc(base+p.path))
	}
	fmt.Fprintf(&b, "<meta property=\"og:locale\" content=\"%s\">\n", l.Locale)
	if p.ogType != "" {
		fmt.Fprintf(&b, "<meta property=\"og:type\" content=\"%s\">\n", p.ogType)
	}
	fmt.Fprintf(&b, "<meta property=\"og:title\" content=\"%s\">\n", esc(title))
	if p.path != "" {
		fmt.Fprintf(&b, "<meta property=\"og:url\" content=\"%s\">\n", esc(base+p.path))
	}
	fmt.Fprintf(&b, "<meta property=\"og:site_name\" content=\"%s\">\n", esc(l.SiteName))
	for _, h := range p.head {
		b.WriteString(h + "\n")
	}
	if p.graph != nil {
		ld, _ := json.Marshal(map[string]any{"@context": "https://schema.org", "@graph": p.graph})
		if p.brokenLD {
			// A plugin conflict cut the last brackets and left a comma.
			ld = append(ld[:len(ld)-3], ",\n"...)
		}
		fmt.Fprintf(&b, "<script type=\"application/ld+json\" class=\"yoast-schema-graph\">%s</script>\n", ld)
	}
	fmt.Fprintf(&b, "<link rel=\"stylesheet\" id=\"mission-style-css\" href=\"%s?ver=1.4.2\" media=\"all\">\n", stylePath)
	b.WriteString("<meta name=\"generator\" content=\"WordPress 6.4.3\">\n</head>\n")
	fmt.Fprintf(&b, "<body class=\"%s\">\n<div id=\"page\" class=\"site\">\n", p.bodyClass)
	b.WriteString("<a class=\"skip-link screen-reader-text\" href=\"#primary\">Aller au contenu</a>\n")

	// Header: title, menu, language switcher.
	home := l.Prefix + "/"
	b.WriteString("<header id=\"masthead\" class=\"site-header\">\n<div class=\"site-branding\">\n")
	fmt.Fprintf(&b, "<p class=\"site-title\"><a href=\"%s\" rel=\"home\">%s</a></p>\n", home, esc(l.SiteName))
	fmt.Fprintf(&b, "<p class=\"site-description\">%s</p>\n</div>\n", esc(l.Tagline))
	b.WriteString("<nav id=\"site-navigation\" class=\"main-navigation\">\n<ul id=\"primary-menu\" class=\"menu\">\n")
	for i, m := range l.Menu {
		fmt.Fprintf(&b, "<li id=\"menu-item-%d\" class=\"menu-item menu-item-type-custom\"><a href=\"%s\">%s</a></li>\n", 10+i, m.Href, esc(m.Label))
	}
	b.WriteString("</ul>\n</nav>\n<ul class=\"lang-switcher\">\n")
	for _, lang := range []string{"fr", "en", "ar"} {
		href, ok := p.switcher[lang]
		if !ok {
			href = siteLabels[lang].Prefix + "/"
		}
		cls := "lang-item lang-item-" + lang
		if lang == p.lang {
			cls += " current-lang"
		}
		fmt.Fprintf(&b, "<li class=\"%s\"><a lang=\"%s\" hreflang=\"%s\" href=\"%s\">%s</a></li>\n", cls, siteLabels[lang].HTMLLang, siteLabels[lang].HTMLLang, href, langNames[lang])
	}
	b.WriteString("</ul>\n</header>\n")

	b.WriteString("<div id=\"content\" class=\"site-content\">\n<main id=\"primary\" class=\"site-main\">\n")
	b.WriteString(p.main)
	b.WriteString("</main>\n")
	b.WriteString(s.sidebar(p.lang))
	b.WriteString("</div>\n")

	b.WriteString("<footer id=\"colophon\" class=\"site-footer\">\n<div class=\"footer-widgets\">\n<section class=\"widget widget_text\"><address>")
	for i, a := range l.Address {
		if i > 0 {
			b.WriteString("<br>")
		}
		b.WriteString(esc(a))
	}
	b.WriteString("</address></section>\n<ul class=\"footer-menu\">\n")
	for _, m := range l.Legal {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", m.Href, esc(m.Label))
	}
	fmt.Fprintf(&b, "</ul>\n</div>\n<div class=\"site-info\">%s</div>\n</footer>\n</div>\n</body>\n</html>\n", esc(l.Copyright))
	return []byte(b.String())
}

// sidebar renders the widgets of lang's pages.
func (s *Site) sidebar(lang string) string {
	l := siteLabels[lang]
	var b strings.Builder
	b.WriteString("<aside id=\"secondary\" class=\"widget-area\">\n")
	fmt.Fprintf(&b, "<section id=\"search-2\" class=\"widget widget_search\"><form role=\"search\" method=\"get\" class=\"search-form\" action=\"%s/\"><label><span class=\"screen-reader-text\">%s</span><input type=\"search\" class=\"search-field\" value=\"\" name=\"s\"></label><input type=\"submit\" class=\"search-submit\" value=\"%s\"></form></section>\n",
		l.Prefix, esc(l.Search), esc(l.SearchButton))
	fmt.Fprintf(&b, "<section id=\"recent-posts-2\" class=\"widget widget_recent_entries\"><h2 class=\"widget-title\">%s</h2>\n<ul>\n", esc(l.Recent))
	n := 0
	for _, p := range s.posts {
		if p.Lang == lang && n < 5 {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", p.Path, esc(p.Title))
			n++
		}
	}
	b.WriteString("</ul>\n</section>\n")
	fmt.Fprintf(&b, "<section id=\"categories-2\" class=\"widget widget_categories\"><h2 class=\"widget-title\">%s</h2>\n<ul>\n", esc(l.Categories))
	var months []*listing
	var tags []*listing
	for _, li := range s.lists {
		if li.lang != lang {
			continue
		}
		switch li.kind {
		case "category":
			fmt.Fprintf(&b, "<li class=\"cat-item\"><a href=\"%s\">%s</a> (%d)</li>\n", li.path, esc(strings.TrimPrefix(li.title, l.Category)), len(li.items))
		case "date":
			months = append(months, li)
		case "tag":
			tags = append(tags, li)
		}
	}
	b.WriteString("</ul>\n</section>\n")
	fmt.Fprintf(&b, "<section id=\"archives-2\" class=\"widget widget_archive\"><h2 class=\"widget-title\">%s</h2>\n<ul>\n", esc(l.Archives))
	for _, li := range slices.Backward(months) {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", li.path, esc(strings.TrimPrefix(li.title, l.Month)))
	}
	b.WriteString("</ul>\n</section>\n")
	fmt.Fprintf(&b, "<section id=\"tag_cloud-2\" class=\"widget widget_tag_cloud\"><h2 class=\"widget-title\">%s</h2>\n<div class=\"tagcloud\">\n", esc(l.Tags))
	for _, li := range tags {
		size := 8 + 2*min(len(li.items), 7)
		fmt.Fprintf(&b, "<a href=\"%s\" class=\"tag-cloud-link\" style=\"font-size: %dpt;\" aria-label=\"%s (%d)\">%s</a>\n",
			li.path, size, esc(strings.TrimPrefix(li.title, l.Tag)), len(li.items), esc(strings.TrimPrefix(li.title, l.Tag)))
	}
	b.WriteString("</div>\n</section>\n</aside>\n")
	return b.String()
}

// ldTime writes t as Yoast does: in UTC with an explicit +00:00.
func ldTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

// siteNodes are the WebSite and Organization nodes of every page's graph.
func siteNodes(base string, l *labels) []any {
	return []any{
		map[string]any{
			"@type": "WebSite", "@id": base + "/#website", "url": base + "/", "name": l.SiteName,
			"description": l.Tagline, "inLanguage": l.HTMLLang,
			"publisher": map[string]any{"@id": base + "/#organization"},
			"potentialAction": []any{map[string]any{
				"@type":       "SearchAction",
				"target":      map[string]any{"@type": "EntryPoint", "urlTemplate": base + "/?s={search_term_string}"},
				"query-input": "required name=search_term_string",
			}},
		},
		map[string]any{"@type": "Organization", "@id": base + "/#organization", "name": l.SiteName, "url": base + "/"},
	}
}

// crumbs is a BreadcrumbList node.
func crumbs(base, path, name string, l *labels) map[string]any {
	items := []any{map[string]any{"@type": "ListItem", "position": 1, "name": l.Menu[0].Label, "item": base + l.Prefix + "/"}}
	if name != "" {
		items = append(items, map[string]any{"@type": "ListItem", "position": 2, "name": name})
	}
	return map[string]any{"@type": "BreadcrumbList", "@id": base + path + "#breadcrumb", "itemListElement": items}
}

// postPage renders the page of p.
func (s *Site) postPage(p *post, base string) []byte {
	l := siteLabels[p.Lang]
	url := base + p.Path
	pg := &page{
		lang: p.Lang, title: p.Title, description: p.Description, path: p.Path, ogType: "article",
		bodyClass: fmt.Sprintf("post-template-default single single-post postid-%d single-format-standard", p.id),
		switcher:  p.Translations,
	}
	if p.Translations != nil {
		for _, lang := range slices.Sorted(maps.Keys(p.Translations)) {
			pg.head = append(pg.head, fmt.Sprintf("<link rel=\"alternate\" hreflang=\"%s\" href=\"%s\">", siteLabels[lang].HTMLLang, esc(base+p.Translations[lang])))
		}
		pg.head = append(pg.head, fmt.Sprintf("<link rel=\"alternate\" hreflang=\"x-default\" href=\"%s\">", esc(base+p.Translations["fr"])))
	}
	webPage := map[string]any{
		"@type": "WebPage", "@id": url, "url": url, "name": p.Title + " – " + l.SiteName, "inLanguage": l.HTMLLang,
		"isPartOf": map[string]any{"@id": base + "/#website"}, "breadcrumb": map[string]any{"@id": url + "#breadcrumb"},
		"description": p.Description,
	}
	pg.graph = []any{webPage}
	modified := p.Updated
	if modified.IsZero() {
		modified = p.Published
	}
	switch p.DateSource {
	case "jsonld":
		webPage["datePublished"], webPage["dateModified"] = ldTime(p.Published), ldTime(modified)
		pg.graph = append(pg.graph, map[string]any{
			"@type": "Article", "@id": url + "#article", "headline": p.Title, "isPartOf": map[string]any{"@id": url},
			"mainEntityOfPage": map[string]any{"@id": url}, "author": map[string]any{"@type": "Person", "name": p.Author},
			"datePublished": ldTime(p.Published), "dateModified": ldTime(modified),
			"articleSection": []string{l.CatNames[p.Category]}, "keywords": p.Tags, "inLanguage": l.HTMLLang,
			"publisher": map[string]any{"@id": base + "/#organization"},
		})
	case "meta":
		pg.head = append(pg.head, fmt.Sprintf("<meta property=\"article:published_time\" content=\"%s\">", p.Published.Format(time.RFC3339)))
		if !p.Updated.IsZero() {
			pg.head = append(pg.head, fmt.Sprintf("<meta property=\"article:modified_time\" content=\"%s\">", p.Updated.Format(time.RFC3339)))
		}
	}
	if p.Path == MalformedJSONLDPath {
		// The truth, in a script no JSON parser accepts.
		webPage["datePublished"], webPage["dateModified"] = ldTime(p.Published), ldTime(modified)
		pg.brokenLD = true
	}
	pg.graph = append(pg.graph, crumbs(base, p.Path, p.Title, l))
	pg.graph = append(pg.graph, siteNodes(base, l)...)

	var b strings.Builder
	fmt.Fprintf(&b, "<article id=\"post-%d\" class=\"post-%d post type-post status-publish format-standard hentry category-%s", p.id, p.id, p.Category)
	for _, t := range p.tagSlugs {
		b.WriteString(" tag-" + t)
	}
	b.WriteString("\">\n<header class=\"entry-header\">\n")
	fmt.Fprintf(&b, "<h1 class=\"entry-title\">%s</h1>\n<div class=\"entry-meta\">\n", esc(p.Title))
	switch p.DateSource {
	case "time":
		fmt.Fprintf(&b, "<span class=\"posted-on\">%s <a href=\"%s\" rel=\"bookmark\"><time class=\"entry-date published\" datetime=\"%s\">%s</time>",
			esc(l.Posted), p.Path, p.Published.Format(time.RFC3339), esc(l.longDate(p.Published)))
		if !p.Updated.IsZero() {
			fmt.Fprintf(&b, "<time class=\"updated\" datetime=\"%s\">%s</time>", p.Updated.Format(time.RFC3339), esc(l.longDate(p.Updated)))
		}
		b.WriteString("</a></span>\n")
	case "jsonld":
		if !p.shown.IsZero() {
			fmt.Fprintf(&b, "<span class=\"posted-on\">%s <a href=\"%s\" rel=\"bookmark\"><time class=\"entry-date published\" datetime=\"%s\">%s</time></a></span>\n",
				esc(l.Posted), p.Path, p.shown.Format(time.RFC3339), esc(l.longDate(p.shown)))
		}
	case "prose":
		d := esc(l.Posted) + " " + esc(l.longDate(p.Published))
		if p.byline == "abbr" {
			d = abbrDate(p.Published)
		}
		fmt.Fprintf(&b, "<span class=\"posted-on\">%s</span>\n", d)
	case "numeric":
		d := numericDate(p.Published)
		if p.byline == "publie" {
			d = esc(l.Posted) + " " + d
		}
		fmt.Fprintf(&b, "<span class=\"posted-on\">%s</span>\n", d)
	}
	fmt.Fprintf(&b, "<span class=\"byline\"> %s <span class=\"author vcard\"><a class=\"url fn n\" href=\"/author/%s/\">%s</a></span></span>\n</div>\n</header>\n",
		esc(l.By), p.author, esc(p.Author))
	fmt.Fprintf(&b, "<div class=\"entry-content\">\n%s</div>\n", p.bodyHTML)
	fmt.Fprintf(&b, "<footer class=\"entry-footer\">\n<span class=\"cat-links\">%s <a href=\"%s/category/%s/\" rel=\"category tag\">%s</a></span>\n",
		esc(l.Filed), l.Prefix, p.Category, esc(l.CatNames[p.Category]))
	if len(p.Tags) > 0 {
		fmt.Fprintf(&b, "<span class=\"tags-links\">%s ", esc(l.Tagged))
		for i, t := range p.Tags {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "<a href=\"%s/tag/%s/\" rel=\"tag\">%s</a>", l.Prefix, p.tagSlugs[i], esc(t))
		}
		b.WriteString("</span>\n")
	}
	b.WriteString("</footer>\n</article>\n")
	if p.older != nil || p.newer != nil {
		fmt.Fprintf(&b, "<nav class=\"navigation post-navigation\" aria-label=\"%s\">\n<div class=\"nav-links\">\n", esc(l.Pagination))
		if p.older != nil {
			fmt.Fprintf(&b, "<div class=\"nav-previous\"><a href=\"%s\" rel=\"prev\"><span class=\"nav-subtitle\">%s</span> <span class=\"nav-title\">%s</span></a></div>\n", p.older.Path, esc(l.Older), esc(p.older.Title))
		}
		if p.newer != nil {
			fmt.Fprintf(&b, "<div class=\"nav-next\"><a href=\"%s\" rel=\"next\"><span class=\"nav-subtitle\">%s</span> <span class=\"nav-title\">%s</span></a></div>\n", p.newer.Path, esc(l.Newer), esc(p.newer.Title))
		}
		b.WriteString("</div>\n</nav>\n")
	}
	pg.main = b.String()
	return s.render(base, pg)
}

// listingPage renders page n of li.
func (s *Site) listingPage(li *listing, n int, base string) []byte {
	l := siteLabels[li.lang]
	path := li.pagePath(n)
	pg := &page{lang: li.lang, title: li.title, path: path, bodyClass: "archive " + li.kind}
	if li.kind == "home" {
		pg.bodyClass = "home blog"
	}
	if n > 1 {
		pg.title = strings.TrimSpace(li.title + " – Page " + fmt.Sprint(n))
		pg.bodyClass += " paged paged-" + fmt.Sprint(n)
	}
	if li.og {
		pg.ogType = "website"
	}
	pg.graph = append([]any{
		map[string]any{"@type": "CollectionPage", "@id": base + path, "url": base + path, "name": pg.title, "inLanguage": l.HTMLLang,
			"isPartOf": map[string]any{"@id": base + "/#website"}, "breadcrumb": map[string]any{"@id": base + path + "#breadcrumb"}},
		crumbs(base, path, li.title, l),
	}, siteNodes(base, l)...)
	var b strings.Builder
	if li.title != "" {
		fmt.Fprintf(&b, "<header class=\"page-header\">\n<h1 class=\"page-title\">%s</h1>\n</header>\n", esc(li.title))
	} else {
		fmt.Fprintf(&b, "<header class=\"page-header\">\n<h1 class=\"page-title screen-reader-text\">%s</h1>\n</header>\n", esc(l.Latest))
	}
	end := min(len(li.items), n*PageSize)
	for _, p := range li.items[(n-1)*PageSize : end] {
		pl := siteLabels[p.Lang]
		fmt.Fprintf(&b, "<article id=\"post-%d\" class=\"post-%d post type-post status-publish format-standard hentry category-%s\">\n", p.id, p.id, p.Category)
		fmt.Fprintf(&b, "<header class=\"entry-header\">\n<h2 class=\"entry-title\"><a href=\"%s\" rel=\"bookmark\">%s</a></h2>\n", p.Path, esc(p.Title))
		fmt.Fprintf(&b, "<div class=\"entry-meta\"><span class=\"posted-on\"><a href=\"%s\" rel=\"bookmark\">%s</a></span> <span class=\"cat-links\"><a href=\"%s/category/%s/\" rel=\"category tag\">%s</a></span></div>\n</header>\n",
			p.Path, esc(li.dateText(p.Published)), pl.Prefix, p.Category, esc(pl.CatNames[p.Category]))
		fmt.Fprintf(&b, "<div class=\"entry-summary\">\n<p>%s</p>\n</div>\n</article>\n", esc(p.Description))
	}
	if pages := li.pages(); pages > 1 {
		fmt.Fprintf(&b, "<nav class=\"navigation pagination\" aria-label=\"%s\">\n<h2 class=\"screen-reader-text\">%s</h2>\n<div class=\"nav-links\">", esc(l.Pagination), esc(l.Pagination))
		if n > 1 {
			fmt.Fprintf(&b, "<a class=\"prev page-numbers\" href=\"%s\">%s</a>\n", li.pagePath(n-1), esc(l.Prev))
		}
		for i := 1; i <= pages; i++ {
			if i == n {
				fmt.Fprintf(&b, "<span aria-current=\"page\" class=\"page-numbers current\">%d</span>\n", i)
			} else {
				fmt.Fprintf(&b, "<a class=\"page-numbers\" href=\"%s\">%d</a>\n", li.pagePath(i), i)
			}
		}
		if n < pages {
			fmt.Fprintf(&b, "<a class=\"next page-numbers\" href=\"%s\">%s</a>", li.pagePath(n+1), esc(l.Next))
		}
		b.WriteString("</div>\n</nav>\n")
	}
	pg.main = b.String()
	return s.render(base, pg)
}

// staticPage renders a WordPress page.
func (s *Site) staticPage(sp *staticPage, base string) []byte {
	l := siteLabels["fr"]
	pg := &page{lang: "fr", title: sp.title, path: sp.path, description: excerpt(sp.body),
		bodyClass: fmt.Sprintf("page-template-default page page-id-%d", sp.id)}
	if sp.ogWebsite {
		pg.ogType = "website"
	}
	pg.graph = append([]any{
		map[string]any{"@type": "WebPage", "@id": base + sp.path, "url": base + sp.path, "name": sp.title + " – " + l.SiteName,
			"inLanguage": l.HTMLLang, "isPartOf": map[string]any{"@id": base + "/#website"}},
		crumbs(base, sp.path, sp.title, l),
	}, siteNodes(base, l)...)
	pg.main = fmt.Sprintf("<article id=\"post-%d\" class=\"post-%d page type-page status-publish hentry\">\n<header class=\"entry-header\">\n<h1 class=\"entry-title\">%s</h1>\n</header>\n<div class=\"entry-content\">\n%s</div>\n</article>\n",
		sp.id, sp.id, esc(sp.title), sp.bodyHTML)
	return s.render(base, pg)
}

// notFoundPage renders the theme's 404 page for path p.
func (s *Site) notFoundPage(p, base string) []byte {
	lang := "fr"
	if strings.HasPrefix(p, "/en/") {
		lang = "en"
	} else if strings.HasPrefix(p, "/ar/") {
		lang = "ar"
	}
	l := siteLabels[lang]
	pg := &page{lang: lang, title: l.NotFoundTitle, noIndex: true, bodyClass: "error404"}
	pg.main = fmt.Sprintf("<section class=\"error-404 not-found\">\n<header class=\"page-header\">\n<h1 class=\"page-title\">%s</h1>\n</header>\n<div class=\"page-content\">\n<p>%s</p>\n</div>\n</section>\n",
		esc(l.NotFoundTitle), esc(l.NotFound))
	return s.render(base, pg)
}

// etag is a strong entity tag for body.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:10]) + `"`
}

// serveLogin answers AdminPath and below, which robots.txt disallows.
func serveLogin(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	w.Header().Set("Cache-Control", "no-cache, must-revalidate, max-age=0")
	fmt.Fprint(w, `<!DOCTYPE html>
<html lang="fr-FR">
<head><meta charset="UTF-8"><meta name="robots" content="noindex, nofollow"><title>Se connecter ‹ Bureau de l'AIM en Tunisie — WordPress</title></head>
<body class="login">
<div id="login">
<form name="loginform" id="loginform" action="/wp-login.php" method="post">
<p><label for="user_login">Identifiant ou adresse e-mail</label><input type="text" name="log" id="user_login"></p>
<p><label for="user_pass">Mot de passe</label><input type="password" name="pwd" id="user_pass"></p>
<p class="submit"><input type="submit" name="wp-submit" id="wp-submit" value="Se connecter"></p>
</form>
</div>
</body>
</html>
`)
}
