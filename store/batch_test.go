package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/missionsearch/missionsearch"
)

// TestPutPagesSameAsPutPage stores the same pages one by one in a store and
// in one batch in another, and checks both stores read back the same.
func TestPutPagesSameAsPutPage(t *testing.T) {
	ctx := t.Context()
	one, batch := mustOpenStore(t), mustOpenStore(t)
	const n = 50
	var pages []*missionsearch.Page
	var states []missionsearch.CrawlState
	for i := range n {
		p, st := testPage(i), testState(i)
		if i%2 == 1 {
			p.ID, st.URL = "", "" // both derived, as PutPage allows
		}
		if i%5 == 0 {
			p.Tags, p.Published = nil, time.Time{}
		}
		pages, states = append(pages, p), append(states, st)
		mustPutPage(t, one, p, st)
	}
	if err := batch.PutPages(ctx, pages, states); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(allPages(t, one), allPages(t, batch)); diff != "" {
		t.Errorf("Pages after PutPages mismatch (-PutPage +PutPages):\n%s", diff)
	}
	for i := range n {
		if diff := cmp.Diff(mustState(t, one, testURL(i)), mustState(t, batch, testURL(i))); diff != "" {
			t.Errorf("State(%s) mismatch (-PutPage +PutPages):\n%s", testURL(i), diff)
		}
	}
	if got, err := batch.Count(ctx); err != nil || got != n {
		t.Errorf("Count() = %d, %v; want %d, nil", got, err, n)
	}
	id, _, ok, err := batch.PageByHash(ctx, "hash-7")
	if err != nil || !ok || id != missionsearch.PageID(testURL(7)) {
		t.Errorf("PageByHash(hash-7) = %s, %v, %v; want page 7", id, ok, err)
	}
	updated, gone, err := batch.ChangedSince(ctx, time.Time{})
	if err != nil || len(updated) != n || len(gone) != 0 {
		t.Errorf("ChangedSince(zero) = %d updated, %d gone, %v; want %d, 0, nil", len(updated), len(gone), err, n)
	}
}

// TestPutPagesReplaces checks a batch follows PutPage's replacement rules:
// FirstSeen kept, a gone page revived, the last of two pages of one URL
// kept, and one changed_at for the whole batch.
func TestPutPagesReplaces(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	for i := range 3 {
		mustPutPage(t, s, testPage(i), testState(i))
	}
	mustPutState(t, s, missionsearch.CrawlState{URL: testURL(1), Gone: true, Status: 404})
	clock = clock.Add(time.Hour)
	t0 := clock

	p0 := testPage(0)
	p0.Title = "Titre corrigé"
	st0 := testState(0)
	st0.FirstSeen = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // ignored: already set
	st0.ETag = `"v2"`
	first, last := testPage(3), testPage(3)
	first.Title, last.Title = "premier", "dernier"
	err := s.PutPages(ctx,
		[]*missionsearch.Page{p0, testPage(1), first, last},
		[]missionsearch.CrawlState{st0, testState(1), testState(3), testState(3)})
	if err != nil {
		t.Fatal(err)
	}

	got, err := s.Page(ctx, p0.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != p0.Title {
		t.Errorf("page 0 title = %q, want %q", got.Title, p0.Title)
	}
	if st := mustState(t, s, testURL(0)); !st.FirstSeen.Equal(testState(0).FirstSeen) || st.ETag != `"v2"` {
		t.Errorf("state 0 = first seen %v, etag %s; want %v, \"v2\"", st.FirstSeen, st.ETag, testState(0).FirstSeen)
	}
	if got, err := s.Page(ctx, last.ID); err != nil || got.Title != "dernier" {
		t.Errorf("page 3 = %v, %v; want the last of the batch", got, err)
	}
	if diff := cmp.Diff(sortedIDs(0, 1, 2, 3), ids(allPages(t, s))); diff != "" {
		t.Errorf("live pages mismatch (-want +got), page 1 should be revived:\n%s", diff)
	}
	updated, gone, err := s.ChangedSince(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedIDs(0, 1, 3), updated); diff != "" || len(gone) != 0 {
		t.Errorf("ChangedSince(batch time) = %v, gone %v; want %v, none:\n%s", updated, gone, sortedIDs(0, 1, 3), diff)
	}
}

// TestPutPagesInvalid checks that a batch with one invalid entry writes
// nothing and names the entry.
func TestPutPagesInvalid(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	badID := testPage(2)
	badID.ID = missionsearch.PageID(testURL(9))
	badYear := testPage(2)
	badYear.Updated = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		pages   []*missionsearch.Page
		states  []missionsearch.CrawlState
		wantMsg string
	}{
		{"lengths differ", []*missionsearch.Page{testPage(0), testPage(1)}, []missionsearch.CrawlState{testState(0)}, "2 pages but 1 crawl states"},
		{"nil page", []*missionsearch.Page{testPage(0), testPage(1), nil}, []missionsearch.CrawlState{testState(0), testState(1), testState(2)}, "page 2"},
		{"ID of another URL", []*missionsearch.Page{testPage(0), testPage(1), badID}, []missionsearch.CrawlState{testState(0), testState(1), testState(2)}, "page 2"},
		{"state of another URL", []*missionsearch.Page{testPage(0), testPage(1)}, []missionsearch.CrawlState{testState(0), testState(5)}, "page 1"},
		{"year 10000", []*missionsearch.Page{testPage(0), testPage(1), badYear}, []missionsearch.CrawlState{testState(0), testState(1), testState(2)}, "page 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.PutPages(ctx, tt.pages, tt.states)
			if got := missionsearch.ErrorCode(err); got != missionsearch.EINVALID {
				t.Errorf("ErrorCode = %q (%v), want %q", got, err, missionsearch.EINVALID)
			}
			if err != nil && (!strings.HasPrefix(err.Error(), "store: put pages") || !strings.Contains(err.Error(), tt.wantMsg)) {
				t.Errorf("error %q lacks the store: put pages prefix or %q", err, tt.wantMsg)
			}
		})
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Errorf("Count() = %d, %v after invalid batches; want 0, nil", n, err)
	}
	if err := s.PutPages(ctx, nil, nil); err != nil {
		t.Errorf("PutPages(empty) = %v, want nil", err)
	}
}

// TestPutPagesCancelled checks that a batch whose context is cancelled
// writes nothing.
func TestPutPagesCancelled(t *testing.T) {
	s := mustOpenStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.PutPages(ctx, []*missionsearch.Page{testPage(0)}, []missionsearch.CrawlState{testState(0)}); err == nil {
		t.Error("PutPages(cancelled) = nil, want an error")
	}
	if n, err := s.Count(t.Context()); err != nil || n != 0 {
		t.Errorf("Count() = %d, %v after a cancelled batch; want 0, nil", n, err)
	}
}

// BenchmarkPutPages measures durable batches of 1000 pages of about 2 KB,
// as `missionsearch synth` writes them; compare pages/s with PutPage's:
//
//	go test -run '^$' -bench PutPages -count 6 -benchmem ./store/ | benchstat -
func BenchmarkPutPages(b *testing.B) {
	const batch = 1000
	s := mustOpenAt(b, filepath.Join(b.TempDir(), "store.db"), options{})
	ctx := b.Context()
	b.ReportAllocs()
	next := 0
	for b.Loop() {
		pages := make([]*missionsearch.Page, batch)
		states := make([]missionsearch.CrawlState, batch)
		for j := range batch {
			pages[j], states[j] = testPage(next), testState(next)
			next++
		}
		if err := s.PutPages(ctx, pages, states); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(next)/b.Elapsed().Seconds(), "pages/s")
}
