package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestPageHistory crawls a site, changes an article's text and title,
// crawls again, and reads when the page changed from
// GET /api/documents/{id}/history (bearer token).
func TestPageHistory(t *testing.T) {
	var edited atomic.Bool
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Write([]byte(`<html lang="fr"><head><title>Accueil</title></head><body><main><p>Le site de la mission et ses actualités.</p><a href="/atelier">Atelier</a></main></body></html>`))
		case "/atelier":
			if edited.Load() {
				w.Write([]byte(`<html lang="fr"><head><title>Atelier reporté</title></head><body><main><h1>Atelier reporté</h1><p>L'atelier sur la migration régulière est reporté au mois prochain, à Fès.</p></main></body></html>`))
				return
			}
			w.Write([]byte(`<html lang="fr"><head><title>Atelier</title></head><body><main><h1>Atelier</h1><p>L'atelier sur la migration régulière aura lieu à Rabat.</p></main></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	data := t.TempDir()
	for i := range 2 {
		if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", "--max-age", "0", site.URL+"/"); code != 0 {
			t.Fatalf("crawl %d: exit %d\n%s", i, code, stderr)
		}
		edited.Store(true)
	}
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Logger: discardLogger()}
	srv, err := startServer(t.Context(), env, serveConfig{data: data, addr: "127.0.0.1:0", adminToken: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	get := func(path, token string) (int, []byte) {
		c, b, _ := adminGet(t, srv.url+path, bearer(token))
		return c, []byte(b)
	}
	id := missionsearch.PageID(site.URL + "/atelier")
	if c, _ := get("/api/documents/"+id+"/history", ""); c != http.StatusUnauthorized {
		t.Errorf("history without the token: %d, want 401", c)
	}
	c, body := get("/api/documents/"+id+"/history", "s3cret")
	var res struct {
		ID, URL, Title string
		Changes        []missionsearch.Change
	}
	if err := json.Unmarshal(body, &res); c != 200 || err != nil {
		t.Fatalf("history: %d %s (%v)", c, body, err)
	}
	if res.Title != "Atelier reporté" || len(res.Changes) != 1 {
		t.Fatalf("history: %s, want the new title and one change", body)
	}
	ch := res.Changes[0]
	if !slices.Contains(ch.Fields, "title") || !slices.Contains(ch.Fields, "body") || ch.WordsAdded == 0 || ch.WordsRemoved == 0 || ch.At.IsZero() {
		t.Errorf("change: %+v, want title and body changed, words added and removed", ch)
	}
	home := missionsearch.PageID(site.URL + "/")
	if c, body := get("/api/documents/"+home+"/history", "s3cret"); c != 200 || !json.Valid(body) || string(body) == "" {
		t.Errorf("history of an unchanged page: %d %s", c, body)
	} else if err := json.Unmarshal(body, &res); err != nil || len(res.Changes) != 0 {
		t.Errorf("history of an unchanged page: %s, want no change", body)
	}
	if c, _ := get("/api/documents/nope/history", "s3cret"); c != http.StatusNotFound {
		t.Errorf("history of an unknown id: %d, want 404", c)
	}

	// The staff page (HTTP Basic, the token as password).
	basic := func(path string) (int, string) {
		c, b, _ := adminGet(t, srv.url+path, basicAuth("s3cret"))
		return c, b
	}
	c, page := basic("/admin/modifications")
	if c != 200 || !strings.Contains(page, "Pages modifiées") || !strings.Contains(page, "Atelier reporté") || !strings.Contains(page, "titre, texte") ||
		!strings.Contains(page, "/admin/modifications?id="+id) {
		t.Errorf("staff changes page: %d\n%s", c, page)
	}
	c, page = basic("/admin/modifications?id=" + id)
	if c != 200 || !strings.Contains(page, "Historique de") || !strings.Contains(page, "titre, texte") {
		t.Errorf("staff history of a page: %d\n%s", c, page)
	}
	if c, _ := basic("/admin/modifications?id=nope"); c != http.StatusNotFound {
		t.Errorf("staff history of an unknown id: %d, want 404", c)
	}
}
