package search

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/missionsearch/missionsearch/index"
)

// termCount is a facet value with its count, as bleve's facets give them.
type termCount struct {
	term  string
	count int
}

// runFast is run on the fast path (see snapshot.go). It returns errStale
// when the index changed under it.
func (s *Searcher) runFast(ctx context.Context, v *view, r *Request, text query.Query, matchAll bool, after *cursor) (*outcome, error) {
	d := v.data
	rk, err := d.ranks(v.r)
	if err != nil {
		return nil, wrapErr("search: date order", err)
	}
	// The documents of each selected facet, and of all of them.
	sel := make([]*roaring.Bitmap, len(facetSpecs))
	var filter *roaring.Bitmap
	for i, f := range facetSpecs {
		if vs := f.values(r); len(vs) > 0 {
			sel[i] = d.facets[i].union(vs)
			if filter == nil {
				filter = sel[i].Clone()
			} else {
				filter.And(sel[i])
			}
		}
	}
	dated := !r.From.IsZero() || !r.To.IsZero()
	slowQuery := filtered(text, filterQuery(r, ""))

	var out *outcome
	var words *roaring.Bitmap // documents of the words and dates
	if matchAll && !dated {
		words = d.all
		hits := filter
		if hits == nil {
			hits = d.all
		}
		if out, err = s.walk(ctx, v, rk, r, slowQuery, hits, after); err != nil {
			return nil, err
		}
	} else {
		if filter != nil || dated {
			// Filters: the matches from the postings bitmaps, and scores
			// for those that pass the filters only.
			words, err = matchSet(ctx, d.snap, text)
			switch {
			case err == nil:
				if dated {
					words.And(rk.between(r))
				}
				hits := words
				if filter != nil {
					hits = roaring.And(words, filter)
				}
				if out, err = s.score(ctx, v, rk, r, text, dated, filter != nil, hits, after); err != nil {
					return nil, err
				}
				s.matched.Add(1)
			case errors.Is(err, errUnsupported):
				words = nil
				s.unsupported.Add(1)
			default:
				return nil, fastErr("search: matches", err)
			}
		}
		if words == nil {
			if out, words, err = s.record(ctx, v, rk, r, text, dated, filter, after); err != nil {
				return nil, err
			}
		}
	}
	out.facets = make(map[string][]FacetValue, len(facetSpecs))
	for i, f := range facetSpecs {
		base := words
		for j := range facetSpecs {
			if j != i && sel[j] != nil {
				if base == words {
					base = roaring.And(words, sel[j])
				} else {
					base.And(sel[j])
				}
			}
		}
		out.facets[f.name] = countFacet(f, &d.facets[i], base, base == d.all, f.values(r))
	}
	return out, nil
}

// countFacet counts the values of facet f over the documents of base (all
// documents when all is set), lists the f.size most frequent like bleve
// would, and adds the selected values.
func countFacet(f facetSpec, vb *valueBitmaps, base *roaring.Bitmap, all bool, selected []string) []FacetValue {
	counts := make([]termCount, 0, len(vb.values))
	for i, val := range vb.values {
		var n uint64
		if all {
			n = vb.docs[i].GetCardinality()
		} else {
			n = base.AndCardinality(vb.docs[i])
		}
		if n > 0 {
			counts = append(counts, termCount{val, int(n)})
		}
	}
	slices.SortFunc(counts, func(a, b termCount) int {
		if a.count != b.count {
			return b.count - a.count
		}
		return cmp.Compare(a.term, b.term)
	})
	byTerm := map[string]int{}
	for _, c := range counts {
		byTerm[c.term] = c.count
	}
	return facetList(f, counts[:min(len(counts), f.size)], selected, byTerm)
}

