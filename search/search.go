package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// Sort orders of Request.Sort.
const (
	// SortRelevance orders hits by score, then newest first, then by id.
	// It is the default when the query has words.
	SortRelevance = "relevance"
	// SortDate orders hits newest first (pages without a date last), then
	// by id. It is the default when the query is empty.
	SortDate = "date"
)

// Facet names: the keys of Result.Facets.
const (
	FacetSection = "section"
	FacetYear    = "year"
	FacetLang    = "lang"
	FacetTag     = "tag"
	FacetType    = "type"
	FacetSite    = "site"
	// FacetPartner, FacetPerson and FacetPlace count the partners, people
	// and places the pages name (missionsearch.Page.Partners, People,
	// Places).
	FacetPartner = "partner"
	FacetPerson  = "person"
	FacetPlace   = "place"
)

// Limits of a request.
const (
	// DefaultSize is the number of hits per page when Request.Size is 0.
	DefaultSize = 10
	// MaxSize is the largest Request.Size.
	MaxSize = 100
	// MaxWindow is the largest Page×Size: deeper results are reached with
	// Request.SearchAfter.
	MaxWindow = 10000
	// MaxFilterValues is the largest number of values of one filter.
	MaxFilterValues = 20
)

// Request is one search: the words typed, the filters, the order and the
// page wanted. The zero Request browses every page, newest first, ten at a
// time.
//
// Filters of one kind are alternatives (OR) and kinds combine (AND): pages
// of section "news" or "stories", and of year 2024. Blank filter values are
// ignored.
type Request struct {
	// Query is the text typed by the user, in the language of ParseQuery.
	Query string
	// Sections, Years, Langs and Tags restrict the pages by their section,
	// year (four digits, of the page's date), language ("fr", "en", "ar")
	// and tags. At most MaxFilterValues values each.
	Sections, Years, Langs, Tags []string
	// Sites restricts the pages to those of the configured sites named
	// (Page.Site): one mission's site among the network's.
	Sites []string
	// Partners, People and Places restrict the pages by the partners
	// (canonical names), people (names) and places (canonical names) they
	// name, compared exactly. At most MaxFilterValues values each.
	Partners, People, Places []string
	// Types restricts the pages by type (missionsearch.PageType). Empty
	// means DefaultTypes: every type but listings, which are crawled for
	// their links and are not results unless asked for.
	Types []string
	// From and To restrict the pages by date (published, else updated),
	// both days included, in the time zone of the value; the zero time
	// leaves that end open. Pages without a date are left out when either
	// is set.
	From, To time.Time
	// Sort is SortRelevance, SortDate, or "" for the default (relevance with
	// words, date without).
	Sort string
	// Page (from 1) and Size (1 to MaxSize, default DefaultSize) select the
	// hits to return; 0 means the default. Page×Size may not exceed
	// MaxWindow.
	Page, Size int
	// SearchAfter is Result.Next of the previous page: the hits that follow
	// it are returned, however deep, and Page must be 0 or 1. The request
	// must otherwise be the same as the one that gave the cursor.
	SearchAfter string
}

// Limits of a Hit: a hit carries no more than a result list displays, even
// when the index holds a page of an older crawl with a huge field.
const (
	// MaxHitTitleRunes is the longest Hit.Title, in characters.
	MaxHitTitleRunes = 300
	// MaxHitSectionRunes is the longest Hit.Section, in characters.
	MaxHitSectionRunes = 100
	// MaxHitTags is the most tags of a hit (the page's first ones), and
	// MaxHitTagRunes the longest, in characters.
	MaxHitTags     = 50
	MaxHitTagRunes = 100
)

