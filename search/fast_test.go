package search

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/synth"
)

// fastTestIndex builds n synth pages in batches (several segments), deletes
// every 7th page, then reopens the index read-only, as servers open builds.
func fastTestIndex(t *testing.T, n int) (bleve.Index, []*missionsearch.Page) {
	t.Helper()
	m, err := index.NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "index")
	idx, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pages []*missionsearch.Page
	b := idx.NewBatch()
	err = synth.Pages(n, 7, func(p *missionsearch.Page) error {
		pages = append(pages, p)
		if err := b.Index(p.ID, index.Document(p)); err != nil {
			return err
		}
		if b.Size() >= 400 {
			err := idx.Batch(b)
			b.Reset()
			return err
		}
		return nil
	})
	if err == nil {
		err = idx.Batch(b)
	}
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	var kept []*missionsearch.Page
	for i, p := range pages {
		if i%7 == 3 {
			b.Delete(p.ID)
		} else {
			kept = append(kept, p)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = bleve.OpenUsing(path, map[string]any{"read_only": true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx, kept
}

// randomRequest returns a request with random words, filters, sort and page
// over pages.
func randomRequest(r *rand.Rand, pages []*missionsearch.Page) Request {
	pick := func(vs []string, k int) []string {
		var out []string
		for range k {
			out = append(out, vs[r.IntN(len(vs))])
		}
		return out
	}
	var req Request
	p := pages[r.IntN(len(pages))]
	switch r.IntN(9) {
	case 0: // the empty query
	case 1: // a word of a title
		ws := strings.Fields(p.Title)
		req.Query = ws[r.IntN(len(ws))]
	case 2: // two words of a body
		ws := strings.Fields(p.Body)
		req.Query = ws[r.IntN(len(ws))] + " " + ws[r.IntN(len(ws))]
	case 3: // a phrase
		ws := strings.Fields(p.Body)
		i := r.IntN(len(ws) - 2)
		req.Query = `"` + strings.Join(ws[i:i+2], " ") + `"`
	case 4: // a word and an exclusion
		ws := strings.Fields(p.Title)
		req.Query = ws[0] + " -" + ws[len(ws)-1]
	case 5: // a frequent word
		req.Query = pick([]string{"coopération", "projet", "développement", "mission", "santé"}, 1)[0]
	case 6: // a typo (fuzzy matches and corrections)
		w := []rune(pick([]string{"coopération", "développement", "migration", "partenaires", "formation"}, 1)[0])
		i := 1 + r.IntN(len(w)-3)
		w[i], w[i+1] = w[i+1], w[i]
		req.Query = string(w)
	case 7: // OR
		ws := strings.Fields(p.Body)
		req.Query = ws[r.IntN(len(ws))] + " OR " + ws[r.IntN(len(ws))]
	case 8: // three or four words: all but one must match
		ws := strings.Fields(p.Body)
		i := r.IntN(len(ws) - 4)
		req.Query = strings.Join(ws[i:i+3+r.IntN(2)], " ")
	}
	// Filters from other pages, so that their values exist, plus sometimes
	// an unknown value.
	other := func() *missionsearch.Page { return pages[r.IntN(len(pages))] }
	if r.IntN(3) == 0 {
		req.Sections = []string{other().Section}
		if r.IntN(2) == 0 {
			req.Sections = append(req.Sections, other().Section)
		}
	}
	if r.IntN(3) == 0 {
		for range 1 + r.IntN(3) {
			if d := other().Date(); !d.IsZero() {
				req.Years = append(req.Years, fmt.Sprint(d.Year()))
			}
		}
		if r.IntN(8) == 0 {
			req.Years = append(req.Years, "1999")
		}
	}
	if r.IntN(4) == 0 {
		req.Langs = []string{string(other().Lang)}
	}
	if r.IntN(3) == 0 {
		for range 1 + r.IntN(2) {
			if tags := other().Tags; len(tags) > 0 {
				req.Tags = append(req.Tags, tags[r.IntN(len(tags))])
			}
		}
		if r.IntN(8) == 0 {
			req.Tags = append(req.Tags, "nulle part")
		}
	}
	if r.IntN(5) == 0 {
		from := synth.Start.AddDate(r.IntN(12), r.IntN(12), 0)
		req.From = from
		if r.IntN(2) == 0 {
			req.To = from.AddDate(1+r.IntN(3), 0, 0)
		}
	} else if r.IntN(10) == 0 {
		req.To = synth.Start.AddDate(3+r.IntN(10), 0, 0)
	}
	switch r.IntN(3) {
	case 0:
		req.Sort = SortDate
	case 1:
		req.Sort = SortRelevance
	}
	req.Size = []int{1, 5, 10, 37}[r.IntN(4)]
	req.Page = 1 + r.IntN(3)
	return req
}

// TestFastPathEqualsBleve checks that the fast path (facet bitmaps, date
// order) gives exactly the results of bleve's own facets and sorts: the
// same total, hits, scores, facet counts and cursors, on random queries and
// filter combinations, following the cursors for a few pages.
func TestFastPathEqualsBleve(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 1200
	}
	idx, pages := fastTestIndex(t, n)
	fast, slow := New(idx), New(idx)
	slow.slow = true
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	requests := 300
	if testing.Short() {
		requests = 100
	}
	for i := range requests {
		req := randomRequest(r, pages)
		fastReq, slowReq := req, req
		for step := 0; step < 3; step++ {
			got, err1 := fast.Search(ctx, fastReq)
			want, err2 := slow.Search(ctx, slowReq)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("request %d %+v: fast error %v, slow error %v", i, req, err1, err2)
			}
			if err1 != nil {
				break
			}
			got.Took, want.Took = 0, 0
			// Scores are sums over many clauses, which the two paths may add
			// in another order: equal to the last bit or two. Each path then
			// follows its own cursor, which encodes its scores.
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12), cmpopts.IgnoreFields(Result{}, "Next")); diff != "" {
				t.Fatalf("request %d step %d %+v: fast path differs (-bleve +fast):\n%s", i, step, req, diff)
			}
			if (got.Next == "") != (want.Next == "") {
				t.Fatalf("request %d step %d: fast cursor %q, bleve cursor %q", i, step, got.Next, want.Next)
			}
			if got.Next == "" {
				break
			}
			fastReq.SearchAfter, fastReq.Page = got.Next, 0
			slowReq.SearchAfter, slowReq.Page = want.Next, 0
		}
	}
	if fast.fast.Load() == 0 || fast.stale.Load() != 0 {
		t.Errorf("fast path runs %d, given back %d: want all on the fast path", fast.fast.Load(), fast.stale.Load())
	}
	if fast.matched.Load() == 0 {
		t.Errorf("no search took its matches from the postings bitmaps (%d could not)", fast.unsupported.Load())
	}
	t.Logf("fast path: %d searches, %d with matches from the postings bitmaps, %d not evaluable", fast.fast.Load(), fast.matched.Load(), fast.unsupported.Load())
	if slow.fast.Load() != 0 {
		t.Errorf("slow searcher ran %d searches on the fast path", slow.fast.Load())
	}
}

