package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// reportSite serves a home page linking to n report pages /rapport/1 … n,
// each with its own text.
func reportSite(n int) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/":
			var b strings.Builder
			b.WriteString("<html><head><title>Accueil</title></head><body><h1>Rapports</h1><p>Les rapports annuels de la mission, du plus récent au plus ancien.</p><ul>")
			for i := 1; i <= n; i++ {
				fmt.Fprintf(&b, `<li><a href="/rapport/%d">Rapport %d</a></li>`, i, i)
			}
			b.WriteString("</ul></body></html>")
			w.Write([]byte(b.String()))
		case strings.HasPrefix(r.URL.Path, "/rapport/"):
			i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/rapport/"))
			if err != nil || i < 1 || i > n {
				http.NotFound(w, r)
				return
			}
			fmt.Fprintf(w, "<html><head><title>Rapport annuel %d</title></head><body><h1>Rapport annuel %d</h1>"+
				"<p>Le rapport numéro %d présente les activités de la mission, ses partenaires et ses projets de l'année %d.</p></body></html>",
				i, i, i, 2000+i)
		default:
			http.NotFound(w, r)
		}
	}))
}

// metricValue returns the value of the sample of metric (name with its
// labels, as written in the text format) in the outcome file text.
func metricValue(t *testing.T, text, metric string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(metric) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("outcome file has no %s:\n%s", metric, text)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s: %v", metric, err)
	}
	return v
}

// TestCrawlBudgetFlags checks that --max-per-pattern is applied, that the
// summary says what it cut, and that the outcome file counts it.
func TestCrawlBudgetFlags(t *testing.T) {
	site := reportSite(12)
	defer site.Close()
	data := t.TempDir()
	outcome := filepath.Join(t.TempDir(), "crawl.prom")
	code, out, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0",
		"--max-per-pattern", "5", "--outcome-file", outcome, site.URL+"/")
	if code != 0 {
		t.Fatalf("crawl: exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(out, "crawl: 6 pages fetched") {
		t.Errorf("crawl --max-per-pattern 5 of 1+12 pages: summary %q, want 6 pages fetched", out)
	}
	if !strings.Contains(out, "budgets left out 7 URLs of full patterns") || !strings.Contains(out, "/rapport/0: 7 left out") {
		t.Errorf("summary does not say what the budget cut:\n%s", out)
	}
	b, err := os.ReadFile(outcome)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if v := metricValue(t, text, `missionsearch_crawl_cut_urls{job="crawl",rule="max-per-pattern"}`); v != 7 {
		t.Errorf("outcome file: %v URLs cut by max-per-pattern, want 7", v)
	}
	if v := metricValue(t, text, `missionsearch_job_success{job="crawl"}`); v != 1 {
		t.Errorf("outcome file: success %v, want 1", v)
	}
	if v := metricValue(t, text, `missionsearch_job_index_documents{job="crawl"}`); v != 6 {
		t.Errorf("outcome file: %v documents indexed, want 6", v)
	}

	for _, bad := range []string{"0", "-2", "x"} {
		if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--max-per-pattern", bad, site.URL+"/"); code != 2 {
			t.Errorf("crawl --max-per-pattern %s: exit %d, want 2; stderr:\n%s", bad, code, stderr)
		}
	}
}

