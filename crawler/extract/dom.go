package extract

import (
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/missionsearch/missionsearch"
)

// maxDepth bounds the element nesting the walks descend into; content
// nested deeper (only hostile pages do that) is ignored.
const maxDepth = 400

// crumb is one breadcrumb item.
type crumb struct {
	label, href string
	link        bool
}

// docMeta is what one walk over the whole document finds.
type docMeta struct {
	base                       *url.URL // page URL, or <base href> resolved against it
	body, main                 *html.Node
	articles                   []*html.Node // outermost non-boilerplate <article> elements
	nodeContent, contentID     *html.Node
	articleBody                *html.Node
	htmlLang, contentLang      string
	ogLocale                   string
	title, ogTitle, siteName   string
	ogType                     string
	description, ogDescription string
	twitterDescription         string
	canonical                  string
	metaPublished              []dateCand
	metaModified               []string
	jsonld                     []string    // the text of each <script type=application/ld+json>
	microdata                  []string    // itemtype values, lower-cased schema.org type names
	alternates                 []alternate // <link rel=alternate hreflang>
	switcher                   []alternate // <a hreflang> / <a lang>: a language switcher
	pager                      bool
	norm                       *normalizer // the page's links normalised against base, remembered
	tags                       []string
	keywords                   string
	crumbs                     []crumb
	links                      []string
	noIndex, noFollow          bool
}

var publishedKeys = setOf("article:published_time", "og:published_time", "datepublished", "dcterms.date",
	"dcterms.created", "dcterms.issued", "dc.date", "dc.date.issued", "dc.date.created", "date",
	"pubdate", "publish-date", "publish_date", "publication_date", "sailthru.date")

var modifiedKeys = setOf("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
	"dc.date.modified", "last-modified", "lastmod")

// inSwitcher reports whether a link is inside a language switcher: an
// element, at most six levels up, whose class or id names a language
// ("language-switcher", "lang-switcher", "languages", "wpml-ls", "pll").
func inSwitcher(a *html.Node) bool {
	for n, i := a.Parent, 0; n != nil && i < 6; n, i = n.Parent, i+1 {
		v := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
		if strings.Contains(v, "lang") || strings.Contains(v, "wpml") || strings.Contains(v, "pll-") || strings.Contains(v, "polylang") {
			return true
		}
	}
	return false
}

// dateCand is a machine-readable date of the page's metadata with its
// provenance (missionsearch.Date*).
type dateCand struct {
	value, source string
}

