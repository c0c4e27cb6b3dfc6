package extract

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/missionsearch/missionsearch"
)

// The structure of a page: what makes it a listing or an article, the
// links it lists with the dates it shows beside them, its headings, its
// translations, and its JSON-LD.

// Teaser is one item of a listing: a link to a page of the site with, when
// the item shows one, the date written beside it.
type Teaser struct {
	URL   string    // absolute, normalised
	Title string    // the link text
	Date  time.Time // zero when the item shows no date
}

// Signals are the page's own evidence of its type, as Extract saw it; the
// crawler combines them with what it knows of the rest of the site.
type Signals struct {
	// Pager is true when the page has pagination links (rel=next/prev, a
	// .pager/.pagination/.page-numbers block with links).
	Pager bool
	// Teasers counts the heading links to other pages of the site in the
	// main content (the items of a list of articles).
	Teasers int
	// OwnText is the number of bytes of main-content text outside the
	// teaser items and outside links.
	OwnText int
	// LinkShare is the share of the main content's text that is link text
	// (a table of contents is mostly links).
	LinkShare float64
	// Links is the number of links in the main content.
	Links int
	// SchemaTypes are the schema.org @type values of the page's JSON-LD and
	// microdata, and og:type ("og:website", "og:article").
	SchemaTypes []string
	// OwnDate is true when the page gives a date of its own.
	OwnDate bool
	// Reason says which rule decided Result.Page.Type.
	Reason string
}

// jsonLD is what the JSON-LD of a page says: the @type values of its nodes
// and the dates of the article-like node (else of any node).
type jsonLD struct {
	types               []string
	published, modified string
	broken              int // blocks that are not valid JSON
}

// articleTypes are the schema.org types of a dated piece of content.
var articleTypes = setOf("article", "newsarticle", "blogposting", "report", "pressrelease", "event",
	"scholarlyarticle", "techarticle", "analysisnewsarticle", "reportagenewsarticle", "socialmediaposting")

// ogArticle is the og:type of an article.
var ogArticle = setOf("og:article")

// listingTypes are the schema.org types of a page that lists others.
var listingTypes = setOf("collectionpage", "itemlist", "searchresultspage", "og:website-list")

// parseJSONLD reads the <script type="application/ld+json"> blocks of a
// page. Invalid JSON is counted and otherwise ignored; nodes are read
// through @graph and arrays, at most 64 levels deep and 2,000 nodes.
func parseJSONLD(blocks []string) jsonLD {
	var out jsonLD
	var artPub, artMod, anyPub, anyMod string
	nodes := 0
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 64 || nodes > 2000 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			nodes++
			isArticle := false
			for _, t := range ldTypes(x["@type"]) {
				lt := strings.ToLower(t)
				out.types = append(out.types, lt)
				isArticle = isArticle || articleTypes[lt]
			}
			pub, _ := x["datePublished"].(string)
			mod, _ := x["dateModified"].(string)
			if isArticle {
				if artPub == "" {
					artPub = pub
				}
				if artMod == "" {
					artMod = mod
				}
			}
			if anyPub == "" {
				anyPub = pub
			}
			if anyMod == "" {
				anyMod = mod
			}
			for k, e := range x {
				if k == "@graph" || k == "mainEntity" || k == "mainEntityOfPage" || k == "hasPart" {
					walk(e, depth+1)
				}
			}
		}
	}
	for _, b := range blocks {
		var v any
		if err := json.Unmarshal([]byte(strings.TrimSpace(stripCDATA(b))), &v); err != nil {
			out.broken++
			continue
		}
		walk(v, 0)
	}
	out.published, out.modified = firstNonEmpty(artPub, anyPub), firstNonEmpty(artMod, anyMod)
	return out
}

