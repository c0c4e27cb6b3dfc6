package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/demosite"
	"github.com/missionsearch/missionsearch/internal/relevance"
	"github.com/missionsearch/missionsearch/internal/wpsite"
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
// sets and asserts nDCG@10 stays near what ranking v2 reaches on them
// (0.993 and 0.858 on 2026-12-04), well above the best other engine
// measured on them (shared/eval/README.md: PostgreSQL 0.913 and bleve's
// stock French analyzer 0.787): a regression of 0.02–0.03 fails it.
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
		{"debian-reference-fr", "index.fr.html", "reference-fr", 0.96},
		{"installation-guide-fr", "index.html", "installation-fr", 0.84},
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

// TestRelevanceFloorSites runs the eval command on the held-out judged
// sets of the two sample sites (eval/README.md): each site is served on
// loopback, crawled with the crawl command into a temporary data
// directory, and eval measures the set on that index. Every judged page
// must be stored and not be a listing. The floors are the figures
// measured when the sets were committed, less 0.03 rounded down, so that
// a ranking change that loses ground on them fails. The PDFs are judged,
// so the test needs poppler-utils.
func TestRelevanceFloorSites(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls and indexes the two sample sites")
	}
	needPoppler(t)
	evalDir := filepath.Join("..", "..", "eval")
	tests := []struct {
		set               string
		site              http.Handler
		ndcg, mrr, recall float64
	}{
		// Measured: nDCG@10 0.932, MRR 0.975, recall@10 0.915.
		{"demo-fr", demosite.New(), 0.90, 0.94, 0.88},
		// Measured: nDCG@10 0.916, MRR 0.933, recall@10 0.924.
		{"wp-fr", wpsite.New(), 0.88, 0.90, 0.89},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			queries := filepath.Join(evalDir, tt.set+"-queries.tsv")
			qrels := filepath.Join(evalDir, tt.set+"-qrels.tsv")
			ts := httptest.NewServer(tt.site)
			defer ts.Close()
			data, _ := crawlSite(t, ts.URL)
			checkJudgedStored(t, data, qrels)
			code, stdout, stderr := runMain(t, t.Context(), "eval", "--data", data, "--base", ts.URL+"/",
				"--queries", queries, "--qrels", qrels)
			if code != 0 {
				t.Fatalf("eval: exit %d\n%s\n%s", code, stdout, stderr)
			}
			m := meanLine.FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("eval printed no means:\n%s", stdout)
			}
			t.Logf("%s per query (id, nDCG@10, MRR, recall@10, query, top 3):\n%s", tt.set, strings.ReplaceAll(stdout, ts.URL+"/", ""))
			for i, f := range []struct {
				name  string
				floor float64
			}{{"nDCG@10", tt.ndcg}, {"MRR", tt.mrr}, {"recall@10", tt.recall}} {
				got, _ := strconv.ParseFloat(m[i+1], 64)
				if got < f.floor {
					t.Errorf("%s: %s %.3f below the floor %.2f", tt.set, f.name, got, f.floor)
				}
			}
		})
	}
}

// checkJudgedStored fails the test for every page of the qrels file that
// the crawl of data did not store, or stored as a listing: a mistyped
// relpath, or a page that no ranking could return.
func checkJudgedStored(t *testing.T, data, qrels string) {
	t.Helper()
	f, err := os.Open(qrels)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	judged, err := relevance.ReadQrels(f)
	if err != nil {
		t.Fatalf("%s: %v", qrels, err)
	}
	pages := storedPages(t, data)
	for id, grades := range judged {
		for rel := range grades {
			switch p := pages["/"+rel]; {
			case p == nil:
				t.Errorf("%s: %s judged but not stored by the crawl", id, rel)
			case p.Type == missionsearch.TypeListing:
				t.Errorf("%s: %s judged but stored as a listing", id, rel)
			}
		}
	}
}