// walk finds the page of hits of the empty query among hits by walking
// the date order, then reads them through bleve with the request's own
// query, so that their scores, sort keys and fields are the slow path's.
func (s *Searcher) walk(ctx context.Context, v *view, rk *ranks, r *Request, slowQuery query.Query, hits *roaring.Bitmap, after *cursor) (*outcome, error) {
	start, skip := 0, (r.Page-1)*r.Size
	if after != nil {
		n := len(after.Keys)
		start, skip = rk.after(string(after.Keys[n-2]), string(after.Keys[n-1])), 0
	}
	page := make([]uint32, 0, r.Size)
	dense := hits.GetCardinality()*16 >= uint64(len(rk.byRank))
	if dense {
		for _, doc := range rk.byRank[start:] {
			if !hits.Contains(doc) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if page = append(page, doc); len(page) == r.Size {
				break
			}
		}
	} else {
		// Few hits: rank them all.
		var ranked []uint32
		it := hits.Iterator()
		for it.HasNext() {
			if rank := rk.rank[it.Next()]; int(rank) >= start {
				ranked = append(ranked, rank)
			}
		}
		slices.Sort(ranked)
		if skip < len(ranked) {
			for _, rank := range ranked[skip:min(len(ranked), skip+r.Size)] {
				page = append(page, rk.byRank[rank])
			}
		}
	}
	out := &outcome{total: hits.GetCardinality()}
	if len(page) == 0 {
		return out, nil
	}
	slices.Sort(page)
	req := bleve.NewSearchRequestOptions(&restrictedQuery{snap: v.data.snap, inner: slowQuery, docs: page}, len(page), 0, false)
	req.Fields = index.StoredFields()
	req.SortByCustom(sortOrder(r.Sort))
	if r.Sort == SortDate {
		req.Score = bleve.ScoreNone
	}
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fastErr("search: hits", err)
	}
	if int(res.Total) != len(page) {
		return nil, errStale
	}
	out.hits = res.Hits
	return out, nil
}

// record runs the words (and dates) through bleve once, recording every
// document they match while bleve picks the page of hits among those that
// pass the facet filters, sorted by the rank of the date order instead of
// the date and id. It returns the hits and the recorded documents.
func (s *Searcher) record(ctx context.Context, v *view, rk *ranks, r *Request, text query.Query, dated bool, filter *roaring.Bitmap, after *cursor) (*outcome, *roaring.Bitmap, error) {
	req := s.fastRequest(rk, r, innerQuery(v, r, text, dated, filter != nil), after)
	rec := &recorder{buf: make([]uint32, 0, 4096), docs: roaring.New()}
	req.Query = &recordingQuery{snap: v.data.snap, inner: req.Query, allow: filter, rec: rec}
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, nil, fastErr("search: hits", err)
	}
	rec.flush()
	if rec.broken {
		return nil, nil, errStale
	}
	fastSortKeys(rk, r, res.Hits)
	return &outcome{total: res.Total, hits: res.Hits}, rec.docs, nil
}

// innerQuery returns the query of the words (and dates) of the fast path,
// of the shape of the slow path's (a filter exactly when the slow path has
// one), so that scores are the same.
func innerQuery(v *view, r *Request, text query.Query, dated, withFilter bool) query.Query {
	switch {
	case dated:
		return filtered(text, dateQuery(r))
	case withFilter:
		return filtered(text, &docsQuery{snap: v.data.snap, docs: v.data.all})
	}
	return filtered(text, nil)
}

// fastRequest returns the bleve request of the page of hits of r with the
// query inner, sorted by score and the rank of the date order (or by rank
// alone), continuing after the cursor, if any.
func (s *Searcher) fastRequest(rk *ranks, r *Request, inner query.Query, after *cursor) *bleve.SearchRequest {
	req := bleve.NewSearchRequestOptions(inner, r.Size, (r.Page-1)*r.Size, false)
	req.Fields = index.StoredFields()
	rs := &rankSort{rk: rk}
	if r.Sort == SortDate {
		req.SortByCustom(bsearch.SortOrder{rs})
		req.Score = bleve.ScoreNone
	} else {
		req.SortByCustom(bsearch.SortOrder{&bsearch.SortScore{Desc: true}, rs})
	}
	if after != nil {
		n := len(after.Keys)
		start := rk.after(string(after.Keys[n-2]), string(after.Keys[n-1]))
		key := ""
		if start > 0 {
			key = rankKey(uint32(start - 1))
		}
		if r.Sort == SortDate {
			req.SearchAfter = []string{key}
		} else {
			req.SearchAfter = []string{string(after.Keys[0]), key}
		}
	}
	return req
}

