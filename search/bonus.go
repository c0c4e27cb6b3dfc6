package search

import (
	"context"
	"encoding/json"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// bonusQuery matches the documents of Main, scored as Main plus Bonus
// where Bonus matches too. Unlike a disjunction of the two, it applies no
// coordination factor: bleve multiplies a disjunction's score by the share
// of its clauses that match, so an optional clause added beside another
// doubles the score of the documents matching both, however small its own
// weight. Documents that only Bonus matches are not matched.
type bonusQuery struct {
	Main  query.Query `json:"main"`
	Bonus query.Query `json:"bonus"`
}

func (q *bonusQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	main, err := q.Main.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	bonus, err := q.Bonus.Searcher(ctx, r, m, opts)
	if err != nil {
		main.Close()
		return nil, err
	}
	return &bonusSearcher{main: main, bonus: bonus}, nil
}

func (q *bonusQuery) MarshalJSON() ([]byte, error) {
	type plain bonusQuery
	return json.Marshal((*plain)(q))
}

// bonusSearcher is the searcher of bonusQuery. pending is the bonus
// searcher's current match (nil when it needs moving or is done).
type bonusSearcher struct {
	main, bonus bsearch.Searcher
	pending     *bsearch.DocumentMatch
	done        bool // the bonus searcher has no more matches
}

// add adds the bonus of m's document, if any, to its score.
func (s *bonusSearcher) add(ctx *bsearch.SearchContext, m *bsearch.DocumentMatch) (*bsearch.DocumentMatch, error) {
	if m == nil || s.done {
		return m, nil
	}
	if s.pending == nil || s.pending.IndexInternalID.Compare(m.IndexInternalID) < 0 {
		if s.pending != nil {
			ctx.DocumentMatchPool.Put(s.pending)
		}
		b, err := s.bonus.Advance(ctx, m.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if s.pending = b; b == nil {
			s.done = true
			return m, nil
		}
	}
	if s.pending.IndexInternalID.Equals(m.IndexInternalID) {
		m.Score += s.pending.Score
		if m.Expl != nil && s.pending.Expl != nil {
			m.Expl = &bsearch.Explanation{Value: m.Score, Message: "sum of:", Children: []*bsearch.Explanation{m.Expl, s.pending.Expl}}
		}
	}
	return m, nil
}

func (s *bonusSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	m, err := s.main.Next(ctx)
	if err != nil {
		return nil, err
	}
	return s.add(ctx, m)
}

func (s *bonusSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	m, err := s.main.Advance(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.add(ctx, m)
}

func (s *bonusSearcher) Close() error {
	err := s.main.Close()
	if berr := s.bonus.Close(); err == nil {
		err = berr
	}
	return err
}

func (s *bonusSearcher) Weight() float64 { return s.main.Weight() + s.bonus.Weight() }
func (s *bonusSearcher) SetQueryNorm(n float64) {
	s.main.SetQueryNorm(n)
	s.bonus.SetQueryNorm(n)
}
func (s *bonusSearcher) Count() uint64 { return s.main.Count() }
func (s *bonusSearcher) Min() int      { return 0 }
func (s *bonusSearcher) Size() int     { return s.main.Size() + s.bonus.Size() }
func (s *bonusSearcher) DocumentMatchPoolSize() int {
	return s.main.DocumentMatchPoolSize() + s.bonus.DocumentMatchPoolSize() + 1
}
