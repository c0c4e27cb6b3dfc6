package search

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Phrases found before bleve scores them.
//
// bleve's phrase searcher visits every document that has all the words
// of a phrase and builds a map of their locations to check their order:
// for two frequent words, most of a search's time (the phrase bonus of a
// two-word query runs on every page with both words). phraseQuery is the
// same MatchPhraseQuery, restricted to the documents where the phrase
// really is: found first from the positions in the postings (no map, no
// allocation per document), then bleve's searcher is moved from one of
// them to the next (restrictedSearcher), so that it scores only those,
// with its own phrase scores. The documents found are also the phrase's match
// set for matchSet.

// phraseQuery is a MatchPhraseQuery of Text in Field analysed by an.
type phraseQuery struct {
	Field string  `json:"field"`
	Text  string  `json:"match_phrase"`
	Boost float64 `json:"boost"`
	an    analysis.Analyzer
	inner *query.MatchPhraseQuery

	// found keeps the documents of the phrase per segment: a filtered
	// search finds them for its match set (matchSet), then again to score.
	mu    sync.Mutex
	found map[segment.Segment]*roaring.Bitmap
}

// segmentDocs returns the documents of seg (local numbers, deleted ones
// included) whose field has the phrase of slots, a bitmap of the caller's.
func (q *phraseQuery) segmentDocs(ctx context.Context, seg segment.Segment, slots [][]string) (*roaring.Bitmap, error) {
	q.mu.Lock()
	bm, ok := q.found[seg]
	q.mu.Unlock()
	if !ok {
		var err error
		if bm, err = segmentPhraseDocs(ctx, seg, q.Field, slots); err != nil {
			return nil, err
		}
		q.mu.Lock()
		if q.found == nil {
			q.found = map[segment.Segment]*roaring.Bitmap{}
		}
		q.found[seg] = bm
		q.mu.Unlock()
	}
	return bm.Clone(), nil
}

// slots returns the terms of the phrase by relative position (empty slots
// are gaps left by stop words, matching any word), as bleve's
// MatchPhraseQuery makes them.
func (q *phraseQuery) slots() [][]string {
	toks := q.an.Analyze([]byte(q.Text))
	if len(toks) == 0 {
		return nil
	}
	first, last := toks[0].Position, toks[0].Position
	for _, t := range toks {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range toks {
		out[t.Position-first] = append(out[t.Position-first], string(t.Term))
	}
	return out
}

func (q *phraseQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	in, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return in, nil
	}
	if _, none := in.(*searcher.MatchNoneSearcher); none {
		return in, nil
	}
	docs, err := q.docs(ctx, snap)
	if errors.Is(err, errUnsupported) {
		return in, nil
	} else if err != nil {
		in.Close()
		return nil, err
	}
	// Skipped from one of docs to the next: bleve's own Next would walk
	// every document with all the words.
	return &restrictedSearcher{Searcher: in, docs: docs.ToArray()}, nil
}

func (q *phraseQuery) MarshalJSON() ([]byte, error) {
	type plain phraseQuery
	return json.Marshal((*plain)(q))
}

// docs returns the live documents of snap (global numbers) whose field
// has the phrase.
func (q *phraseQuery) docs(ctx context.Context, snap *scorch.IndexSnapshot) (*roaring.Bitmap, error) {
	slots := q.slots()
	return globalDocs(snap, func(seg segment.Segment) (*roaring.Bitmap, error) {
		return q.segmentDocs(ctx, seg, slots)
	})
}

// segmentPhraseDocs returns the documents of one segment (local numbers)
// whose field has the phrase: for each non-empty slot i, one of its terms
// at position p+i, p being a position of a term of slot 0. Deleted
// documents are not removed.
func segmentPhraseDocs(ctx context.Context, seg segment.Segment, field string, slots [][]string) (*roaring.Bitmap, error) {
	out := roaring.New()
	err := segmentPositions(ctx, seg, field, slots, func(doc uint64, pos [][]uint64) {
		if phraseAt(pos) {
			out.Add(uint32(doc))
		}
	})
	return out, err
}

