package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"

	"github.com/google/go-cmp/cmp"
)

// The crawler's Store interface (doc/contracts.md), restated here because
// store must not import crawler.
var _ interface {
	State(ctx context.Context, url string) (missionsearch.CrawlState, bool, error)
	PutPage(ctx context.Context, p *missionsearch.Page, st missionsearch.CrawlState) error
	PutState(ctx context.Context, st missionsearch.CrawlState) error
} = (*Store)(nil)

// mustOpenStore opens a store in a new file under tb.TempDir, closed at the
// end of the test.
func mustOpenStore(tb testing.TB) *Store {
	tb.Helper()
	return mustOpenAt(tb, filepath.Join(tb.TempDir(), "store.db"), options{})
}

// mustOpenAt opens the store at path with opt, closed at the end of the test.
func mustOpenAt(tb testing.TB, path string, opt options) *Store {
	tb.Helper()
	s, err := open(context.Background(), path, opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// testURL returns the URL of the i-th test page.
func testURL(i int) string {
	return fmt.Sprintf("https://mission.example/fr/news/article-%05d", i)
}

// testPage returns a full page for testURL(i), fetched at a fixed time.
func testPage(i int) *missionsearch.Page {
	u := testURL(i)
	return &missionsearch.Page{
		ID:          missionsearch.PageID(u),
		URL:         u,
		Site:        "maroc",
		Title:       fmt.Sprintf("Atelier n°%d sur la traite des êtres humains", i),
		Lang:        missionsearch.LangFR,
		Published:   time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC),
		Section:     "news",
		Tags:        []string{"migration", "société civile"},
		Description: "Un atelier de deux jours à Rabat.",
		Body:        strings.Repeat("L'Union européenne a réuni les partenaires à Rabat. ", 40),
		FetchedAt:   time.Date(2024, 8, 1, 10, 0, 0, 123456789, time.UTC),
	}
}

// testState returns the state PutPage stores with testPage(i). Its Links
// are nil, empty or two URLs, by i modulo 3.
func testState(i int) missionsearch.CrawlState {
	st := missionsearch.CrawlState{
		URL:          testURL(i),
		ETag:         fmt.Sprintf(`"etag-%d"`, i),
		LastModified: "Thu, 01 Aug 2024 10:00:00 GMT",
		ContentHash:  fmt.Sprintf("hash-%d", i),
		FirstSeen:    time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC),
		LastSeen:     time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC),
		Status:       200,
	}
	switch i % 3 {
	case 1:
		st.Links = []string{}
	case 2:
		st.Links = []string{testURL(i + 1), testURL(i + 2)}
	}
	return st
}

func mustPutPage(tb testing.TB, s *Store, p *missionsearch.Page, st missionsearch.CrawlState) {
	tb.Helper()
	if err := s.PutPage(context.Background(), p, st); err != nil {
		tb.Fatal(err)
	}
}

func mustPutState(tb testing.TB, s *Store, st missionsearch.CrawlState) {
	tb.Helper()
	if err := s.PutState(context.Background(), st); err != nil {
		tb.Fatal(err)
	}
}

