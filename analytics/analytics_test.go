package analytics

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/transform"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  Évènement   JEUNESSE ": "evenement jeunesse",
		"evenement jeunesse":      "evenement jeunesse",
		"Cœur\tÆther":             "coeur aether",
		"Traite\u00a0des êtres":   "traite des etres",
		"":                        "",
		"\xff\xfemigration":       "migration",
		"الهجرة":                  "الهجرة",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	// The table gives what the Unicode chain gives.
	for _, r := range "àâäáãåçéèêëîïíìñôöóòõùûüúÿý" {
		chain := folders.Get().(transform.Transformer)
		want, _, _ := transform.String(chain, string(r))
		folders.Put(chain)
		if got := foldLatin(string(r)); got != want {
			t.Errorf("foldLatin(%q) = %q, the chain gives %q", r, got, want)
		}
	}
	long := strings.Repeat("é", 500)
	if got := Normalize(long); len([]rune(got)) != MaxQueryRunes || got[0] != 'e' {
		t.Errorf("Normalize(500×é) has %d runes", len([]rune(got)))
	}
}

func TestFilterString(t *testing.T) {
	v := url.Values{"q": {"x"}, "year": {"2021", ""}, "section": {"news", "stories"}, "page": {"2"}}
	if got, want := FilterString(v), "section=news&section=stories&year=2021"; got != want {
		t.Errorf("FilterString = %q, want %q", got, want)
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !ValidID(id) || seen[id] {
			t.Fatalf("NewID() = %q: invalid or repeated", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "0123", "0123456789ABCDEF", "0123456789abcdeg", "0123456789abcdef0"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func openTest(t *testing.T, opts Options) (*Recorder, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "analytics.db")
	r, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, path
}

// TestReport records searches and opens, then reads every list, the
// weeks, the sites and the CSVs back.
func TestReport(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC) // a Thursday
	r, path := openTest(t, Options{Site: "maroc", Now: func() time.Time { return now }})
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	search := func(q string, total uint64, at time.Time, site string) string {
		id := NewID()
		r.Search(Search{ID: id, At: at, Query: q, Total: total, Took: 3 * time.Millisecond, Page: 1, Source: "page", Site: site, Lang: "fr",
			Filters: url.Values{"section": {"news"}}})
		return id
	}
	a := search("Migration", 12, day(0), "")
	search("migration ", 12, day(1), "")
	search("MIGRATION", 12, day(8), "tunisie")
	r.Opened(Opened{SearchID: a, URL: "https://mission.example.org/fr/news/reseau-migration", Rank: 1})
	search("visa étudiant", 0, day(0), "")
	search("visa etudiant", 0, day(2), "")
	search("rapport annuel", 3, day(0), "")
	search("", 40, day(0), "")                                            // browsing: counted, never listed
	search("=cmd|calc", 0, day(0), "")                                    // a formula: defused in CSVs
	search("ancienne", 1, day(400), "")                                   // past the retention of 180 days
	r.Search(Search{ID: NewID(), Query: "migration", Total: 12, Page: 2}) // page 2: not a search of its own
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Prune(ctx); err != nil || n != 1 {
		t.Errorf("Prune = %d, %v; want the one old search", n, err)
	}

	rep, err := r.Report(ctx, Period{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Searches != 8 || rep.WithWords != 7 || rep.ZeroResults != 3 || rep.Opened != 1 {
		t.Errorf("totals: %d searches, %d with words, %d zero, %d opened", rep.Searches, rep.WithWords, rep.ZeroResults, rep.Opened)
	}
	if len(rep.TopQueries) == 0 || rep.TopQueries[0] != (QueryStat{Query: "migration", Searches: 3, Opened: 1, AvgTotal: 12}) {
		t.Errorf("top queries: %+v", rep.TopQueries)
	}
	if len(rep.ZeroResultQueries) != 2 || rep.ZeroResultQueries[0].Query != "visa etudiant" || rep.ZeroResultQueries[0].ZeroResults != 2 {
		t.Errorf("zero-result queries: %+v", rep.ZeroResultQueries)
	}
	if len(rep.UnopenedQueries) != 1 || rep.UnopenedQueries[0].Query != "rapport annuel" {
		t.Errorf("unopened queries: %+v", rep.UnopenedQueries)
	}
	// Thursday 12 March is in the week of Monday 9; 8 days back is
	// Wednesday 4, week of Monday 2.
	if len(rep.Weeks) != 2 || rep.Weeks[0].Key != "2026-03-02" || rep.Weeks[0].Searches != 1 ||
		rep.Weeks[1].Key != "2026-03-09" || rep.Weeks[1].Searches != 7 {
		t.Errorf("weeks: %+v", rep.Weeks)
	}
	if len(rep.Sites) != 2 || rep.Sites[0] != (GroupStat{Key: "maroc", Searches: 7, ZeroResults: 3, Opened: 1, Queries: 4}) || rep.Sites[1].Key != "tunisie" {
		t.Errorf("sites: %+v", rep.Sites)
	}

	// A period and a site narrow it.
	rep, err = r.Report(ctx, Period{From: day(7), Site: "maroc"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Searches != 7 || rep.TopQueries[0].Searches != 2 {
		t.Errorf("last 7 days of maroc: %d searches, top %+v", rep.Searches, rep.TopQueries)
	}

	var buf bytes.Buffer
	if err := r.WriteCSV(ctx, &buf, CSVSearches, Period{}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.String())
	if len(recs) != 1+9 || strings.Join(recs[0], ",") != "at,query,filters,site,lang,total,took_ms,page,source,opened" {
		t.Fatalf("searches CSV: %q", recs)
	}
	var sawOpened, sawFormula bool
	for _, rec := range recs[1:] {
		if rec[1] == "migration" && rec[9] == "1" && rec[2] == "section=news" && rec[6] == "3.0" {
			sawOpened = true
		}
		if rec[1] == "'=cmd|calc" {
			sawFormula = true
		}
	}
	if !sawOpened || !sawFormula {
		t.Errorf("searches CSV lacks the opened search or the defused formula: %q", recs)
	}
	buf.Reset()
	if err := r.WriteCSV(ctx, &buf, CSVZero, Period{}); err != nil {
		t.Fatal(err)
	}
	recs = readCSV(t, buf.String())
	if len(recs) != 3 || recs[1][0] != "visa etudiant" || recs[1][2] != "2" {
		t.Errorf("zero CSV: %q", recs)
	}
	if err := r.WriteCSV(ctx, &buf, "nope", Period{}); err == nil {
		t.Error("WriteCSV of an unknown table succeeded")
	}

	// Everything survives a reopen.
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r2, err := Open(ctx, path, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	rep, err = r2.Report(ctx, Period{})
	if err != nil || rep.Searches != 8 {
		t.Fatalf("after reopen: %v, %+v", err, rep)
	}
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	if !strings.HasPrefix(s, csvBOM) {
		t.Errorf("CSV without byte order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, csvBOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestRetentionAtOpen: rows past the retention go when the database opens.
func TestRetentionAtOpen(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	r, path := openTest(t, Options{Now: func() time.Time { return now }})
	r.Search(Search{ID: NewID(), At: now.AddDate(0, 0, -20), Query: "vieux", Page: 1})
	r.Search(Search{ID: NewID(), At: now.AddDate(0, 0, -2), Query: "récent", Page: 1})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, path, Options{Retention: 10 * 24 * time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := r.Report(ctx, Period{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Searches != 1 || rep.TopQueries[0].Query != "recent" {
		t.Errorf("after a 10-day retention: %+v", rep)
	}
}

// TestNeverBlocks: with the writer stuck, Search returns at once and the
// events beyond the queue are dropped and counted; Close writes the rest.
func TestNeverBlocks(t *testing.T) {
	ctx := context.Background()
	r, _ := openTest(t, Options{QueueSize: 10, BatchSize: 5, FlushEvery: time.Hour})
	// Hold the database's write lock so that the writer waits.
	conn, err := r.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 1000 {
		r.Search(Search{ID: NewID(), Query: "x", Page: 1})
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("1000 searches recorded in %v: Search blocks", d)
	}
	if r.Dropped() < 1000-10-5 {
		t.Errorf("dropped %d of 1000 with a queue of 10", r.Dropped())
	}
	conn.ExecContext(ctx, `ROLLBACK`)
	conn.Close()
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.Recorded() + r.Dropped(); got != 1000 {
		t.Errorf("recorded %d + dropped %d = %d, want 1000", r.Recorded(), r.Dropped(), got)
	}
	r.Close()
	r.Search(Search{ID: NewID()}) // after Close: dropped, no panic
}

// BenchmarkWrite measures the writer's cost per search recorded: queue,
// batch, insert and commit (the CPU that recording takes from searches,
// off their path).
func BenchmarkWrite(b *testing.B) {
	r, err := Open(context.Background(), filepath.Join(b.TempDir(), "analytics.db"), Options{QueueSize: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	f := url.Values{"section": {"news"}, "year": {"2024"}}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		r.Search(Search{ID: NewID(), Query: "Évènement jeunesse Oujda", Filters: f, Total: 12, Took: time.Millisecond, Page: 1, Source: "page"})
		if n++; n%1024 == 0 {
			r.Flush(context.Background())
		}
	}
	r.Flush(context.Background())
	if r.Dropped() > 0 {
		b.Fatalf("%d dropped", r.Dropped())
	}
}
