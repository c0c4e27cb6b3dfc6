package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/missionsearch/missionsearch/server"
)

// nginxPath returns Debian's nginx, or skips the test (fails it in CI).
func nginxPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("MISSIONSEARCH_NGINX"), "nginx", "/usr/sbin/nginx"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("nginx not installed (.ci/run installs it)")
	}
	t.Skip("nginx not installed: the reverse-proxy test is skipped (apt-get install nginx, or set MISSIONSEARCH_NGINX)")
	return ""
}

// startNginx runs nginx on a free loopback port, proxying /recherche/ to
// upstream from 127.0.0.2 (so that the search trusts that address only),
// and returns its base URL.
func startNginx(t *testing.T, upstream string) string {
	t.Helper()
	bin := nginxPath(t)
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// A page of the site with the documented search box pasted in.
	snippet, err := os.ReadFile(filepath.Join("..", "..", "doc", "embed.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Le site</title></head><body><h1>Le site de la mission</h1>\n" +
		string(snippet) + "</body></html>\n"
	conf := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	server {
		listen %[2]s;
		location /recherche/ {
			proxy_pass http://%[3]s;
			proxy_bind 127.0.0.2;
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto $scheme;
		}
		location = /page.html { default_type text/html; return 200 '%[4]s'; }
		location / { return 200 "the mission's own site\n"; }
	}
}
`, dir, addr, strings.TrimPrefix(upstream, "http://"), strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(page))
	cf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-c", cf, "-p", dir, "-e", filepath.Join(dir, "error.log"))
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); ; {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s %s", stderr.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base
}

// clientFrom returns an HTTP client whose connections come from the
// loopback address local, as a distinct visitor would.
func clientFrom(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

func status(t *testing.T, c *http.Client, u string, headers ...string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestBehindNginx serves the demo's search behind Debian's nginx under
// /recherche/, in a site's branding: visitors are limited apart, a spoofed
// X-Forwarded-For from an untrusted peer changes nothing, a burst of
// static requests is never limited, and in Chromium every link, asset,
// suggestion and filter of the page works through the proxy.
func TestBehindNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("the reverse-proxy test is skipped in -short mode")
	}
	_, _, data := crawledDemo(t)
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Logger: discardLogger()}
	srv, err := startServer(context.Background(), env, serveConfig{data: data, addr: "127.0.0.1:0",
		basePath: "/recherche/", trustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")},
		rateLimit: 2, rateBurst: 8,
		branding: server.Branding{SiteName: "AIM Maroc", PrimaryColor: "#123456", SiteURL: "http://127.0.0.1/"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.close)
	proxy := startNginx(t, srv.url)

	// Visitors behind the proxy have buckets of their own.
	a, b := clientFrom("127.0.0.3"), clientFrom("127.0.0.4")
	for i := range 8 {
		if c := status(t, a, proxy+"/recherche/api/search?q=migration"); c != 200 {
			t.Fatalf("visitor A request %d through nginx = %d", i+1, c)
		}
	}
	if c := status(t, a, proxy+"/recherche/api/search?q=migration"); c != http.StatusTooManyRequests {
		t.Errorf("visitor A beyond its burst = %d, want 429", c)
	}
	if c := status(t, b, proxy+"/recherche/api/search?q=migration"); c != 200 {
		t.Errorf("visitor B, limited with A = %d: the proxy's address is the bucket", c)
	}
	// Static assets are never limited, even for a limited visitor.
	for i := range 40 {
		if c := status(t, a, proxy+"/recherche/static/style.css"); c != 200 {
			t.Fatalf("static request %d of a limited visitor = %d", i+1, c)
		}
	}
	// An untrusted peer (straight to the search, not through nginx) cannot
	// pick its bucket with a spoofed header.
	direct := clientFrom("127.0.0.5")
	limited := false
	for i := range 12 {
		if status(t, direct, srv.url+"/api/search?q=x", fmt.Sprintf("X-Forwarded-For: 203.0.113.%d", i)) == http.StatusTooManyRequests {
			limited = true
		}
	}
	if !limited {
		t.Errorf("12 spoofed requests from an untrusted peer were never limited")
	}

	// The page through the proxy, in Chromium.
	chromium := chromiumPath(t)
	br := startBrowserAt(t, chromium, proxy+"/recherche")
	ctx := br.tab(t)
	br.open(t, ctx, "/search?q=migration&hl=fr")
	if n := total(t, ctx); n == 0 {
		t.Fatal("no results through the proxy")
	}
	got := js[struct {
		Header  string
		Sheets  int
		Outside []string
		Suggest string
		Title   string
		Back    string
	}](t, ctx, `({
		header: getComputedStyle(document.querySelector(".site-header")).backgroundColor,
		sheets: document.styleSheets.length ? document.styleSheets[0].cssRules.length : 0,
		outside: Array.from(document.querySelectorAll("a[href], link[href], script[src], form[action]"))
			.map(e => e.href || e.src || e.action)
			.filter(u => u.startsWith(location.origin) && !u.startsWith(location.origin + "/recherche/")),
		suggest: document.getElementById("q").dataset.suggest,
		title: document.title,
		back: (document.querySelector(".brand .back") || {}).href || "",
	})`)
	if got.Header != "rgb(18, 52, 86)" || got.Sheets == 0 {
		t.Errorf("the branded style did not load through the proxy: header %q, %d CSS rules", got.Header, got.Sheets)
	}
	if len(got.Outside) > 0 {
		t.Errorf("links outside /recherche/: %q", got.Outside)
	}
	if got.Suggest != "/recherche/api/suggest" || !strings.Contains(got.Title, "AIM Maroc") || got.Back != "http://127.0.0.1/" {
		t.Errorf("suggest %q, title %q, back link %q", got.Suggest, got.Title, got.Back)
	}
	// Suggestions are fetched through the proxy while typing.
	do(t, ctx, chromedp.Clear(chromedp.ID("q")), chromedp.SendKeys(chromedp.ID("q"), "migr"))
	waitFor(t, ctx, `document.querySelectorAll("#q-suggestions li").length > 0`)
	// The staff view is a link under the base path that answers.
	follow(t, ctx, chromedp.Click(chromedp.CSS(`p.views a`)))
	if p := js[string](t, ctx, `location.pathname`); p != "/recherche/search" {
		t.Errorf("the staff view link went to %s", p)
	}
	// The documented search box, pasted in a page of the site: suggestions
	// through the proxy, and the search on submit.
	ctx = br.tab(t)
	resp0 := run(t, ctx, chromedp.NavigateResponse(proxy+"/page.html"))
	if resp0.Status != http.StatusOK {
		t.Fatalf("the site's page: %d", resp0.Status)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "migr"))
	waitFor(t, ctx, `document.querySelectorAll("#q-suggestions li").length > 0`)
	do(t, ctx, chromedp.SetValue(chromedp.ID("q"), "migration"))
	follow(t, ctx, chromedp.Click(chromedp.CSS(`#recherche button[type=submit]`)))
	if loc := js[string](t, ctx, `location.pathname + location.search`); loc != "/recherche/search?q=migration" {
		t.Errorf("the search box led to %s", loc)
	}
	// The OpenSearch document names the visitor's address, forwarded by nginx.
	resp, err := http.Get(proxy + "/recherche/opensearch.xml")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `template="`+proxy+`/recherche/search?q={searchTerms}"`) {
		t.Errorf("OpenSearch through the proxy:\n%s", body)
	}
}
