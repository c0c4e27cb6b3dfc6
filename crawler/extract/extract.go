package extract

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/entity"
)

// MaxInputBytes is the most Extract reads from its reader; the rest of a
// larger document is ignored (the crawler caps bodies well below this).
const MaxInputBytes = 32 << 20

// Options tune extraction; the zero value is usable.
type Options struct {
	// SiteName is the suffix to strip from titles (" | SiteName",
	// " - SiteName", " – SiteName"). When empty, og:site_name is used, and
	// failing that a suffix after the last " | " of the title.
	SiteName string
	// Boilerplate, when set, reports whether a text block is site
	// boilerplate (learned by the crawler from block frequencies); such
	// blocks are left out of Result.Blocks and the body. It must be safe
	// for concurrent use when Extract is called concurrently.
	Boilerplate func(block string) bool
	// DefaultLang is the language used when neither the markup nor the text
	// decide; "" means French.
	DefaultLang missionsearch.Lang
	// Limits bound the title, description, section, tags and body of the
	// page; zero fields take DefaultLimits.
	Limits Limits
	// Entities is the gazetteer that finds the partners, people and places
	// of a page's title and body (listings have none); nil means the
	// shipped one, entity.Default().
	Entities *entity.Gazetteer
}

// Result is what Extract finds in one page.
type Result struct {
	// Page has ID, URL (the canonical URL), Title, Lang, Published,
	// Updated, Section, Tags (never nil), Description and Body filled,
	// each within Options.Limits; FetchedAt is left zero for the caller.
	Page missionsearch.Page
	// Canonical is the absolute canonical URL, normalised: the
	// <link rel=canonical> when it is on the page's host, else the page URL.
	Canonical string
	// Links are the absolute, normalised http(s) targets of every <a href>
	// and <area href> of the page (menus included), in document order,
	// without duplicates.
	Links []string
	// Blocks are the main-content text blocks (paragraphs, headings, list
	// items, table cells, loose text) in document order, with whitespace
	// collapsed; Page.Body is strings.Join(Blocks, "\n\n"), so the blocks
	// past Limits.Body are left out and the one crossing it is cut.
	Blocks []string
	// NoIndex and NoFollow reflect <meta name=robots> (or googlebot):
	// "noindex"/"nofollow", or "none" for both.
	NoIndex  bool
	NoFollow bool
	// Teasers are the items the page lists (heading links to other pages
	// of the site, with the date shown beside each), in document order.
	Teasers []Teaser
	// TextLinks are the other links of the main content, with their text
	// (no date): the documents the page cites.
	TextLinks []Teaser
	// Signals are the evidence Page.Type was decided from.
	Signals Signals
	// Warnings name what was wrong with the page and ignored (malformed
	// JSON-LD), for the crawler's log.
	Warnings []string
}

// Extract reads one HTML page fetched from pageURL with the given
// Content-Type header value and returns its main content and metadata.
//
// The content type must be HTML (text/html, application/xhtml+xml) or
// empty; any other type gives an error of code missionsearch.EINVALID. The
// body is decoded from the charset of the content type, else of a <meta
// charset> in the first 1024 bytes, else UTF-8 (with windows-1252 guessed
// for invalid UTF-8). pageURL must be an absolute http(s) URL. Broken HTML
// is parsed as browsers do and never makes Extract fail; only read errors,
// a bad content type or a bad page URL do. At most MaxInputBytes are read.
func Extract(r io.Reader, pageURL *url.URL, contentType string, opts Options) (*Result, error) {
	if pageURL == nil {
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "extract: no page URL")
	}
	pageNorm, err := NormalizeURL(pageURL.String(), nil)
	if err != nil {
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "extract: page URL %q is not a crawlable URL: %v", pageURL.String(), err)
	}
	if err := checkContentType(contentType); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxInputBytes))
	if err != nil {
		return nil, fmt.Errorf("extract: %s: read body: %w", pageNorm, err)
	}
	data, err := decode(raw, contentType)
	if err != nil {
		return nil, fmt.Errorf("extract: %s: decode charset: %w", pageNorm, err)
	}
	doc, err := parseHTML(data)
	if err != nil {
		return nil, fmt.Errorf("extract: %s: parse HTML: %w", pageNorm, err)
	}
	base, _ := url.Parse(pageNorm)
	return extractDoc(doc, base, opts), nil
}

