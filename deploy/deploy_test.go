package deploy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// unitBinary is the path of the binary in the units' ExecStart lines.
const unitBinary = "/usr/local/bin/missionsearch"

// unitData is the data directory of the units and of the image.
const unitData = "/var/lib/missionsearch"

// units are the files of deploy/systemd that systemd-analyze verifies.
var units = []string{
	"missionsearch.service",
	"missionsearch-crawl.service",
	"missionsearch-crawl.timer",
	"missionsearch-reindex.service",
	"missionsearch-reindex.timer",
}

// mustBuild builds cmd/missionsearch into a temporary directory once per
// test and returns its path; extra are more go build arguments.
func mustBuild(tb testing.TB, extra ...string) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds the binary")
	}
	bin := filepath.Join(tb.TempDir(), "missionsearch")
	// -trimpath and CGO_ENABLED=0 as the Dockerfile builds: the two
	// builds share the compiled packages in the build cache.
	args := append([]string{"build", "-trimpath", "-o", bin}, extra...)
	cmd := exec.Command("go", append(args, "../cmd/missionsearch")...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// mustRead returns the content of the file at path.
func mustRead(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestSystemdVerify runs systemd-analyze verify on copies of the units
// whose ExecStart names a freshly built binary (verify needs it to exist),
// and fails on anything it reports.
func TestSystemdVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("systemd-analyze not found and CI is set: install Debian's systemd package")
		}
		t.Skip("systemd-analyze not found (apt-get install systemd): units not verified")
	}
	bin := mustBuild(t)
	dir := t.TempDir()
	var paths []string
	for _, u := range units {
		text := strings.ReplaceAll(mustRead(t, filepath.Join("systemd", u)), unitBinary, bin)
		p := filepath.Join(dir, u)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cmd := exec.Command(analyze, append([]string{"verify", "--man=no"}, paths...)...)
	cmd.Env = append(os.Environ(), "SYSTEMD_LOG_COLOR=0")
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// The system user, as systemd-sysusers would make it (writing nothing).
	if sysusers, err := exec.LookPath("systemd-sysusers"); err == nil {
		conf, err := filepath.Abs(filepath.Join("systemd", "missionsearch.sysusers"))
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(sysusers, "--dry-run", conf).CombinedOutput(); err != nil ||
			bytes.Contains(out, []byte("ignoring")) {
			t.Errorf("systemd-sysusers --dry-run %s: %v\n%s", conf, err, out)
		}
	}
}

// unit is the part of a service unit that its ExecStart line depends on.
type unit struct {
	exec    []string // ExecStart, split into words
	env     []string // Environment= assignments
	envFile string   // EnvironmentFile=, without its "-"
}

