package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestBasePathAndBranding serves the page under /recherche/ in a site's
// branding: every link, asset, form and API URL of the page is under the
// base path and answers, with or without the prefix (a proxy may strip
// it); the site's name, logo, link back, colours, section labels and
// footer are shown.
func TestBasePathAndBranding(t *testing.T) {
	f := newFixture(t, Config{BasePath: "/recherche/", Branding: Branding{
		SiteName: "AIM Maroc", SiteURL: "https://www.example.org/fr", LogoURL: "https://www.example.org/logo.svg",
		PrimaryColor: "#123456", AccentColor: "#abc", Footer: "© AIM Maroc",
		SectionLabels: map[string]string{"news": "Nouvelles"}, TagLabels: map[string]string{"migration": "Migrations"},
	}})
	page := f.get(t, "/recherche/search?q=migration")
	if page.status != 200 {
		t.Fatalf("GET /recherche/search: %d", page.status)
	}
	refs := regexp.MustCompile(`(?:href|src|action|data-suggest)="([^"]*)"`).FindAllStringSubmatch(page.body, -1)
	if len(refs) < 20 {
		t.Fatalf("only %d links in the page", len(refs))
	}
	for _, m := range refs {
		ref := strings.ReplaceAll(m[1], "&amp;", "&")
		switch {
		case strings.HasPrefix(ref, "#"), strings.HasPrefix(ref, "https://"):
			continue
		case !strings.HasPrefix(ref, "/recherche/"):
			t.Errorf("link %q is not under /recherche/", ref)
			continue
		}
		if strings.Contains(ref, "/export") {
			continue // a download; checked by the export tests
		}
		if r := f.get(t, ref); r.status != 200 {
			t.Errorf("GET %s (a link of the page) = %d", ref, r.status)
		}
	}
	for _, want := range []string{
		"<title>migration – Recherche sur AIM Maroc</title>", `<img class="logo" src="https://www.example.org/logo.svg"`,
		`<a class="back" href="https://www.example.org/fr">Retour au site</a>`, `/recherche/static/brand.css?v=`,
		"© AIM Maroc", `<span class="hit-section">Nouvelles</span>`, `Migrations <span class="n">`,
		`data-suggest="/recherche/api/suggest"`, `action="/recherche/search"`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if css := f.get(t, "/recherche/static/brand.css"); css.status != 200 || !strings.Contains(css.body, "--brand: #123456;") || !strings.Contains(css.body, "--accent: #abc;") {
		t.Errorf("brand.css: %d %q", css.status, css.body)
	}
	if r := f.get(t, "/search?q=migration"); r.status != 200 || !strings.Contains(r.body, `action="/recherche/search"`) {
		t.Errorf("a request whose prefix the proxy stripped: %d", r.status)
	}
	req := httptest.NewRequest(http.MethodGet, "/recherche", nil)
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/recherche/" {
		t.Errorf("GET /recherche: %d → %q, want 301 → /recherche/", rec.Code, rec.Header().Get("Location"))
	}
	if _, err := New(Config{Searcher: f.srv.cfg.Searcher, BasePath: "/a b/"}); err == nil {
		t.Errorf("New accepted the base path %q", "/a b/")
	}
	if _, err := New(Config{Searcher: f.srv.cfg.Searcher, Branding: Branding{PrimaryColor: "red;}body{x"}}); err == nil {
		t.Errorf("New accepted a colour that is CSS injection")
	}
}

// TestOpenSearchBehindProxy checks the absolute URLs of the OpenSearch
// document: the scheme and host a trusted proxy forwards, under the base
// path; never those an untrusted peer claims; PublicURL over both.
func TestOpenSearchBehindProxy(t *testing.T) {
	get := func(cfg Config, peer string, headers ...string) string {
		f := newFixture(t, cfg)
		req := httptest.NewRequest(http.MethodGet, "/recherche/opensearch.xml", nil)
		req.RemoteAddr, req.Host = peer, "127.0.0.1:8080"
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		return rec.Body.String()
	}
	proxy := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	fw := []string{"X-Forwarded-Proto: https", "X-Forwarded-Host: www.example.org"}
	if b := get(Config{BasePath: "/recherche/", TrustedProxies: proxy}, "127.0.0.1:1", fw...); !strings.Contains(b, `template="https://www.example.org/recherche/search?q={searchTerms}"`) {
		t.Errorf("behind a trusted proxy:\n%s", b)
	}
	if b := get(Config{BasePath: "/recherche/"}, "127.0.0.1:1", fw...); strings.Contains(b, "www.example.org") || !strings.Contains(b, `template="http://127.0.0.1:8080/recherche/search`) {
		t.Errorf("an untrusted peer chose the host:\n%s", b)
	}
	pub, _ := url.Parse("https://recherche.example.org/recherche/")
	if b := get(Config{PublicURL: pub}, "192.0.2.1:1"); !strings.Contains(b, `template="https://recherche.example.org/recherche/search?q={searchTerms}"`) {
		t.Errorf("with a public URL:\n%s", b)
	}
}