// allPages returns the pages Pages streams.
func allPages(tb testing.TB, s *Store) []*missionsearch.Page {
	tb.Helper()
	var got []*missionsearch.Page
	if err := s.Pages(context.Background(), func(p *missionsearch.Page) error {
		got = append(got, p)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return got
}

func mustState(tb testing.TB, s *Store, url string) missionsearch.CrawlState {
	tb.Helper()
	st, ok, err := s.State(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	} else if !ok {
		tb.Fatalf("State(%q): not found", url)
	}
	return st
}

func TestPutPageRoundTrip(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CEST", 2*3600)
	}
	tests := []struct {
		name string
		page func(p *missionsearch.Page)
	}{
		{"full", func(p *missionsearch.Page) {
			p.Updated = time.Date(2021, 6, 3, 14, 30, 15, 1, time.UTC)
		}},
		{"accents", func(p *missionsearch.Page) {
			p.Title = "Réseau d'experts : l'évènement « Égalité » à Fès – ŒUVRE naïve"
			p.Tags = []string{"égalité", "droits de l’homme", "Œuvre"}
			p.Body = "Événement organisé à Fès.\n\nLes élèves ont participé à l'atelier."
		}},
		{"arabic", func(p *missionsearch.Page) {
			p.Lang = missionsearch.LangAR
			p.Title = "الاتحاد الأوروبي والمغرب: شراكة من أجل الهجرة"
			p.Tags = []string{"الهجرة", "المجتمع المدني"}
			p.Description = "ورشة عمل في الرباط"
			p.Body = "نظم الاتحاد الأوروبي ورشة عمل حول مكافحة الاتجار بالبشر في الرباط."
		}},
		{"zero dates", func(p *missionsearch.Page) {
			p.Published, p.Updated, p.FetchedAt = time.Time{}, time.Time{}, time.Time{}
		}},
		{"nil tags", func(p *missionsearch.Page) { p.Tags = nil }},
		{"empty tags", func(p *missionsearch.Page) { p.Tags = []string{} }},
		{"html in tags", func(p *missionsearch.Page) { p.Tags = []string{"<b>&amp;</b>", `"q"`} }},
		{"other time zone", func(p *missionsearch.Page) {
			p.Published = time.Date(2021, 6, 1, 0, 30, 0, 0, paris)
		}},
		{"years at the edges", func(p *missionsearch.Page) {
			p.Published = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
			p.Updated = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		}},
		{"empty strings", func(p *missionsearch.Page) {
			p.Title, p.Lang, p.Section, p.Description, p.Body = "", "", "", "", ""
		}},
		{"NUL and invalid UTF-8", func(p *missionsearch.Page) {
			p.Body = "a\x00b\xffc"
		}},
		{"empty ID is derived", func(p *missionsearch.Page) { p.ID = "" }},
		{"entities", func(p *missionsearch.Page) {
			p.Partners = []string{"OIM", "Union européenne", "Ministère de l'Intérieur"}
			p.People = []missionsearch.Person{{Name: "Leïla Benkirane", Role: "cheffe de mission"}, {Name: "Paolo Ferri"}}
			p.Places = []string{"Rabat", "Côte d'Ivoire", "المغرب"}
		}},
	}
	s := mustOpenStore(t)
	ctx := t.Context()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPage(i)
			tt.page(p)
			st := testState(i)
			if err := s.PutPage(ctx, p, st); err != nil {
				t.Fatal(err)
			}
			want := *p
			want.ID = missionsearch.PageID(p.URL)
			got, err := s.Page(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("Page(%q) mismatch (-want +got):\n%s", want.ID, diff)
			}
			if (want.Tags == nil) != (got.Tags == nil) {
				t.Errorf("Page(%q).Tags = %#v, want %#v", want.ID, got.Tags, want.Tags)
			}
			for _, tm := range []time.Time{got.Published, got.Updated, got.FetchedAt} {
				if !tm.IsZero() && tm.Location() != time.UTC {
					t.Errorf("time %v not in UTC", tm)
				}
			}
			if diff := cmp.Diff(st, mustState(t, s, p.URL)); diff != "" {
				t.Errorf("State(%q) mismatch (-want +got):\n%s", p.URL, diff)
			}
		})
	}
}

