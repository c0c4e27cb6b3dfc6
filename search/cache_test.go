package search

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/synth"
)

func TestResultCache(t *testing.T) {
	var pages []*missionsearch.Page
	synth.Pages(300, 3, func(p *missionsearch.Page) error { pages = append(pages, p); return nil })
	idx := mustBuildIndex(t, pages[:200]...)
	s := New(idx)
	ctx := context.Background()
	search := func(r Request) *Result {
		t.Helper()
		res, err := s.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		res.Took = 0
		return res
	}

	for _, r := range []Request{{}, {Query: "coopération", Sections: []string{"news"}}} {
		before := s.CachedSearches()
		first, second := search(r), search(r)
		if s.CachedSearches() != before+1 {
			t.Fatalf("%+v: cached searches %d → %d, want one more", r, before, s.CachedSearches())
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Fatalf("%+v: cached result differs (-computed +cached):\n%s", r, diff)
		}
	}

	// A batch makes a new snapshot: the cached results are not served.
	b := idx.NewBatch()
	for _, p := range pages[200:] {
		b.Index(p.ID, index.Document(p))
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	before := s.CachedSearches()
	if res := search(Request{}); res.Total != 300 {
		t.Fatalf("after a batch: total %d, want 300 (a stale cached result?)", res.Total)
	}
	if s.CachedSearches() != before {
		t.Fatal("a search after a batch was answered from the cache")
	}

	// Cursors (exports) are not cached.
	first := search(Request{Size: 5})
	before = s.CachedSearches()
	search(Request{Size: 5, SearchAfter: first.Next})
	search(Request{Size: 5, SearchAfter: first.Next})
	if s.CachedSearches() != before {
		t.Fatal("a cursor page was answered from the cache")
	}

	// Large pages are not cached.
	before = s.CachedSearches()
	search(Request{Size: maxCachedSize + 1})
	search(Request{Size: maxCachedSize + 1})
	if s.CachedSearches() != before {
		t.Fatal("a page larger than maxCachedSize was answered from the cache")
	}

	// Size 0 turns the cache off.
	off := New(idx)
	off.SetCacheBytes(0)
	for range 2 {
		if _, err := off.Search(ctx, Request{}); err != nil {
			t.Fatal(err)
		}
	}
	if off.CachedSearches() != 0 {
		t.Fatal("the cache answered with size 0")
	}
}

// TestResultCacheBytes checks that the cache is bounded by bytes: results
// of pages with huge titles are not kept beyond the budget, whatever the
// number of distinct searches, and a result heavier than a quarter of the
// budget is not kept at all.
func TestResultCacheBytes(t *testing.T) {
	var pages []*missionsearch.Page
	synth.Pages(40, 5, func(p *missionsearch.Page) error { pages = append(pages, p); return nil })
	for _, p := range pages {
		p.Title += " " + strings.Repeat("titre ", 300) // about 2 KB a title, within the title limit
	}
	s := New(mustBuildIndex(t, pages...))
	const budget = 200 << 10
	s.SetCacheBytes(budget)
	ctx := context.Background()
	words := []string{"coopération", "atelier", "rapport", "titre", "mission", "projet", "jeunesse", "migration"}
	searches := 0
	for page := 1; page <= 3; page++ {
		for size := 10; size <= 20; size += 5 {
			for _, w := range words {
				if _, err := s.Search(ctx, Request{Query: w, Size: size, Page: page}); err != nil {
					t.Fatal(err)
				}
				searches++
			}
		}
	}
	n, bytes := s.CacheSize()
	if bytes > budget || n == 0 {
		t.Fatalf("after %d distinct searches: %d results of %d bytes kept, want some within %d bytes", searches, n, bytes, budget)
	}
	if n >= searches {
		t.Fatalf("all %d results kept (%d bytes) within a %d-byte budget", n, bytes, budget)
	}

	// A budget smaller than four results of 20 long hits keeps none of them.
	tiny := New(mustBuildIndex(t, pages...))
	tiny.SetCacheBytes(40 << 10)
	for range 2 {
		if _, err := tiny.Search(ctx, Request{Query: "titre", Size: 20}); err != nil {
			t.Fatal(err)
		}
	}
	if n, bytes := tiny.CacheSize(); n != 0 || tiny.CachedSearches() != 0 {
		t.Fatalf("a result heavier than a quarter of the budget was kept (%d results, %d bytes)", n, bytes)
	}
}
