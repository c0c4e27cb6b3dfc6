package search

import (
	"context"
	"errors"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// errStale is returned by the fast path's queries when bleve searches
// another snapshot than the one their data was made for (a batch or a swap
// in between): the search is then run again on the slow path.
var errStale = errors.New("search: index changed during the search")

// checkSnap returns errStale unless r is snap.
func checkSnap(r bindex.IndexReader, snap *scorch.IndexSnapshot) error {
	if s, ok := r.(*scorch.IndexSnapshot); !ok || s != snap {
		return errStale
	}
	return nil
}

// docsQuery matches the documents of a bitmap of snap, with a constant
// score. Used as a filter, it never changes scores; zero makes it score 0
// with weight 0, so that as a conjunct it changes no score either.
type docsQuery struct {
	snap *scorch.IndexSnapshot
	docs *roaring.Bitmap
	zero bool
}

func (q *docsQuery) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, _ bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if err := checkSnap(r, q.snap); err != nil {
		return nil, err
	}
	ds := &docsSearcher{docs: q.docs, it: q.docs.Iterator(), score: 1}
	if q.zero {
		ds.score = 0
	}
	return ds, nil
}

type docsSearcher struct {
	docs  *roaring.Bitmap
	it    roaring.IntPeekable
	norm  float64
	score float64 // of every match, and the searcher's weight
}

func (s *docsSearcher) match(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	if !s.it.HasNext() {
		return nil
	}
	doc := s.it.Next()
	m := ctx.DocumentMatchPool.Get()
	m.IndexInternalID = bindex.NewIndexInternalID(m.IndexInternalID, uint64(doc))
	m.Score = s.score
	return m
}

func (s *docsSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.match(ctx), nil
}

func (s *docsSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	s.it.AdvanceIfNeeded(uint32(id.Value()))
	return s.match(ctx), nil
}

func (s *docsSearcher) Close() error               { return nil }
func (s *docsSearcher) Weight() float64            { return s.score }
func (s *docsSearcher) SetQueryNorm(n float64)     { s.norm = n }
func (s *docsSearcher) Count() uint64              { return s.docs.GetCardinality() }
func (s *docsSearcher) Min() int                   { return 0 }
func (s *docsSearcher) Size() int                  { return 64 }
func (s *docsSearcher) DocumentMatchPoolSize() int { return 1 }

// recorder collects the document numbers a searcher visits, in order.
type recorder struct {
	buf    []uint32
	docs   *roaring.Bitmap
	broken bool // a skip (Advance) made the record incomplete
}

func (r *recorder) add(doc uint32) {
	r.buf = append(r.buf, doc)
	if len(r.buf) == cap(r.buf) {
		r.flush()
	}
}

func (r *recorder) flush() {
	r.docs.AddMany(r.buf)
	r.buf = r.buf[:0]
}

// recordingQuery runs inner, records every document it matches, and
// passes on those in allow (all when allow is nil): in one pass, the
// documents of the words (for facet counts) and the hits of the filters.
// It must be the root query of the request.
type recordingQuery struct {
	snap  *scorch.IndexSnapshot
	inner query.Query
	allow *roaring.Bitmap
	rec   *recorder
}

func (q *recordingQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if err := checkSnap(r, q.snap); err != nil {
		return nil, err
	}
	in, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &recordingSearcher{Searcher: in, allow: q.allow, rec: q.rec}, nil
}

type recordingSearcher struct {
	bsearch.Searcher
	allow *roaring.Bitmap
	rec   *recorder
}

func (s *recordingSearcher) pass(ctx *bsearch.SearchContext, m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	for m != nil && err == nil {
		doc := uint32(m.IndexInternalID.Value())
		s.rec.add(doc)
		if s.allow == nil || s.allow.Contains(doc) {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
		m, err = s.Searcher.Next(ctx)
	}
	return m, err
}

func (s *recordingSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	m, err := s.Searcher.Next(ctx)
	return s.pass(ctx, m, err)
}

func (s *recordingSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	s.rec.broken = true
	m, err := s.Searcher.Advance(ctx, id)
	return s.pass(ctx, m, err)
}

// restrictedQuery matches the documents of inner that are among docs (in
// increasing order), scored as inner scores them, by skipping inner to
// each: the page of hits of the empty query, found by walking the date
// order, is read with the exact scores and sort keys of the slow path.
type restrictedQuery struct {
	snap  *scorch.IndexSnapshot
	inner query.Query
	docs  []uint32
}

func (q *restrictedQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if err := checkSnap(r, q.snap); err != nil {
		return nil, err
	}
	in, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &restrictedSearcher{Searcher: in, docs: q.docs}, nil
}

type restrictedSearcher struct {
	bsearch.Searcher
	docs []uint32
	id   bindex.IndexInternalID
}

func (s *restrictedSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for len(s.docs) > 0 {
		s.id = bindex.NewIndexInternalID(s.id, uint64(s.docs[0]))
		m, err := s.Searcher.Advance(ctx, s.id)
		if err != nil || m == nil {
			s.docs = nil
			return nil, err
		}
		doc := uint32(m.IndexInternalID.Value())
		i := sort.Search(len(s.docs), func(i int) bool { return s.docs[i] >= doc })
		if i < len(s.docs) && s.docs[i] == doc {
			s.docs = s.docs[i+1:]
			return m, nil
		}
		s.docs = s.docs[i:]
		ctx.DocumentMatchPool.Put(m)
	}
	return nil, nil
}

func (s *restrictedSearcher) Advance(ctx *bsearch.SearchContext, id bindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	v := uint32(id.Value())
	i := sort.Search(len(s.docs), func(i int) bool { return s.docs[i] >= v })
	s.docs = s.docs[i:]
	return s.Next(ctx)
}

// rankSort orders documents by their rank in the date order: the same
// order as the date and id keys of sortOrder, without reading either.
type rankSort struct {
	rk *ranks
}

func (s *rankSort) UpdateVisitor(string, []byte) {}
func (s *rankSort) Value(d *bsearch.DocumentMatch) string {
	return rankKey(s.rk.rank[d.IndexInternalID.Value()])
}
func (s *rankSort) DecodeValue(v string) string        { return v }
func (s *rankSort) Descending() bool                   { return false }
func (s *rankSort) RequiresDocID() bool                { return false }
func (s *rankSort) RequiresScoring() bool              { return false }
func (s *rankSort) RequiresFields() []string           { return nil }
func (s *rankSort) Reverse()                           {}
func (s *rankSort) Copy() bsearch.SearchSort           { return &rankSort{rk: s.rk} }
func (s *rankSort) MarshalJSON() ([]byte, error)       { return []byte(`"_rank"`), nil }
func (s *rankSort) String() string                     { return "_rank" }
func (q *docsQuery) MarshalJSON() ([]byte, error)      { return []byte(`{"match_all":{}}`), nil }
func (q *recordingQuery) MarshalJSON() ([]byte, error) { return []byte(`{"match_all":{}}`), nil }
func (q *restrictedQuery) MarshalJSON() ([]byte, error) {
	return []byte(`{"match_all":{}}`), nil
}
