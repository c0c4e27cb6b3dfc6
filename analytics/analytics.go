// Package analytics records what visitors search for, for the staff who
// run the site: every search (its normalised words, filters, site,
// language, number of results and time taken) and every result opened from
// it, in a SQLite database of its own (WAL mode), and the reports read from
// them (top queries, queries without results, queries whose results nobody
// opened, trends by week and by site).
//
// Nothing identifies a visitor: no address, no user agent, no cookie. A
// search has a random id, only so that an opened result can be tied to it.
//
// Recording never slows a search: Recorder.Search and Recorder.Opened put
// the event in a bounded queue and return; one goroutine writes the queue
// in batches, one transaction each. When the queue is full the event is
// dropped and counted (Recorder.Dropped). Rows older than the retention
// are deleted when the Recorder opens and then daily.
//
// analytics imports only the root package, package export (for its CSV
// cell defusing), golang.org/x/text and the SQLite driver.
package analytics

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Search is one search, as recorded.
type Search struct {
	// ID is the search's random id (NewID); Opened refers to it.
	ID string
	// At is when the search ran; the zero time means now.
	At time.Time
	// Query is the words as typed; the Recorder stores them normalised
	// (Normalize).
	Query string
	// Filters are the filters of the search (section, year, lang, tag,
	// type, from, to), stored as a sorted query string.
	Filters url.Values
	// Site is the site searched; "" takes Options.Site.
	Site string
	// Lang is the language of the page the visitor saw ("fr", "en",
	// "ar"), "" for the API.
	Lang string
	// Total is the number of pages found; Took the time the search took.
	Total uint64
	Took  time.Duration
	// Page is the page of results shown (1 for the first); reports count
	// a search once, at its first page.
	Page int
	// Source is "page" (the HTML page) or "api".
	Source string
}

// Opened is a result opened from a search.
type Opened struct {
	// SearchID is the ID of the search the result was shown by.
	SearchID string
	// At is when it was opened; the zero time means now.
	At time.Time
	// URL is the result's address and Rank its position in the results
	// (1 for the first; 0 unknown).
	URL  string
	Rank int
}

// NewID returns a new random search id: 16 hex digits.
func NewID() string {
	var b [16]byte
	s := strconv.AppendUint(b[:0], rand.Uint64(), 16)
	return strings.Repeat("0", 16-len(s)) + string(s)
}

// ValidID reports whether id has the form of NewID's ids.
func ValidID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// MaxQueryRunes is the longest query recorded, in characters; a longer
// one is cut.
const MaxQueryRunes = 200

// MaxURLBytes is the longest URL of an Opened recorded.
const MaxURLBytes = 2048

// Normalize returns q as reports group it: lower case, without accents
// (œ → oe, æ → ae), spaces collapsed, at most MaxQueryRunes characters.
// "  Évènement   JEUNESSE " and "evenement jeunesse" are one query.
func Normalize(q string) string {
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, "")
	}
	q = ligatures.Replace(strings.ToLower(q))
	if !isASCII(q) {
		q = foldLatin(q)
	}
	if !isASCII(q) {
		t := folders.Get().(transform.Transformer)
		if f, _, err := transform.String(t, q); err == nil {
			q = f
		}
		folders.Put(t)
	}
	q = strings.Join(strings.Fields(q), " ")
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		q = strings.TrimSpace(string([]rune(q)[:MaxQueryRunes]))
	}
	return q
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// latin folds the accented lower-case letters of French (and its
// neighbours) by table: what the Unicode chain gives them, without its
// cost (TestNormalize compares).
var latin = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ã", "a", "å", "a",
	"ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ì", "i", "ñ", "n",
	"ô", "o", "ö", "o", "ó", "o", "ò", "o", "õ", "o",
	"ù", "u", "û", "u", "ü", "u", "ú", "u", "ÿ", "y", "ý", "y")

func foldLatin(s string) string { return latin.Replace(s) }

var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae")

// folders are the transformers that take accents off: a chain allocates
// kilobytes of buffers, so they are reused (transform.String resets them).
var folders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// filterKeys are the parameters of a search that are its filters.
var filterKeys = []string{"section", "year", "lang", "tag", "type", "from", "to"}

// FilterString returns the filters of v (section, year, lang, tag, type,
// from, to) as a query string sorted by key, without empty values: how
// Search.Filters is stored and reported.
func FilterString(v url.Values) string {
	f := url.Values{}
	for _, k := range filterKeys {
		for _, x := range v[k] {
			if x != "" {
				f.Add(k, x)
			}
		}
	}
	s := f.Encode()
	if len(s) > 1024 {
		s = s[:1024]
	}
	return s
}