// segmentPositions calls found with each document of one segment (local
// numbers, deleted ones included) whose field has a term of every
// non-empty slot, and the positions of each slot's terms in it (nil for
// an empty slot), in a buffer that found must not keep.
func segmentPositions(ctx context.Context, seg segment.Segment, field string, slots [][]string, found func(doc uint64, pos [][]uint64)) error {
	if len(slots) == 0 {
		return nil
	}
	dict, err := seg.Dictionary(field)
	if err != nil || dict == nil {
		return err
	}
	// One iterator per term, with locations; a slot matches a document
	// when any of its terms is there.
	type termIt struct {
		it  segment.PostingsIterator
		cur segment.Posting
	}
	its := make([][]*termIt, len(slots))
	for i, terms := range slots {
		for _, t := range terms {
			pl, err := dict.PostingsList([]byte(t), nil, nil)
			if err != nil {
				return err
			}
			if pl == nil || pl.Count() == 0 {
				continue
			}
			it := pl.Iterator(true, false, true, nil)
			p, err := it.Next()
			if err != nil {
				return err
			}
			if p != nil {
				its[i] = append(its[i], &termIt{it: it, cur: p})
			}
		}
		if len(terms) > 0 && len(its[i]) == 0 {
			return nil // a word of the phrase is not in this segment
		}
	}
	// positions returns the positions of slot i's terms in doc, nil when
	// none of them is there; it moves the slot's iterators to doc.
	posBuf := make([][]uint64, len(slots))
	positions := func(i int, doc uint64) ([]uint64, bool, error) {
		ps := posBuf[i][:0]
		found := false
		for _, ti := range its[i] {
			for ti.cur != nil && ti.cur.Number() < doc {
				p, err := ti.it.Advance(doc)
				if err != nil {
					return nil, false, err
				}
				ti.cur = p
			}
			if ti.cur != nil && ti.cur.Number() == doc {
				found = true
				for _, l := range ti.cur.Locations() {
					ps = append(ps, l.Pos())
				}
			}
		}
		posBuf[i] = ps
		return ps, found, nil
	}
	// nextDoc returns the smallest current document of slot i, or false.
	nextDoc := func(i int) (uint64, bool) {
		var best uint64
		ok := false
		for _, ti := range its[i] {
			if ti.cur != nil && (!ok || ti.cur.Number() < best) {
				best, ok = ti.cur.Number(), true
			}
		}
		return best, ok
	}
	all := make([][]uint64, len(slots))
	for n := 1; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		// Leapfrog: the candidate is the largest of the slots' next
		// documents; every slot moves to it; they agree or we go on.
		var doc uint64
		for i := range slots {
			if len(its[i]) == 0 {
				continue
			}
			d, ok := nextDoc(i)
			if !ok {
				return nil
			}
			doc = max(doc, d)
		}
		agreed := true
		for i := range slots {
			if len(its[i]) == 0 {
				all[i] = nil
				continue
			}
			ps, found, err := positions(i, doc)
			if err != nil {
				return err
			}
			if !found {
				agreed = false
				if _, ok := nextDoc(i); !ok {
					return nil
				}
			}
			all[i] = ps
		}
		if !agreed {
			continue
		}
		found(doc, all)
		// Past doc for every slot.
		for i := range slots {
			for _, ti := range its[i] {
				if ti.cur != nil && ti.cur.Number() == doc {
					p, err := ti.it.Next()
					if err != nil {
						return err
					}
					ti.cur = p
				}
			}
		}
	}
}

// phraseAt reports whether some position p of slot 0 has, for every
// non-empty slot i, a position p+i.
func phraseAt(pos [][]uint64) bool {
	for _, p := range pos[0] {
		ok := true
		for i := 1; i < len(pos) && ok; i++ {
			if pos[i] == nil {
				continue // a gap
			}
			found := false
			for _, q := range pos[i] {
				if q == p+uint64(i) {
					found = true
					break
				}
			}
			ok = found
		}
		if ok {
			return true
		}
	}
	return false
}
