package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestBrowserAnalytics searches the demo site and opens results in
// Chromium, with JavaScript and without, then reads the searches and the
// opens back on the staff page (behind the admin token, without
// JavaScript) and in its CSV.
func TestBrowserAnalytics(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	chromium := chromiumPath(t)
	_, demo, data := crawledDemo(t)
	const token = "jeton-du-personnel"
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Logger: discardLogger()}
	srv, err := startServer(context.Background(), env, serveConfig{data: data, addr: "127.0.0.1:0", adminToken: token,
		analytics: true, site: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.close)
	b := startBrowserAt(t, chromium, srv.url)

	// openHit clicks the title of hit n and checks that it lands on the
	// demo site's page.
	openHit := func(t *testing.T, ctx context.Context, n int) {
		t.Helper()
		sel := fmt.Sprintf(`li.hit:nth-child(%d) .hit-title a`, n)
		href := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(sel), "href"))
		if !strings.HasPrefix(href.Value, "/clic?") {
			t.Fatalf("hit %d links to %q, not through /clic", n, href.Value)
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(sel)))
		if loc := run(t, ctx, chromedp.Location()); !strings.HasPrefix(loc, demo.URL+"/") {
			t.Errorf("hit %d opened %s, not a page of the demo site", n, loc)
		}
	}
	search := func(t *testing.T, ctx context.Context, q string) {
		t.Helper()
		b.open(t, ctx, "/fr/")
		do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), q))
		follow(t, ctx, chromedp.Click(chromedp.CSS(`#recherche button[type=submit]`)))
	}

	t.Run("with JavaScript", func(t *testing.T) {
		ctx := b.tab(t)
		search(t, ctx, "Réseau")
		if total(t, ctx) == 0 {
			t.Fatal("réseau: no results")
		}
		openHit(t, ctx, 1)
		search(t, ctx, "rapport")
	})
	t.Run("without JavaScript", func(t *testing.T) {
		ctx := b.tab(t, chromedp.WithNewBrowserContext())
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		search(t, ctx, "reseau")
		openHit(t, ctx, 2)
		search(t, ctx, "zzzintrouvable")
		if total(t, ctx) != 0 {
			t.Fatal("zzzintrouvable found something")
		}
	})

	t.Run("staff page and CSV", func(t *testing.T) {
		ctx := b.tab(t, chromedp.WithNewBrowserContext())
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		// Without the token the browser is asked for it (headless Chromium
		// has no prompt: it fails the navigation).
		if resp, err := http.Get(b.base + "/admin/analytics"); err != nil {
			t.Fatal(err)
		} else if resp.Body.Close(); resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
			t.Fatalf("staff page without the token: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("personnel:"+token))
		if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": basic}}); err != nil {
			t.Fatal(err)
		}
		b.open(t, ctx, "/admin/analytics")
		table := func(id string) map[string][]string {
			rows := js[[][]string](t, ctx, `Array.from(document.querySelectorAll("#`+id+` ~ table tbody tr, section[aria-labelledby=`+id+`] tbody tr"), r => Array.from(r.children, c => c.textContent.trim()))`)
			m := map[string][]string{}
			for _, r := range rows {
				m[r[0]] = r[1:]
			}
			return m
		}
		top := table("t-top")
		// Réseau twice (with JavaScript and without), both opened.
		if r := top["reseau"]; len(r) < 3 || r[0] != "2" || r[2] != "2" {
			t.Errorf("top queries: reseau %q; all %q", r, top)
		}
		if r := top["rapport"]; len(r) < 3 || r[0] != "1" || r[2] != "0" {
			t.Errorf("top queries: rapport %q", r)
		}
		if r := table("t-zero")["zzzintrouvable"]; len(r) < 2 || r[1] != "1" {
			t.Errorf("zero-result queries: zzzintrouvable %q; all %q", r, table("t-zero"))
		}
		if _, ok := table("t-unopened")["rapport"]; !ok {
			t.Errorf("unopened queries lack rapport: %q", table("t-unopened"))
		}
		if r := table("t-sites")["demo"]; len(r) < 1 || r[0] != "4" {
			t.Errorf("per site: demo %q", r)
		}
		if w := table("t-weeks"); len(w) != 1 {
			t.Errorf("weeks %q", w)
		}
		png := run(t, ctx, chromedp.FullScreenshot(100))
		f := filepath.Join(artefacts(t), "analytics-staff-page.png")
		if err := os.WriteFile(f, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", f)

		// The CSV the page links to, with the page's credentials.
		href := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(`.exports a[href*="report=searches"]`), "href"))
		if !href.Exists {
			t.Fatal("no CSV link of the searches")
		}
		req, _ := http.NewRequest(http.MethodGet, b.base+href.Value, nil)
		req.Header.Set("Authorization", basic)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body := new(bytes.Buffer)
		body.ReadFrom(res.Body)
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body.Bytes(), []byte("\uFEFF")))).ReadAll()
		if res.StatusCode != 200 || err != nil || len(recs) != 1+4 {
			t.Fatalf("GET %s: %d, %v, %d lines:\n%s", href.Value, res.StatusCode, err, len(recs), body)
		}
		opened := map[string]int{}
		for _, r := range recs[1:] {
			if r[3] != "demo" || r[8] != "page" {
				t.Errorf("CSV line %q: site or source wrong", r)
			}
			if r[9] == "1" {
				opened[r[1]]++
			}
		}
		if opened["reseau"] != 2 || len(opened) != 1 {
			t.Errorf("CSV opened searches %v, want reseau twice", opened)
		}
	})
}