// TestMigrateFrom004 opens a database of the 004 schema, whose pages have
// no entities: they read as none, and a page put after the migration
// keeps its own.
func TestMigrateFrom004(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	ctx := t.Context()
	old := mustOpenAt(t, path, options{lastMigration: "migrations/004_schedule.sql"})
	p := testPage(1)
	if _, err := old.w.ExecContext(ctx, `INSERT INTO pages (id, url, title, lang, published, updated, section, tags,
		description, fetched_at, content_hash, body, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.URL, p.Title, string(p.Lang), "", "", p.Section, `["a"]`,
		p.Description, formatTime(p.FetchedAt), "h", p.Body, formatTime(time.Now())); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	s := mustOpenAt(t, path, options{})
	got, err := s.Page(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Partners != nil || got.People != nil || got.Places != nil {
		t.Errorf("a page stored before 007 has entities %v %v %v, want none", got.Partners, got.People, got.Places)
	}
	q := testPage(2)
	q.Partners, q.People, q.Places = []string{"OIM"}, []missionsearch.Person{{Name: "Nadia Ferchichi"}}, []string{"Tunis"}
	if err := s.PutPage(ctx, q, testState(2)); err != nil {
		t.Fatal(err)
	}
	got, err = s.Page(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{q.Partners, q.People, q.Places}, []any{got.Partners, got.People, got.Places}); diff != "" {
		t.Errorf("entities after migration (-want +got):\n%s", diff)
	}
}

func TestPutPageReplaces(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	mustPutPage(t, s, testPage(1), testState(1))

	p := testPage(1)
	p.Title = "Titre corrigé"
	p.Tags = []string{"nouveau"}
	p.Published = time.Time{}
	p.Body = "Nouveau texte."
	st := missionsearch.CrawlState{
		URL:         p.URL,
		ETag:        `"v2"`,
		ContentHash: "hash-v2",
		FirstSeen:   time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), // ignored: already set
		LastSeen:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Status:      200,
	}
	mustPutPage(t, s, p, st)

	got, err := s.Page(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("Page after replace mismatch (-want +got):\n%s", diff)
	}
	want := st
	want.FirstSeen = testState(1).FirstSeen
	if diff := cmp.Diff(want, mustState(t, s, p.URL)); diff != "" {
		t.Errorf("State after replace mismatch (-want +got):\n%s", diff)
	}
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count() = %d, %v; want 1, nil", n, err)
	}
	if id, _, ok, _ := s.PageByHash(ctx, "hash-1"); ok {
		t.Errorf("PageByHash(old hash) = %s, want none", id)
	}
}

func TestState(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	first := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	later := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	u := testURL(1)

	steps := []struct {
		name string
		put  func() error
		want missionsearch.CrawlState
	}{
		{
			name: "redirect, state only",
			put: func() error {
				return s.PutState(ctx, missionsearch.CrawlState{URL: u, FirstSeen: first, LastSeen: first, Status: 301})
			},
			want: missionsearch.CrawlState{URL: u, FirstSeen: first, LastSeen: first, Status: 301},
		},
		{
			name: "page keeps FirstSeen",
			put: func() error {
				return s.PutPage(ctx, testPage(1), missionsearch.CrawlState{ETag: "e", ContentHash: "h", FirstSeen: later, LastSeen: later, Status: 200})
			},
			want: missionsearch.CrawlState{URL: u, ETag: "e", ContentHash: "h", FirstSeen: first, LastSeen: later, Status: 200},
		},
		{
			name: "304 moves LastSeen",
			put: func() error {
				return s.PutState(ctx, missionsearch.CrawlState{URL: u, ETag: "e", ContentHash: "h", LastSeen: later.Add(time.Hour), Status: 304})
			},
			want: missionsearch.CrawlState{URL: u, ETag: "e", ContentHash: "h", FirstSeen: first, LastSeen: later.Add(time.Hour), Status: 304},
		},
		{
			name: "404 is gone",
			put: func() error {
				return s.PutState(ctx, missionsearch.CrawlState{URL: u, LastSeen: later.Add(time.Hour), Gone: true, Status: 404})
			},
			want: missionsearch.CrawlState{URL: u, FirstSeen: first, LastSeen: later.Add(time.Hour), Gone: true, Status: 404},
		},
	}
	for _, step := range steps {
		if err := step.put(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if diff := cmp.Diff(step.want, mustState(t, s, u)); diff != "" {
			t.Errorf("%s: State(%q) mismatch (-want +got):\n%s", step.name, u, diff)
		}
	}

	if st, ok, err := s.State(ctx, testURL(2)); err != nil || ok {
		t.Errorf("State(unknown) = %+v, %v, %v; want zero, false, nil", st, ok, err)
	}
	// A state with no FirstSeen at all stays zero and takes the next one.
	u3 := testURL(3)
	mustPutState(t, s, missionsearch.CrawlState{URL: u3, Status: 500})
	if got := mustState(t, s, u3); !got.FirstSeen.IsZero() || !got.LastSeen.IsZero() {
		t.Errorf("State(%q) times = %v, %v; want zero", u3, got.FirstSeen, got.LastSeen)
	}
	mustPutState(t, s, missionsearch.CrawlState{URL: u3, FirstSeen: first, Status: 200})
	if got := mustState(t, s, u3); !got.FirstSeen.Equal(first) {
		t.Errorf("State(%q).FirstSeen = %v, want %v", u3, got.FirstSeen, first)
	}
}

// ids returns the ids of pages.
func ids(pages []*missionsearch.Page) []string {
	var out []string
	for _, p := range pages {
		out = append(out, p.ID)
	}
	return out
}

// sortedIDs returns the ids of the test pages numbered ns, sorted.
func sortedIDs(ns ...int) []string {
	var out []string
	for _, n := range ns {
		out = append(out, missionsearch.PageID(testURL(n)))
	}
	slices.Sort(out)
	return out
}

func TestGone(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	for i := range 3 {
		mustPutPage(t, s, testPage(i), testState(i))
	}
	gone := missionsearch.CrawlState{URL: testURL(1), Gone: true, Status: 404, LastSeen: time.Now()}
	revive := testState(1)

	steps := []struct {
		name     string
		put      func()
		wantLive []string
		wantGone []string
	}{
		{"all live", func() {}, sortedIDs(0, 1, 2), nil},
		{"404", func() { mustPutState(t, s, gone) }, sortedIDs(0, 2), sortedIDs(1)},
		{"404 again", func() { mustPutState(t, s, gone) }, sortedIDs(0, 2), sortedIDs(1)},
		{"revived by PutPage", func() { mustPutPage(t, s, testPage(1), revive) }, sortedIDs(0, 1, 2), nil},
		{"410", func() { mustPutState(t, s, missionsearch.CrawlState{URL: testURL(1), Gone: true, Status: 410}) }, sortedIDs(0, 2), sortedIDs(1)},
		{"revived by PutState", func() { mustPutState(t, s, revive) }, sortedIDs(0, 1, 2), nil},
		{"gone state without a page", func() {
			mustPutState(t, s, missionsearch.CrawlState{URL: testURL(9), Gone: true, Status: 404})
		}, sortedIDs(0, 1, 2), nil},
		{"two gone", func() {
			mustPutState(t, s, gone)
			mustPutState(t, s, missionsearch.CrawlState{URL: testURL(2), Gone: true, Status: 404})
		}, sortedIDs(0), sortedIDs(1, 2)},
	}
	for _, step := range steps {
		step.put()
		if diff := cmp.Diff(step.wantLive, ids(allPages(t, s))); diff != "" {
			t.Errorf("%s: Pages ids mismatch (-want +got):\n%s", step.name, diff)
		}
		if n, err := s.Count(ctx); err != nil || n != len(step.wantLive) {
			t.Errorf("%s: Count() = %d, %v; want %d, nil", step.name, n, err, len(step.wantLive))
		}
		got, err := s.GoneIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(step.wantGone, got); diff != "" {
			t.Errorf("%s: GoneIDs() mismatch (-want +got):\n%s", step.name, diff)
		}
	}
	// A gone page is still stored.
	if _, err := s.Page(ctx, missionsearch.PageID(testURL(1))); err != nil {
		t.Errorf("Page(gone) = %v, want the page", err)
	}
}

func TestPageNotFound(t *testing.T) {
	s := mustOpenStore(t)
	_, err := s.Page(t.Context(), "0123456789abcdef")
	if got := missionsearch.ErrorCode(err); got != missionsearch.ENOTFOUND {
		t.Errorf("ErrorCode(Page(missing)) = %q (%v), want %q", got, err, missionsearch.ENOTFOUND)
	}
}

func TestPutInvalid(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	tests := []struct {
		name string
		put  func() error
	}{
		{"nil page", func() error { return s.PutPage(ctx, nil, testState(1)) }},
		{"no URL", func() error {
			p := testPage(1)
			p.URL, p.ID = "", ""
			return s.PutPage(ctx, p, missionsearch.CrawlState{})
		}},
		{"ID of another URL", func() error {
			p := testPage(1)
			p.ID = missionsearch.PageID(testURL(2))
			return s.PutPage(ctx, p, testState(1))
		}},
		{"state of another URL", func() error { return s.PutPage(ctx, testPage(1), testState(2)) }},
		{"year 10000", func() error {
			p := testPage(1)
			p.Published = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			return s.PutPage(ctx, p, testState(1))
		}},
		{"negative year", func() error {
			st := testState(1)
			st.LastSeen = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)
			return s.PutState(ctx, st)
		}},
		{"state without URL", func() error { return s.PutState(ctx, missionsearch.CrawlState{Status: 404}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.put()
			if got := missionsearch.ErrorCode(err); got != missionsearch.EINVALID {
				t.Errorf("ErrorCode = %q (%v), want %q", got, err, missionsearch.EINVALID)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "store: put ") {
				t.Errorf("error %q lacks the store: put prefix", err)
			}
		})
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Errorf("Count() = %d, %v after invalid puts; want 0, nil", n, err)
	}
}

func TestPages(t *testing.T) {
	// More pages than one batch, so that the keyset continuation runs.
	const n = 2*pagesBatch + 7
	s := mustOpenAt(t, filepath.Join(t.TempDir(), "store.db"), options{synchronous: "OFF"})
	ctx := t.Context()
	var want []string
	for i := range n {
		mustPutPage(t, s, testPage(i), testState(i))
		want = append(want, missionsearch.PageID(testURL(i)))
	}
	slices.Sort(want)

	t.Run("order", func(t *testing.T) {
		if diff := cmp.Diff(want, ids(allPages(t, s))); diff != "" {
			t.Errorf("Pages ids mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("early stop", func(t *testing.T) {
		stop := errors.New("stop")
		for _, at := range []int{1, pagesBatch, pagesBatch + 1} {
			calls := 0
			err := s.Pages(ctx, func(p *missionsearch.Page) error {
				calls++
				if calls == at {
					return stop
				}
				return nil
			})
			if !errors.Is(err, stop) {
				t.Errorf("Pages stopped at %d: err = %v, want %v wrapped", at, err, stop)
			}
			if calls != at {
				t.Errorf("Pages stopped at %d: %d calls", at, calls)
			}
		}
	})
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := s.Pages(ctx, func(p *missionsearch.Page) error {
			calls++
			if calls == 10 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Pages after cancel: err = %v, want context.Canceled", err)
		}
		if calls >= n {
			t.Errorf("Pages after cancel: %d calls, want fewer than %d", calls, n)
		}
	})
	t.Run("callback uses the store", func(t *testing.T) {
		// Reads and writes from inside fn must not deadlock on the pools.
		calls := 0
		err := s.Pages(ctx, func(p *missionsearch.Page) error {
			calls++
			if calls%500 != 0 {
				return nil
			}
			if _, err := s.Page(ctx, p.ID); err != nil {
				return err
			}
			q := *p
			q.Title += " (modifié)"
			st := mustState(t, s, p.URL)
			return s.PutPage(ctx, &q, st)
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls != n {
			t.Errorf("Pages with writes in fn: %d calls, want %d", calls, n)
		}
	})
}

func TestPageByHash(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	for i := range 3 {
		st := testState(i)
		st.ContentHash = "same"
		mustPutPage(t, s, testPage(i), st)
	}
	first := sortedIDs(0, 1, 2)[0]
	var firstURL string
	for i := range 3 {
		if missionsearch.PageID(testURL(i)) == first {
			firstURL = testURL(i)
		}
	}

	id, u, ok, err := s.PageByHash(ctx, "same")
	if err != nil || !ok || id != first || u != firstURL {
		t.Errorf("PageByHash(same) = %q, %q, %v, %v; want %q, %q, true, nil", id, u, ok, err, first, firstURL)
	}
	// A gone page is no longer the holder of its content.
	mustPutState(t, s, missionsearch.CrawlState{URL: firstURL, Gone: true, Status: 404})
	id, _, ok, err = s.PageByHash(ctx, "same")
	if err != nil || !ok || id == first {
		t.Errorf("PageByHash(same) after first gone = %q, %v, %v; want another page", id, ok, err)
	}
	for _, h := range []string{"", "other"} {
		if id, u, ok, err := s.PageByHash(ctx, h); err != nil || ok {
			t.Errorf("PageByHash(%q) = %q, %q, %v, %v; want none", h, id, u, ok, err)
		}
	}
}

func TestChangedSince(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }

	for i := range 4 {
		mustPutPage(t, s, testPage(i), testState(i))
	}
	mustPutState(t, s, missionsearch.CrawlState{URL: testURL(3), Gone: true, Status: 404})
	t0 := tick()

	// Since t0: page 0 rewritten, page 1 only seen again (304), page 2 gone,
	// page 3 revived.
	mustPutPage(t, s, testPage(0), testState(0))
	tick()
	mustPutState(t, s, testState(1))
	mustPutState(t, s, missionsearch.CrawlState{URL: testURL(2), Gone: true, Status: 404})
	mustPutState(t, s, testState(3))
	t1 := tick()
	mustPutState(t, s, missionsearch.CrawlState{URL: testURL(2), Gone: true, Status: 410}) // still gone: no change

	tests := []struct {
		name        string
		since       time.Time
		wantUpdated []string
		wantGone    []string
	}{
		{"zero", time.Time{}, sortedIDs(0, 1, 3), sortedIDs(2)},
		{"before all", t0.Add(-time.Hour), sortedIDs(0, 1, 3), sortedIDs(2)},
		{"at t0 includes writes at t0", t0, sortedIDs(0, 3), sortedIDs(2)},
		{"after t0", t0.Add(time.Nanosecond), sortedIDs(3), sortedIDs(2)},
		{"t1", t1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			updated, gone, err := s.ChangedSince(ctx, tt.since)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantUpdated, updated); diff != "" {
				t.Errorf("ChangedSince(%v) updated mismatch (-want +got):\n%s", tt.since, diff)
			}
			if diff := cmp.Diff(tt.wantGone, gone); diff != "" {
				t.Errorf("ChangedSince(%v) gone mismatch (-want +got):\n%s", tt.since, diff)
			}
		})
	}
}

// TestConcurrentWrites runs 8 goroutines putting pages and states while
// others read; with -race it also checks the Store's own synchronisation.
// No write may fail with SQLITE_BUSY.
func TestConcurrentWrites(t *testing.T) {
	const writers, perWriter = 8, 25
	s := mustOpenStore(t)
	ctx := t.Context()

	var wg sync.WaitGroup
	errc := make(chan error, writers*perWriter+100)
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for j := range perWriter {
				i := w*perWriter + j
				if err := s.PutPage(ctx, testPage(i), testState(i)); err != nil {
					errc <- err
				}
				st := testState(i)
				st.Status = 304
				if err := s.PutState(ctx, st); err != nil {
					errc <- err
				}
			}
		})
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.Count(ctx); err != nil {
					errc <- err
				}
				if err := s.Pages(ctx, func(*missionsearch.Page) error { return nil }); err != nil {
					errc <- err
				}
				if _, _, err := s.State(ctx, testURL(3)); err != nil {
					errc <- err
				}
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if n, err := s.Count(ctx); err != nil || n != writers*perWriter {
		t.Errorf("Count() = %d, %v; want %d, nil", n, err, writers*perWriter)
	}
}

// TestSharedFile opens the same file as several Stores at once, as a crawl
// and a reindex in two processes would, and writes through all of them:
// migrations run once and busy_timeout with IMMEDIATE transactions keeps
// SQLITE_BUSY away.
func TestSharedFile(t *testing.T) {
	const stores, perStore = 4, 10
	path := filepath.Join(t.TempDir(), "store.db")
	var wg sync.WaitGroup
	errc := make(chan error, stores*(perStore+1))
	for k := range stores {
		wg.Go(func() {
			s, err := Open(context.Background(), path)
			if err != nil {
				errc <- err
				return
			}
			defer s.Close()
			for j := range perStore {
				i := k*perStore + j
				if err := s.PutPage(context.Background(), testPage(i), testState(i)); err != nil {
					errc <- err
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	s := mustOpenAt(t, path, options{})
	if n, err := s.Count(t.Context()); err != nil || n != stores*perStore {
		t.Errorf("Count() = %d, %v; want %d, nil", n, err, stores*perStore)
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "store.db") // parents are created
	ctx := t.Context()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		mustPutPage(t, s, testPage(i), testState(i))
	}
	mustPutState(t, s, missionsearch.CrawlState{URL: testURL(4), Gone: true, Status: 404})
	mustPutState(t, s, missionsearch.CrawlState{URL: testURL(7), Status: 301})
	wantPages := allPages(t, s)
	wantGone, _ := s.GoneIDs(ctx)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenAt(t, path, options{})
	if diff := cmp.Diff(wantPages, allPages(t, s)); diff != "" {
		t.Errorf("Pages after reopen mismatch (-want +got):\n%s", diff)
	}
	if got, err := s.GoneIDs(ctx); err != nil || !cmp.Equal(got, wantGone) {
		t.Errorf("GoneIDs() after reopen = %v, %v; want %v", got, err, wantGone)
	}
	for i := range 4 {
		if diff := cmp.Diff(testState(i), mustState(t, s, testURL(i))); diff != "" {
			t.Errorf("State(%d) after reopen mismatch (-want +got):\n%s", i, diff)
		}
	}
	if got := mustState(t, s, testURL(7)); got.Status != 301 {
		t.Errorf("State(7).Status after reopen = %d, want 301", got.Status)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations`).Scan(&n); err != nil || n != len(names) {
		t.Errorf("migrations rows = %d, %v; want %d (each applied once)", n, err, len(names))
	}
}