// scanDocument walks the whole document once for metadata, links, tags,
// breadcrumb and main-content candidates.
func scanDocument(doc *html.Node, page *url.URL) *docMeta {
	m := &docMeta{base: page}
	var hrefs []string
	tagSeen := map[string]bool{}
	addTag := func(t string) {
		t = collapse(t)
		if t == "" || len(t) > 200 {
			return
		}
		k := strings.ToLower(t)
		if !tagSeen[k] {
			tagSeen[k] = true
			m.tags = append(m.tags, t)
		}
	}
	var metaTags []string
	var walk func(n *html.Node, depth int, boiler, inTags, inArticle bool)
	walk = func(n *html.Node, depth int, boiler, inTags, inArticle bool) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				if m.htmlLang == "" {
					m.htmlLang = firstNonEmpty(attr(n, "lang"), attr(n, "xml:lang"))
				}
			case atom.Body:
				if m.body == nil {
					m.body = n
				}
			case atom.Base:
				if h := attr(n, "href"); h != "" && m.base == page {
					if u, err := page.Parse(strings.TrimSpace(h)); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
						m.base = u
					}
				}
			case atom.Title:
				if m.title == "" && (n.Parent == nil || n.Parent.DataAtom != atom.Svg) {
					m.title = textOf(n)
				}
			case atom.Meta:
				scanMeta(m, n, &metaTags)
			case atom.Link:
				rel := attr(n, "rel")
				if hasToken(rel, "canonical") && m.canonical == "" {
					m.canonical = attr(n, "href")
				}
				if hasToken(rel, "alternate") && attr(n, "hreflang") != "" && len(m.alternates) < 50 {
					m.alternates = append(m.alternates, alternate{attr(n, "hreflang"), attr(n, "href")})
				}
				if hasToken(rel, "next") || hasToken(rel, "prev") {
					m.pager = true
				}
			case atom.Script:
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && len(m.jsonld) < 20 {
					var b strings.Builder
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == html.TextNode {
							b.WriteString(c.Data)
						}
					}
					m.jsonld = append(m.jsonld, b.String())
				}
			case atom.A, atom.Area:
				if h, ok := attrOK(n, "href"); ok {
					hrefs = append(hrefs, h)
					if l := firstNonEmpty(attr(n, "hreflang"), attr(n, "lang")); l != "" && n.DataAtom == atom.A && len(m.switcher) < 50 && inSwitcher(n) {
						m.switcher = append(m.switcher, alternate{l, h})
					}
				}
				if rel := attr(n, "rel"); hasToken(rel, "next") || hasToken(rel, "prev") {
					m.pager = true
				}
				if n.DataAtom == atom.A && (inTags || hasToken(attr(n, "rel"), "tag")) {
					addTag(textOf(n))
				}
			case atom.Time:
				if ip := strings.ToLower(attr(n, "itemprop")); ip == "datepublished" || ip == "datemodified" {
					v := firstNonEmpty(attr(n, "datetime"), attr(n, "content"))
					if ip == "datepublished" {
						m.metaPublished = append(m.metaPublished, dateCand{v, missionsearch.DateMicrodata})
					} else {
						m.metaModified = append(m.metaModified, v)
					}
				}
			}
			if !boiler && isBoilerplate(n, inArticle) {
				boiler = true
			}
			if !m.pager && isPagerNode(n) {
				m.pager = true
			}
			if it := attr(n, "itemtype"); it != "" && len(m.microdata) < 20 {
				if i := strings.LastIndexByte(it, '/'); i >= 0 {
					m.microdata = append(m.microdata, strings.ToLower(strings.TrimSpace(it[i+1:])))
				}
			}
			if m.crumbs == nil && isBreadcrumb(n) {
				m.crumbs = readCrumbs(n)
			}
			if !inTags && isTagField(n) {
				inTags = true
			}
			if !boiler {
				switch {
				case n.DataAtom == atom.Article:
					if !inArticle {
						m.articles = append(m.articles, n)
					}
				case n.DataAtom == atom.Main || attr(n, "role") == "main":
					if m.main == nil {
						m.main = n
					}
				}
				if m.nodeContent == nil && hasClass(n, "node__content") {
					m.nodeContent = n
				}
				if m.contentID == nil && attr(n, "id") == "content" {
					m.contentID = n
				}
				if m.articleBody == nil && strings.EqualFold(attr(n, "itemprop"), "articleBody") {
					m.articleBody = n
				}
			}
			if n.DataAtom == atom.Article {
				inArticle = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1, boiler, inTags, inArticle)
		}
	}
	walk(doc, 0, false, false, false)
	if m.body == nil {
		m.body = doc
	}
	for _, t := range metaTags {
		addTag(t)
	}
	if len(m.tags) == 0 && m.keywords != "" {
		for k := range strings.SplitSeq(m.keywords, ",") {
			addTag(k)
		}
	}
	m.norm = newNormalizer(m.base, page)
	seen := map[string]bool{}
	for _, h := range hrefs {
		u, err := m.norm.normalize(h)
		if err != nil || seen[u] {
			continue
		}
		seen[u] = true
		m.links = append(m.links, u)
	}
	return m
}

