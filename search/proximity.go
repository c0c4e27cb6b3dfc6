package search

import (
	"context"
	"encoding/json"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// proximityQuery is the bonus of the pages whose Field has every word of
// Slots (one slot per word of the query, its terms in the field's
// language) close together, in any order: the shortest stretch of the
// field with them all, of s positions for n words, scores Boost × n/s
// (Boost when they are adjacent) times the query norm; stretches longer
// than proximitySpan positions per word score nothing. Found from the
// positions in the postings, so it needs a scorch snapshot: on another
// reader it matches nothing (the bonus is then lost, not the matches).
type proximityQuery struct {
	Field string     `json:"field"`
	Slots [][]string `json:"slots"`
	Boost float64    `json:"boost"`
}

// proximitySpan is the most positions per word that the stretch of a
// proximity bonus may have.
const proximitySpan = 4

func (q *proximityQuery) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, _ bsearch.SearcherOptions) (bsearch.Searcher, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || len(q.Slots) < 2 {
		return searcher.NewMatchNoneSearcher(r)
	}
	n := len(q.Slots)
	var docs []uint32
	var scores []float64
	var offset uint64
	var sorted [][]uint64
	for _, seg := range snap.Segments() {
		live := seg.DocNumbersLive()
		err := segmentPositions(ctx, seg.Segment(), q.Field, q.Slots, func(doc uint64, pos [][]uint64) {
			if live != nil && !live.Contains(uint32(doc)) {
				return
			}
			sorted = sorted[:0]
			for _, ps := range pos {
				sorted = append(sorted, slices.Sorted(slices.Values(ps)))
			}
			if s := shortestSpan(sorted); s <= uint64(proximitySpan*n) {
				docs = append(docs, uint32(offset+doc))
				scores = append(scores, float64(n)/float64(s))
			}
		})
		if err != nil {
			return nil, err
		}
		offset += seg.Segment().Count()
	}
	if len(docs) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return &listSearcher{docs: docs, scores: scores, boost: q.Boost, norm: 1}, nil
}

func (q *proximityQuery) MarshalJSON() ([]byte, error) {
	type plain proximityQuery
	return json.Marshal((*plain)(q))
}

// shortestSpan returns the length, in positions, of the shortest stretch
// with a position of every list of pos (each sorted, none empty).
func shortestSpan(pos [][]uint64) uint64 {
	at := make([]int, len(pos))
	best := ^uint64(0)
	for {
		lo, hi, low := ^uint64(0), uint64(0), 0
		for i, ps := range pos {
			p := ps[at[i]]
			if p < lo {
				lo, low = p, i
			}
			hi = max(hi, p)
		}
		best = min(best, hi-lo+1)
		if at[low]++; at[low] == len(pos[low]) {
			return best
		}
	}
}

// listSearcher matches docs (increasing global numbers), each scoring
// boost × norm × its score.
type listSearcher struct {
	docs   []uint32
	scores []float64
	i      int
	boost  float64
	norm   float64
}

func (s *listSearcher) match(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	if s.i >= len(s.docs) {
		return nil
	}
	m := ctx.DocumentMatchPool.Get()
	m.IndexInternalID = bindex.NewIndexInternalID(m.IndexInternalID, uint64(s.docs[s.i]))
	m.Score = s.boost * s.norm * s.scores[s.i]
	s.i++
	return m
}

func (s *listSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.match(ctx), nil
}

func (s *listSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	v := uint32(id.Value())
	s.i += sort.Search(len(s.docs)-s.i, func(j int) bool { return s.docs[s.i+j] >= v })
	return s.match(ctx), nil
}

func (s *listSearcher) Close() error               { return nil }
func (s *listSearcher) Weight() float64            { return s.boost * s.boost }
func (s *listSearcher) SetQueryNorm(n float64)     { s.norm = n }
func (s *listSearcher) Count() uint64              { return uint64(len(s.docs)) }
func (s *listSearcher) Min() int                   { return 0 }
func (s *listSearcher) Size() int                  { return 64 + 12*len(s.docs) }
func (s *listSearcher) DocumentMatchPoolSize() int { return 1 }