// TestStateLinksLocation: Links (nil, empty, with URLs) and Location
// round-trip through PutState, PutPage and PutPages, and each put replaces
// them, nil included.
func TestStateLinksLocation(t *testing.T) {
	s := mustOpenStore(t)
	ctx := t.Context()
	seen := time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC)
	u := testURL(1)
	links := []string{testURL(2), "https://mission.example/fr/tags/société?page=2", testURL(3)}
	steps := []struct {
		name string
		put  func() error
		want missionsearch.CrawlState
	}{
		{
			name: "redirect records its target",
			put: func() error {
				return s.PutState(ctx, missionsearch.CrawlState{URL: u, FirstSeen: seen, LastSeen: seen, Status: 301, Location: testURL(9)})
			},
			want: missionsearch.CrawlState{URL: u, FirstSeen: seen, LastSeen: seen, Status: 301, Location: testURL(9)},
		},
		{
			name: "page with links",
			put: func() error {
				return s.PutPage(ctx, testPage(1), missionsearch.CrawlState{ETag: "e", ContentHash: "h", FirstSeen: seen, LastSeen: seen, Status: 200, Links: links})
			},
			want: missionsearch.CrawlState{URL: u, ETag: "e", ContentHash: "h", FirstSeen: seen, LastSeen: seen, Status: 200, Links: links},
		},
		{
			name: "304 keeps the links it is given",
			put: func() error {
				return s.PutState(ctx, missionsearch.CrawlState{URL: u, ETag: "e", ContentHash: "h", LastSeen: seen, Status: 304, Links: links})
			},
			want: missionsearch.CrawlState{URL: u, ETag: "e", ContentHash: "h", FirstSeen: seen, LastSeen: seen, Status: 304, Links: links},
		},
		{
			name: "empty links stay empty",
			put: func() error {
				return s.PutPages(ctx, []*missionsearch.Page{testPage(1)}, []missionsearch.CrawlState{{ContentHash: "h", Status: 200, Links: []string{}}})
			},
			want: missionsearch.CrawlState{URL: u, ContentHash: "h", FirstSeen: seen, Status: 200, Links: []string{}},
		},
		{
			name: "nil links replace stored ones",
			put: func() error {
				return s.PutState(ctx, missionsearch.CrawlState{URL: u, Status: 404, Gone: true})
			},
			want: missionsearch.CrawlState{URL: u, FirstSeen: seen, Status: 404, Gone: true},
		},
	}
	for _, step := range steps {
		if err := step.put(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got := mustState(t, s, u)
		if diff := cmp.Diff(step.want, got); diff != "" {
			t.Errorf("%s: State(%q) mismatch (-want +got):\n%s", step.name, u, diff)
		}
		if (got.Links == nil) != (step.want.Links == nil) {
			t.Errorf("%s: State(%q).Links = %#v, want %#v", step.name, u, got.Links, step.want.Links)
		}
	}
}

