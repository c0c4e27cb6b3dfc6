package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/search"
)

// params lists the query parameters an endpoint accepts: name → whether it
// may be repeated. Any other parameter is refused with a 400 naming it, so
// that a typo (?secton=news) never silently returns unfiltered results.
type params map[string]bool

// with returns a copy of p with more single-valued parameters.
func (p params) with(names ...string) params {
	q := params{}
	for k, v := range p {
		q[k] = v
	}
	for _, n := range names {
		q[n] = false
	}
	return q
}

var (
	// filterParams are the words, filters and order shared by the search
	// API, the export and the page.
	filterParams = params{"q": false, "section": true, "year": true, "lang": true, "tag": true, "type": true, "site": true,
		"partner": true, "person": true, "place": true,
		"from": false, "to": false, "sort": false, "hl": false}
	searchParams  = filterParams.with("page", "size", "after")
	exportParams  = filterParams.with("format", "excel", "headers")
	pageParams    = filterParams.with("page", "size", "view")
	suggestParams = params{"q": false, "n": false}
	noParams      = params{}
)

// ignoredPageParams are campaign-tracking parameters that links to the web
// page may carry; the page ignores them rather than refusing the visit.
func ignoredPageParam(name string) bool {
	return strings.HasPrefix(name, "utm_") || name == "fbclid" || name == "gclid"
}

func invalid(format string, args ...any) error {
	return missionsearch.Errorf(missionsearch.EINVALID, format, args...)
}

// query parses the query string of r and checks it against allowed.
func query(r *http.Request, allowed params, ignore func(string) bool) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, invalid("The query string is malformed: %s.", strings.TrimPrefix(err.Error(), "invalid URL escape "))
	}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		repeatable, ok := allowed[k]
		if !ok {
			if ignore != nil && ignore(k) {
				delete(v, k)
				continue
			}
			return nil, invalid("Unknown parameter %q.", clip(k))
		}
		if !repeatable && len(v[k]) > 1 {
			return nil, invalid("The parameter %q may be given only once.", k)
		}
		for _, x := range v[k] {
			if !utf8.ValidString(x) {
				return nil, invalid("The parameter %q is not valid UTF-8 text.", k)
			}
		}
	}
	return v, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// searchRequest builds the search request of the parameters v, which query
// has already checked against the endpoint's list. It rejects what the
// search package would reject too, but names the parameter.
func searchRequest(v url.Values) (search.Request, error) {
	r := search.Request{
		Query:       v.Get("q"),
		Sections:    v["section"],
		Years:       v["year"],
		Langs:       v["lang"],
		Tags:        v["tag"],
		Sites:       v["site"],
		Partners:    v["partner"],
		People:      v["person"],
		Places:      v["place"],
		Types:       v["type"],
		Sort:        v.Get("sort"),
		SearchAfter: v.Get("after"),
	}
	if n := utf8.RuneCountInString(r.Query); n > 4*search.MaxQueryRunes {
		return r, invalid("Your search is too long (%d characters). Please use at most %d characters.", n, search.MaxQueryRunes)
	}
	switch r.Sort {
	case "", search.SortRelevance, search.SortDate:
	default:
		return r, invalid("The parameter \"sort\" must be %q or %q.", search.SortRelevance, search.SortDate)
	}
	var err error
	if r.From, err = day(v, "from"); err != nil {
		return r, err
	}
	if r.To, err = day(v, "to"); err != nil {
		return r, err
	}
	if !r.From.IsZero() && !r.To.IsZero() && r.From.After(r.To) {
		return r, invalid("The start date \"from\" (%s) is after the end date \"to\" (%s).",
			r.From.Format(time.DateOnly), r.To.Format(time.DateOnly))
	}
	if r.Page, err = integer(v, "page", 1, search.MaxWindow); err != nil {
		return r, err
	}
	if r.Size, err = integer(v, "size", 1, search.MaxSize); err != nil {
		return r, err
	}
	size := r.Size
	if size == 0 {
		size = search.DefaultSize
	}
	if r.Page*size > search.MaxWindow {
		return r, invalid("The parameters \"page\" and \"size\" reach beyond result %d. Use \"after\" (the cursor \"next\" of the previous page) or the export to go further.", search.MaxWindow)
	}
	if r.SearchAfter != "" && r.Page > 1 {
		return r, invalid("The parameters \"page\" and \"after\" cannot be used together.")
	}
	return r, nil
}

// day parses the date parameter name (YYYY-MM-DD); absent or empty gives
// the zero time.
func day(v url.Values, name string) (time.Time, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, invalid("The parameter %q must be a date written YYYY-MM-DD, like 2024-06-01.", name)
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		return time.Time{}, invalid("The parameter %q must be a date between 1900 and 2200.", name)
	}
	return t, nil
}

// integer parses the integer parameter name within [lo, hi]; absent or
// empty gives 0.
func integer(v url.Values, name string, lo, hi int) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, invalid("The parameter %q must be a whole number from %d to %d.", name, lo, hi)
	}
	return n, nil
}