// TestOutcomeFile checks the outcome file across a success and a failure:
// the failed run is recorded as such and keeps the last success time.
func TestOutcomeFile(t *testing.T) {
	site := reportSite(3)
	data := t.TempDir()
	outcome := filepath.Join(t.TempDir(), "crawl.prom")
	if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", "--outcome-file", outcome, site.URL+"/"); code != 0 {
		t.Fatalf("crawl: exit %d; stderr:\n%s", code, stderr)
	}
	b, err := os.ReadFile(outcome)
	if err != nil {
		t.Fatal(err)
	}
	first := string(b)
	success := metricValue(t, first, `missionsearch_job_last_success_timestamp_seconds{job="crawl"}`)
	if success == 0 {
		t.Fatalf("successful crawl: last success 0:\n%s", first)
	}
	if v := metricValue(t, first, `missionsearch_crawl_pages{job="crawl",outcome="stored"}`); v != 4 {
		t.Errorf("successful crawl: %v pages stored, want 4", v)
	}

	u := site.URL + "/"
	site.Close() // the site is now unreachable
	code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", "--outcome-file", outcome, u)
	if code != 1 {
		t.Fatalf("crawl of an unreachable site: exit %d, want 1; stderr:\n%s", code, stderr)
	}
	b, err = os.ReadFile(outcome)
	if err != nil {
		t.Fatal(err)
	}
	second := string(b)
	if v := metricValue(t, second, `missionsearch_job_success{job="crawl"}`); v != 0 {
		t.Errorf("failed crawl: success %v, want 0", v)
	}
	if v := metricValue(t, second, `missionsearch_job_last_success_timestamp_seconds{job="crawl"}`); v != success {
		t.Errorf("failed crawl: last success %v, want the previous run's %v", v, success)
	}
	if run := metricValue(t, second, `missionsearch_job_last_run_timestamp_seconds{job="crawl"}`); run < success {
		t.Errorf("failed crawl: last run %v before the last success %v", run, success)
	}
	if v := metricValue(t, second, `missionsearch_crawl_pages{job="crawl",outcome="errors"}`); v == 0 {
		t.Errorf("failed crawl: no errors counted:\n%s", second)
	}

	// reindex writes its own job's outcome.
	rfile := filepath.Join(t.TempDir(), "reindex.prom")
	if code, _, stderr := runMain(t, t.Context(), "reindex", "--data", data, "--outcome-file", rfile); code != 0 {
		t.Fatalf("reindex: exit %d; stderr:\n%s", code, stderr)
	}
	b, err = os.ReadFile(rfile)
	if err != nil {
		t.Fatal(err)
	}
	if v := metricValue(t, string(b), `missionsearch_job_index_documents{job="reindex"}`); v != 4 {
		t.Errorf("reindex: %v documents, want 4", v)
	}
}

// TestCrawlLimitFlags checks that --max-title cuts stored titles and that
// --max-page-mb skips larger pages.
func TestCrawlLimitFlags(t *testing.T) {
	site := reportSite(3)
	defer site.Close()
	data := t.TempDir()
	code, out, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", "--max-title", "10", site.URL+"/")
	if code != 0 {
		t.Fatalf("crawl: exit %d; stderr:\n%s", code, stderr)
	}
	code, out, stderr = runMain(t, t.Context(), "search", "--data", data, "--json", "rapport")
	if code != 0 {
		t.Fatalf("search: exit %d; stderr:\n%s", code, stderr)
	}
	var res struct {
		Hits []struct{ Title string } `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	if len(res.Hits) == 0 {
		t.Fatal("search rapport: no hits")
	}
	for _, h := range res.Hits {
		if n := utf8.RuneCountInString(h.Title); n > 10 {
			t.Errorf("crawl --max-title 10: title %q of %d characters", h.Title, n)
		}
	}
	if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--max-title", "0", site.URL+"/"); code != 2 {
		t.Errorf("crawl --max-title 0: exit %d, want 2; stderr:\n%s", code, stderr)
	}
}

// TestCrawlUserAgent checks that --user-agent is what the site sees, for
// robots.txt and pages alike.
func TestCrawlUserAgent(t *testing.T) {
	const ua = "missionsearch/0.1 (+https://mission.example/contact)"
	var seen []string
	var mu sync.Mutex
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.UserAgent())
		mu.Unlock()
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("<html><head><title>Accueil</title></head><body><p>Le site de la mission.</p></body></html>"))
	}))
	defer site.Close()
	if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", t.TempDir(), "--delay", "0", "--user-agent", ua, site.URL+"/"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 2 {
		t.Fatalf("requests: %q", seen)
	}
	for _, s := range seen {
		if !strings.HasSuffix(s, " "+ua) {
			t.Errorf("request %q: not the --user-agent", s)
		}
	}
}
