package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hugeTitleSite serves a home page linking to a few ordinary reports and to
// /huge, a page whose <title> is never closed: its whole 10 MB body is
// title text to an HTML parser.
func hugeTitleSite(tb testing.TB) *httptest.Server {
	huge := new(bytes.Buffer)
	huge.WriteString("<html><head><title>Rapport mission ")
	for i := 0; huge.Len() < 10_000_000; i++ {
		fmt.Fprintf(huge, "atelier%d rapport partenaires coopération ", i%5000)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			var b strings.Builder
			b.WriteString(`<html><head><title>Accueil</title></head><body><a href="/huge">Rapport</a>`)
			for i := 1; i <= 5; i++ {
				fmt.Fprintf(&b, `<a href="/rapport/%d">Rapport %d</a>`, i, i)
			}
			b.WriteString("</body></html>")
			w.Write([]byte(b.String()))
		case "/huge":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(huge.Bytes())
		default:
			var i int
			if _, err := fmt.Sscanf(r.URL.Path, "/rapport/%d", &i); err != nil {
				http.NotFound(w, r)
				return
			}
			fmt.Fprintf(w, "<html><head><title>Rapport d'atelier %d</title></head><body><h1>Rapport d'atelier %d</h1>"+
				"<p>La mission a réuni ses partenaires pour un atelier de coopération numéro %d.</p></body></html>", i, i, i)
		}
	}))
	tb.Cleanup(ts.Close)
	return ts
}

// plainBinary builds missionsearch without the race detector, whose shadow
// memory would make RSS figures meaningless, into dir.
func plainBinary(tb testing.TB, dir string) string {
	tb.Helper()
	exe := filepath.Join(dir, "missionsearch")
	cmd := exec.Command("go", "build", "-o", exe, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// procStatusMB returns the field (such as "VmRSS:") of /proc/PID/status,
// in MB; false when the process is gone.
func procStatusMB(pid int, field string) (float64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0, false
			}
			return kb / 1000, true
		}
	}
	return 0, false
}

// TestHugeTitleMemory crawls a site with a 10 MB title (an unclosed
// <title>) with the real binary, then serves it and runs 300 distinct
// searches and suggestions matching that page through the result cache:
// the crawl's peak RSS stays under 400 MB and serve's RSS under 200 MB
// (it was 1.82 GB and 3.15 GB before titles had a limit and the cache a
// byte budget), and no answer carries the huge title.
func TestHugeTitleMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("huge title: skipped in -short mode (builds the binary)")
	}
	exe := plainBinary(t, t.TempDir())
	site := hugeTitleSite(t)
	data := t.TempDir()
	crawl := startProcess(t, exe, nil, "crawl", "--data", data, "--delay", "0", site.URL+"/")
	// The peak RSS of the crawl's own memory (VmHWM), sampled until it
	// exits: the rusage of a child also counts the memory of this test
	// process it was forked from, a large one under -race.
	peak := 0.0
	for running := true; running; {
		select {
		case <-crawl.done:
			if crawl.err != nil {
				t.Fatalf("crawl: %v\n%s%s", crawl.err, crawl.stdout.String(), crawl.stderr.String())
			}
			running = false
		case <-time.After(5 * time.Millisecond):
			if hwm, ok := procStatusMB(crawl.cmd.Process.Pid, "VmHWM:"); ok {
				peak = max(peak, hwm)
			}
		}
	}
	t.Logf("crawl and index of the 10 MB title: peak RSS %.0f MB", peak)
	if peak > 400 {
		t.Errorf("crawl and index of the 10 MB title: peak RSS %.0f MB, want < 400 MB", peak)
	}

	serve := startProcess(t, exe, nil, "serve", "--data", data, "--addr", "127.0.0.1:0", "--rate-limit", "0")
	base := serve.serveURL(t, 30*time.Second)

	client := &http.Client{Timeout: 30 * time.Second}
	get := func(path string) []byte {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		if _, err := b.ReadFrom(resp.Body); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s: %.300s", path, resp.Status, b.Bytes())
		}
		return b.Bytes()
	}
	largest, hugeFound := 0, false
	for i := range 300 {
		q := url.Values{"q": {fmt.Sprintf("atelier%d", i%40)}, "size": {strconv.Itoa(10 + i%11)}, "page": {strconv.Itoa(1 + i/40)}}
		if i%2 == 1 {
			q.Set("q", "rapport coopération")
			q.Set("sort", "date")
		}
		body := get("/api/search?" + q.Encode())
		largest = max(largest, len(body))
		hugeFound = hugeFound || bytes.Contains(body, []byte(site.URL+"/huge"))
		sug := get("/api/suggest?q=" + url.QueryEscape(fmt.Sprintf("atel%c", 'a'+rune(i%26))))
		largest = max(largest, len(sug))
	}
	if !hugeFound {
		t.Error("no search found the page with the huge title")
	}
	if largest > 256<<10 {
		t.Errorf("largest answer %d bytes: a hit or a suggestion carries the huge title", largest)
	}
	rss, ok := procStatusMB(serve.cmd.Process.Pid, "VmRSS:")
	if !ok {
		t.Skip("RSS: no /proc/PID/status (needs Linux)")
	}
	t.Logf("serve after 300 distinct searches and 300 suggestions: RSS %.0f MB, largest answer %d bytes", rss, largest)
	if rss > 200 {
		t.Errorf("serve RSS %.0f MB after 300 searches, want < 200 MB", rss)
	}
}