// ldTypes returns the @type of a JSON-LD node: a string or a list of them.
func ldTypes(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// stripCDATA removes the <![CDATA[ … ]]> or HTML comment wrappers some CMSs
// put around their JSON-LD.
func stripCDATA(s string) string {
	s = strings.TrimSpace(s)
	for _, w := range [][2]string{{"<![CDATA[", "]]>"}, {"<!--", "-->"}, {"//<![CDATA[", "//]]>"}} {
		if strings.HasPrefix(s, w[0]) && strings.HasSuffix(s, w[1]) {
			return s[len(w[0]) : len(s)-len(w[1])]
		}
	}
	return s
}

// isPagerNode reports whether n is a pagination block.
func isPagerNode(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" && a.Key != "aria-label" && a.Key != "role" {
			continue
		}
		v := strings.ToLower(a.Val)
		if strings.Contains(v, "pager") || strings.Contains(v, "pagination") || strings.Contains(v, "page-numbers") ||
			strings.Contains(v, "nav-links") || strings.Contains(v, "pagenavi") {
			return findFirst(n, atom.A) != nil
		}
	}
	return false
}

// teaserItem is a teaser found in the main content, with the node holding
// it.
type teaserItem struct {
	Teaser
	node *html.Node // the item: the widest ancestor of the link holding no other teaser
}

// findTeasers returns the heading links of root (an <a> inside an h2–h5,
// or around one) to other pages of the site, each with the widest
// ancestor that holds no other such link (the item), and the date the item
// shows: its <time datetime>, else a date written in its text, numeric
// dates read in the order the items' dates show, else the usual order of
// the page's language (orderFor).
func findTeasers(root *html.Node, page *url.URL, nz *normalizer, lang missionsearch.Lang) []teaserItem {
	var items []teaserItem
	seen := map[string]bool{page.String(): true}
	var walk func(n *html.Node, depth int, inArticle, inHeading bool)
	walk = func(n *html.Node, depth int, inArticle, inHeading bool) {
		if depth > maxDepth || len(items) >= 500 {
			return
		}
		if n.Type == html.ElementNode {
			if n != root && isBoilerplate(n, inArticle) {
				return
			}
			switch n.DataAtom {
			case atom.Article:
				inArticle = true
			case atom.H2, atom.H3, atom.H4, atom.H5:
				inHeading = true
			case atom.A:
				if inHeading || hasHeading(n) {
					if u, ok := nz.site(attr(n, "href")); ok && !seen[u] {
						seen[u] = true
						items = append(items, teaserItem{Teaser: Teaser{URL: u, Title: collapse(textOf(n))}, node: n})
					}
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1, inArticle, inHeading)
		}
	}
	walk(root, 0, false, false)
	// Widen each link to its item: climb while the parent holds no other
	// teaser link.
	// A lone heading link (a "read also" in an article) is its heading.
	owner := map[*html.Node]int{}
	for _, it := range items {
		for n := it.node; n != nil && n != root; n = n.Parent {
			owner[n]++
		}
	}
	for i := range items {
		n := items[i].node
		if len(items) == 1 {
			for n.Parent != nil && n.Parent != root && isInline(n) {
				n = n.Parent
			}
		} else {
			for n.Parent != nil && n.Parent != root && owner[n.Parent] == 1 {
				n = n.Parent
			}
		}
		items[i].node = n
	}
	if len(items) < 3 {
		if rep := repeatedItems(root, page, nz); len(rep) >= 3 {
			items = rep
		}
	}
	if len(items) == 0 {
		return nil
	}
	texts := make([]string, len(items))
	for i := range items {
		texts[i] = strings.Replace(collapse(textOf(items[i].node)), items[i].Title, " ", 1)
	}
	order := orderFor(lang, strings.Join(texts, " "))
	for i := range items {
		if t := findFirst(items[i].node, atom.Time); t != nil {
			if d, ok := parseMachineDate(firstNonEmpty(attr(t, "datetime"), attr(t, "content"))); ok {
				items[i].Date = d
				continue
			}
		}
		if d, ok := ParseDateOrder(texts[i], order); ok {
			items[i].Date = d
		}
	}
	return items
}

// isInline reports whether n is the link or inside the heading of a lone
// teaser: not yet a block holding other text.
func isInline(n *html.Node) bool {
	switch n.DataAtom {
	case atom.A, atom.Span, atom.Strong, atom.Em, atom.B, atom.I:
		return true
	}
	return false
}

// repeatedItems finds the items of a listing whose titles are not
// headings (Drupal views rows of links, cards, list items): the children
// of one element that share a tag and class, three or more, two thirds of
// them holding a link to another page of the site and showing a date, as
// the teasers of articles do (a table of contents or a list of resources
// shows none). Each item's first such link is its teaser.
func repeatedItems(root *html.Node, page *url.URL, nz *normalizer) []teaserItem {
	var items []teaserItem
	seen := map[string]bool{page.String(): true}
	var walk func(n *html.Node, depth int, inArticle bool)
	walk = func(n *html.Node, depth int, inArticle bool) {
		if depth > maxDepth || len(items) >= 500 {
			return
		}
		if n != root && n.Type == html.ElementNode && isBoilerplate(n, inArticle) {
			return
		}
		if n.DataAtom == atom.Article {
			inArticle = true
		}
		kids := 0
		for c := n.FirstChild; c != nil && kids < 3; c = c.NextSibling {
			if c.Type == html.ElementNode {
				kids++
			}
		}
		if kids < 3 {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, depth+1, inArticle)
			}
			return
		}
		groups := map[string][]*html.Node{}
		var order []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || isBoilerplate(c, inArticle) {
				continue
			}
			k := c.Data + "." + attr(c, "class")
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], c)
		}
		taken := map[*html.Node]bool{}
		for _, k := range order {
			g := groups[k]
			if len(g) < 3 {
				continue
			}
			var found []teaserItem
			for _, c := range g {
				a, u := firstSiteLink(c, nz)
				if a == nil {
					continue
				}
				if !showsDate(c) {
					continue
				}
				if seen[u] {
					continue
				}
				found = append(found, teaserItem{Teaser: Teaser{URL: u, Title: collapse(textOf(a))}, node: c})
			}
			if len(found) >= 3 && 3*len(found) >= 2*len(g) {
				for _, it := range found {
					seen[it.URL] = true
					taken[it.node] = true
				}
				items = append(items, found...)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !taken[c] {
				walk(c, depth+1, inArticle)
			}
		}
	}
	walk(root, 0, false)
	return items
}

