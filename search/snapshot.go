package search

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// The fast path of facet counting and sorting.
//
// bleve counts facets by visiting the doc values of every hit, and sorts
// by date by visiting the date and loading the id of every hit: about 1–2
// µs a hit, 150 ms for the empty query over 100,000 pages. Instead, for
// each index snapshot (an immutable view of the index: a read-only build
// never changes, and a writable index gets a new one per batch or merge),
// the Searcher keeps:
//
//   - for every value of the facet fields, the bitmap of the documents that
//     have it (roaring bitmaps of scorch's global document numbers), read
//     once from the term dictionaries and postings;
//   - the rank of every document in the date order of SortDate (newest
//     first, pages without a date last, then by id), read once from the
//     date and ID doc values. (Reading IDs from the stored documents, as
//     bleve's own sort does, touched a page of the index file for each
//     one: 2.7 GB of serve's RSS after its first search at 1M pages.)
//
// A search then collects the documents matching the words (and the date
// range) into a bitmap B while bleve scores them and picks the page of
// hits, in one pass; facet F's count of value v is |B ∧ v ∧ the filters of
// the other facets|, exact, a few microseconds per value. The date order
// is a rank lookup instead of two reads per hit. The empty query needs no
// pass at all: B is every document, and the page of hits is found by
// walking the date order.

// snapshotData is what the fast path knows of one index snapshot.
type snapshotData struct {
	snap   *scorch.IndexSnapshot // identity only: never used once released
	all    *roaring.Bitmap       // live documents
	facets []valueBitmaps        // in the order of facetSpecs

	// ranks are built on first use (only date order and cursors need them),
	// under rankMu; a failed build is not kept, so the next search retries.
	rankMu sync.Mutex
	rk     *ranks
}

// valueBitmaps are the documents of each value of one keyword field.
type valueBitmaps struct {
	values []string // in term order
	docs   []*roaring.Bitmap
	index  map[string]int
}

// union returns the documents with any of values; an empty bitmap when
// none is known.
func (v *valueBitmaps) union(values []string) *roaring.Bitmap {
	var bs []*roaring.Bitmap
	for _, val := range values {
		if i, ok := v.index[val]; ok {
			bs = append(bs, v.docs[i])
		}
	}
	switch len(bs) {
	case 0:
		return roaring.New()
	case 1:
		return bs[0].Clone()
	}
	return roaring.FastOr(bs...)
}

// buildState is what a Searcher keeps of one build, in the build itself
// (index.Build.State): it lives and dies with the build.
type buildState struct {
	snaps snapshotCache
	fuzz  fuzzyCache // the typo candidates of the words searched (fuzzy.go)
}

type buildStateKey struct{}

// snapshotCache holds the snapshotData of the latest snapshot of a build
// seen: a published build has one snapshot for life, and a writable index
// (tests, tools) makes the older data useless with each batch.
type snapshotCache struct {
	mu  sync.Mutex
	cur *snapshotData
}

// view is what one search holds: the build it pinned, a reader of that
// build taken once, and the fast-path data of the reader's snapshot (nil
// data: the slow path must be used).
type view struct {
	b   *index.Build
	idx bleve.Index
	st  *buildState
	// r is nil when the index gives no reader (an alias of several
	// indexes): the slow path then reports what is wrong.
	r    bindex.IndexReader
	data *snapshotData
}

// Close releases the reader and the build.
func (v *view) Close() {
	if v.r != nil {
		v.r.Close()
	}
	v.b.Release()
}

// errUnavailable is returned when the index is closed or has no build.
func errUnavailable(op string, err error) error {
	if err == nil {
		return fmt.Errorf("%s: %w", op, missionsearch.Errorf(missionsearch.EUNAVAILABLE,
			"The search index is not ready. Please try again in a moment."))
	}
	return wrapErr(op, err)
}

// reader returns a reader of idx. A closed index (whose scorch engine gives
// a nil snapshot) or an empty alias gives an EUNAVAILABLE error.
func reader(idx bleve.Index) (bindex.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, errUnavailable("search: reader", err)
	}
	if adv == nil {
		return nil, errUnavailable("search: reader", nil)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, wrapErr("search: reader", err)
	}
	if r == nil {
		return nil, errUnavailable("search: reader", nil)
	}
	if snap, ok := r.(*scorch.IndexSnapshot); ok && snap == nil {
		// scorch.Reader on a closed index: a typed nil.
		return nil, errUnavailable("search: reader", nil)
	}
	return r, nil
}

