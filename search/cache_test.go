package search

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"missionsearch"
	"missionsearch/index"
	"missionsearch/internal/synth"
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
	off.SetCacheSize(0)
	for range 2 {
		if _, err := off.Search(ctx, Request{}); err != nil {
			t.Fatal(err)
		}
	}
	if off.CachedSearches() != 0 {
		t.Fatal("the cache answered with size 0")
	}
}
