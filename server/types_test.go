package server

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

// typedPages are a listing, an article with its English version, a
// static page and a PDF document cited by the article, all about the same
// workshop.
func typedPages() []missionsearch.Page {
	day := time.Date(2022, 3, 14, 0, 0, 0, 0, time.UTC)
	art := missionsearch.Page{URL: site + "/fr/news/atelier-rabat", Type: missionsearch.TypeArticle, Title: "Atelier régional à Rabat",
		Lang: missionsearch.LangFR, Published: day, Section: "news", Tags: []string{"jeunesse"},
		Body:         "Un atelier a réuni les partenaires de la mission à Rabat.",
		Translations: []missionsearch.Link{{URL: site + "/en/news/rabat-workshop", Lang: missionsearch.LangEN}}}
	return []missionsearch.Page{
		art,
		{URL: site + "/fr/tags/jeunesse", Type: missionsearch.TypeListing, Title: "Atelier et jeunesse : tous les articles", Lang: missionsearch.LangFR,
			Tags: []string{}, Body: "Atelier régional à Rabat. Un atelier a réuni les partenaires."},
		{URL: site + "/fr/a-propos", Type: missionsearch.TypeStatic, Title: "À propos", Lang: missionsearch.LangFR, Tags: []string{},
			Body: "La mission organise chaque année un atelier des partenaires."},
		{URL: site + "/files/rapport-atelier.pdf", Type: missionsearch.TypeDocument, Title: "Rapport de l'atelier", Lang: missionsearch.LangFR,
			Published: day, Tags: []string{}, Body: "Le rapport de l'atelier de Rabat présente les recommandations.",
			CitedBy: []missionsearch.Link{{URL: art.URL, Title: art.Title}}},
	}
}

// TestListingsLeftOut checks that listings are not results, suggestions
// or export rows unless a type filter asks for them, and that the page
// shows a document's citing page and an article's other languages.
func TestListingsLeftOut(t *testing.T) {
	f := newFixtureWith(t, Config{}, searcherOf(t, typedPages()), nil)
	var res struct {
		Total  int `json:"total"`
		Hits   []struct{ URL, Type string }
		Facets map[string][]struct {
			Value    string
			Count    int
			Selected bool
		}
	}
	f.get(t, "/api/search?q=atelier").decode(t, &res)
	if res.Total != 3 {
		t.Errorf("atelier: total %d, want 3 (article, static, document)", res.Total)
	}
	for _, h := range res.Hits {
		if h.Type == "listing" {
			t.Errorf("atelier: listing %s in the results", h.URL)
		}
	}
	counts := map[string]int{}
	for _, v := range res.Facets["type"] {
		counts[v.Value] = v.Count
		if v.Selected != (v.Value != "listing") {
			t.Errorf("type facet %s selected = %v", v.Value, v.Selected)
		}
	}
	if counts["listing"] != 1 || counts["article"] != 1 || counts["document"] != 1 {
		t.Errorf("type facet counts %v, want one of each", counts)
	}
	f.get(t, "/api/search?q=atelier&type=listing").decode(t, &res)
	if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Type != "listing" {
		t.Errorf("atelier&type=listing: %+v, want the listing alone", res)
	}
	if r := f.get(t, "/api/search?q=atelier&type=news"); r.status != 400 || !strings.Contains(r.body, "type") {
		t.Errorf("type=news: %d %s, want 400 naming the type", r.status, r.body)
	}

	var sg struct{ Suggestions []string }
	f.get(t, "/api/suggest?q=atel").decode(t, &sg)
	for _, s := range sg.Suggestions {
		if strings.Contains(s, "tous les articles") {
			t.Errorf("suggestion %q is a listing's title", s)
		}
	}
	if len(sg.Suggestions) == 0 {
		t.Errorf("no suggestion for atel")
	}

	csv := f.get(t, "/export?format=csv&q=atelier").body
	if strings.Contains(csv, "/fr/tags/jeunesse") || !strings.Contains(csv, ",type\r\n") && !strings.Contains(csv, ",type\n") {
		t.Errorf("export: listing row or no type column:\n%s", csv)
	}
	if !strings.Contains(csv, ",document") {
		t.Errorf("export: no document row with its type:\n%s", csv)
	}

	page := f.get(t, "/search?q=atelier").body
	for _, want := range []string{
		`<span class="hit-type">Document PDF</span>`,
		`Annexe de : <a href="` + site + `/fr/news/atelier-rabat">Atelier régional à Rabat</a>`,
		`Aussi en : <a href="` + site + `/en/news/rabat-workshop" hreflang="en">Anglais</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "Type de page") {
		t.Errorf("the visitors' page shows the type facet")
	}
	staff := f.get(t, "/search?q=atelier&view=liste").body
	if !strings.Contains(staff, "<legend>Type de page</legend>") || !strings.Contains(staff, "Listes de pages") {
		t.Errorf("the staff view has no type facet with listings")
	}
	withListings := f.get(t, "/search?q=atelier&view=liste&"+url.Values{"type": {"article", "listing", "static", "document"}}.Encode()).body
	if !strings.Contains(withListings, "tous les articles") {
		t.Errorf("staff view with type=listing does not list the listing")
	}
}