// scanMeta records what a <meta> element says.
// setOnce sets *dst to v unless it is already set: the first of repeated
// meta tags wins.
func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func scanMeta(m *docMeta, n *html.Node, metaTags *[]string) {
	content, hasContent := attrOK(n, "content")
	if !hasContent {
		return
	}
	key := strings.ToLower(strings.TrimSpace(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop"))))
	if eq := strings.ToLower(attr(n, "http-equiv")); eq == "content-language" && m.contentLang == "" {
		m.contentLang = content
	}
	switch {
	case key == "":
	case key == "robots" || key == "googlebot":
		for f := range strings.FieldsFuncSeq(strings.ToLower(content), func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			switch f {
			case "noindex":
				m.noIndex = true
			case "nofollow":
				m.noFollow = true
			case "none":
				m.noIndex, m.noFollow = true, true
			}
		}
	case key == "og:title":
		setOnce(&m.ogTitle, content)
	case key == "og:type":
		if m.ogType == "" {
			m.ogType = strings.ToLower(strings.TrimSpace(content))
		}
	case key == "og:site_name":
		setOnce(&m.siteName, content)
	case key == "og:locale":
		setOnce(&m.ogLocale, content)
	case key == "description":
		setOnce(&m.description, content)
	case key == "og:description":
		setOnce(&m.ogDescription, content)
	case key == "twitter:description":
		setOnce(&m.twitterDescription, content)
	case key == "article:tag":
		*metaTags = append(*metaTags, content)
	case key == "keywords" || key == "news_keywords":
		setOnce(&m.keywords, content)
	case publishedKeys[key]:
		src := missionsearch.DateMeta
		switch {
		case key == "article:published_time" || key == "og:published_time":
			src = missionsearch.DateOpenGraph
		case attr(n, "itemprop") != "":
			src = missionsearch.DateMicrodata
		}
		m.metaPublished = append(m.metaPublished, dateCand{content, src})
	case modifiedKeys[key]:
		m.metaModified = append(m.metaModified, content)
	}
}

// isBreadcrumb reports whether n is the breadcrumb container.
func isBreadcrumb(n *html.Node) bool {
	if hasClass(n, "breadcrumb") || hasClass(n, "breadcrumbs") {
		return true
	}
	if a := strings.ToLower(attr(n, "aria-label")); strings.Contains(a, "breadcrumb") || strings.Contains(a, "fil d") {
		return true
	}
	return strings.HasSuffix(attr(n, "itemtype"), "/BreadcrumbList")
}

// readCrumbs returns the items of a breadcrumb: its <li> elements, or its
// links when it has none.
func readCrumbs(n *html.Node) []crumb {
	out := []crumb{}
	var lis, as []*html.Node
	var walk func(*html.Node, int)
	walk = func(c *html.Node, depth int) {
		if depth > 20 {
			return
		}
		if c.Type == html.ElementNode {
			switch {
			case c.DataAtom == atom.Li:
				lis = append(lis, c)
				return
			case c.DataAtom == atom.A:
				as = append(as, c)
			case isHidden(c) || hasClass(c, "visually-hidden"):
				return
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	items := lis
	if len(items) == 0 {
		items = as
	}
	for _, it := range items {
		c := crumb{label: collapse(textOf(it))}
		if a := findFirst(it, atom.A); a != nil || it.DataAtom == atom.A {
			if a == nil {
				a = it
			}
			c.href, c.link = attr(a, "href"), true
		}
		if c.label != "" {
			out = append(out, c)
		}
	}
	return out
}

// isTagField reports whether n holds the page's tag links.
func isTagField(n *html.Node) bool {
	return hasClass(n, "field--name-field-tags") || hasClass(n, "field-name-field-tags") || hasClass(n, "tags")
}

// chooseRoot picks the main-content element: the single outermost
// <article> (or <main> when it holds several), <main> or [role=main],
// .node__content, #content, [itemprop=articleBody], else the densest text
// container of the body.
func chooseRoot(doc *html.Node, m *docMeta) *html.Node {
	switch {
	case len(m.articles) == 1:
		return m.articles[0]
	case m.main != nil:
		return m.main
	case m.nodeContent != nil:
		return m.nodeContent
	case m.contentID != nil:
		return m.contentID
	case m.articleBody != nil:
		return m.articleBody
	}
	if d := densest(m.body); d != nil {
		return widen(d, m.body)
	}
	return m.body
}

// widen climbs from the densest container n towards root while each step
// up adds mostly plain text rather than links: a long document split into
// sections (DocBook chapters, wiki pages) has its densest paragraphs in one
// section, but its content is all of them. A sidebar or a link list adds
// mostly link text and stops the climb.
func widen(n, root *html.Node) *html.Node {
	best := n
	text, links := textStats(n)
	for a := n; a != root && a.Parent != nil && a.Parent.Type == html.ElementNode; {
		a = a.Parent
		at, al := textStats(a)
		addText, addLinks := at-text, al-links
		// Take an ancestor when it adds more plain text than links to the
		// best so far, or at least half again its plain text (the sections
		// of a manual around link-heavy tables of contents).
		if addText > 0 && (addText >= addLinks || 2*addText >= text) {
			best, text, links = a, at, al
		}
	}
	return best
}

// textStats returns the length of the text under n outside links and inside
// links, leaving out boilerplate elements.
func textStats(n *html.Node) (text, links int) {
	var walk func(n *html.Node, depth int, inLink bool)
	walk = func(c *html.Node, depth int, inLink bool) {
		if depth > maxDepth {
			return
		}
		switch c.Type {
		case html.TextNode:
			l := len(strings.TrimSpace(c.Data))
			if inLink {
				links += l
			} else {
				text += l
			}
			return
		case html.ElementNode:
			if c != n && isBoilerplate(c, false) {
				return
			}
			switch c.DataAtom {
			case atom.A:
				inLink = true
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1, inLink)
		}
	}
	walk(n, 0, false)
	return text, links
}

// densest returns the element of root whose paragraphs carry the most text
// outside links: each text run counts fully for the parent of its block
// and half for the grandparent (the readability heuristic).
func densest(root *html.Node) *html.Node {
	score := map[*html.Node]int{}
	var walk func(n, block *html.Node, depth int, inLink bool)
	walk = func(n, block *html.Node, depth int, inLink bool) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case html.ElementNode:
			if n != root && isBoilerplate(n, false) {
				return
			}
			if blockTags[n.DataAtom] {
				block = n
			}
			if n.DataAtom == atom.A {
				inLink = true
			}
		case html.TextNode:
			if inLink || block == nil {
				return
			}
			l := len(strings.TrimSpace(n.Data))
			if p := block.Parent; p != nil && p.Type == html.ElementNode {
				score[p] += l
				if g := p.Parent; g != nil && g.Type == html.ElementNode {
					score[g] += l / 2
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, block, depth+1, inLink)
		}
	}
	walk(root, nil, 0, false)
	var best *html.Node
	for n, s := range score {
		if best == nil || s > score[best] || s == score[best] && before(n, best) {
			best = n
		}
	}
	return best
}

// before reports whether a's depth is smaller than b's, a stable tie-break
// independent of map order for the common cases.
func before(a, b *html.Node) bool {
	da, db := 0, 0
	for n := a; n != nil; n = n.Parent {
		da++
	}
	for n := b; n != nil; n = n.Parent {
		db++
	}
	if da != db {
		return da < db
	}
	return a.Data+attr(a, "class")+attr(a, "id") < b.Data+attr(b, "class")+attr(b, "id")
}

// blockTags are the elements that start and end a text block.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Td: true, atom.Th: true, atom.Tr: true, atom.Table: true,
	atom.Caption: true, atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true,
	atom.Main: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Center: true, atom.Body: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Nav: true, atom.Form: true, atom.Fieldset: true,
	atom.Legend: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true,
}

// collectBlocks returns the text blocks of root, leaving out boilerplate,
// the page metadata (dates, tag field) shown inside the content, and blocks
// whose text is all link text: the entries of a table of contents, a list
// of related links or a listing's titles are navigation, not content, and
// would make such pages match every topic they link to.
func collectBlocks(root *html.Node) []string {
	var blocks []string
	var cur strings.Builder
	plain, linked := false, false // cur has letters outside links; text in links
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		if s := collapse(cur.String()); s != "" && (plain || !linked) {
			blocks = append(blocks, s)
		}
		cur.Reset()
		plain, linked = false, false
	}
	var walk func(n *html.Node, depth int, inArticle, inLink bool)
	walk = func(n *html.Node, depth int, inArticle, inLink bool) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			if strings.IndexFunc(n.Data, isWordRune) >= 0 {
				if inLink {
					linked = true
				} else {
					plain = true
				}
			}
			return
		case html.ElementNode:
			if n != root && (isBoilerplate(n, inArticle) || isContentMeta(n)) {
				// Keep words apart across a removed inline element.
				cur.WriteByte(' ')
				return
			}
			switch n.DataAtom {
			case atom.Br, atom.Img, atom.Wbr:
				cur.WriteByte(' ')
				return
			case atom.Article:
				inArticle = true
			case atom.A:
				if attr(n, "href") != "" {
					inLink = true
				}
			}
			if blockTags[n.DataAtom] {
				flush()
				defer flush()
			}
		case html.DocumentNode:
		default:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1, inArticle, inLink)
		}
	}
	walk(root, 0, false, false)
	flush()
	return blocks
}

