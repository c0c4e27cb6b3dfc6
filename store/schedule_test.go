package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

// TestSchedule: a state's Interval, NextCheck and Listed come back as put
// (PutState and PutPage); DueURLs lists the live pages whose NextCheck has
// come and those last seen before staleBefore whatever their NextCheck,
// never a gone page or a URL without a page; ListedURLs the live pages
// whose state is Listed.
func TestSchedule(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	now := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	put := func(i int, lastSeen, next time.Time, listed bool) {
		t.Helper()
		st := missionsearch.CrawlState{ContentHash: "h", LastSeen: lastSeen, Status: 200, Links: []string{},
			Interval: 2 * day, NextCheck: next, Listed: listed}
		if err := s.PutPage(ctx, testPage(i), st); err != nil {
			t.Fatal(err)
		}
	}
	put(1, now.Add(-2*day), now.Add(-time.Minute), true) // due
	put(2, now.Add(-time.Hour), now.Add(day), false)     // not due
	put(3, now.Add(-8*day), now.Add(day), true)          // max_age old: due
	put(4, now.Add(-3*day), time.Time{}, false)          // no schedule, not max_age old
	put(5, now.Add(-9*day), time.Time{}, true)           // no schedule, max_age old: due
	put(6, now.Add(-2*day), now.Add(-time.Hour), true)   // due but gone
	if err := s.PutState(ctx, missionsearch.CrawlState{URL: testURL(6), Gone: true, Status: 404, Listed: true, NextCheck: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// A state without a page (a dead link, a redirect) is never due.
	if err := s.PutState(ctx, missionsearch.CrawlState{URL: testURL(7), Status: 301, LastSeen: now.Add(-9 * day), NextCheck: now.Add(-day), Listed: true}); err != nil {
		t.Fatal(err)
	}

	st, ok, err := s.State(ctx, testURL(1))
	if err != nil || !ok || st.Interval != 2*day || !st.NextCheck.Equal(now.Add(-time.Minute)) || !st.Listed {
		t.Errorf("state 1: %+v %v %v, want the Interval, NextCheck and Listed put", st, ok, err)
	}
	var due []string
	if err := s.DueURLs(ctx, now, now.Add(-7*day), func(u string) error { due = append(due, u); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{testURL(1), testURL(3), testURL(5)}; !slices.Equal(due, want) {
		t.Errorf("DueURLs = %v, want %v", due, want)
	}
	var listed []string
	if err := s.ListedURLs(ctx, func(u string) error { listed = append(listed, u); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{testURL(1), testURL(3), testURL(5)}; !slices.Equal(listed, want) {
		t.Errorf("ListedURLs = %v, want %v", listed, want)
	}
	if err := s.PutState(ctx, missionsearch.CrawlState{URL: testURL(8), Interval: -time.Hour}); missionsearch.ErrorCode(err) != missionsearch.EINVALID {
		t.Errorf("a negative interval: %v, want EINVALID", err)
	}
}

// TestIntegrityCheck: a sound store passes; a page of the file
// overwritten with junk is reported.
func TestIntegrityCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s := mustOpenAt(t, path, options{})
	ctx := t.Context()
	for i := range 200 {
		if err := s.PutPage(ctx, testPage(i), missionsearch.CrawlState{ContentHash: "h", Status: 200}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatalf("a sound store: %v", err)
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := bytes.Repeat([]byte{0xA5}, 4096)
	if _, err := f.WriteAt(junk, 8*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s2, err := open(ctx, path, options{})
	if err != nil {
		return // refusing to open is as good as reporting
	}
	defer s2.Close()
	if err := s2.IntegrityCheck(ctx); err == nil {
		t.Errorf("a store with a page of junk passed the integrity check")
	}
}

// TestTemplate: a site's template comes back as put, replaced by the next
// put; another key has none.
func TestTemplate(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	if _, ok, err := s.Template(ctx, "boilerplate https://a.example"); ok || err != nil {
		t.Fatalf("empty store: ok %v, err %v", ok, err)
	}
	learned := time.Date(2026, 12, 1, 2, 3, 4, 5, time.UTC)
	want := missionsearch.Template{Blocks: []uint64{1, 1<<63 + 12345, 42}, Learned: learned, Version: 3}
	if err := s.PutTemplate(ctx, "boilerplate https://a.example", want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Template(ctx, "boilerplate https://a.example")
	if err != nil || !ok || !slices.Equal(got.Blocks, want.Blocks) || !got.Learned.Equal(learned) || got.Version != 3 {
		t.Errorf("Template = %+v %v %v, want %+v", got, ok, err, want)
	}
	if err := s.PutTemplate(ctx, "boilerplate https://a.example", missionsearch.Template{Learned: learned.Add(time.Hour), Version: 4}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = s.Template(ctx, "boilerplate https://a.example")
	if len(got.Blocks) != 0 || got.Blocks == nil || got.Version != 4 {
		t.Errorf("replaced template = %+v, want no blocks, version 4", got)
	}
	if _, ok, _ := s.Template(ctx, "boilerplate https://b.example"); ok {
		t.Errorf("another site has a template")
	}
}

// TestHistory: storing a page again with another content hash records
// the change (fields, words), the same hash records nothing, the newest
// change comes first, at most maxHistory are kept, and an unknown ID is
// ENOTFOUND. PutPages records changes like PutPage.
func TestHistory(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	p := testPage(1)
	put := func(p *missionsearch.Page, hash string) {
		t.Helper()
		if err := s.PutPage(ctx, p, missionsearch.CrawlState{ContentHash: hash, Status: 200}); err != nil {
			t.Fatal(err)
		}
	}
	put(p, "h1")
	if h, err := s.History(ctx, p.ID); err != nil || len(h) != 0 || h == nil {
		t.Fatalf("a new page: history %v, %v; want an empty list", h, err)
	}
	put(p, "h1") // same hash: no change
	q := *p
	q.Title = p.Title + " (reporté)"
	q.Body = p.Body + " Il est reporté au mois prochain."
	put(&q, "h2")
	h, err := s.History(ctx, p.ID)
	if err != nil || len(h) != 1 {
		t.Fatalf("after one change: %v, %v", h, err)
	}
	if c := h[0]; c.PreviousHash != "h1" || c.Hash != "h2" || !slices.Equal(c.Fields, []string{"title", "body"}) || c.WordsAdded != 6 || c.WordsRemoved != 0 || c.At.IsZero() {
		t.Errorf("change: %+v, want h1 → h2, title and body, 6 words added", c)
	}
	for i := range maxHistory + 5 {
		r := q
		r.Body = fmt.Sprintf("%s Version %d.", q.Body, i)
		if err := s.PutPages(ctx, []*missionsearch.Page{&r}, []missionsearch.CrawlState{{ContentHash: fmt.Sprintf("v%d", i), Status: 200}}); err != nil {
			t.Fatal(err)
		}
	}
	h, _ = s.History(ctx, p.ID)
	if len(h) != maxHistory || h[0].Hash != fmt.Sprintf("v%d", maxHistory+4) {
		t.Errorf("after %d more changes: %d kept, newest %q; want %d, v%d", maxHistory+5, len(h), h[0].Hash, maxHistory, maxHistory+4)
	}
	put(testPage(2), "a")
	r := *testPage(2)
	r.Title = "Un autre titre"
	put(&r, "b")
	recent, err := s.RecentChanges(ctx, 3)
	if err != nil || len(recent) != 3 || recent[0].ID != r.ID || recent[0].Title != "Un autre titre" || recent[0].Hash != "b" || recent[1].ID != p.ID {
		t.Errorf("RecentChanges(3) = %+v, %v; want page 2's change first, then page 1's", recent, err)
	}
	if _, err := s.History(ctx, "nope"); missionsearch.ErrorCode(err) != missionsearch.ENOTFOUND {
		t.Errorf("unknown id: %v, want ENOTFOUND", err)
	}
}