// open pins a build for one search and returns its view, with the
// fast-path data of its snapshot, built on first use. The caller must
// Close the view.
func (s *Searcher) open() (*view, error) {
	b, err := s.builds.Acquire()
	if err != nil {
		return nil, wrapErr("search", err)
	}
	v := &view{b: b, idx: b.Index(), st: b.State(buildStateKey{}, func() any { return new(buildState) }).(*buildState)}
	r, err := reader(v.idx)
	if err != nil {
		if missionsearch.ErrorCode(err) == missionsearch.EUNAVAILABLE {
			b.Release()
			return nil, err
		}
		return v, nil
	}
	v.r = r
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || s.slow {
		return v, nil
	}
	if v.data, err = v.st.snaps.get(snap); err != nil {
		v.Close()
		return nil, fmt.Errorf("search: facet data: %w", err)
	}
	return v, nil
}

// get returns the fast-path data of snap, read on first use. The data
// belongs to the snapshot, not to the search that first needs it, so it is
// read without that search's context.
func (c *snapshotCache) get(snap *scorch.IndexSnapshot) (*snapshotData, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.cur; d != nil && d.snap == snap {
		return d, nil
	}
	d, err := loadSnapshotData(context.Background(), snap)
	if err != nil {
		return nil, err
	}
	c.cur = d
	return d, nil
}

// globalDocs returns, in scorch's global document numbers, the live
// documents that fn finds in each segment of snap (in the segment's own
// numbers; fn returns a bitmap it does not keep).
func globalDocs(snap *scorch.IndexSnapshot, fn func(segment.Segment) (*roaring.Bitmap, error)) (*roaring.Bitmap, error) {
	out := roaring.New()
	var offset uint64
	for _, seg := range snap.Segments() {
		local, err := fn(seg.Segment())
		if err != nil {
			return nil, err
		}
		local.And(seg.DocNumbersLive())
		if !local.IsEmpty() {
			if offset > 0 {
				local = roaring.AddOffset64(local, int64(offset))
			}
			out.Or(local)
		}
		offset += seg.Segment().Count()
	}
	if offset > math.MaxUint32 {
		return nil, fmt.Errorf("%d documents: too many for 32-bit bitmaps", offset)
	}
	return out, nil
}

// loadSnapshotData reads the facet bitmaps of snap.
func loadSnapshotData(ctx context.Context, snap *scorch.IndexSnapshot) (*snapshotData, error) {
	all, err := globalDocs(snap, func(seg segment.Segment) (*roaring.Bitmap, error) {
		bm := roaring.New()
		bm.AddRange(0, seg.Count())
		return bm, nil
	})
	if err != nil {
		return nil, err
	}
	d := &snapshotData{snap: snap, all: all}
	d.facets = make([]valueBitmaps, len(facetSpecs))
	buf := make([]uint32, 0, 4096)
	for i, f := range facetSpecs {
		fd, err := snap.FieldDict(f.field)
		if err != nil {
			return nil, err
		}
		vb := valueBitmaps{index: map[string]int{}}
		for {
			e, err := fd.Next()
			if err != nil {
				fd.Close()
				return nil, err
			}
			if e == nil {
				break
			}
			vb.index[e.Term] = len(vb.values)
			vb.values = append(vb.values, e.Term)
		}
		fd.Close()
		vb.docs = make([]*roaring.Bitmap, len(vb.values))
		for j, term := range vb.values {
			bm, err := postings(ctx, snap, f.field, term, buf)
			if err != nil {
				return nil, err
			}
			vb.docs[j] = bm
		}
		d.facets[i] = vb
	}
	return d, nil
}

// postings returns the documents with term in field; buf is scratch space.
func postings(ctx context.Context, snap *scorch.IndexSnapshot, field, term string, buf []uint32) (*roaring.Bitmap, error) {
	tfr, err := snap.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	bm := roaring.New()
	var tfd *bindex.TermFieldDoc
	buf = buf[:0]
	for {
		tfd, err = tfr.Next(tfd)
		if err != nil {
			return nil, err
		}
		if tfd == nil {
			break
		}
		buf = append(buf, uint32(tfd.ID.Value()))
		if len(buf) == cap(buf) {
			bm.AddMany(buf)
			buf = buf[:0]
		}
	}
	bm.AddMany(buf)
	bm.RunOptimize()
	return bm, nil
}

// ranks is the date order of SortDate over the documents of a snapshot.
type ranks struct {
	rank   []uint32 // by document number; deleted documents have none
	byRank []uint32 // document numbers in date order
	date   []int64  // by document number: the date doc value, or noDate
	// The ID of document doc is idBuf[idOff[doc]:idOff[doc+1]], read from
	// its doc value (index.FieldID), never from the stored document.
	idBuf []byte
	idOff []uint32
}

