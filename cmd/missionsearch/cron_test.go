package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/demosite"
)

// TestCrawlUnreachableFails checks that a nightly crawl of a site that
// cannot be reached, or whose robots.txt forbids everything, exits 1 and
// publishes no index.
func TestCrawlUnreachableFails(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/"
	down.Close()
	forbidding := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nDisallow: /\n"))
			return
		}
		w.Write([]byte("<html><head><title>Accueil</title></head><body><p>Bienvenue sur le site de la mission.</p></body></html>"))
	}))
	defer forbidding.Close()
	for name, u := range map[string]string{"unreachable": downURL, "robots forbids all": forbidding.URL + "/"} {
		t.Run(name, func(t *testing.T) {
			data := t.TempDir()
			code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", u)
			if code != 1 {
				t.Errorf("crawl %s: exit %d, want 1; stderr:\n%s", u, code, stderr)
			}
			if !strings.Contains(stderr, "could be fetched") && !strings.Contains(stderr, "not crawled") {
				t.Errorf("crawl %s: stderr does not say why:\n%s", u, stderr)
			}
			if _, err := os.Stat(filepath.Join(data, "indexes", "CURRENT")); err == nil {
				t.Errorf("crawl %s published an index", u)
			}
		})
	}
}

// TestReadCommandsCreateNothing checks that reindex, search and export on a
// data directory that does not exist fail with exit 1 and create nothing.
func TestReadCommandsCreateNothing(t *testing.T) {
	for _, args := range [][]string{{"reindex"}, {"search", "atelier"}, {"export"}} {
		data := filepath.Join(t.TempDir(), "wrong", "path")
		code, _, stderr := runMain(t, t.Context(), append(args, "--data", data)...)
		if code != 1 {
			t.Errorf("%s on a missing --data: exit %d, want 1; stderr:\n%s", args[0], code, stderr)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("%s on a missing --data created %s", args[0], data)
		}
	}
}

// TestCLIArgumentsAndUsage checks flags after arguments, "--" before words
// starting with '-', and that a bad filter value is a usage error (exit 2).
func TestCLIArgumentsAndUsage(t *testing.T) {
	_, _, data := crawledDemo(t)
	ctx := t.Context()
	code, out, stderr := runMain(t, ctx, "export", "atelier", "--format", "csv", "--data", data)
	if code != 0 {
		t.Fatalf("export atelier --format csv: exit %d; stderr:\n%s", code, stderr)
	}
	if first, _, _ := strings.Cut(out, "\n"); !strings.Contains(first, "url") || strings.HasPrefix(first, "{") {
		t.Errorf("export atelier --format csv: first line %q, want a CSV header", first)
	}
	code, all, stderr := runMain(t, ctx, "search", "--data", data, "--json", "--", "atelier")
	if code != 0 {
		t.Fatalf("search -- atelier: exit %d; stderr:\n%s", code, stderr)
	}
	code, excl, stderr := runMain(t, ctx, "search", "--data", data, "--json", "--", "atelier", "-traite")
	if code != 0 {
		t.Fatalf("search -- atelier -traite: exit %d; stderr:\n%s", code, stderr)
	}
	if excl == all {
		t.Errorf("search -- atelier -traite gave the same result as atelier: the excluded word was lost")
	}
	code, _, stderr = runMain(t, ctx, "search", "--data", data, "atelier", "-traite")
	if code != 2 || !strings.Contains(stderr, "after --") {
		t.Errorf("search atelier -traite: exit %d, want 2 with a hint about --; stderr:\n%s", code, stderr)
	}
	// The site's synonyms file.
	syn := filepath.Join(t.TempDir(), "synonyms.txt")
	if err := os.WriteFile(syn, []byte("zorglub | atelier\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runMain(t, ctx, "search", "--data", data, "--synonyms", syn, "zorglub"); code != 0 || !strings.Contains(out, "résultat") || strings.Contains(out, "Aucun résultat") {
		t.Errorf("search --synonyms zorglub: exit %d, want the atelier pages; out:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if err := os.WriteFile(syn, []byte("zorglub\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, ctx, "search", "--data", data, "--synonyms", syn, "zorglub"); code != 1 || !strings.Contains(stderr, "line 1 of "+syn) {
		t.Errorf("search with a bad synonyms file: exit %d, want 1 naming its line; stderr:\n%s", code, stderr)
	}
	for _, args := range [][]string{{"--year", "abc"}, {"--from", "2020-02-30"}, {"--lang", "xx"}} {
		code, _, stderr := runMain(t, ctx, append([]string{"search", "--data", data}, append(args, "atelier")...)...)
		if code != 2 {
			t.Errorf("search %q: exit %d, want 2; stderr:\n%s", args, code, stderr)
		}
	}
}

// TestCrawlLossGuard crawls the demo site, then crawls it again while it
// answers a maintenance page (status 200) for its articles: the second crawl
// recognises the error pages, keeps the stored pages, exits 1 and leaves
// the live build; with --force it exits 0 and still stores nothing of the
// maintenance text.
func TestCrawlLossGuard(t *testing.T) {
	site := demosite.New()
	var maintenance atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if maintenance.Load() && strings.Count(r.URL.Path, "/") >= 3 {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!DOCTYPE html><html lang="fr"><head><title>Maintenance</title></head><body><main><h1>Site en maintenance</h1><p>Le site de la mission est en cours de maintenance. Merci de revenir dans quelques instants.</p></main></body></html>`))
			return
		}
		site.ServeHTTP(w, r)
	}))
	defer ts.Close()
	data := t.TempDir()
	ctx := context.Background()
	if code, _, stderr := runMain(t, ctx, "crawl", "--data", data, "--delay", "0", ts.URL+"/"); code != 0 {
		t.Fatalf("first crawl: exit %d\n%s", code, stderr)
	}
	d, err := index.OpenDir(data)
	if err != nil {
		t.Fatal(err)
	}
	first, err := d.Current()
	if err != nil {
		t.Fatal(err)
	}
	art := site.Articles()[0]
	maintenance.Store(true)
	// --max-age 0: every page is due (a nightly crawl checks those due).
	code, _, stderr := runMain(t, ctx, "crawl", "--data", data, "--delay", "0", "--max-age", "0", ts.URL+"/")
	if code != 1 {
		t.Fatalf("crawl during maintenance: exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if cur, _ := d.Current(); cur != first {
		t.Errorf("crawl during maintenance published build %s, want %s kept", cur, first)
	}
	code, out, stderr := runMain(t, ctx, "search", "--data", data, "--json", "--", art.Title)
	if code != 0 || !strings.Contains(out, art.Path) {
		t.Errorf("after the refused crawl, %q does not find %s (exit %d):\n%s\n%s", art.Title, art.Path, code, out, stderr)
	}
	if code, _, stderr := runMain(t, ctx, "crawl", "--data", data, "--delay", "0", "--max-age", "0", "--force", ts.URL+"/"); code != 0 {
		t.Errorf("crawl --force during maintenance: exit %d, want 0; stderr:\n%s", code, stderr)
	}
	// The maintenance pages are error pages: even forced, their text is
	// never stored, and the articles are still found.
	code, out, _ = runMain(t, ctx, "search", "--data", data, "--json", "--", art.Title)
	if code != 0 || !strings.Contains(out, art.Path) {
		t.Errorf("after crawl --force, %q does not find %s", art.Title, art.Path)
	}
	if _, out, _ := runMain(t, ctx, "search", "--data", data, "--json", "--", "merci de revenir dans quelques instants"); strings.Contains(out, art.Path) {
		t.Errorf("the maintenance text was stored for %s", art.Path)
	}
}
