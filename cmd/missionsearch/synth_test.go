package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/synth"
	"github.com/missionsearch/missionsearch/store"
)

// mustSynth writes n synthetic pages of seed 1 into data and indexes them,
// with the synth and reindex commands.
func mustSynth(tb testing.TB, data string, n int) {
	tb.Helper()
	for _, args := range [][]string{
		{"synth", "--data", data, "--pages", strconv.Itoa(n)},
		{"reindex", "--data", data},
	} {
		if code, stdout, stderr := runMain(tb, tb.Context(), args...); code != 0 {
			tb.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", args[0], code, stdout, stderr)
		}
	}
}

// TestSynth writes a synthetic corpus of more than one batch, checks the
// store holds exactly synth's pages, that a second run refuses a non-empty
// store unless --append, and that reindex indexes the corpus.
func TestSynth(t *testing.T) {
	ctx := t.Context()
	data := t.TempDir()
	const n = 1234 // two batches, the second partial
	code, stdout, stderr := runMain(t, ctx, "synth", "--data", data, "--pages", strconv.Itoa(n), "--seed", "7")
	if code != 0 {
		t.Fatalf("synth: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "synth: 1234 pages written") {
		t.Errorf("synth stdout = %q, want the count written", stdout)
	}

	st, err := store.Open(ctx, filepath.Join(data, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.Count(ctx); err != nil || got != n {
		t.Errorf("Count() = %d, %v; want %d", got, err, n)
	}
	for _, i := range []int{0, 999, 1000, n - 1} {
		want := synth.Page(i, 7)
		want.ID = missionsearch.PageID(want.URL)
		got, err := st.Page(ctx, want.ID)
		if err != nil {
			t.Errorf("page %d: %v", i, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("page %d mismatch (-synth +stored):\n%s", i, diff)
		}
		if s, ok, err := st.State(ctx, want.URL); err != nil || !ok || s.Status != 200 || s.ContentHash == "" {
			t.Errorf("page %d state = %+v, %v, %v; want status 200 and a content hash", i, s, ok, err)
		}
	}
	st.Close()

	if code, _, stderr := runMain(t, ctx, "synth", "--data", data, "--pages", "10", "--seed", "7"); code != 1 || !strings.Contains(stderr, "already holds 1234 pages") {
		t.Errorf("synth on a non-empty store: exit %d, stderr %q; want 1 and a refusal", code, stderr)
	}
	if code, _, stderr := runMain(t, ctx, "synth", "--data", data, "--pages", "10", "--seed", "7", "--append"); code != 0 {
		t.Errorf("synth --append: exit %d, stderr %q; want 0", code, stderr)
	}
	code, stdout, stderr = runMain(t, ctx, "reindex", "--data", data)
	if code != 0 || !strings.Contains(stdout, "1234 pages indexed") {
		t.Errorf("reindex after synth: exit %d, stdout %q, stderr %q; want 1234 pages indexed", code, stdout, stderr)
	}

	for _, args := range [][]string{
		{"synth", "--pages", "0"},
		{"synth", "--pages", "-3"},
		{"synth", "--data", data, "extra"},
	} {
		if code, _, stderr := runMain(t, ctx, args...); code != 2 {
			t.Errorf("missionsearch %q: exit %d, want 2; stderr:\n%s", args, code, stderr)
		}
	}
}

// TestHelpListsBenchCommands checks the general help names the benchmark
// commands, apart from the others.
func TestHelpListsBenchCommands(t *testing.T) {
	code, _, stderr := runMain(t, t.Context(), "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	_, bench, ok := strings.Cut(stderr, "Benchmark commands")
	if !ok || !strings.Contains(bench, "synth") || !strings.Contains(bench, "load") {
		t.Errorf("help does not list synth and load under Benchmark commands:\n%s", stderr)
	}
	for _, name := range []string{"synth", "load"} {
		if code, _, _ := runMain(t, t.Context(), name, "--help"); code != 0 {
			t.Errorf("%s --help: exit %d, want 0", name, code)
		}
	}
}
