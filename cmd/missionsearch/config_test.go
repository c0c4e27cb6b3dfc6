package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runMainEnv is runMain with environment variables.
func runMainEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr lockedBuffer
	code := Run(t.Context(), args, func(k string) string { return vars[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "missionsearch.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodConfig = `# the mission's search
data = "/var/lib/missionsearch"
base_path = "/recherche/"
public_url = "https://www.example.org/recherche/"
trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]
rate_limit = 20
suggest_rate_limit = 100

[crawl]
delay = "500ms"
no_index = ["/tags/"]

[branding]
site_name = "AIM Maroc"
primary_color = "#0b5394"
[branding.section_labels]
news = "Actualités"
[branding.lang.en]
site_name = "IOM Morocco"
[branding.lang.en.section_labels]
news = "News"

[[sites]]
name = "maroc"
start_urls = ["https://www.example.org/fr"]
languages = ["fr", "en", "ar"]
`

// TestConfigCheck checks `config check`: a good file passes; every
// problem of a bad one is reported with its line, exit 1; a command given
// a bad file refuses to run (exit 2).
func TestConfigCheck(t *testing.T) {
	good := writeConfig(t, goodConfig)
	if code, out, errOut := runMainEnv(t, nil, "config", "check", good); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("config check of a good file: exit %d\n%s%s", code, out, errOut)
	}
	bad := writeConfig(t, `data = "/d"
trusted_proxies = ["10.0.0.0/33"]
colour = "blue"

[branding]
primary_color = "red;}"

[[sites]]
name = "maroc"
start_urls = ["ftp://example.org/"]
`)
	code, _, errOut := runMainEnv(t, nil, "config", "check", bad)
	if code != 1 {
		t.Errorf("config check of a bad file: exit %d, want 1\n%s", code, errOut)
	}
	if !strings.Contains(errOut, bad+`:3: unknown key "colour"`) {
		t.Errorf("no line-numbered unknown-key error:\n%s", errOut)
	}
	// Fixed the unknown key, the values are checked, each with its line.
	bad2 := writeConfig(t, strings.Replace(mustRead(t, bad), "colour = \"blue\"\n", "\n", 1))
	_, _, errOut = runMainEnv(t, nil, "config", "check", bad2)
	for _, want := range []string{":2: trusted_proxies:", ":6: branding.primary_color:", ":10: start_urls:"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("config check lacks %q:\n%s", want, errOut)
		}
	}
	days := writeConfig(t, "analytics = true\nanalytics_retention_days = 0\n")
	if code, _, errOut := runMainEnv(t, nil, "config", "check", days); code != 1 || !strings.Contains(errOut, ":2: analytics_retention_days:") {
		t.Errorf("analytics_retention_days = 0: exit %d, %s", code, errOut)
	}
	syntax := writeConfig(t, "data = \"/d\"\nrate_limit = \n")
	if code, _, errOut := runMainEnv(t, nil, "config", "check", syntax); code != 1 || !strings.Contains(errOut, ":2") {
		t.Errorf("a syntax error: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runMainEnv(t, nil, "--config", bad, "search", "atelier"); code != 2 || !strings.Contains(errOut, "unknown key") {
		t.Errorf("search with a bad config: exit %d, want 2\n%s", code, errOut)
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConfigPrecedence checks the order of a setting's sources: flag,
// then environment, then file, then default; the file is given with
// --config or MISSIONSEARCH_CONFIG. The data directory shows which one
// won in the message of a search on an empty directory.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	fileData, envData, flagData := filepath.Join(dir, "file"), filepath.Join(dir, "env"), filepath.Join(dir, "flag")
	cfg := writeConfig(t, "data = \""+fileData+"\"\n")
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"file", nil, []string{"--config", cfg, "search", "x"}, fileData},
		{"file from env", map[string]string{"MISSIONSEARCH_CONFIG": cfg}, []string{"search", "x"}, fileData},
		{"env over file", map[string]string{"MISSIONSEARCH_DATA": envData}, []string{"--config=" + cfg, "search", "x"}, envData},
		{"flag over env", map[string]string{"MISSIONSEARCH_DATA": envData}, []string{"search", "--config", cfg, "--data", flagData, "x"}, flagData},
		{"default", nil, []string{"search", "x"}, "./data"},
	}
	for _, c := range cases {
		code, _, errOut := runMainEnv(t, c.vars, c.args...)
		if code != 1 || !strings.Contains(errOut, "no index in "+c.want) {
			t.Errorf("%s: exit %d, want the data directory %s:\n%s", c.name, code, c.want, errOut)
		}
	}
}

// TestServeConfigFile runs serve from a configuration file: its base
// path, branding (per language too) and rate limit are those of the file.
func TestServeConfigFile(t *testing.T) {
	_, _, data := crawledDemo(t)
	cfg := writeConfig(t, `data = "`+data+`"
addr = "127.0.0.1:0"
base_path = "/recherche/"
rate_limit = 50
analytics_retention_days = 30
[branding]
site_name = "AIM Maroc"
[branding.lang.en]
site_name = "IOM Morocco"
`)
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	// The environment wins over the file for the English site name's
	// default (branding.site_name), not for [branding.lang.en].
	vars := map[string]string{"MISSIONSEARCH_SITE_NAME": "AIM Maroc (env)"}
	go func() {
		done <- Run(ctx, []string{"--config", cfg, "serve"}, func(k string) string { return vars[k] }, &stdout, &stderr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; {
		if i := strings.Index(stdout.String(), "http://"); i >= 0 {
			base = strings.Fields(stdout.String()[i:])[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.HasSuffix(base, "/recherche") {
		t.Errorf("serve announces %s, want its base path", base)
	}
	get := func(u string) string {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", u, resp.StatusCode)
		}
		return string(b)
	}
	root := strings.TrimSuffix(base, "/recherche")
	if b := get(root + "/recherche/search?q=migration&hl=fr"); !strings.Contains(b, "Recherche sur AIM Maroc (env)") || !strings.Contains(b, `action="/recherche/search"`) {
		t.Errorf("the French page does not follow the file")
	} else if !strings.Contains(b, `<a href="/recherche/clic?`) {
		t.Errorf("serve records no analytics by default: the results do not link through /recherche/clic")
	}
	if _, err := os.Stat(filepath.Join(data, "analytics.db")); err != nil {
		t.Errorf("serve made no analytics database: %v", err)
	}
	if b := get(root + "/recherche/en/search?q=migration"); !strings.Contains(b, "Search IOM Morocco") {
		t.Errorf("the English page does not have the English site name")
	}
}
