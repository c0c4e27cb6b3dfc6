package search

import (
	"context"
	"encoding/json"
	"math"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// One idf for a word across languages.
//
// A page's passages in another language than its own are indexed in that
// language's fields (index.Document): a French page's block detected as
// English goes to body_en. bleve weighs a term by its idf in its field, so
// a French word in body_en, where French words are rare, scores as a rare
// word there however common it is: the page's misdetected block outweighs
// the pages that are about the word. sharedTermQuery gives the terms of a
// word in the fields of one kind (title, body...) of every language the
// idf of the word in all of them together, its documents counted over the
// fields.

// fieldTerm is a term of a field.
type fieldTerm struct {
	Field string `json:"field"`
	Term  string `json:"term"`
}

// sharedDF is the document frequency of a word over the fields of a
// group (its terms in each), counted once per index reader.
type sharedDF struct {
	terms []fieldTerm
	mu    sync.Mutex
	r     bindex.IndexReader
	df    uint64
}

// count returns the sum of the documents of the group's terms in r.
func (g *sharedDF) count(ctx context.Context, r bindex.IndexReader) (uint64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.r == r {
		return g.df, nil
	}
	var df uint64
	for _, ft := range g.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(ft.Term), ft.Field, false, false, false)
		if err != nil {
			return 0, err
		}
		df += tfr.Count()
		tfr.Close()
	}
	g.r, g.df = r, df
	return df, nil
}

// sharedTermQuery is a term query of Term in Field, of boost Boost, whose
// idf is that of its group (the same word in the fields of the same kind
// of the other languages) instead of its field's alone.
type sharedTermQuery struct {
	fieldTerm
	Boost float64 `json:"boost"`
	group *sharedDF
}

func (q *sharedTermQuery) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ts, err := searcher.NewTermSearcher(ctx, r, q.Term, q.Field, q.Boost, opts)
	if err != nil {
		return nil, err
	}
	own := ts.Count()
	if own == 0 {
		return ts, nil
	}
	df, err := q.group.count(ctx, r)
	if err != nil {
		ts.Close()
		return nil, err
	}
	if df == own {
		return ts, nil
	}
	n, err := r.DocCount()
	if err != nil {
		ts.Close()
		return nil, err
	}
	// bleve's term score has the idf twice (in the query weight and the
	// field weight): scaled by the square of the ratio of the idfs.
	f := idf(n, df) / idf(n, own)
	return &scaledSearcher{Searcher: ts, factor: f * f}, nil
}

func (q *sharedTermQuery) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Term struct {
			fieldTerm
			Boost float64 `json:"boost"`
		} `json:"shared_term"`
	}{Term: struct {
		fieldTerm
		Boost float64 `json:"boost"`
	}{q.fieldTerm, q.Boost}})
}

// idf is bleve's tf-idf idf of a term on df of n documents.
func idf(n, df uint64) float64 { return 1 + math.Log(float64(n)/float64(df+1)) }

// scaledSearcher is a searcher whose scores and weight are multiplied by
// factor (bleve's weight of a term, (boost×idf)², scales as its score).
type scaledSearcher struct {
	bsearch.Searcher
	factor float64
}

func (s *scaledSearcher) scale(m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if m != nil {
		m.Score *= s.factor
		if m.Expl != nil {
			m.Expl = &bsearch.Explanation{Value: m.Score, Message: "scaled to the idf of the word in all languages", Children: []*bsearch.Explanation{m.Expl}}
		}
	}
	return m, err
}

func (s *scaledSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.scale(s.Searcher.Next(ctx))
}

func (s *scaledSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.scale(s.Searcher.Advance(ctx, id))
}

func (s *scaledSearcher) Weight() float64 { return s.Searcher.Weight() * s.factor }