// parseUnit reads the [Service] settings of a service unit that the tests
// run. It knows only what our units use: one line per setting, no
// quoting, no line continuations.
func parseUnit(tb testing.TB, name string) unit {
	tb.Helper()
	var u unit
	sc := bufio.NewScanner(strings.NewReader(mustRead(tb, filepath.Join("systemd", name))))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		key, value, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		switch key {
		case "ExecStart":
			if strings.ContainsAny(value, `"'\`) {
				tb.Fatalf("%s: ExecStart has quotes or escapes, which parseUnit does not handle", name)
			}
			u.exec = strings.Fields(value)
		case "Environment":
			u.env = append(u.env, strings.Fields(value)...)
		case "EnvironmentFile":
			u.envFile = strings.TrimPrefix(value, "-")
		}
	}
	if len(u.exec) == 0 || u.exec[0] != unitBinary {
		tb.Fatalf("%s: ExecStart = %q, want %s first", name, u.exec, unitBinary)
	}
	return u
}

// command returns the unit's ExecStart as systemd would run it with the
// environment env (KEY=value): the binary replaced by bin, the data
// directory by data, and $VAR words replaced by the words of VAR's value,
// as systemd splits an unbraced $VAR.
func (u unit) command(ctx context.Context, bin, data string, env []string) *exec.Cmd {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	var argv []string
	for _, w := range u.exec {
		if name, ok := strings.CutPrefix(w, "$"); ok {
			argv = append(argv, strings.Fields(vars[name])...)
			continue
		}
		argv = append(argv, strings.ReplaceAll(w, unitData, data))
	}
	cmd := exec.CommandContext(ctx, bin, argv[1:]...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}

// site is a small mission site: a home page listing two dated articles.
func site() http.Handler {
	article := func(title, date, body string) string {
		return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + title +
			`</title><meta property="article:published_time" content="` + date + `"></head><body>` +
			`<nav><a href="/">Accueil</a></nav><main><article><h1>` + title + `</h1><p>` + body +
			`</p></article></main><footer>Mission permanente</footer></body></html>`
	}
	pages := map[string]string{
		"/fr": `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accueil</title></head><body><main>` +
			`<h1>Actualités</h1><ul><li><h2><a href="/fr/atelier">Atelier régional</a></h2></li>` +
			`<li><h2><a href="/fr/traite">Signature du traité</a></h2></li></ul></main></body></html>`,
		"/fr/atelier": article("Atelier régional sur l'éducation", "2024-03-05",
			"La mission a organisé un atelier régional sur l'éducation des jeunes filles, avec les ministères et les associations du pays."),
		"/fr/traite": article("Signature du traité de coopération", "2024-05-12",
			"Le traité de coopération a été signé par les deux gouvernements en présence de la représentante de l'organisation."),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, p)
	})
}

// freeAddr returns a loopback address no one listens on.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestUnitCommands runs the ExecStart line of each service unit, with the
// unit's Environment= and an environment file shaped like env.example, on
// a temporary data directory: the crawl of a local site, the reindex, then
// the server, which must answer a search for a crawled page and stop on
// SIGTERM (what systemctl stop sends).
func TestUnitCommands(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("systemd units run on Linux")
	}
	bin := mustBuild(t)
	data := t.TempDir()
	ts := httptest.NewServer(site())
	defer ts.Close()
	addr := freeAddr(t)
	envFile := []string{
		"MISSIONSEARCH_SITE_URL=" + ts.URL + "/fr",
		"MISSIONSEARCH_USER_AGENT=missionsearch-test (+https://www.example.org/contact)",
		"MISSIONSEARCH_ADMIN_TOKEN=secret",
		"MISSIONSEARCH_ADDR=" + addr,
	}
	// The units make textfile/ through StateDirectory=.
	if err := os.MkdirAll(filepath.Join(data, "textfile"), 0o755); err != nil {
		t.Fatal(err)
	}
	envOf := func(u unit) []string {
		var env []string
		for _, kv := range u.env {
			env = append(env, strings.ReplaceAll(kv, unitData, data))
		}
		if u.envFile != "/etc/missionsearch/env" {
			t.Fatalf("EnvironmentFile = %q, want /etc/missionsearch/env", u.envFile)
		}
		return append(env, envFile...) // the file's settings come after, and win
	}

	for _, job := range []struct{ unit, outcome string }{
		{"missionsearch-crawl.service", "textfile/missionsearch-crawl.prom"},
		{"missionsearch-reindex.service", "textfile/missionsearch-reindex.prom"},
	} {
		u := parseUnit(t, job.unit)
		cmd := u.command(t.Context(), bin, data, envOf(u))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %s: %v\n%s", job.unit, cmd, err, out)
		}
		prom := mustRead(t, filepath.Join(data, job.outcome))
		if !strings.Contains(prom, "missionsearch_job_success") || !strings.Contains(prom, "} 1\n") {
			t.Errorf("%s: outcome file %s:\n%s\nwant a successful job", job.unit, job.outcome, prom)
		}
	}

	u := parseUnit(t, "missionsearch.service")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cmd := u.command(ctx, bin, data, envOf(u))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	url := "http://" + addr + "/api/search?q=traite"
	var body string
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				body = string(b)
				break
			}
			err = fmt.Errorf("status %d: %s", resp.StatusCode, b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("missionsearch.service: GET %s: %v\n%s", url, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body, ts.URL+"/fr/traite") {
		t.Errorf("GET %s = %s, want the page %s/fr/traite", url, body, ts.URL)
	}
	if err := cmd.Process.Signal(sigterm); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("missionsearch.service: after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Errorf("missionsearch.service: still running 20 s after SIGTERM\n%s", logs.String())
	}
}

// TestUnitsHardened checks the settings the units must keep: the user, the
// data directory and the sandbox.
func TestUnitsHardened(t *testing.T) {
	want := []string{
		"User=missionsearch",
		"StateDirectory=missionsearch missionsearch/textfile",
		"EnvironmentFile=-/etc/missionsearch/env",
		"NoNewPrivileges=yes",
		"ProtectSystem=strict",
		"ProtectHome=yes",
		"PrivateTmp=yes",
		"ReadWritePaths=" + unitData,
	}
	for _, name := range units {
		if !strings.HasSuffix(name, ".service") {
			continue
		}
		lines := strings.Split(mustRead(t, filepath.Join("systemd", name)), "\n")
		for _, w := range want {
			if !slices.Contains(lines, w) {
				t.Errorf("%s has no line %q", name, w)
			}
		}
	}
	if lines := strings.Split(mustRead(t, "systemd/missionsearch.service"), "\n"); !slices.Contains(lines, "Restart=on-failure") {
		t.Errorf("missionsearch.service has no line %q", "Restart=on-failure")
	}
	for _, name := range []string{"missionsearch-crawl.timer", "missionsearch-reindex.timer"} {
		lines := strings.Split(mustRead(t, filepath.Join("systemd", name)), "\n")
		for _, w := range []string{"Persistent=true", "WantedBy=timers.target"} {
			if !slices.Contains(lines, w) {
				t.Errorf("%s has no line %q", name, w)
			}
		}
	}
}