// isWordRune reports whether r is a letter: a block whose only text
// outside its links is numbering or punctuation ("1.2.", "·", "»") is
// still all links.
func isWordRune(r rune) bool { return unicode.IsLetter(r) }

// isContentMeta reports whether n is page metadata shown in the content
// (dates, author line, tag field; Drupal and WordPress class names), which belongs to other fields of the
// Page than Body.
func isContentMeta(n *html.Node) bool {
	return hasClass(n, "node__meta") || hasClass(n, "field--name-created") || hasClass(n, "field--name-changed") ||
		hasClass(n, "field--name-field-tags") || hasClass(n, "field-name-field-tags") || hasClass(n, "submitted") ||
		hasClass(n, "entry-meta") || hasClass(n, "post-meta") || hasClass(n, "article-meta") || hasClass(n, "byline")
}

// timeIn returns the date of the first <time> element with a datetime
// attribute in root outside boilerplate and outside the skipped nodes
// (teaser items).
func timeIn(root *html.Node, skip map[*html.Node]bool) (time.Time, bool) {
	var found time.Time
	ok := false
	var walk func(n *html.Node, depth int, inArticle bool)
	walk = func(n *html.Node, depth int, inArticle bool) {
		if ok || depth > maxDepth || n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return
		}
		if n != root && n.Type == html.ElementNode && (skip[n] || isBoilerplate(n, inArticle)) {
			return
		}
		if n.DataAtom == atom.Time {
			if t, good := parseMachineDate(attr(n, "datetime")); good {
				found, ok = t, true
				return
			}
		}
		if n.DataAtom == atom.Article {
			inArticle = true
		}
		for c := n.FirstChild; c != nil && !ok; c = c.NextSibling {
			walk(c, depth+1, inArticle)
		}
	}
	walk(root, 0, false)
	return found, ok
}