// showsDate reports whether n, a teaser-sized item, shows a date: a
// <time datetime>, or a date written in the first 500 bytes of its text.
// An item with more than 2,000 bytes of text is no teaser.
func showsDate(n *html.Node) bool {
	if text, _ := textStats(n); text > 2000 {
		return false
	}
	if t := findFirst(n, atom.Time); t != nil {
		if _, ok := parseMachineDate(firstNonEmpty(attr(t, "datetime"), attr(t, "content"))); ok {
			return true
		}
	}
	text := collapse(textOf(n))
	text = text[:min(len(text), 500)]
	if !hasYear(text) {
		return false // no date without a year: skip the parse
	}
	_, ok := ParseDate(text)
	return ok
}

// hasYear reports whether s has a run of exactly four ASCII digits
// starting with 19 or 20.
func hasYear(s string) bool {
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == 4 && (s[i-4] == '1' && s[i-3] == '9' || s[i-4] == '2' && s[i-3] == '0') {
			return true
		}
		run = 0
	}
	return false
}

// firstSiteLink returns the first <a href> under n to another page of the
// site and its normalised URL, or nil.
func firstSiteLink(n *html.Node, nz *normalizer) (*html.Node, string) {
	var found *html.Node
	var fu string
	var walk func(c *html.Node, depth int)
	walk = func(c *html.Node, depth int) {
		if found != nil || depth > 30 {
			return
		}
		if c.Type == html.ElementNode && c.DataAtom == atom.A {
			if u, ok := nz.site(attr(c, "href")); ok {
				found, fu = c, u
			}
			return
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	return found, fu
}

// hasHeading reports whether an <a> holds an h2–h5.
func hasHeading(a *html.Node) bool {
	var walk func(n *html.Node, depth int) bool
	walk = func(n *html.Node, depth int) bool {
		if depth > 20 {
			return false
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.H2, atom.H3, atom.H4, atom.H5:
				return true
			}
			if walk(c, depth+1) {
				return true
			}
		}
		return false
	}
	return walk(a, 0)
}

// normalizer normalises the links of one page against its base URL,
// remembering each answer: the same href is read by several walks.
type normalizer struct {
	base, page *url.URL
	cache      map[string]normalized
}

type normalized struct {
	u    string
	err  error
	site bool // on the page's host and not the page itself
}

func newNormalizer(base, page *url.URL) *normalizer {
	return &normalizer{base: base, page: page, cache: map[string]normalized{}}
}

func (nz *normalizer) get(href string) normalized {
	if n, ok := nz.cache[href]; ok {
		return n
	}
	var n normalized
	n.u, n.err = NormalizeURL(href, nz.base)
	n.site = n.err == nil && sameSite(n.u, nz.page)
	if len(nz.cache) < 20000 {
		nz.cache[href] = n
	}
	return n
}

// normalize is NormalizeURL(href, base), remembered.
func (nz *normalizer) normalize(href string) (string, error) {
	n := nz.get(href)
	return n.u, n.err
}

// site returns the normalised href when it names another page of the
// site.
func (nz *normalizer) site(href string) (string, bool) {
	n := nz.get(href)
	return n.u, n.site
}

// sameSite reports whether u is on page's host and is not page itself
// or a fragment of it.
func sameSite(u string, page *url.URL) bool {
	pu, err := url.Parse(u)
	if err != nil || !strings.EqualFold(pu.Hostname(), page.Hostname()) {
		return false
	}
	return pu.Path != page.Path || pu.RawQuery != page.RawQuery
}

// orderFor returns how numeric dates are read on a page of language l:
// day first on French and Arabic pages, only when unambiguous on English
// ones, unless text (the page's own dates) shows the order.
func orderFor(l missionsearch.Lang, text string) NumericOrder {
	if o, ok := NumericOrderOf(text); ok {
		return o
	}
	if l == missionsearch.LangEN {
		return Unambiguous
	}
	return DayFirst
}

// listingPaths are URL path shapes of the listings of the usual CMSs:
// taxonomy, tag, category, author and date archives, paginated lists.
var listingPaths = regexp.MustCompile(`(?i)(^|/)(tags?|category|categorie|categories|rubrique|taxonomy/term|author|auteur|topics?|themes?|archives?)(/|$)|/page/[0-9]+/?$|^/([a-z]{2}/)?[12][0-9]{3}(/[01]?[0-9])?/?$`)

// homePath reports whether p is a home page path: "/", "/fr", "/en/",
// "/index.html", "/fr/index.php".
func homePath(p string) bool {
	p = strings.TrimSuffix(p, "/")
	for _, idx := range []string{"/index.html", "/index.htm", "/index.php", "/accueil", "/home"} {
		p = strings.TrimSuffix(p, idx)
	}
	if p == "" {
		return true
	}
	return len(p) == 3 && isLangCode(p[1:]) || len(p) == 6 && isLangCode(p[1:])
}

// pagedQuery reports whether a URL query is a listing's page number
// (?page=2, ?p=3, ?start=20, ?paged=2).
func pagedQuery(q url.Values) bool {
	for _, k := range []string{"page", "paged", "p", "start", "offset", "pg"} {
		if v := q.Get(k); v != "" && strings.Trim(v, "0123456789") == "" {
			return true
		}
	}
	return false
}

// classify decides the type of a page from its own signals: a listing when
// it is a home page, lists other pages (three or more teasers and little
// text of its own, or a pager and any teasers, or a schema.org collection),
// or is mostly links (a table of contents); an article when it says so
// (schema.org, og:type) or gives a date of its own; static otherwise. The
// crawler turns a static page into an article when a listing of the site
// shows a date beside its link.
func classify(u *url.URL, s *Signals) (missionsearch.PageType, string) {
	hasType := func(set map[string]bool) bool {
		for _, t := range s.SchemaTypes {
			if set[t] {
				return true
			}
		}
		return false
	}
	littleText := s.OwnText < 600
	switch {
	case homePath(u.Path) && (s.Teasers > 0 || s.Links >= 10) && u.RawQuery == "":
		return missionsearch.TypeListing, "home page"
	case hasType(listingTypes):
		return missionsearch.TypeListing, "schema.org collection"
	case s.Teasers >= 3 && littleText:
		return missionsearch.TypeListing, "lists pages"
	case s.Pager && s.Teasers > 0 && littleText && !hasType(articleTypes):
		return missionsearch.TypeListing, "pager"
	case pagedQuery(u.Query()) && s.Teasers > 0:
		return missionsearch.TypeListing, "page of a list"
	case listingPaths.MatchString(u.Path) && (s.Teasers > 0 || littleText) && !s.OwnDate:
		return missionsearch.TypeListing, "archive path"
	case s.Links >= 15 && s.LinkShare >= 0.6 && s.OwnText < 2000:
		return missionsearch.TypeListing, "mostly links"
	case hasType(articleTypes) || hasType(ogArticle):
		return missionsearch.TypeArticle, "schema.org article"
	case s.OwnDate:
		return missionsearch.TypeArticle, "dated"
	}
	return missionsearch.TypeStatic, "undated"
}

// maxHeadings is the most headings kept of a page. Long manual pages have
// a hundred sections and more, and a section's heading is the best sign
// of what it covers: a cap of 50 dropped the second half of such pages
// from the headings field (measured on shared/eval's reference-fr: nDCG@10
// 0.970 → 0.994).
const maxHeadings = 200

// headingsIn returns the text of the h2–h4 headings of root outside
// boilerplate and outside teaser items (at most maxHeadings, each cut to
// 200 characters), in document order, without repeats.
func headingsIn(root *html.Node, skip map[*html.Node]bool) []string {
	var out []string
	seen := map[string]bool{}
	walkContent(root, skip, func(n *html.Node) bool {
		if len(out) >= maxHeadings {
			return false
		}
		switch n.DataAtom {
		case atom.H2, atom.H3, atom.H4:
			if t := missionsearch.TruncateRunes(collapse(textOf(n)), 200); t != "" && !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
			return false
		}
		return true
	})
	return out
}

// walkContent calls visit with each element under root (root included)
// outside boilerplate and outside the skipped nodes, in document order,
// descending into an element only when visit returns true, to at most
// maxDepth levels.
func walkContent(root *html.Node, skip map[*html.Node]bool, visit func(n *html.Node) bool) {
	var walk func(n *html.Node, depth int, inArticle bool)
	walk = func(n *html.Node, depth int, inArticle bool) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode {
			if skip[n] || n != root && isBoilerplate(n, inArticle) {
				return
			}
			if n.DataAtom == atom.Article {
				inArticle = true
			}
			if !visit(n) {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1, inArticle)
		}
	}
	walk(root, 0, false)
}