// Hit is one page found.
type Hit struct {
	ID  string `json:"id"`
	URL string `json:"url"`
	// Title is plain text: escape it before putting it in HTML. It is at
	// most MaxHitTitleRunes characters, cut at a word boundary.
	Title string `json:"title"`
	// Snippet is safe HTML: escaped text of the page, about 200 characters,
	// with the words that matched between <mark> and </mark>. It shows the
	// passage of the body with the most query words, else the description,
	// else the start of the body. Its text is at most about 200
	// characters, however long the page and its words.
	Snippet   string             `json:"snippet"`
	Published time.Time          `json:"published,omitzero"`
	Updated   time.Time          `json:"updated,omitzero"`
	Section   string             `json:"section,omitempty"`
	Site      string             `json:"site,omitempty"`
	Lang      missionsearch.Lang `json:"lang"`
	Tags      []string           `json:"tags"`
	// Type is the page type ("article" for pages indexed without one).
	Type missionsearch.PageType `json:"type"`
	// CitedBy are the pages citing a document (at most 3): "Annexe de".
	CitedBy []missionsearch.Link `json:"cited_by,omitempty"`
	// Translations are the page's versions in the site's other languages.
	Translations []missionsearch.Link `json:"translations,omitempty"`
	// Score is the relevance score; 0 when sorting by date.
	Score float64 `json:"score"`
	// Match is MatchAll when the page has every word of the query,
	// MatchPartial when it lacks some (see Result.Relaxed); "" for a
	// search without words.
	Match string `json:"match,omitempty"`
	// Approximate is true when the page matched some word only through
	// its typo alternatives (see Result.Approximate).
	Approximate bool `json:"approximate,omitempty"`
}

// The values of Hit.Match.
const (
	MatchAll     = "all"
	MatchPartial = "partial"
)

// DefaultTypes are the page types a Request without Types searches.
var DefaultTypes = []string{string(missionsearch.TypeArticle), string(missionsearch.TypeStatic), string(missionsearch.TypeDocument)}

// FacetValue is one value of a facet with the number of pages that have it.
type FacetValue struct {
	Value string `json:"value"`
	// Count is the number of matching pages with this value, computed with
	// the filter of this facet itself left out (multi-select facets): the
	// count is what the user gets by adding this value to the filter, or
	// by choosing it alone when nothing of this facet is selected.
	Count int `json:"count"`
	// Selected is true when the value is one of the request's filters.
	// Selected values are always listed, even with a count of 0.
	Selected bool `json:"selected"`
}

// Result is the answer to a Request.
type Result struct {
	// Query is the query as understood, in ParseQuery's normal form
	// (Query.String).
	Query string `json:"query"`
	// Total is the number of pages matching.
	Total uint64 `json:"total"`
	// Took is the time the search took.
	Took time.Duration `json:"-"`
	// Hits are the pages of the requested page of results.
	Hits []Hit `json:"hits"`
	// Facets maps FacetSection, FacetYear, FacetLang, FacetTag, FacetType,
	// FacetSite, FacetPartner, FacetPerson and FacetPlace to their values:
	// the most frequent first, except years (newest first). There are at
	// most 20 sections, 30 years, 3 languages, 30 tags, 4 types, MaxSites
	// sites and 30 partners, people and places, plus the selected values; a
	// store of one site has no site value.
	Facets map[string][]FacetValue `json:"facets"`
	// TotalAll is the number of pages with every word of the query (Total
	// when the search is not relaxed).
	TotalAll uint64 `json:"total_all"`
	// Relaxed is true when fewer than a page of pages had every word, so
	// pages lacking one or two of them follow (Hit.Match "partial"), and
	// count in Total and the facets.
	Relaxed bool `json:"relaxed,omitempty"`
	// Approximate lists the query's words that were matched through typo
	// alternatives (words the index does not know, or barely), when some
	// hits were found only that way (Hit.Approximate).
	Approximate []string `json:"approximate,omitempty"`
	// QueryDate is the year (and month) typed beside other words, which
	// ranks the pages dated then first; nil for none.
	QueryDate *QueryDate `json:"query_date,omitempty"`
	// DidYouMean is a corrected query when a word of the query is unknown
	// to the index and a close known word gives results; "" otherwise.
	DidYouMean string `json:"did_you_mean,omitempty"`
	// Next is the cursor of the next page (see Request.SearchAfter), or ""
	// when this is the last page.
	Next string `json:"next,omitempty"`
}

// MarshalJSON encodes r as the JSON of GET /api/search, with Took as an
// integer number of milliseconds, "took_ms".
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		TookMS int64 `json:"took_ms"`
	}{plain(r), r.Took.Milliseconds()})
}