// updatedIn returns the date shown in an "updated" field of root
// (.field--name-changed, .updated, .date-modified), or the zero time.
func updatedIn(root *html.Node) time.Time {
	var found time.Time
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if !found.IsZero() || depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode && (hasClass(n, "field--name-changed") || hasClass(n, "updated") || hasClass(n, "date-modified")) {
			t := n
			if n.DataAtom != atom.Time {
				t = findFirst(n, atom.Time)
			}
			if t != nil {
				if d, ok := parseMachineDate(attr(t, "datetime")); ok {
					found = d
					return
				}
			}
			if d, ok := ParseDate(textOf(n)); ok {
				found = d
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return found
}

// Boilerplate recognition.

// boilerTags are elements never part of the main content.
var boilerTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Math: true, atom.Canvas: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Nav: true, atom.Aside: true, atom.Form: true, atom.Button: true, atom.Select: true,
	atom.Textarea: true, atom.Input: true, atom.Dialog: true, atom.Menu: true, atom.Head: true,
	atom.Title: true, atom.Footer: true, atom.Audio: true, atom.Video: true, atom.Picture: true,
}

var boilerRoles = setOf("navigation", "banner", "contentinfo", "complementary", "search", "dialog",
	"alertdialog", "menu", "menubar", "toolbar", "tablist")

// boilerExact are class or id tokens that mark boilerplate as a whole.
var boilerExact = setOf("hidden", "visually-hidden", "visuallyhidden", "sr-only", "screen-reader-text",
	"element-invisible", "skip-link", "skiplink", "d-none", "print-only", "breadcrumb", "breadcrumbs",
	// Generated documentation: DocBook's previous/next/up tables, Publican's
	// docnav, Sphinx's sidebar and the "¶" permalinks of its headings.
	"navheader", "navfooter", "docnav", "sphinxsidebar", "headerlink")

// boilerPrefixes are class or id prefixes of boilerplate.
var boilerPrefixes = []string{"block-views-", "eu-cookie", "cookie", "addtoany", "a2a_", "sharethis", "social", "share"}

// boilerWords are words of class or id tokens (split on "-" and "_") that
// mark boilerplate.
var boilerWords = setOf("breadcrumb", "breadcrumbs", "menu", "megamenu", "navbar", "nav", "navigation",
	"sidebar", "share", "sharing", "social", "related", "pager", "pagination", "cookie", "cookies",
	"consent", "gdpr", "newsletter", "simplenews", "tbm", "skip", "footer", "subscribe", "comments",
	"advertisement", "advert", "toolbar", "languageswitcher", "popup", "modal", "offcanvas")

// isBoilerplate reports whether element n, with all it holds, is outside
// the main content. inArticle tells whether n is inside an <article>,
// where <header> is the article's own header rather than the site's.
func isBoilerplate(n *html.Node, inArticle bool) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body:
		return false
	case atom.Header:
		if !inArticle {
			return true
		}
	}
	if boilerTags[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "role":
			if boilerRoles[strings.ToLower(strings.TrimSpace(a.Val))] {
				return true
			}
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			if s := strings.ToLower(strings.ReplaceAll(a.Val, " ", "")); strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		case "class", "id":
			if boilerNames(a.Val) {
				return true
			}
		}
	}
	return false
}