// checkContentType accepts HTML media types and the empty string.
func checkContentType(ct string) error {
	if strings.TrimSpace(ct) == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		// A malformed parameter list: judge by the type alone.
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	switch mt {
	case "text/html", "application/xhtml+xml", "application/xml+html":
		return nil
	}
	return missionsearch.Errorf(missionsearch.EINVALID, "extract: content type %q is not HTML", ct)
}

// extractDoc does the work of Extract on a parsed document; base is the
// normalised page URL.
func extractDoc(doc *html.Node, base *url.URL, opts Options) *Result {
	lim := opts.Limits.withDefaults()
	res := &Result{}
	m := scanDocument(doc, base)
	res.NoIndex, res.NoFollow = m.noIndex, m.noFollow
	res.Links = m.links

	// Canonical URL.
	res.Canonical = base.String()
	if m.canonical != "" {
		if c, err := NormalizeURL(m.canonical, m.base); err == nil {
			if cu, err := url.Parse(c); err == nil && strings.EqualFold(cu.Hostname(), base.Hostname()) {
				res.Canonical = c
			}
		}
	}
	canon, _ := url.Parse(res.Canonical)

	// Main content.
	root := chooseRoot(doc, m)
	blocks := collectBlocks(root)
	if textLen(blocks) < 50 && root != m.body {
		if d := densest(m.body); d != nil && d != root {
			if alt := collectBlocks(d); textLen(alt) > textLen(blocks) {
				root, blocks = d, alt
			}
		}
	}

	// Title.
	p := &res.Page
	p.Title = chooseTitle(m, root, opts)
	if len(blocks) > 0 && blocks[0] == p.Title {
		blocks = blocks[1:]
	}
	p.Title = missionsearch.TruncateRunes(p.Title, lim.Title)
	if opts.Boilerplate != nil {
		kept := blocks[:0]
		for _, b := range blocks {
			if !opts.Boilerplate(b) {
				kept = append(kept, b)
			}
		}
		blocks = kept
	}
	blocks = capBlocks(blocks, lim.Body)

	// Structure: teasers, signals, type; then dates, which only pages
	// that are not listings take from their content.
	ld := parseJSONLD(m.jsonld)
	if ld.broken > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d JSON-LD block(s) are not valid JSON: ignored", ld.broken))
	}
	lang := chooseLang(m, p.Title, strings.Join(blocks, "\n\n"), opts)
	nz := m.norm
	items := findTeasers(root, base, nz, lang)
	inItem := map[*html.Node]bool{}
	for _, it := range items {
		inItem[it.node] = true
		res.Teasers = append(res.Teasers, it.Teaser)
	}
	res.TextLinks = textLinks(root, base, nz, inItem)
	sig := &res.Signals
	sig.Pager, sig.Teasers = m.pager, len(items)
	text, linkText := textStats(root)
	own := text
	for _, it := range items {
		t, _ := textStats(it.node)
		own -= t
	}
	sig.OwnText = max(own, 0)
	if text+linkText > 0 {
		sig.LinkShare = float64(linkText) / float64(text+linkText)
	}
	sig.Links = countLinks(root)
	sig.SchemaTypes = append(append(sig.SchemaTypes, ld.types...), m.microdata...)
	if m.ogType != "" {
		sig.SchemaTypes = append(sig.SchemaTypes, "og:"+m.ogType)
	}

	order := orderFor(lang, strings.Join(blocks[:min(len(blocks), 8)], " "))
	switch {
	case ld.published != "":
		if t, ok := parseMachineDate(ld.published); ok {
			p.Published, p.PublishedSource = t, missionsearch.DateJSONLD
		}
	}
	if p.Published.IsZero() {
		for _, c := range m.metaPublished {
			if t, ok := parseMachineDate(c.value); ok {
				p.Published, p.PublishedSource = t, c.source
				break
			}
		}
	}
	if t, ok := parseMachineDate(ld.modified); ok {
		p.Updated = t
	} else {
		p.Updated = firstDate(m.metaModified)
	}
	sig.OwnDate = !p.Published.IsZero()
	typ, reason := classify(base, sig)
	// Dates shown in the content count only on pages that are not
	// listings (whose dates are their items'), and not on pages that say
	// they are not articles (og:type website).
	if p.Published.IsZero() && typ != missionsearch.TypeListing && (m.ogType == "" || m.ogType == "article") {
		if t, ok := timeIn(root, inItem); ok {
			p.Published, p.PublishedSource = t, missionsearch.DateTime
		} else if t, ok := timeIn(m.body, inItem); ok {
			p.Published, p.PublishedSource = t, missionsearch.DateTime
		} else if t, src := metaDate(root, inItem, order); !t.IsZero() {
			p.Published, p.PublishedSource = t, src
		} else if t, src := byline(blocks, headingTexts(root), order); !t.IsZero() {
			p.Published, p.PublishedSource = t, src
		}
		if !p.Published.IsZero() {
			sig.OwnDate = true
			typ, reason = classify(base, sig)
		}
	}
	if p.Updated.IsZero() && typ != missionsearch.TypeListing && (m.ogType == "" || m.ogType == "article") {
		p.Updated = updatedIn(root)
	}
	p.Type, sig.Reason = typ, reason

	// The byline is not text of the page.
	if typ != missionsearch.TypeListing {
		blocks = dropDateLines(blocks, order)
	}
	res.Blocks = blocks
	p.Body = strings.Join(blocks, "\n\n")
	p.Headings = headingsIn(root, inItem)
	if len(p.Headings) > 0 && p.Headings[0] == p.Title {
		p.Headings = p.Headings[1:]
	}

	// Language: decided before the byline left the body, which changes
	// no language.
	p.Lang = lang
	alts := m.alternates
	if len(alts) == 0 {
		alts = m.switcher
	}
	p.Translations = translations(alts, m.base, res.Canonical, p.Lang)

	p.Description = missionsearch.TruncateRunes(
		collapse(firstNonEmpty(m.description, m.ogDescription, m.twitterDescription)), lim.Description)
	p.Tags = capTags(m.tags, lim.Tags, lim.Tag)
	p.Section = strings.TrimRight(missionsearch.TruncateRunes(chooseSection(canon, m.crumbs), lim.Section), "-")
	p.URL = res.Canonical
	p.ID = missionsearch.PageID(res.Canonical)
	if typ != missionsearch.TypeListing {
		setEntities(p, opts)
	}
	if res.Links == nil {
		res.Links = []string{}
	}
	return res
}