// Searcher runs searches over one bleve index. It is safe for concurrent
// use; it holds no state of its own between calls.
type Searcher struct {
	builds builds
	an     analyzers
	err    error
	// slow turns the fast path off (see snapshot.go): facets are then
	// counted by bleve, as the tests compare.
	slow bool
	// fast and stale count the searches run on the fast path, and those
	// it gave back to the slow path because the index changed.
	fast, stale atomic.Uint64
	// matched counts the fast searches whose matches came from the
	// postings bitmaps (matchSet), unsupported those that could not.
	matched, unsupported atomic.Uint64
	// cache keeps results per snapshot (cache.go) within cacheBytes; 0
	// turns it off. cached counts the searches it answered.
	cache      resultCache
	cacheBytes int64
	// syn are the shipped synonyms and the site's (SetSynonyms).
	syn    *Synonyms
	cached atomic.Uint64
}

// SetCacheBytes sets the memory the result cache may hold
// (DefaultCacheBytes by default); 0 turns it off. Call it before
// searching.
func (s *Searcher) SetCacheBytes(n int64) { s.cacheBytes = max(0, n) }

// CacheSize returns the number of results the result cache holds and an
// estimate of their memory, in bytes.
func (s *Searcher) CacheSize() (results int, bytes int64) { return s.cache.size() }

// CachedSearches returns the number of searches answered from the result
// cache.
func (s *Searcher) CachedSearches() uint64 { return s.cached.Load() }

// builds gives out the build each search pins (see index.Build).
type builds interface {
	Acquire() (*index.Build, error)
}

// New returns a Searcher over idx, an index built with index.NewMapping
// that the caller owns (and may write to): tests and tools. The Searcher
// never closes it.
func New(idx bleve.Index) *Searcher { return newSearcher(index.Fixed(idx)) }

// NewLive returns a Searcher of the live build of l: each search, page of
// suggestions or document read pins the build live at its start for its
// whole run, so a new build is swapped in under running searches.
func NewLive(l *index.Live) *Searcher { return newSearcher(l) }

func newSearcher(b builds) *Searcher {
	s := &Searcher{builds: b, cacheBytes: DefaultCacheBytes}
	s.an, s.err = newAnalyzers()
	if s.err == nil {
		s.syn = s.newSynonyms(nil)
	}
	return s
}

// facetSpec describes one facet of Result.Facets.
type facetSpec struct {
	name, field string
	size        int
	values      func(*Request) []string
}

var facetSpecs = []facetSpec{
	{FacetSection, index.FieldSection, 20, func(r *Request) []string { return r.Sections }},
	{FacetYear, index.FieldYear, 30, func(r *Request) []string { return r.Years }},
	{FacetLang, index.FieldLang, 3, func(r *Request) []string { return r.Langs }},
	{FacetTag, index.FieldTags, 30, func(r *Request) []string { return r.Tags }},
	{FacetType, index.FieldType, 4, func(r *Request) []string { return r.Types }},
	{FacetSite, index.FieldSite, MaxSites, func(r *Request) []string { return r.Sites }},
	{FacetPartner, index.FieldPartner, 30, func(r *Request) []string { return r.Partners }},
	{FacetPerson, index.FieldPerson, 30, func(r *Request) []string { return r.People }},
	{FacetPlace, index.FieldPlace, 30, func(r *Request) []string { return r.Places }},
}

// MaxSites is the most sites the site facet counts: a network's sites.
const MaxSites = 300

var yearRE = regexp.MustCompile(`^[0-9]{4}$`)

