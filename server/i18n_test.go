package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch/server/ui"
)

// TestPageLanguages checks the page in its three languages, chosen by
// ?hl=, by the path (/en/search) or by Accept-Language: <html lang dir>,
// the texts, dates and labels of the language, links that keep it, and
// the error, 404 and 429 pages in it.
func TestPageLanguages(t *testing.T) {
	f := newFixture(t, Config{RateLimit: 1, RateBurst: 50})
	cases := []struct {
		name, path, accept string
		want               []string
	}{
		{"french by default", "/search?q=migration", "", []string{`<html lang="fr" dir="ltr">`, "Affiner la recherche", "Actualités", "1er juin 2024", `<span class="hit-lang">Anglais</span>`}},
		{"english by hl", "/search?q=migration&hl=en", "", []string{`<html lang="en" dir="ltr">`, "Refine the search", "7 results", "News", "1 June 2024", `<span class="hit-lang">English</span>`, `href="/search?hl=en&amp;q=migration&amp;view=liste"`, `<article lang="fr" dir="ltr">`}},
		{"arabic by path", "/ar/search?q=migration", "", []string{`<html lang="ar" dir="rtl">`, "تدقيق البحث", "الأخبار", "1 يونيو 2024", `<span class="hit-lang">الإنجليزية</span>`, `hl=ar`}},
		{"english by Accept-Language", "/search?q=migration", "en-GB,en;q=0.9,fr;q=0.5", []string{`<html lang="en" dir="ltr">`, "Search results for", "<bdi>migration</bdi>"}},
		{"arabic by Accept-Language", "/", "ar-MA", []string{`<html lang="ar" dir="rtl">`, "بحث"}},
		{"hl wins over Accept-Language", "/search?q=migration&hl=fr", "en", []string{`<html lang="fr" dir="ltr">`}},
		{"english invalid filter", "/search?q=x&year=abc&hl=en", "", []string{"Your search is not valid", "The year"}},
		{"arabic invalid filter", "/search?q=x&year=abc&hl=ar", "", []string{"بحثك غير صالح", "تحقق من كلمات البحث", "!The year"}},
		{"english no result", "/search?q=zzzzqqq&hl=en", "", []string{"No results for", "check the spelling"}},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		req.RemoteAddr = "192.0.2.10:1"
		if c.accept != "" {
			req.Header.Set("Accept-Language", c.accept)
		}
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		contains(t, c.name, rec.Body.String(), c.want...)
		if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Language") {
			t.Errorf("%s: no Vary: Accept-Language", c.name)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/nowhere?hl=en", nil)
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "Page not found") {
		t.Errorf("404 in English: %d", rec.Code)
	}
	// The 429 page in Arabic.
	lim := newFixture(t, Config{RateLimit: 1, RateBurst: 1})
	var body string
	for range 3 {
		req := httptest.NewRequest(http.MethodGet, "/search?q=x&hl=ar", nil)
		req.RemoteAddr = "192.0.2.11:1"
		rec := httptest.NewRecorder()
		lim.srv.Handler().ServeHTTP(rec, req)
		body = rec.Body.String()
		if rec.Code == http.StatusTooManyRequests {
			break
		}
	}
	if !strings.Contains(body, "طلبات كثيرة جداً") || !strings.Contains(body, `dir="rtl"`) {
		t.Errorf("429 page in Arabic:\n%.300s", body)
	}
}

// TestCatalogComplete checks that every text of the page template is in
// the catalog with its English and Arabic translations.
func TestCatalogComplete(t *testing.T) {
	b, err := os.ReadFile("ui/templates/page.html")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`\.T\.(?:S|Isolated|Plural) "((?:[^"\\]|\\.)*)"(?: "((?:[^"\\]|\\.)*)")?`).FindAllStringSubmatch(string(b), -1)
	if len(keys) < 40 {
		t.Fatalf("only %d texts found in the template", len(keys))
	}
	fr, en, ar := ui.For("fr"), ui.For("en"), ui.For("ar")
	for _, k := range keys {
		for _, key := range k[1:] {
			if key == "" {
				continue
			}
			key = strings.ReplaceAll(key, `\'`, "'")
			if en.S(key) == fr.S(key) && key != "API" && key != "Date" && key != "Type" && key != "Suggestions" && key != "Pagination" && key != "Page %d" {
				t.Errorf("no English for %q", key)
			}
			if ar.S(key) == fr.S(key) && key != "API" {
				t.Errorf("no Arabic for %q", key)
			}
		}
	}
}
