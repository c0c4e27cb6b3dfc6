package missionsearch

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Lang is the language of a page, as an ISO 639-1 code.
type Lang string

// The languages the mission sites publish in. Any other language is stored
// as LangFR's analysis would misread it, so extraction maps unknown
// languages to the closest of these three.
const (
	LangFR Lang = "fr"
	LangEN Lang = "en"
	LangAR Lang = "ar"
)

// Langs lists the supported languages in display order.
var Langs = []Lang{LangFR, LangEN, LangAR}

// Valid reports whether l is one of the supported languages.
func (l Lang) Valid() bool {
	return l == LangFR || l == LangEN || l == LangAR
}

// PageType is what a stored page is to a visitor of the site.
type PageType string

// The page types. Only listings are left out of results, suggestions and
// exports by default: they are crawled for their links.
const (
	// TypeArticle is a dated piece of content: news, story, press
	// release, event report.
	TypeArticle PageType = "article"
	// TypeListing is a page that lists other pages: a paginated list, a
	// tag or taxonomy page, a section front, a home page.
	TypeListing PageType = "listing"
	// TypeStatic is an undated page of its own: about, contact, legal
	// notice, a manual's chapter.
	TypeStatic PageType = "static"
	// TypeDocument is a PDF document linked from the site.
	TypeDocument PageType = "document"
)

// PageTypes lists the page types in display order.
var PageTypes = []PageType{TypeArticle, TypeListing, TypeStatic, TypeDocument}

// Valid reports whether t is one of PageTypes.
func (t PageType) Valid() bool {
	return t == TypeArticle || t == TypeListing || t == TypeStatic || t == TypeDocument
}

// OrArticle returns t, or TypeArticle for the empty type of pages stored
// before pages had types.
func (t PageType) OrArticle() PageType {
	if t == "" {
		return TypeArticle
	}
	return t
}

// The provenance of Page.Published (Page.PublishedSource), in the order of
// precedence extraction applies when sources disagree: the first source
// that gives a date wins.
const (
	DateJSONLD    = "jsonld"      // schema.org datePublished (JSON-LD, @graph included)
	DateOpenGraph = "opengraph"   // <meta property="article:published_time">
	DateMicrodata = "microdata"   // itemprop="datePublished"
	DateMeta      = "meta"        // other <meta> date names (dcterms.date, date, pubdate…)
	DateTime      = "time"        // <time datetime> in the main content
	DateProse     = "prose"       // a written date in the byline or dateline ("le 5 octobre 2021")
	DateNumeric   = "numeric"     // a numeric date in the byline or dateline ("05/10/2021": day first on French and Arabic pages)
	DateTeaser    = "teaser"      // no date of its own: the date a listing shows beside its link
	DatePDF       = "pdf"         // the CreationDate of a PDF document
	DateCiting    = "citing_page" // a document without one: the date of the page citing it
)

// Link is a page this one refers to: a translation or a citing page.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	Lang  Lang   `json:"lang,omitempty"`
}

// Page is one crawled page after extraction: the public page record of the
// export command and of GET /api/documents/{id}.
//
// Published and Updated are the zero time when the page gives no date; they
// are then absent from the JSON form. Headings are the h2–h4 headings of
// the main content, in order. Translations are the versions of the page in
// the site's other languages (hreflang alternates or the language
// switcher); CitedBy are the pages linking to a document (the "Annexe de"
// of a PDF). Type is empty only in records stored before types existed,
// which read as articles. Site is the name of the configured site whose
// crawl stored the page, empty when a data directory holds one site.
// Partners, People and Places are what the title and body name (package
// entity): canonical names of organisations, the people with their role,
// canonical names of cities, regions and countries; listings have none.
type Page struct {
	ID              string    `json:"id"`
	URL             string    `json:"url"`
	Site            string    `json:"site,omitempty"`
	Type            PageType  `json:"type"`
	Title           string    `json:"title"`
	Lang            Lang      `json:"lang"`
	Published       time.Time `json:"published,omitzero"`
	PublishedSource string    `json:"published_source,omitempty"`
	Updated         time.Time `json:"updated,omitzero"`
	Section         string    `json:"section,omitempty"`
	Tags            []string  `json:"tags"`
	Description     string    `json:"description,omitempty"`
	Headings        []string  `json:"headings,omitempty"`
	Body            string    `json:"body"`
	Translations    []Link    `json:"translations,omitempty"`
	CitedBy         []Link    `json:"cited_by,omitempty"`
	Partners        []string  `json:"partners,omitempty"`
	People          []Person  `json:"people,omitempty"`
	Places          []string  `json:"places,omitempty"`
	FetchedAt       time.Time `json:"fetched_at"`

	// Refs are the links of the page's main content, as the crawler found
	// them: not part of the record (never in its JSON form), written by the
	// store beside the page and used by the crawl to date the articles a
	// listing shows and to find the pages citing a document.
	Refs []Ref `json:"-"`
}