// normalize validates r and fills in its defaults.
func (r Request) normalize() (Request, error) {
	invalid := func(format string, args ...any) (Request, error) {
		return r, missionsearch.Errorf(missionsearch.EINVALID, format, args...)
	}
	clean := func(name string, vs []string) ([]string, error) {
		var out []string
		for _, v := range vs {
			v = strings.TrimSpace(v)
			if v == "" || slices.Contains(out, v) {
				continue
			}
			if utf8.RuneCountInString(v) > 200 {
				return nil, missionsearch.Errorf(missionsearch.EINVALID, "A %s filter value is too long.", name)
			}
			out = append(out, v)
		}
		if len(out) > MaxFilterValues {
			return nil, missionsearch.Errorf(missionsearch.EINVALID,
				"Too many %s filters (%d). Please choose at most %d.", name, len(out), MaxFilterValues)
		}
		return out, nil
	}
	var err error
	if r.Sections, err = clean("section", r.Sections); err != nil {
		return r, err
	}
	if r.Years, err = clean("year", r.Years); err != nil {
		return r, err
	}
	if r.Langs, err = clean("language", r.Langs); err != nil {
		return r, err
	}
	if r.Tags, err = clean("tag", r.Tags); err != nil {
		return r, err
	}
	if r.Sites, err = clean("site", r.Sites); err != nil {
		return r, err
	}
	if r.Partners, err = clean("partner", r.Partners); err != nil {
		return r, err
	}
	if r.People, err = clean("person", r.People); err != nil {
		return r, err
	}
	if r.Places, err = clean("place", r.Places); err != nil {
		return r, err
	}
	if r.Types, err = clean("type", r.Types); err != nil {
		return r, err
	}
	for _, t := range r.Types {
		if !missionsearch.PageType(t).Valid() {
			return invalid("The page type %q is not valid. Please choose article, listing, static or document.", t)
		}
	}
	if len(r.Types) == 0 {
		r.Types = slices.Clone(DefaultTypes)
	}
	slices.Sort(r.Types)
	for _, y := range r.Years {
		if !yearRE.MatchString(y) {
			return invalid("The year %q is not valid. Please write a year with four digits, like 2024.", y)
		}
	}
	for _, l := range r.Langs {
		if !missionsearch.Lang(l).Valid() {
			return invalid("The language %q is not valid. Please choose fr, en or ar.", l)
		}
	}
	for _, t := range []time.Time{r.From, r.To} {
		if !t.IsZero() && (t.Year() < 1900 || t.Year() > 2200) {
			return invalid("The date %s is out of range. Please choose a date between 1900 and 2200.", t.Format("2006-01-02"))
		}
	}
	if !r.From.IsZero() && !r.To.IsZero() && dayStart(r.From).After(dayStart(r.To)) {
		return invalid("The start date %s is after the end date %s. Please swap them.",
			r.From.Format("2006-01-02"), r.To.Format("2006-01-02"))
	}
	switch r.Sort {
	case "":
		r.Sort = SortRelevance
		if strings.TrimSpace(r.Query) == "" {
			r.Sort = SortDate
		}
	case SortRelevance, SortDate:
	default:
		return invalid("The sort order %q is not valid. Please choose relevance or date.", r.Sort)
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if r.Page < 1 {
		return invalid("The page number %d is not valid. Pages start at 1.", r.Page)
	}
	if r.Size < 1 || r.Size > MaxSize {
		return invalid("The page size %d is not valid. Please choose between 1 and %d results per page.", r.Size, MaxSize)
	}
	if r.Page > MaxWindow/r.Size {
		return invalid("Page %d is too far. Please narrow your search, or use the export for more than %d results.", r.Page, MaxWindow)
	}
	if r.SearchAfter != "" && r.Page != 1 {
		return invalid("A page number cannot be used with a cursor.")
	}
	return r, nil
}

// wrapErr adds op to err; an index that is not open (an empty alias
// before the first build, or a closed index) is reported as EUNAVAILABLE.
func wrapErr(op string, err error) error {
	if errors.Is(err, bleve.ErrorAliasEmpty) || errors.Is(err, bleve.ErrorIndexClosed) {
		return fmt.Errorf("%s: %w: %w", op, missionsearch.Errorf(missionsearch.EUNAVAILABLE,
			"The search index is not ready. Please try again in a moment."), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// dayStart returns midnight at the start of t's day, in t's location.
func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// Search runs r and returns one page of results with facet counts. A bad
// request gives an EINVALID *missionsearch.Error whose message can be shown
// to the user; ctx bounds the whole search.
func (s *Searcher) Search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	if s.err != nil {
		return nil, s.err
	}
	r, err := r.normalize()
	if err != nil {
		return nil, err
	}
	q, err := ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	var after *cursor
	if r.SearchAfter != "" {
		if after, err = decodeCursor(r.SearchAfter, &r, q); err != nil {
			return nil, err
		}
	}
	v, err := s.open()
	if err != nil {
		return nil, err
	}
	defer v.Close()
	snap, key := s.cacheLookupKey(v, &r)
	if key != "" {
		if res, ok := s.cache.get(snap, key); ok {
			s.cached.Add(1)
			cp := *res
			cp.Took = time.Since(start)
			return &cp, nil
		}
	}
	p, err := s.plan(ctx, v, q)
	if err != nil {
		return nil, err
	}

	out, err := s.run(ctx, v, &r, p.textQuery(0), after)
	if err != nil {
		return nil, err
	}
	// Soft AND: when fewer than a page of pages have every word, the page
	// is filled with the best of those lacking one or two.
	totalAll, all := out.total, map[string]bool(nil)
	// (Sorted by date, only when no page has every word: staff sorting
	// by date want the pages that match.)
	if p.relaxable() && after == nil && (r.Sort == SortRelevance && out.total < uint64(r.Size) || out.total == 0) {
		if out, all, err = s.fill(ctx, v, &r, p, out); err != nil {
			return nil, err
		}
	} else if p.relaxable() && after != nil && out.total == 0 {
		// The next page of an export of pages lacking some words: the
		// widest query, in one order.
		if out, err = s.run(ctx, v, &r, p.textQuery(maxMissing), after); err != nil {
			return nil, err
		}
	}

	res := &Result{
		Query:     q.String(),
		Total:     out.total,
		TotalAll:  totalAll,
		Hits:      make([]Hit, 0, len(out.hits)),
		Facets:    out.facets,
		Relaxed:   out.total > totalAll,
		QueryDate: p.date,
	}
	for _, h := range out.hits {
		hit, err := p.hit(h, r.Sort == SortRelevance)
		if err != nil {
			return nil, wrapErr("search", err)
		}
		if len(p.clauses) > 0 {
			hit.Match = MatchAll
			if res.Relaxed && !all[h.ID] {
				hit.Match = MatchPartial
			}
		}
		res.Hits = append(res.Hits, hit)
	}
	if err := s.markApproximate(ctx, v, p, res); err != nil {
		return nil, err
	}
	delivered := (r.Page-1)*r.Size + len(out.hits)
	if after != nil {
		delivered = after.N + len(out.hits)
	}
	if len(out.hits) == r.Size && uint64(delivered) < out.total {
		res.Next = encodeCursor(&r, q, out.hits[len(out.hits)-1], delivered)
	}
	if p.correction != nil {
		if res.DidYouMean, err = s.didYouMean(ctx, v, &r, p); err != nil {
			return nil, err
		}
	}
	if key != "" {
		cp := *res
		s.cache.add(snap, key, &cp, s.cacheBytes)
	}
	res.Took = time.Since(start)
	return res, nil
}

// fill returns the page of r when fewer than a page of pages match every
// word (strict, the outcome of the strict query): all of those first, in
// their order, then the pages lacking one word, best first, then, if the
// page is still not full, those lacking two (maxMissing); its total and
// facets are those of the widest query run. all holds the IDs of the pages
// with every word. When no page lacks only a few words, strict is returned.
func (s *Searcher) fill(ctx context.Context, v *view, r *Request, p *plan, strict *outcome) (out *outcome, all map[string]bool, err error) {
	full := strict.hits
	if r.Page > 1 && strict.total > 0 {
		// The pages with every word were all on the first page.
		first := *r
		first.Page = 1
		o, err := s.run(ctx, v, &first, p.textQuery(0), nil)
		if err != nil {
			return nil, nil, err
		}
		full = o.hits
	}
	all = make(map[string]bool, len(full))
	seen := make(map[string]bool, len(full))
	hits := make([]*bsearch.DocumentMatch, 0, r.Page*r.Size)
	for _, h := range full {
		all[h.ID], seen[h.ID] = true, true
		hits = append(hits, h)
	}
	out = strict
	for missing := 1; missing <= maxMissing && missing < len(p.clauses) && len(hits) < r.Page*r.Size; missing++ {
		wide := *r
		wide.Page, wide.Size = 1, r.Page*r.Size+len(hits)
		u, err := s.run(ctx, v, &wide, p.textQuery(missing), nil)
		if err != nil {
			return nil, nil, err
		}
		for _, h := range u.hits {
			if !seen[h.ID] {
				seen[h.ID] = true
				hits = append(hits, h)
			}
		}
		out = u
	}
	if out == strict {
		return strict, nil, nil
	}
	lo := min(len(hits), (r.Page-1)*r.Size)
	hi := min(len(hits), lo+r.Size)
	return &outcome{total: out.total, hits: hits[lo:hi], facets: out.facets}, all, nil
}

// markApproximate flags the hits of res that match some word only through
// its typo alternatives, and lists those words in res.Approximate. It
// costs a search only when some word has alternatives.
func (s *Searcher) markApproximate(ctx context.Context, v *view, p *plan, res *Result) error {
	exact, words := p.withoutTypos()
	if exact == nil || len(res.Hits) == 0 {
		return nil
	}
	missing := 0
	if res.Relaxed {
		missing = maxMissing
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(exact.textQuery(missing), bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	req.Score = bleve.ScoreNone
	found, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return wrapErr("search: typo alternatives", err)
	}
	matched := make(map[string]bool, len(found.Hits))
	for _, h := range found.Hits {
		matched[h.ID] = true
	}
	for i := range res.Hits {
		if !matched[res.Hits[i].ID] {
			res.Hits[i].Approximate = true
			res.Approximate = words
		}
	}
	return nil
}

// cacheLookupKey returns the snapshot v reads and the cache key of r; an
// empty key when the cache is off or the index is not a scorch index.
func (s *Searcher) cacheLookupKey(v *view, r *Request) (bindex.IndexReader, string) {
	if s.cacheBytes == 0 || r.SearchAfter != "" || r.Size > maxCachedSize {
		// Cursors are for exports: one pass over many pages, never
		// repeated. Large pages are for exports and tools too, and would
		// make the cache's memory depend on the callers.
		return nil, ""
	}
	if _, ok := v.r.(*scorch.IndexSnapshot); !ok {
		return nil, ""
	}
	return v.r, cacheKey(r)
}

// outcome is what run found.
type outcome struct {
	total  uint64
	hits   []*bsearch.DocumentMatch
	facets map[string][]FacetValue
}

// filterQuery returns the filter of r for every facet but skip ("" keeps
// them all), plus the date range, or nil when there is no filter.
func filterQuery(r *Request, skip string) query.Query {
	var fs []query.Query
	for _, f := range facetSpecs {
		if vs := f.values(r); len(vs) > 0 && f.name != skip {
			fs = append(fs, anyTerm(f.field, vs))
		}
	}
	if dq := dateQuery(r); dq != nil {
		fs = append(fs, dq)
	}
	switch len(fs) {
	case 0:
		return nil
	case 1:
		return fs[0]
	}
	return bleve.NewConjunctionQuery(fs...)
}

// dateQuery returns the date range filter of r, nil for none.
func dateQuery(r *Request) query.Query {
	if r.From.IsZero() && r.To.IsZero() {
		return nil
	}
	var from, to time.Time
	if !r.From.IsZero() {
		from = dayStart(r.From)
	}
	if !r.To.IsZero() {
		to = dayStart(r.To).AddDate(0, 0, 1)
	}
	yes, no := true, false
	dq := bleve.NewDateRangeInclusiveQuery(from, to, &yes, &no)
	dq.SetField(index.FieldDate)
	return dq
}

// anyTerm matches documents whose keyword field has any of values.
func anyTerm(field string, values []string) query.Query {
	qs := make([]query.Query, len(values))
	for i, v := range values {
		tq := bleve.NewTermQuery(v)
		tq.SetField(field)
		qs[i] = tq
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// filtered returns text restricted by filter (nil for none) without changing
// the relevance scores.
func filtered(text, filter query.Query) query.Query {
	bq := bleve.NewBooleanQuery()
	bq.AddMust(text)
	if filter != nil {
		bq.AddFilter(filter)
	}
	return bq
}

// sortOrder returns the bleve sort of a Request.Sort.
func sortOrder(sort string) bsearch.SortOrder {
	date := &bsearch.SortField{Field: index.FieldDate, Desc: true, Missing: bsearch.SortFieldMissingLast}
	// Ties by ID, read from its doc value (index.FieldID) rather than from
	// the stored document, as bleve's SortDocID would.
	id := &bsearch.SortField{Field: index.FieldID, Type: bsearch.SortFieldAsString}
	if sort == SortDate {
		return bsearch.SortOrder{date, id}
	}
	return bsearch.SortOrder{&bsearch.SortScore{Desc: true}, date, id}
}

// run executes the search of r with the text query text: on the fast path
// (see snapshot.go) when the index allows it, else on bleve's facets
// (runBleve).
func (s *Searcher) run(ctx context.Context, v *view, r *Request, text query.Query, after *cursor) (*outcome, error) {
	if v.data != nil {
		_, matchAll := text.(*query.MatchAllQuery)
		out, err := s.runFast(ctx, v, r, text, matchAll, after)
		if !errors.Is(err, errStale) {
			s.fast.Add(1)
			return out, err
		}
		s.stale.Add(1)
	}
	return s.runBleve(ctx, v, r, text, after)
}

// runBleve executes the hits search and the facet searches of r with the text
// query text, concurrently: facets whose values are not filtered are
// computed by the hits search itself; each facet with a selection gets a
// search of its own, with its own filter left out (multi-select facets).
func (s *Searcher) runBleve(ctx context.Context, v *view, r *Request, text query.Query, after *cursor) (*outcome, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	main := bleve.NewSearchRequestOptions(filtered(text, filterQuery(r, "")), r.Size, (r.Page-1)*r.Size, false)
	main.Fields = index.StoredFields()
	main.SortByCustom(sortOrder(r.Sort))
	if r.Sort == SortDate {
		main.Score = bleve.ScoreNone
	}
	if after != nil {
		main.SearchAfter = after.keys()
	}
	var own []facetSpec // facets that need a search of their own
	for _, f := range facetSpecs {
		if len(f.values(r)) == 0 {
			main.AddFacet(f.name, bleve.NewFacetRequest(f.field, f.size))
		} else {
			own = append(own, f)
		}
	}

	out := &outcome{facets: make(map[string][]FacetValue, len(facetSpecs))}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	for _, f := range own {
		wg.Go(func() {
			vs, err := s.ownFacet(ctx, v, r, text, f)
			if err != nil {
				fail(wrapErr("search: facets: "+f.name, err))
				return
			}
			mu.Lock()
			out.facets[f.name] = vs
			mu.Unlock()
		})
	}
	res, err := v.idx.SearchInContext(ctx, main)
	if err != nil {
		fail(wrapErr("search: hits", err))
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	out.total = res.Total
	out.hits = res.Hits
	for _, f := range facetSpecs {
		if fr, ok := res.Facets[f.name]; ok {
			out.facets[f.name] = facetValues(f, fr, nil, nil)
		}
	}
	return out, nil
}

// ownFacet computes facet f over text and the filters of r other than f's
// own, and counts the selected values that the facet did not list.
func (s *Searcher) ownFacet(ctx context.Context, v *view, r *Request, text query.Query, f facetSpec) ([]FacetValue, error) {
	others := filterQuery(r, f.name)
	req := bleve.NewSearchRequestOptions(filtered(text, others), 0, 0, false)
	req.Score = bleve.ScoreNone
	req.AddFacet(f.name, bleve.NewFacetRequest(f.field, f.size))
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	fr := res.Facets[f.name]
	listed := map[string]bool{}
	if fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			listed[t.Term] = true
		}
	}
	counts := map[string]int{}
	for _, val := range f.values(r) {
		if listed[val] {
			continue
		}
		// A selected value beyond the facet's size: count it alone.
		filter := anyTerm(f.field, []string{val})
		if others != nil {
			filter = bleve.NewConjunctionQuery(others, filter)
		}
		cq := bleve.NewSearchRequestOptions(filtered(text, filter), 0, 0, false)
		cq.Score = bleve.ScoreNone
		cr, err := v.idx.SearchInContext(ctx, cq)
		if err != nil {
			return nil, err
		}
		counts[val] = int(cr.Total)
	}
	return facetValues(f, fr, f.values(r), counts), nil
}

// facetValues converts a bleve facet result, marking the selected values
// and adding those it lacks with their counts.
func facetValues(f facetSpec, fr *bsearch.FacetResult, selected []string, counts map[string]int) []FacetValue {
	var terms []termCount
	if fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			terms = append(terms, termCount{t.Term, t.Count})
		}
	}
	return facetList(f, terms, selected, counts)
}

// facetList returns the values of facet f: the values listed (by bleve,
// or counted like bleve), marked when selected, then the selected values
// not listed with their counts, in the order of Result.Facets.
func facetList(f facetSpec, terms []termCount, selected []string, counts map[string]int) []FacetValue {
	vs := []FacetValue{}
	seen := map[string]bool{}
	for _, t := range terms {
		seen[t.term] = true
		vs = append(vs, FacetValue{Value: t.term, Count: t.count, Selected: slices.Contains(selected, t.term)})
	}
	for _, v := range selected {
		if !seen[v] {
			vs = append(vs, FacetValue{Value: v, Count: counts[v], Selected: true})
		}
	}
	slices.SortStableFunc(vs, func(a, b FacetValue) int {
		if f.name == FacetYear {
			return strings.Compare(b.Value, a.Value)
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	return vs
}