// alternate is a <link rel=alternate hreflang> or a language switcher link.
type alternate struct {
	lang, href string
}

// translations returns the page's versions in the other supported
// languages: its hreflang alternates, else its language switcher links
// (<a hreflang> or <a lang>), on the page's host, normalised, one per
// language, never the page itself.
func translations(alts []alternate, base *url.URL, self string, own missionsearch.Lang) []missionsearch.Link {
	var out []missionsearch.Link
	have := map[missionsearch.Lang]bool{own: true}
	for _, a := range alts {
		l := langFromTag(a.lang)
		if l == "" || have[l] {
			continue
		}
		u, err := NormalizeURL(a.href, base)
		if err != nil || u == self {
			continue
		}
		if pu, err := url.Parse(u); err != nil || !strings.EqualFold(pu.Hostname(), base.Hostname()) || homePath(pu.Path) {
			continue // another site, or the language's home page: not a version of this page
		}
		have[l] = true
		out = append(out, missionsearch.Link{URL: u, Lang: l})
	}
	return out
}

// dateLineRE matches the words that surround a date in a byline: "Publié
// le", "Mis à jour le", "Posted on", "par", "نشر في".
var dateLineRE = regexp.MustCompile(`(?i)^(publi[ée]+|mis à jour|mise à jour|modifi[ée]+|posted|published|updated|on|le|du|par|by|date|نشر|في|بتاريخ|[|·:,–—-])$`)

