package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadJSON runs the load command with --json and returns its exit code, its
// report and its stderr.
func loadJSON(tb testing.TB, args ...string) (int, loadReport, string) {
	tb.Helper()
	code, stdout, stderr := runMain(tb, tb.Context(), append([]string{"load", "--json"}, args...)...)
	var rep loadReport
	if code != 2 {
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			tb.Fatalf("load: exit %d, report is not JSON: %v\nstdout:\n%s\nstderr:\n%s", code, err, stdout, stderr)
		}
	}
	return code, rep, stderr
}

// startTestServer starts serve on loopback over the data directory data,
// closed at the end of the test.
func startTestServer(t *testing.T, data string) *running {
	t.Helper()
	srv, err := startServer(t.Context(), &Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }, Logger: discardLogger()},
		serveConfig{data: data, addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.close)
	return srv
}

// TestLoad runs the load generator for a second against a real serve over a
// small synthetic corpus: every query type of the mix is sent and answered
// with no error.
func TestLoad(t *testing.T) {
	data := t.TempDir()
	mustSynth(t, data, 300)
	srv := startTestServer(t, data)

	code, rep, stderr := loadJSON(t, "--url", srv.url, "--duration", "1s", "--connections", "4")
	if code != 0 || rep.Errors != 0 {
		t.Fatalf("load: exit %d, %d errors (first: %s); stderr:\n%s", code, rep.Errors, rep.FirstError, stderr)
	}
	want := []string{"word", "two-words", "phrase", "typo", "word-4-facets", "empty-facets", "date-sort", "deep-page", "suggest"}
	if len(rep.Types) != len(want) {
		t.Fatalf("load reported %d types, want %d: %+v", len(rep.Types), len(want), rep.Types)
	}
	for i, tt := range rep.Types {
		if tt.Name != want[i] || tt.Requests == 0 || tt.P50 <= 0 || tt.P50 > tt.P99 || tt.P99 > tt.Max {
			t.Errorf("type %d = %+v; want %s with requests and p50 ≤ p99 ≤ max", i, tt, want[i])
		}
	}
	if rep.PerSecond <= 0 || rep.Connections != 4 {
		t.Errorf("report = %.1f req/s, %d connections; want > 0, 4", rep.PerSecond, rep.Connections)
	}

	// The text report names every type.
	code, stdout, _ := runMain(t, t.Context(), "load", "--url", srv.url, "--duration", "200ms", "--connections", "2")
	if code != 0 {
		t.Errorf("load (text): exit %d", code)
	}
	for _, name := range append(want, "total") {
		if !strings.Contains(stdout, name) {
			t.Errorf("text report lacks %q:\n%s", name, stdout)
		}
	}
}

// TestLoadCountsErrors checks that any non-2xx answer and any transport
// error counts as an error and makes the command fail.
func TestLoadCountsErrors(t *testing.T) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/search" && r.URL.Query().Get("size") == "1" && r.URL.Query().Get("q") == "":
			w.Write([]byte(`{"total":3,"facets":{"section":[{"value":"news"}],"year":[{"value":"2021"}],"lang":[{"value":"fr"}],"tag":[]}}`))
		case r.URL.Path == "/api/suggest":
			http.Error(w, "boom", http.StatusInternalServerError)
		case r.URL.Query().Get("sort") == "date":
			http.Error(w, "slow down", http.StatusTooManyRequests)
		default:
			w.Write([]byte(`{}`))
		}
	}))
	defer fake.Close()
	code, rep, _ := loadJSON(t, "--url", fake.URL, "--duration", "300ms", "--connections", "2")
	if code != 1 {
		t.Errorf("load against a failing server: exit %d, want 1", code)
	}
	for _, tt := range rep.Types {
		failing := tt.Name == "suggest" || tt.Name == "date-sort"
		if failing && (tt.Errors == 0 || tt.Requests != 0) {
			t.Errorf("%s: %d ok, %d errors; want only errors", tt.Name, tt.Requests, tt.Errors)
		}
		if !failing && (tt.Errors != 0 || tt.Requests == 0) {
			t.Errorf("%s: %d ok, %d errors; want no error", tt.Name, tt.Requests, tt.Errors)
		}
	}
	if rep.Errors == 0 || rep.FirstError == "" {
		t.Errorf("report: %d errors, first %q; want errors and the first one", rep.Errors, rep.FirstError)
	}

	// Transport errors: nothing listens on the port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	queries := filepath.Join(t.TempDir(), "queries.txt")
	if err := os.WriteFile(queries, []byte("# replayed\nsanté\n/api/suggest?q=co\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, rep, _ = loadJSON(t, "--url", closed, "--queries", queries, "--duration", "200ms", "--connections", "2")
	if code != 1 || rep.Errors == 0 || rep.Requests != 0 || len(rep.Types) != 1 || rep.Types[0].Name != "file" {
		t.Errorf("load against a closed port: exit %d, report %+v; want exit 1, only errors, type file", code, rep)
	}
	// Without --queries, the facet discovery fails first.
	if code, _, _ := runMain(t, t.Context(), "load", "--url", closed, "--duration", "100ms"); code != 1 {
		t.Errorf("load against a closed port: exit %d, want 1", code)
	}

	for _, args := range [][]string{
		{"load", "--url", "ftp://x"},
		{"load", "--connections", "0"},
		{"load", "extra"},
	} {
		if code, _, stderr := runMain(t, t.Context(), args...); code != 2 {
			t.Errorf("missionsearch %q: exit %d, want 2; stderr:\n%s", args, code, stderr)
		}
	}
}

// TestLoadDuringReindex is the short version of the load run of
// BENCHMARKS.md: the mixed load generator runs against a real serve while
// two reindexes build new indexes and switch them live. Every request must
// succeed, and the server must end on the last build.
func TestLoadDuringReindex(t *testing.T) {
	data := t.TempDir()
	mustSynth(t, data, 600)
	srv := startTestServer(t, data)
	first := readyBuild(t, srv.url)

	// Load until both reindexes are done and the server has had the time
	// to switch (it looks for a new build every 2 s), at most a minute.
	loadDone := make(chan loadReport, 1)
	loadCtx, stopLoad := context.WithCancel(t.Context())
	defer stopLoad()
	go func() {
		_, stdout, _ := runMain(t, loadCtx, "load", "--json", "--url", srv.url, "--duration", "60s", "--connections", "16")
		var rep loadReport
		json.Unmarshal([]byte(stdout), &rep)
		loadDone <- rep
	}()
	var last string
	for i := range 2 {
		code, stdout, stderr := runMain(t, t.Context(), "reindex", "--data", data)
		if code != 0 {
			t.Fatalf("reindex %d: exit %d\n%s\n%s", i, code, stdout, stderr)
		}
		last = currentBuild(t, data)
	}
	deadline := time.Now().Add(10 * time.Second)
	for readyBuild(t, srv.url) != last && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	stopLoad()
	rep := <-loadDone
	if got := readyBuild(t, srv.url); got != last || got == first {
		t.Errorf("serve is on build %q, want the last one %q (first %q)", got, last, first)
	}
	if rep.Requests == 0 || rep.Errors != 0 {
		t.Fatalf("load during reindexes: %d requests, %d errors (first: %s)", rep.Requests, rep.Errors, rep.FirstError)
	}
	t.Logf("load during 2 reindexes: %d requests, %.0f req/s, 0 errors", rep.Requests, rep.PerSecond)
}

// currentBuild returns the build CURRENT names in a data directory.
func currentBuild(t *testing.T, data string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "indexes", "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