// fastSortKeys gives hits the sort keys of the slow path, for the cursor.
func fastSortKeys(rk *ranks, r *Request, hits bsearch.DocumentMatchCollection) {
	for _, h := range hits {
		doc := uint32(h.IndexInternalID.Value())
		keys := []string{rk.dateKey(doc), string(rk.id(doc))}
		if r.Sort != SortDate {
			keys = append([]string{h.Sort[0]}, keys...)
		}
		h.Sort = keys
	}
}

// score runs the words (and dates) through bleve over hits only, the
// documents that match them and pass the filters (see matchSet), with the
// query, sort and paging of record, so that hits and scores are record's.
func (s *Searcher) score(ctx context.Context, v *view, rk *ranks, r *Request, text query.Query, dated, withFilter bool, hits *roaring.Bitmap, after *cursor) (*outcome, error) {
	req := s.fastRequest(rk, r, innerQuery(v, r, restrictText(v, text, hits), dated, withFilter), after)
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fastErr("search: hits", err)
	}
	if after == nil && res.Total != hits.GetCardinality() {
		// The bitmaps and bleve disagree: never serve a wrong count.
		return nil, errStale
	}
	fastSortKeys(rk, r, res.Hits)
	return &outcome{total: hits.GetCardinality(), hits: res.Hits}, nil
}

// restrictText returns text restricted to docs without changing its
// scores: docs join the required part as a conjunct of score and weight 0,
// so that bleve's conjunction skips from one of docs to the next. (Not by
// wrapping the whole query in restrictedQuery: BooleanSearcher.Advance
// moves its optional clauses past documents they match, and loses their
// score.)
func restrictText(v *view, text query.Query, docs *roaring.Bitmap) query.Query {
	only := &docsQuery{snap: v.data.snap, docs: docs, zero: true}
	if bq, ok := text.(*query.BooleanQuery); ok && bq.Must != nil {
		out := *bq
		out.Must = bleve.NewConjunctionQuery(only, bq.Must)
		return &out
	}
	if bq, ok := text.(*query.BooleanQuery); ok && bq.Must == nil {
		// Its optional clauses are required: they cannot be moved.
		return bleve.NewConjunctionQuery(only, filtered(text, nil))
	}
	return bleve.NewConjunctionQuery(only, text)
}

// between returns the documents whose date is in the range of r (the
// bounds of dateQuery), read from the date order.
func (rk *ranks) between(r *Request) *roaring.Bitmap {
	lo, hi := int64(math.MinInt64+1), int64(math.MaxInt64)
	if !r.From.IsZero() {
		lo = dayStart(r.From).UnixNano()
	}
	if !r.To.IsZero() {
		hi = dayStart(r.To).AddDate(0, 0, 1).UnixNano()
	}
	// byRank is newest first: the range is one run of it.
	date := func(i int) int64 { return rk.date[rk.byRank[i]] }
	start := sort.Search(len(rk.byRank), func(i int) bool { return date(i) < hi })
	end := sort.Search(len(rk.byRank), func(i int) bool { return date(i) < lo })
	docs := slices.Clone(rk.byRank[start:max(start, end)])
	slices.Sort(docs)
	bm := roaring.New()
	bm.AddMany(docs)
	return bm
}

// fastErr is wrapErr, keeping errStale recognisable.
func fastErr(op string, err error) error {
	if errors.Is(err, errStale) {
		return errStale
	}
	return wrapErr(op, err)
}