// TestFastPathWritableIndex checks that a writable index, whose snapshots
// change with every batch, gets counts of its latest documents.
func TestFastPathWritableIndex(t *testing.T) {
	var pages []*missionsearch.Page
	synth.Pages(300, 3, func(p *missionsearch.Page) error { pages = append(pages, p); return nil })
	idx := mustBuildIndex(t, pages[:200]...)
	s := New(idx)
	ctx := context.Background()
	res, err := s.Search(ctx, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 200 {
		t.Fatalf("total %d, want 200", res.Total)
	}
	b := idx.NewBatch()
	for _, p := range pages[200:] {
		b.Index(p.ID, index.Document(p))
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	res, err = s.Search(ctx, Request{})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, v := range res.Facets[FacetLang] {
		sum += v.Count
	}
	if res.Total != 300 || sum != 300 {
		t.Fatalf("after a batch: total %d, languages counted %d, want 300", res.Total, sum)
	}
}

// TestSearchClosedIndex checks that searching a closed index, directly or
// through the live alias, is an EUNAVAILABLE error and no panic.
func TestSearchClosedIndex(t *testing.T) {
	m, err := index.NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.NewUsing(filepath.Join(t.TempDir(), "index"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := idx.NewBatch()
	synth.Pages(50, 1, func(p *missionsearch.Page) error { return b.Index(p.ID, index.Document(p)) })
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	s := New(idx)
	ctx := context.Background()
	if _, err := s.Search(ctx, Request{Query: "coopération"}); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	for _, req := range []Request{{Query: "coopération"}, {Query: "migratoin"}, {}, {Sections: []string{"news"}}} {
		_, err := s.Search(ctx, req)
		if code := missionsearch.ErrorCode(err); code != missionsearch.EUNAVAILABLE {
			t.Errorf("Search(%+v) on a closed index: %v (code %q), want %s", req, err, code, missionsearch.EUNAVAILABLE)
		}
	}
	if _, err := s.Suggest(ctx, "coop", 5); missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE && err != nil {
		t.Errorf("Suggest on a closed index: %v", err)
	}

	// Through a live alias closed under the searcher.
	d, err := index.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	live, err := index.OpenLive(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	ls := NewLive(live)
	if _, err := ls.Search(ctx, Request{Query: "coopération"}); missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE {
		t.Errorf("Search with no build: %v, want %s", err, missionsearch.EUNAVAILABLE)
	}
	live.Close()
	_, err = ls.Search(ctx, Request{Query: "coopération"})
	if missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE || !errors.Is(err, bleve.ErrorIndexClosed) {
		t.Errorf("Search on a closed live index: %v, want %s", err, missionsearch.EUNAVAILABLE)
	}
}

// TestDateOrderAfterCancelledSearch checks that a first search cancelled
// while the build's date order is read does not break the later searches
// of that build: per-build state is never built with a request's context.
func TestDateOrderAfterCancelledSearch(t *testing.T) {
	idx, _ := fastTestIndex(t, 5000) // > 4096 pages: loadRanks checks its context
	s := New(idx)
	s.SetCacheBytes(0)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	req := Request{Sort: SortDate}
	s.Search(cancelled, req) // may fail: its own context is done
	for i := 0; i < 2; i++ {
		res, err := s.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("search %d after a cancelled first search: %v", i+1, err)
		}
		if res.Total == 0 {
			t.Fatalf("search %d after a cancelled first search: no hits", i+1)
		}
	}
}
