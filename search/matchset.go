package search

import (
	"context"
	"errors"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The match set of a text query, without scoring.
//
// Facet counts need every document the words match; the page of hits
// needs scores only for the documents that also pass the facet filters.
// When filters are selected, scoring every match to record it (see record)
// costs a pass over all of them for a page of hits among a few. matchSet
// instead computes the matches from the postings bitmaps of the index
// (roaring bitmaps in zap segments: an OR, AND or AND NOT per query node),
// and bleve then scores only the documents that pass the filters
// (restrictText).
//
// matchSet evaluates the queries plan.textQuery builds, with bleve's own
// semantics (BooleanQuery drops a clause that is a bare match-none; a
// disjunction needs Min clauses); phrases from their positions (see
// phraseQuery). It gives up (errUnsupported) on what it cannot compute
// exactly: a field-less query, a query type it does not know. The caller
// then records the matches as before.

// errUnsupported is returned by matchSet for a query it cannot evaluate.
var errUnsupported = errors.New("search: query not evaluable from postings")

// matchSet returns the live documents of snap (global document numbers)
// that q matches.
func matchSet(ctx context.Context, snap *scorch.IndexSnapshot, q query.Query) (*roaring.Bitmap, error) {
	ev := &evaluator{ctx: ctx, snap: snap}
	return globalDocs(snap, func(seg segment.Segment) (*roaring.Bitmap, error) {
		ev.seg, ev.dicts = seg, map[string]segment.TermDictionary{}
		local, none, err := ev.eval(q)
		if err != nil || none {
			return roaring.New(), err
		}
		return local, nil
	})
}

// evaluator computes match sets in the local document numbers of one
// segment at a time.
type evaluator struct {
	ctx   context.Context
	snap  *scorch.IndexSnapshot
	seg   segment.Segment
	dicts map[string]segment.TermDictionary
}

// eval returns the documents of the segment q matches. none is true when
// bleve would make q a match-none searcher (which BooleanQuery drops).
func (ev *evaluator) eval(q query.Query) (bm *roaring.Bitmap, none bool, err error) {
	if err := ev.ctx.Err(); err != nil {
		return nil, false, err
	}
	switch q := q.(type) {
	case *query.TermQuery:
		bm, err := ev.postings(q.Field(), q.Term)
		return bm, false, err
	case *sharedTermQuery:
		bm, err := ev.postings(q.Field, q.Term)
		return bm, false, err
	case *fuzzyQuery:
		e, err := q.cache.candidates(ev.snap, q.Field, q.Term, q.Prefix, q.Fuzziness, q.MinCount)
		if err != nil {
			return nil, false, err
		}
		terms := e.terms
		if len(terms) == 0 || q.Fuzziness == 0 {
			terms = []string{q.Term}
		}
		bm, err := ev.union(q.Field, terms)
		return bm, false, err
	case *phraseQuery:
		slots := q.slots()
		if len(slots) == 0 {
			return roaring.New(), true, nil
		}
		bm, err := q.segmentDocs(ev.ctx, ev.seg, slots)
		return bm, false, err
	case *bonusQuery:
		return ev.eval(q.Main)
	case *query.MatchAllQuery:
		bm := roaring.New()
		bm.AddRange(0, ev.seg.Count())
		return bm, false, nil
	case *query.MatchNoneQuery:
		return roaring.New(), true, nil
	case *query.ConjunctionQuery:
		if len(q.Conjuncts) == 0 {
			return roaring.New(), true, nil
		}
		var out *roaring.Bitmap
		for _, c := range q.Conjuncts {
			bm, _, err := ev.eval(c)
			if err != nil {
				return nil, false, err
			}
			if out == nil {
				out = bm
			} else {
				out.And(bm)
			}
		}
		return out, false, nil
	case *query.DisjunctionQuery:
		if len(q.Disjuncts) == 0 {
			return roaring.New(), true, nil
		}
		bms := make([]*roaring.Bitmap, len(q.Disjuncts))
		for i, d := range q.Disjuncts {
			if bms[i], _, err = ev.eval(d); err != nil {
				return nil, false, err
			}
		}
		return atLeast(bms, max(1, int(q.Min))), false, nil
	case *query.BooleanQuery:
		return ev.boolean(q)
	}
	return nil, false, errUnsupported
}

// boolean follows BooleanQuery.Searcher and the boolean searcher.
func (ev *evaluator) boolean(q *query.BooleanQuery) (*roaring.Bitmap, bool, error) {
	part := func(c query.Query) (*roaring.Bitmap, error) {
		if c == nil {
			return nil, nil
		}
		bm, none, err := ev.eval(c)
		if err != nil || none {
			return nil, err
		}
		return bm, nil
	}
	must, err := part(q.Must)
	if err != nil {
		return nil, false, err
	}
	var should *roaring.Bitmap
	if q.Should != nil {
		if must != nil {
			// Optional: it changes scores, not matches, unless the
			// query asks for a minimum of them.
			if d, ok := q.Should.(*query.DisjunctionQuery); !ok || d.Min > 0 {
				return nil, false, errUnsupported
			}
		} else if should, err = part(q.Should); err != nil {
			return nil, false, err
		}
	}
	mustNot, err := part(q.MustNot)
	if err != nil {
		return nil, false, err
	}
	filter, err := part(q.Filter)
	if err != nil {
		return nil, false, err
	}
	if q.Filter != nil && filter == nil {
		filter = roaring.New() // a match-none filter passes nothing
	}
	out := must
	switch {
	case must == nil && should == nil && mustNot == nil && filter == nil:
		return roaring.New(), true, nil
	case must == nil && should != nil:
		out = should
	case must == nil:
		out = roaring.New()
		out.AddRange(0, ev.seg.Count())
	}
	if mustNot != nil {
		out.AndNot(mustNot)
	}
	if filter != nil {
		out.And(filter)
	}
	return out, false, nil
}

// atLeast returns the documents in at least k of bms.
func atLeast(bms []*roaring.Bitmap, k int) *roaring.Bitmap {
	if k > len(bms) {
		return roaring.New()
	}
	if k == 1 {
		return roaring.FastOr(bms...)
	}
	// n[j]: the documents in at least j+1 of the bitmaps seen so far.
	n := make([]*roaring.Bitmap, k)
	for i := range n {
		n[i] = roaring.New()
	}
	for _, bm := range bms {
		for j := k - 1; j >= 1; j-- {
			n[j].Or(roaring.And(n[j-1], bm))
		}
		n[0].Or(bm)
	}
	return n[k-1]
}

// postings returns the documents of the segment with term in field.
func (ev *evaluator) postings(field, term string) (*roaring.Bitmap, error) {
	if field == "" {
		return nil, errUnsupported
	}
	dict, ok := ev.dicts[field]
	if !ok {
		var err error
		if dict, err = ev.seg.Dictionary(field); err != nil {
			return nil, err
		}
		ev.dicts[field] = dict
	}
	bm := roaring.New()
	if dict == nil {
		return bm, nil
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil || pl == nil {
		return bm, err
	}
	if o, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
		o.OrInto(bm)
		return bm, nil
	}
	it := pl.Iterator(false, false, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// union returns the documents of the segment with any of terms in field.
func (ev *evaluator) union(field string, terms []string) (*roaring.Bitmap, error) {
	out := roaring.New()
	for _, t := range terms {
		bm, err := ev.postings(field, t)
		if err != nil {
			return nil, err
		}
		out.Or(bm)
	}
	return out, nil
}