// setEntities fills the partners, people and places of p from its title
// and body.
func setEntities(p *missionsearch.Page, opts Options) {
	g := opts.Entities
	if g == nil {
		g = entity.Default()
	}
	e := g.Extract(p.Title + "\n\n" + p.Body)
	p.Partners, p.People, p.Places = e.Partners, e.People, e.Places
}

func textLen(blocks []string) int {
	n := 0
	for _, b := range blocks {
		n += len(b)
	}
	return n
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func firstDate(cands []string) time.Time {
	for _, c := range cands {
		if t, ok := parseMachineDate(c); ok {
			return t
		}
	}
	return time.Time{}
}

// byline finds the page's date in its text: a short block that only
// gives a date ("Publié le 5 octobre 2021", "05/10/2021"; see isDateLine)
// among the first blocks, else a date written at the start of the first
// paragraph-sized block (80 bytes or more): "Tanger – 01 aout 2024 – …",
// "Fès, les 10 et 11 avril 2018 – …", "22 mai 2012. - …". Other short
// blocks (a subheading, a caption) are passed over, and so are headings: a
// news lede set as an <h2> above the first paragraph (Wikinews) is not
// where the dateline is. headings holds the text of the main content's
// h1–h6 elements. The source is DateNumeric for a numeric date, else
// DateProse.
func byline(blocks []string, headings map[string]bool, order NumericOrder) (time.Time, string) {
	src := func(numeric bool) string {
		if numeric {
			return missionsearch.DateNumeric
		}
		return missionsearch.DateProse
	}
	for i, b := range blocks {
		if i >= 6 || len(b) >= 80 {
			break
		}
		if !headings[b] && isDateLine(b, order) {
			if t, numeric, ok := parseDateKind(b, order); ok {
				return t, src(numeric)
			}
		}
	}
	for _, b := range blocks {
		if len(b) < 80 || headings[b] {
			continue
		}
		head := b[:min(len(b), 80)]
		if t, numeric, ok := parseDateKind(head, order); ok {
			return t, src(numeric)
		}
		break
	}
	return time.Time{}, ""
}

// dropDateLines removes the bylines (isDateLine) among the first six and
// the last three blocks.
func dropDateLines(blocks []string, order NumericOrder) []string {
	out := blocks[:0:0]
	for i, b := range blocks {
		if (i < 6 || i >= len(blocks)-3) && isDateLine(b, order) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// countLinks returns the number of <a href> under root outside
// boilerplate.
func countLinks(root *html.Node) int {
	n := 0
	var walk func(c *html.Node, depth int)
	walk = func(c *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if c.Type == html.ElementNode {
			if c != root && isBoilerplate(c, false) {
				return
			}
			if c.DataAtom == atom.A && attr(c, "href") != "" {
				n++
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
	}
	walk(root, 0)
	return n
}

// headingTexts returns the collapsed text of the h1–h6 elements under root
// (at most the first 64), as collectBlocks would give their blocks.
func headingTexts(root *html.Node) map[string]bool {
	out := map[string]bool{}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth || len(out) >= 64 {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				if t := collapse(textOf(n)); t != "" {
					out[t] = true
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return out
}

// chooseLang decides the page language from the markup and the text.
func chooseLang(m *docMeta, title, body string, opts Options) missionsearch.Lang {
	def := opts.DefaultLang
	if !def.Valid() {
		def = missionsearch.LangFR
	}
	s := missionsearch.ScoreLang(title + "\n" + body)
	textLang, strong := s.Decide()
	if attr := langFromTag(firstNonEmpty(m.htmlLang, m.contentLang, m.ogLocale)); attr != "" {
		if strong && textLang != attr {
			if textLang == missionsearch.LangAR || attr == missionsearch.LangAR {
				return textLang // e.g. an Arabic text under the site-wide lang="fr"
			}
			// French and English share a script and documentation often
			// leaves passages untranslated: the text overrides the markup
			// only when the title does not say otherwise.
			if t := missionsearch.ScoreLang(title); textLang == missionsearch.LangEN && t.EN >= t.FR ||
				textLang == missionsearch.LangFR && t.FR >= t.EN {
				return textLang
			}
		}
		return attr
	}
	if s.FR == 0 && s.EN == 0 && s.Arabic == 0 {
		return def // no evidence at all
	}
	return textLang
}

// chooseTitle returns og:title, else the first <h1> of the main content,
// else <title>, with the site-name suffix removed.
func chooseTitle(m *docMeta, root *html.Node, opts Options) string {
	t := collapse(m.ogTitle)
	if t == "" {
		for _, n := range []*html.Node{m.main, root, m.body} {
			if n == nil {
				continue
			}
			if h := findFirst(n, atom.H1); h != nil {
				if t = collapse(textOf(h)); t != "" {
					break
				}
			}
		}
	}
	if t == "" {
		t = collapse(m.title)
	}
	site := collapse(opts.SiteName)
	if site == "" {
		site = collapse(m.siteName)
	}
	if site != "" {
		for _, sep := range []string{" | ", " - ", " – ", " — ", " :: ", " · "} {
			if s, ok := strings.CutSuffix(t, sep+site); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
		return t
	}
	if i := strings.LastIndex(t, " | "); i > 0 {
		return strings.TrimSpace(t[:i])
	}
	return t
}

// knownSections maps breadcrumb labels, folded, to the URL keywords of the
// mission sites.
var knownSections = map[string]string{
	"actualites": "news", "actualite": "news", "news": "news", "الاخبار": "news", "الأخبار": "news",
	"histoires": "stories", "stories": "stories", "temoignages": "stories",
	"communiques de presse": "press-releases", "communiques": "press-releases", "press releases": "press-releases",
	"evenements": "events", "evenement": "events", "events": "events", "agenda": "events",
}

// nonSections are URL segments that name no section.
var nonSections = setOf("node", "taxonomy", "term", "user", "search", "index.php", "sites", "pages", "page", "tags",
	"wp-content", "uploads", "files", "download", "downloads")

// chooseSection applies the policy of the package documentation.
func chooseSection(canon *url.URL, crumbs []crumb) string {
	if canon != nil {
		var segs []string
		for s := range strings.SplitSeq(canon.Path, "/") {
			if s != "" {
				segs = append(segs, s)
			}
		}
		if len(segs) > 0 && isLangCode(strings.ToLower(segs[0])) {
			segs = segs[1:]
		}
		if len(segs) >= 2 && !nonSections[strings.ToLower(segs[0])] && strings.Trim(segs[0], "0123456789") != "" {
			if s, err := url.PathUnescape(segs[0]); err == nil {
				return strings.ToLower(s)
			}
		}
	}
	// Breadcrumb: the item before the page itself, unless it is the home.
	n := len(crumbs)
	if n == 0 {
		return ""
	}
	i := n - 1
	if !crumbs[i].link || n >= 2 && canon != nil && crumbs[i].href == canon.String() {
		i-- // the last item is the page itself
	}
	if i <= 0 { // nothing, or only the home item
		return ""
	}
	label := fold(crumbs[i].label)
	if k, ok := knownSections[label]; ok {
		return k
	}
	return slugify(label)
}

// isLangCode reports whether s looks like a language path prefix: "fr",
// "en", "ar", "es", "fr-fr", "pt-br".
func isLangCode(s string) bool {
	if len(s) == 2 {
		return s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
	}
	return len(s) == 5 && s[2] == '-' && isLangCode(s[:2])
}

// fold lower-cases s and removes French accents.
func fold(s string) string {
	var b strings.Builder
	for _, r := range collapse(s) {
		b.WriteString(foldRune(r))
	}
	return b.String()
}

// slugify turns a folded label into a keyword: letters and digits, runs of
// anything else as one hyphen.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if isLetter(r) || isDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// parseHTML parses a decoded document. golang.org/x/net/html refuses
// documents that nest more than 512 open elements; those (legacy pages with
// hundreds of unclosed <font> or <div>, hostile pages) are parsed again with
// their nesting flattened beyond flatDepth, and as bare text if even that
// fails, so that their text is still extracted.
func parseHTML(data []byte) (*html.Node, error) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err == nil {
		return doc, nil
	}
	if doc, err2 := html.Parse(bytes.NewReader(flatten(data, false))); err2 == nil {
		return doc, nil
	}
	if doc, err2 := html.Parse(bytes.NewReader(flatten(data, true))); err2 == nil {
		return doc, nil
	}
	return nil, err
}

// flatDepth is the nesting beyond which flatten drops tags.
const flatDepth = 100

// voidElements have no end tag and never nest.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true,
	atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Source: true,
	atom.Track: true, atom.Wbr: true, atom.Param: true,
}

// flatten rewrites data with the start and end tags nested deeper than
// flatDepth (by a naive count) removed; textOnly keeps only the text, one
// paragraph per text run, plus the <head>.
func flatten(data []byte, textOnly bool) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	z := html.NewTokenizer(bytes.NewReader(data))
	depth := 0
	inHead := true
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Body {
				inHead = false
			}
			if textOnly && !inHead {
				continue
			}
			if voidElements[a] {
				out.Write(z.Raw())
				continue
			}
			depth++
			if depth <= flatDepth {
				out.Write(z.Raw())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) == atom.Head {
				inHead = false
			}
			if textOnly && !inHead {
				continue
			}
			if depth <= flatDepth {
				out.Write(z.Raw())
			}
			depth = max(depth-1, 0)
		case html.TextToken:
			if textOnly && !inHead {
				out.WriteString("<p>")
				out.WriteString(html.EscapeString(string(z.Text())))
				out.WriteString("</p>")
				continue
			}
			out.Write(z.Raw())
		default:
			out.Write(z.Raw())
		}
	}
}

// decode returns raw converted to UTF-8 from the encoding named by the
// content type, a BOM or a <meta> charset in the first 1024 bytes, or
// guessed (golang.org/x/net/html/charset.DetermineEncoding). UTF-8 input is
// returned as is, without its BOM; invalid bytes are left for the parser.
func decode(raw []byte, contentType string) ([]byte, error) {
	enc, name, _ := charset.DetermineEncoding(raw[:min(len(raw), 1024)], contentType)
	if name == "utf-8" {
		return bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF")), nil
	}
	return enc.NewDecoder().Bytes(raw)
}