// noDate is the date of the pages without one: they sort last.
const noDate = math.MinInt64

// ranks returns the date order of d's snapshot, read through r (a reader
// of that snapshot) on first use. The order belongs to the snapshot, not to
// the search that first needs it, so it is read without that search's
// context (a visitor closing the tab must not cost every later search), and
// an error is returned to this caller only, never kept.
func (d *snapshotData) ranks(r bindex.IndexReader) (*ranks, error) {
	d.rankMu.Lock()
	defer d.rankMu.Unlock()
	if d.rk == nil {
		rk, err := loadRanks(d, r)
		if err != nil {
			return nil, err
		}
		d.rk = rk
	}
	return d.rk, nil
}

// id returns the ID of document doc.
func (rk *ranks) id(doc uint32) []byte { return rk.idBuf[rk.idOff[doc]:rk.idOff[doc+1]] }

// loadRanks reads the date and ID doc values of every live document (a
// columnar read: no stored document is opened) and sorts them.
func loadRanks(d *snapshotData, r bindex.IndexReader) (*ranks, error) {
	n := uint64(0)
	if !d.all.IsEmpty() {
		n = uint64(d.all.Maximum()) + 1
	}
	rk := &ranks{
		rank:   make([]uint32, n),
		byRank: make([]uint32, 0, d.all.GetCardinality()),
		date:   make([]int64, n),
		idBuf:  make([]byte, 0, 16*d.all.GetCardinality()),
		idOff:  make([]uint32, n+1),
	}
	dvr, err := r.DocValueReader([]string{index.FieldDate, index.FieldID})
	if err != nil {
		return nil, err
	}
	var iid bindex.IndexInternalID
	var doc uint32
	var foundDate, foundID bool
	visit := func(field string, term []byte) {
		switch {
		case field == index.FieldDate && !foundDate:
			if valid, shift := numeric.ValidPrefixCodedTermBytes(term); valid && shift == 0 {
				if v, err := numeric.PrefixCoded(term).Int64(); err == nil {
					rk.date[doc], foundDate = v, true
				}
			}
		case field == index.FieldID && !foundID:
			rk.idBuf = append(rk.idBuf, term...)
			foundID = true
		}
	}
	next := uint32(0) // the first document whose offset is not set
	it := d.all.Iterator()
	for it.HasNext() {
		doc = it.Next()
		for ; next <= doc; next++ {
			rk.idOff[next] = uint32(len(rk.idBuf))
		}
		foundDate, foundID = false, false
		iid = bindex.NewIndexInternalID(iid, uint64(doc))
		if err := dvr.VisitDocValues(iid, visit); err != nil {
			return nil, err
		}
		if !foundDate {
			rk.date[doc] = noDate
		}
		if !foundID {
			return nil, fmt.Errorf("document %d has no %s doc value: a build of another mapping", doc, index.FieldID)
		}
		if len(rk.idBuf) > math.MaxUint32 {
			return nil, fmt.Errorf("%d bytes of IDs: too many for 32-bit offsets", len(rk.idBuf))
		}
		rk.byRank = append(rk.byRank, doc)
	}
	for ; uint64(next) <= n; next++ {
		rk.idOff[next] = uint32(len(rk.idBuf))
	}
	// Newest first, pages without a date (noDate) last; equal dates by ID.
	slices.SortFunc(rk.byRank, func(a, b uint32) int {
		if c := cmp.Compare(rk.date[b], rk.date[a]); c != 0 {
			return c
		}
		return bytes.Compare(rk.id(a), rk.id(b))
	})
	for i, doc := range rk.byRank {
		rk.rank[doc] = uint32(i)
	}
	return rk, nil
}

func (rk *ranks) dateKey(doc uint32) string {
	if rk.date[doc] == noDate {
		return bsearch.LowTerm // descending, missing last
	}
	return string(numeric.MustNewPrefixCodedInt64(rk.date[doc], 0))
}

// after returns the number of documents that sort before or at the
// position of a hit with sort keys dateKey and id, which need not be in
// the snapshot: the rank from which the hits after it start.
func (rk *ranks) after(dateKey, id string) int {
	n, _ := slices.BinarySearchFunc(rk.byRank, struct{}{}, func(doc uint32, _ struct{}) int {
		// Does doc sort after the cursor? +1 if so.
		dk := rk.dateKey(doc)
		if dk != dateKey {
			if dk > dateKey { // descending
				return -1
			}
			return 1
		}
		if string(rk.id(doc)) <= id {
			return -1
		}
		return 1
	})
	return n
}

// rankKey encodes a rank as a sort key that orders like the rank.
func rankKey(rank uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], rank)
	return string(b[:])
}