// isDateLine reports whether a block is a byline that only gives a date
// (and perhaps an author): "Publié le 5 octobre 2021", "05/10/2021",
// "Posted on October 5, 2021 by admin". Such blocks are left out of the
// body.
func isDateLine(b string, order NumericOrder) bool {
	if len(b) > 100 {
		return false
	}
	if _, ok := ParseDateOrder(b, order); !ok {
		if _, ok := parseMachineDate(b); !ok {
			return false
		}
	}
	words := strings.Fields(b)
	if len(words) > 10 {
		return false
	}
	other := 0
	for _, w := range words {
		f := fold(w)
		if dateLineRE.MatchString(w) || dateLineRE.MatchString(f) || isDateWord(f) {
			continue
		}
		other++
	}
	return other <= 2 // an author's name
}

// isDateWord reports whether a folded word is part of a written date: a
// number, a month or a day name, an ordinal.
func isDateWord(w string) bool {
	w = strings.Trim(w, ".,;:()")
	if w == "" || strings.Trim(w, "0123456789/.-:") == "" || w == "1er" {
		return true
	}
	if _, ok := months[strings.TrimSuffix(w, ".")]; ok {
		return true
	}
	return weekdays[w]
}

var weekdays = setOf("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

// textLinks returns the links of root's text outside boilerplate and
// outside the teaser items (the documents an article cites), normalised,
// with their link text, at most 200, without repeats or the page itself.
func textLinks(root *html.Node, page *url.URL, nz *normalizer, skip map[*html.Node]bool) []Teaser {
	var out []Teaser
	seen := map[string]bool{page.String(): true}
	walkContent(root, skip, func(n *html.Node) bool {
		if len(out) >= 200 {
			return false
		}
		if n.DataAtom == atom.A {
			if u, err := nz.normalize(attr(n, "href")); err == nil && !seen[u] {
				seen[u] = true
				out = append(out, Teaser{URL: u, Title: missionsearch.TruncateRunes(collapse(textOf(n)), 300)})
			}
			return false
		}
		return true
	})
	return out
}

// metaDate returns the date written in the content's metadata elements
// (isContentMeta: a byline "Publié le 5 octobre 2021", "Posted on July 4,
// 2023 by …", a Drupal "submitted" line) under root, outside boilerplate
// and the skipped nodes, with its source: DateNumeric or DateProse.
func metaDate(root *html.Node, skip map[*html.Node]bool, order NumericOrder) (time.Time, string) {
	var found time.Time
	src := ""
	walkContent(root, skip, func(n *html.Node) bool {
		if src != "" {
			return false
		}
		if isContentMeta(n) && !hasClass(n, "field--name-changed") && !hasClass(n, "updated") {
			if t, numeric, ok := parseDateKind(collapse(textOf(n)), order); ok {
				found, src = t, missionsearch.DateProse
				if numeric {
					src = missionsearch.DateNumeric
				}
			}
			return false
		}
		return true
	})
	return found, src
}