// TestMigrateFrom001 opens, with this version, a database written when
// only 001_init existed: its states come back with nil Links and no
// Location, and take links once put again.
func TestMigrateFrom001(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	ctx := t.Context()
	old := mustOpenAt(t, path, options{lastMigration: "migrations/001_init.sql"})
	var cols int
	if err := old.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('crawl_state') WHERE name IN ('links', 'location')`).Scan(&cols); err != nil || cols != 0 {
		t.Fatalf("the 001 database has %d of the new columns (%v), want 0", cols, err)
	}
	// The writes of the 001 version, by hand: its upsertState had no links.
	p, st := testPage(1), testState(1)
	if _, err := old.w.ExecContext(ctx, `INSERT INTO pages (id, url, title, lang, published, updated, section, tags,
		description, fetched_at, content_hash, body, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		testPage(1).ID, p.URL, p.Title, string(p.Lang), "", "", p.Section, `["a"]`,
		p.Description, formatTime(p.FetchedAt), st.ContentHash, p.Body, formatTime(time.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := old.w.ExecContext(ctx, `INSERT INTO crawl_state (url, etag, last_modified, content_hash, first_seen, last_seen, gone, status, page_id)
		VALUES (?, ?, ?, ?, ?, ?, 0, 200, ?)`, st.URL, st.ETag, st.LastModified, st.ContentHash,
		formatTime(st.FirstSeen), formatTime(st.LastSeen), p.ID); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s := mustOpenAt(t, path, options{})
	want := st
	want.Links = nil
	got := mustState(t, s, st.URL)
	if diff := cmp.Diff(want, got); diff != "" || got.Links != nil {
		t.Errorf("State after migration mismatch (-want +got):\n%s (Links %#v, want nil)", diff, got.Links)
	}
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count() after migration = %d, %v; want 1, nil", n, err)
	}
	want.Links, want.Location = []string{testURL(2)}, ""
	mustPutState(t, s, want)
	if diff := cmp.Diff(want, mustState(t, s, st.URL)); diff != "" {
		t.Errorf("State put after migration mismatch (-want +got):\n%s", diff)
	}
	redirect := missionsearch.CrawlState{URL: testURL(5), Status: 308, Location: testURL(6)}
	mustPutState(t, s, redirect)
	if diff := cmp.Diff(redirect, mustState(t, s, testURL(5))); diff != "" {
		t.Errorf("redirect State after migration mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenNewerDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s := mustOpenAt(t, path, options{})
	if _, err := s.w.ExecContext(t.Context(), `INSERT INTO migrations (name, applied_at) VALUES ('migrations/999_future.sql', '')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(t.Context(), path); err == nil {
		s.Close()
		t.Fatal("Open(database with an unknown migration) succeeded, want an error")
	} else if !strings.Contains(err.Error(), "999_future") {
		t.Errorf("Open error %q does not name the migration", err)
	}
}

func TestOpenInvalidPath(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "a?b.db")} {
		if s, err := Open(t.Context(), path); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		} else if got := missionsearch.ErrorCode(err); got != missionsearch.EINVALID {
			t.Errorf("ErrorCode(Open(%q)) = %q, want %q", path, got, missionsearch.EINVALID)
		}
	}
}

// crashEnv names the store file a re-executed test binary writes to until it
// is killed; see TestCrashKeepsAcknowledged.
const crashEnv = "MISSIONSEARCH_STORE_CRASH_CHILD"

// TestCrashKeepsAcknowledged re-executes the test binary as a child that puts
// pages from 4 goroutines and prints "ack ID" on stdout after each PutPage
// returns, kills it with SIGKILL in mid-stream, then reopens the store and
// checks that every acknowledged page and its state are there, and that the
// database is intact. It checks the process-crash promise; a power loss is
// out of reach of a test.
func TestCrashKeepsAcknowledged(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), "store.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsAcknowledged$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 150
	var acked []string
	killed := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		id, ok := strings.CutPrefix(sc.Text(), "ack ")
		if !ok {
			continue
		}
		// Every line read was printed after PutPage returned, including
		// those still in the pipe when the kill lands.
		acked = append(acked, id)
		if len(acked) == killAfter && !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("child exited after %d acknowledged pages before being killed: %v", len(acked), err)
	}

	s := mustOpenAt(t, path, options{})
	ctx := t.Context()
	var check string
	if err := s.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v; want ok", check, err)
	}
	for _, id := range acked {
		p, err := s.Page(ctx, id)
		if err != nil {
			t.Errorf("acknowledged page %s lost: %v", id, err)
			continue
		}
		if _, ok, err := s.State(ctx, p.URL); err != nil || !ok {
			t.Errorf("state of acknowledged page %s lost: %v", id, err)
		}
	}
	n, err := s.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < len(acked) {
		t.Errorf("Count() = %d after crash, want ≥ %d acknowledged", n, len(acked))
	}
	t.Logf("%d pages acknowledged, %d found after SIGKILL", len(acked), n)
}

// crashChild is the child of TestCrashKeepsAcknowledged: it writes pages
// until killed, or exits after a minute if its parent is gone.
func crashChild(path string) {
	s, err := Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var mu sync.Mutex // one line per write(2) on stdout
	deadline := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; time.Now().Before(deadline); i += 4 {
				p := testPage(i)
				if err := s.PutPage(context.Background(), p, testState(i)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %s\n", p.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	os.Exit(2)
}
