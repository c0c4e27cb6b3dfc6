package search

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// Limits of Suggest.
const (
	// DefaultSuggestions is the number of suggestions when n is 0 or less.
	DefaultSuggestions = 8
	// MaxSuggestions is the largest number of suggestions returned.
	MaxSuggestions = 20
	// MaxSuggestionRunes is the longest suggestion, in characters: a longer
	// title is cut at a word boundary.
	MaxSuggestionRunes = 100
	// suggestGram is the longest edge n-gram of index.FieldSuggest.
	suggestGram = 20
)

// Suggest returns up to n distinct page titles (DefaultSuggestions when n
// is 0 or less, at most MaxSuggestions) for a search box being typed in:
// titles with every word of prefix, the last one possibly unfinished,
// ignoring accents and case ("eco" suggests "Économie bleue…"). A prefix
// ending in a space has its last word finished. The best titles come
// first; an empty prefix gives no suggestion; listings are never
// suggested. Each suggestion is at most
// MaxSuggestionRunes characters.
func (s *Searcher) Suggest(ctx context.Context, prefix string, n int) ([]string, error) {
	if s.err != nil {
		return nil, s.err
	}
	if c := utf8.RuneCountInString(prefix); c > MaxQueryRunes {
		return nil, missionsearch.Errorf(missionsearch.EINVALID,
			"Your search is too long (%d characters). Please use at most %d characters.", c, MaxQueryRunes)
	}
	if n <= 0 {
		n = DefaultSuggestions
	}
	n = min(n, MaxSuggestions)
	toks := s.an.fold.Analyze([]byte(prefix))
	if len(toks) == 0 {
		return []string{}, nil
	}
	v, err := s.open()
	if err != nil {
		return nil, err
	}
	defer v.Close()
	if len(toks) > MaxQueryTerms {
		toks = toks[len(toks)-MaxQueryTerms:]
	}
	last, _ := utf8.DecodeLastRuneInString(prefix)
	finished := unicode.IsSpace(last) || unicode.IsPunct(last)
	qs := make([]query.Query, len(toks))
	for i, t := range toks {
		term := string(t.Term)
		field := index.FieldTitleExact
		if i == len(toks)-1 && !finished {
			field = index.FieldSuggest
			if rs := []rune(term); len(rs) > suggestGram {
				term = string(rs[:suggestGram])
			}
		}
		tq := bleve.NewTermQuery(term)
		tq.SetField(field)
		qs[i] = tq
	}
	var q query.Query = qs[0]
	if len(qs) > 1 {
		q = bleve.NewConjunctionQuery(qs...)
	}
	// Listings are not results, so their titles are no suggestions.
	listing := bleve.NewTermQuery(string(missionsearch.TypeListing))
	listing.SetField(index.FieldType)
	bq := bleve.NewBooleanQuery()
	bq.AddMust(q)
	bq.AddMustNot(listing)
	req := bleve.NewSearchRequestOptions(bq, 3*n, 0, false)
	for _, l := range missionsearch.Langs {
		req.Fields = append(req.Fields, index.TitleField(l))
	}
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, wrapErr("search: suggest", err)
	}
	// Titles that start with the prefix come first, then by score.
	type suggestion struct {
		title string
		start bool
		score float64
	}
	var ss []suggestion
	seen := map[string]bool{}
	head := index.Fold(strings.TrimSpace(prefix))
	for _, h := range res.Hits {
		for _, l := range missionsearch.Langs {
			title, _ := h.Fields[index.TitleField(l)].(string)
			title = missionsearch.TruncateRunes(title, MaxSuggestionRunes)
			if title == "" {
				continue
			}
			if k := index.Fold(title); !seen[k] {
				seen[k] = true
				ss = append(ss, suggestion{title, strings.HasPrefix(k, head), h.Score})
			}
		}
	}
	slices.SortStableFunc(ss, func(a, b suggestion) int {
		if a.start != b.start {
			if a.start {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.score, a.score)
	})
	out := make([]string, 0, min(n, len(ss)))
	for _, sg := range ss[:min(n, len(ss))] {
		out = append(out, sg.title)
	}
	return out, nil
}

// Document returns the page record of the page with the given id, as
// stored in the index, or an ENOTFOUND *missionsearch.Error when the index
// has no such page.
func (s *Searcher) Document(ctx context.Context, id string) (*missionsearch.Page, error) {
	notFound := missionsearch.Errorf(missionsearch.ENOTFOUND, "No page has the id %q.", id)
	if id == "" || len(id) > 256 {
		return nil, notFound
	}
	v, err := s.open()
	if err != nil {
		return nil, err
	}
	defer v.Close()
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = index.StoredFields()
	req.Score = bleve.ScoreNone
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, wrapErr("search: document "+id, err)
	}
	if len(res.Hits) == 0 {
		return nil, notFound
	}
	p, err := v.b.Page(id, res.Hits[0].Fields)
	if err != nil {
		return nil, wrapErr("search: document "+id, err)
	}
	return p, nil
}
