package missionsearch

import (
	"crypto/sha256"
	"encoding/hex"
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

// Page is one crawled HTML page after extraction: the public page record of
// the export command and of GET /api/documents/{id}.
//
// Published and Updated are the zero time when the page gives no date; they
// are then absent from the JSON form.
type Page struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Lang        Lang      `json:"lang"`
	Published   time.Time `json:"published,omitzero"`
	Updated     time.Time `json:"updated,omitzero"`
	Section     string    `json:"section,omitempty"`
	Tags        []string  `json:"tags"`
	Description string    `json:"description,omitempty"`
	Body        string    `json:"body"`
	FetchedAt   time.Time `json:"fetched_at"`
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
	// successfully (a 304 counts as seen).
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
}
