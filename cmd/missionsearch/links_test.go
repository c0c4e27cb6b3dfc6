package main

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLinksBroken crawls a site with dead links and checks that links
// --broken lists each with the pages carrying it, exits 1, and that a site
// without one exits 0.
func TestLinksBroken(t *testing.T) {
	dead := map[string]int{"/supprime": http.StatusNotFound, "/retire": http.StatusGone, "/panne": http.StatusInternalServerError}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code, ok := dead[r.URL.Path]; ok {
			http.Error(w, "non", code)
			return
		}
		switch r.URL.Path {
		case "/":
			w.Write([]byte(`<html><head><title>Accueil</title></head><body><p>Le site de la mission.</p><a href="/a">a</a><a href="/b">b</a><a href="/supprime">x</a></body></html>`))
		case "/a":
			w.Write([]byte(`<html><head><title>Article A</title></head><body><p>Un article de la mission sur la coopération.</p><a href="/supprime">x</a><a href="/retire">y</a></body></html>`))
		case "/b":
			w.Write([]byte(`<html><head><title>Article B</title></head><body><p>Un autre article de la mission, sur un atelier.</p><a href="/panne">z</a></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	data := t.TempDir()
	if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", site.URL+"/"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, stderr)
	}
	code, out, stderr := runMain(t, t.Context(), "links", "--broken", "--data", data, "--format", "csv")
	if code != 1 || !strings.Contains(stderr, "3 dead links") {
		t.Fatalf("links --broken: exit %d, want 1 saying 3 dead links; stderr:\n%s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rows[1:] {
		got[r[0]+" "+strings.TrimPrefix(r[1], site.URL)+" "+strings.TrimPrefix(r[2], site.URL)] = true
	}
	for _, want := range []string{"404 /supprime /", "404 /supprime /a", "410 /retire /a", "500 /panne /b"} {
		if !got[want] {
			t.Errorf("links --broken: no line %q in\n%s", want, out)
		}
	}
	if len(rows) != 5 {
		t.Errorf("links --broken: %d lines, want a header and 4", len(rows))
	}
	if code, _, _ := runMain(t, t.Context(), "links", "--data", data); code != 2 {
		t.Errorf("links without a report: exit %d, want 2", code)
	}

	// The staff view: GET /api/admin/links with the admin token.
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Logger: discardLogger()}
	srv, err := startServer(t.Context(), env, serveConfig{data: data, addr: "127.0.0.1:0", adminToken: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	get := func(path, token string) (int, string) {
		c, b, _ := adminGet(t, srv.url+path, bearer(token))
		return c, b
	}
	if c, _ := get("/api/admin/links", ""); c != http.StatusUnauthorized {
		t.Errorf("dead links without the token: %d, want 401", c)
	}
	c, body := get("/api/admin/links", "s3cret")
	var res struct {
		Total int
		Links []struct {
			URL     string
			Status  int
			CitedBy []string `json:"cited_by"`
		}
	}
	if err := json.Unmarshal([]byte(body), &res); c != 200 || err != nil || res.Total != 3 || len(res.Links) != 3 {
		t.Errorf("GET /api/admin/links: %d %s", c, body)
	}
	if c, csvBody := get("/api/admin/links?format=csv", "s3cret"); c != 200 || !strings.Contains(csvBody, "410,"+site.URL+"/retire,"+site.URL+"/a") {
		t.Errorf("GET /api/admin/links?format=csv: %d\n%s", c, csvBody)
	}

	// The staff page, without JavaScript: HTTP Basic with the token.
	basic := func(path, pass string) (int, string, http.Header) {
		return adminGet(t, srv.url+path, basicAuth(pass))
	}
	if c, body, h := basic("/admin/liens", ""); c != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic") || !strings.Contains(body, "jeton") {
		t.Errorf("staff dead links page without credentials: %d %q, want 401 asking for the token", c, h.Get("WWW-Authenticate"))
	}
	if c, _, _ := basic("/admin/liens", "faux"); c != http.StatusUnauthorized {
		t.Errorf("staff dead links page with a wrong token: %d, want 401", c)
	}
	c, page, _ := basic("/admin/liens", "s3cret")
	for _, want := range []string{"Liens morts", "3 adresses du site", site.URL + "/retire", site.URL + "/panne", ">410<", ">500<", `href="` + site.URL + `/a"`} {
		if c != 200 || !strings.Contains(page, want) {
			t.Errorf("staff dead links page: %d, no %q in\n%s", c, want, page)
			break
		}
	}
	if c, body, _ := basic("/admin/liens.csv", "s3cret"); c != 200 || !strings.Contains(body, "404,"+site.URL+"/supprime,"+site.URL+"/a") {
		t.Errorf("staff dead links CSV: %d\n%s", c, body)
	}

	clean := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html><head><title>Accueil</title></head><body><p>Un site sans lien mort.</p></body></html>`))
	}))
	defer clean.Close()
	data2 := t.TempDir()
	if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data2, "--delay", "0", clean.URL+"/"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, stderr)
	}
	if code, out, stderr := runMain(t, t.Context(), "links", "--broken", "--data", data2); code != 0 || out != "" {
		t.Errorf("links --broken on a clean site: exit %d, out %q; stderr:\n%s", code, out, stderr)
	}
}

// adminGet GETs u with auth applied to the request and returns the status,
// the body and the headers of the answer.
func adminGet(t *testing.T, u string, auth func(*http.Request)) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	auth(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// bearer sends token as the bearer token of the admin API; "" sends none.
func bearer(token string) func(*http.Request) {
	return func(r *http.Request) {
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
	}
}

// basicAuth sends pass as the Basic password of the staff pages (as a
// browser asks for it); "" sends none.
func basicAuth(pass string) func(*http.Request) {
	return func(r *http.Request) {
		if pass != "" {
			r.SetBasicAuth("equipe", pass)
		}
	}
}
