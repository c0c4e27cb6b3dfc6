package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// corpora returns $MISSIONSEARCH_CORPORA, skipping the test when it is
// unset and failing it when it is set but missing.
func corpora(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("MISSIONSEARCH_CORPORA")
	if dir == "" {
		tb.Skip("MISSIONSEARCH_CORPORA is unset: skipping the test on the real French corpora (.ci/run sets it)")
	}
	if _, err := os.Stat(dir); err != nil {
		tb.Fatalf("MISSIONSEARCH_CORPORA=%s: %v", dir, err)
	}
	return dir
}

var meanLine = regexp.MustCompile(`nDCG@10 ([0-9.]+)  MRR ([0-9.]+)  recall@10 ([0-9.]+)`)

// TestRelevanceFloor runs the eval command end to end (serve the corpus on
// loopback, crawl, extract, index, search) on the two judged French query
// sets and asserts nDCG@10 stays above the best other engine measured on
// them (shared/eval/README.md): PostgreSQL 0.913 and bleve's stock French
// analyzer 0.787.
func TestRelevanceFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls and indexes two corpora")
	}
	root := corpora(t)
	evalDir := filepath.Join(root, "..", "eval")
	tests := []struct {
		corpus, entry, set string
		floor              float64
	}{
		{"debian-reference-fr", "index.fr.html", "reference-fr", 0.913},
		{"installation-guide-fr", "index.html", "installation-fr", 0.787},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			code, stdout, stderr := runMain(t, t.Context(), "eval",
				"--corpus", filepath.Join(root, tt.corpus), "--entry", tt.entry,
				"--queries", filepath.Join(evalDir, tt.set+"-queries.tsv"),
				"--qrels", filepath.Join(evalDir, tt.set+"-qrels.tsv"))
			if code != 0 {
				t.Fatalf("eval: exit %d\n%s\n%s", code, stdout, stderr)
			}
			m := meanLine.FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("eval printed no means:\n%s", stdout)
			}
			ndcg, _ := strconv.ParseFloat(m[1], 64)
			t.Logf("%s: nDCG@10 %s MRR %s recall@10 %s", tt.set, m[1], m[2], m[3])
			if ndcg < tt.floor {
				t.Errorf("%s: nDCG@10 %.3f below the floor %.3f\n%s", tt.set, ndcg, tt.floor, stdout)
			}
		})
	}
}