// boilerNames reports whether a class or id attribute value marks
// boilerplate.
func boilerNames(v string) bool {
	for tok := range strings.FieldsSeq(v) {
		tok = strings.ToLower(tok)
		if boilerExact[tok] {
			return true
		}
		for _, p := range boilerPrefixes {
			if strings.HasPrefix(tok, p) {
				return true
			}
		}
		for w := range strings.FieldsFuncSeq(tok, func(r rune) bool { return r == '-' || r == '_' }) {
			if boilerWords[w] {
				return true
			}
		}
	}
	return false
}

func isHidden(n *html.Node) bool {
	_, h := attrOK(n, "hidden")
	return h || strings.EqualFold(attr(n, "aria-hidden"), "true")
}

// DOM helpers.

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

// hasToken reports whether the space-separated list v holds tok, ignoring
// case.
func hasToken(v, tok string) bool {
	for f := range strings.FieldsSeq(v) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

func hasClass(n *html.Node, class string) bool {
	return hasToken(attr(n, "class"), class)
}

// findFirst returns the first element of type a under n (n excluded),
// outside boilerplate.
func findFirst(n *html.Node, a atom.Atom) *html.Node {
	var found *html.Node
	var walk func(*html.Node, int)
	walk = func(c *html.Node, depth int) {
		for k := c.FirstChild; k != nil && found == nil && depth < maxDepth; k = k.NextSibling {
			if k.Type != html.ElementNode {
				continue
			}
			if k.DataAtom == a {
				found = k
				return
			}
			if isBoilerplate(k, true) {
				continue
			}
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	return found
}

// textOf returns the text under n, with spaces between blocks and around
// <br>, script and style left out.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(c *html.Node, depth int) {
		if depth > maxDepth || b.Len() > 1<<20 {
			return
		}
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			return
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			case atom.Br:
				b.WriteByte(' ')
			case atom.A:
				if hasClass(c, "headerlink") { // Sphinx's "¶" after a heading
					return
				}
			}
			if blockTags[c.DataAtom] {
				b.WriteByte(' ')
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
		if c.Type == html.ElementNode && blockTags[c.DataAtom] {
			b.WriteByte(' ')
		}
	}
	walk(n, 0)
	return b.String()
}

// collapse trims s, turns every run of white space (including no-break
// spaces) into one space, drops invisible format characters (soft hyphen,
// zero-width space, BOM) and replaces invalid UTF-8.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			r = '\uFFFD'
		case r == '\u00AD' || r == '\u200B' || r == '\uFEFF' || r == '\u2060':
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r < 0x20 || r == 0x7f:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