// Person is a person a page names, with the role the page gives them
// ("cheffe du Bureau"), "" when none.
type Person struct {
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
}

// Ref is one link of a page's main content: a teaser (the heading link of
// a list item, with the date the item shows, zero when none) or a link of
// the text (a document it cites), with its link text.
type Ref struct {
	URL    string
	Title  string
	Date   time.Time
	Teaser bool
}

// PageID returns the stable identifier of the page whose canonical URL is
// canonicalURL: the first 16 hex digits of its SHA-256. The same URL always
// gives the same ID, across crawls and machines.
func PageID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:8])
}

// Date returns the page's best date for sorting and facets: Published, else
// Updated, else the zero time.
func (p *Page) Date() time.Time {
	if !p.Published.IsZero() {
		return p.Published
	}
	return p.Updated
}

// Lead returns the page's lead: its description, else the first paragraph
// of its body (the text up to the first blank line), cut to 1,000
// characters.
func (p *Page) Lead() string {
	if p.Description != "" {
		return TruncateRunes(p.Description, 1000)
	}
	first, _, _ := strings.Cut(p.Body, "\n\n")
	return TruncateRunes(first, 1000)
}

// CrawlState is what the crawler remembers of one URL between crawls. It is
// kept by the store beside the page and read back by the next crawl for
// conditional GETs and duplicate detection.
type CrawlState struct {
	// URL is the canonical URL the state belongs to.
	URL string
	// ETag and LastModified are the validators of the last 200 response,
	// sent back as If-None-Match and If-Modified-Since.
	ETag         string
	LastModified string
	// ContentHash is the hex SHA-256 of the extracted body, used to store
	// duplicate content under two URLs once.
	ContentHash string
	// FirstSeen and LastSeen are when the URL was first and last fetched
	// successfully (a 304 counts as seen); for a dead link never stored,
	// LastSeen is when it was last checked.
	FirstSeen time.Time
	LastSeen  time.Time
	// Gone is true once the URL answered 404 or 410, or vanished from the
	// site; a gone page is kept in the store but leaves the index.
	Gone bool
	// Status is the HTTP status of the last fetch.
	Status int
	// Links are the outgoing links of the page as the crawler found them
	// the last time the URL answered 200 with an HTML page: the
	// normalised, in-scope URLs it would queue, in document order, without
	// duplicates. A 304 answer keeps them, and the crawler queues them as
	// if the page had been fetched again, so that the pages it links to
	// are still reached. Links is empty, not nil, when the page has no
	// such link or asks not to follow them, and for a 200 that is not an
	// HTML page or is too large to read. nil means unknown (a redirect, an
	// error status, or a state stored before the links were recorded): the
	// crawler then fetches the URL without validators to learn them.
	Links []string
	// Location is the target of a redirect, normalised (as sent when it is
	// not a valid URL), when Status is a redirect status; "" otherwise.
	Location string
	// Version is the version of the extraction that stored the page of
	// this URL (the crawler's record version), 0 for states stored before
	// versions: a page stored by an older extraction is fetched again in
	// full, not answered by a 304, so that its record is extracted anew.
	Version int
	// Interval is the URL's adaptive recrawl interval: shortened when a
	// check finds the page changed, lengthened when it finds it unchanged,
	// never above the crawl's max_age; 0 when unknown (a state stored
	// before schedules).
	Interval time.Duration
	// NextCheck is when the URL is due for its next check; a crawl before
	// then neither fetches it nor asks whether it changed (it follows its
	// stored Links) unless the site's sitemap says it changed. The zero
	// time means unknown (a state stored before schedules): due now.
	NextCheck time.Time
	// Listed is true when the site's sitemap listed the URL at its last
	// check: a page that leaves the sitemap is checked on the next crawl.
	Listed bool
}

// Template is the boilerplate a crawl learned for a site: the hashes of the
// text blocks found on most of its pages (the crawler's block hash), when
// they were learned and by which extraction version. The next crawls of
// the site reuse it until it is max_age old, so that they need not fetch a
// sample of pages in full to learn it again.
type Template struct {
	Blocks  []uint64
	Learned time.Time
	Version int
}
