package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestVersionAndServeMetrics checks the version command and the metrics of
// the binary and of the live build that serve exposes.
func TestVersionAndServeMetrics(t *testing.T) {
	code, out, _ := runMain(t, t.Context(), "version")
	if code != 0 || !strings.HasPrefix(out, "missionsearch ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
	if code, _, _ := runMain(t, t.Context(), "version", "extra"); code != 2 {
		t.Errorf("version extra: exit %d, want 2", code)
	}

	_, _, data := crawledDemo(t)
	cur, info := liveBuild(t, data)
	srv, err := startServer(t.Context(), &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Logger: discardLogger()},
		serveConfig{data: data, addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(b)
	for _, re := range []string{
		`(?m)^missionsearch_build_info\{goversion="go1\.[^"]+",revision="[^"]*",version="[^"]+"\} 1$`,
		`(?m)^missionsearch_index_documents ` + strconv.FormatUint(info.Docs, 10) + `$`,
		`(?m)^missionsearch_index_build_timestamp_seconds [0-9.e+]+$`,
		`(?m)^missionsearch_index_build_info\{build="` + regexp.QuoteMeta(cur) + `"\} 1$`,
	} {
		if !regexp.MustCompile(re).MatchString(metrics) {
			t.Errorf("/metrics has no line matching %s", re)
		}
	}
}

// TestLoggingFlags checks --log-format json, --quiet and their errors, for
// a real crawl.
func TestLoggingFlags(t *testing.T) {
	site := reportSite(2)
	defer site.Close()
	data := t.TempDir()
	code, _, stderr := runMain(t, t.Context(), "crawl", "--log-format", "json", "--data", data, "--delay", "0", site.URL+"/")
	if code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, stderr)
	}
	logs := 0
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue // the progress line
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["level"] == nil || rec["msg"] == nil {
			t.Errorf("--log-format json: line %q: %v", line, err)
		}
		logs++
	}
	if logs == 0 {
		t.Errorf("--log-format json: no JSON log line in\n%s", stderr)
	}
	code, _, stderr = runMain(t, t.Context(), "crawl", "--data", data, "--quiet", "--delay", "0", site.URL+"/")
	if code != 0 || strings.Contains(stderr, "level=INFO") {
		t.Errorf("crawl --quiet: exit %d, INFO lines in\n%s", code, stderr)
	}
	for _, bad := range [][]string{{"--log-format", "xml", "version"}, {"version", "--log-level=loud"}, {"version", "--log-level"}} {
		if code, _, _ := runMain(t, t.Context(), bad...); code != 2 {
			t.Errorf("%q: exit %d, want 2", bad, code)
		}
	}
}
