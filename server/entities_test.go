package server

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/entity"
	"github.com/missionsearch/missionsearch/internal/testindex"
)

// entityPages are three French pages whose partners, people and places
// are those entity.Extract finds in their text.
func entityPages(t *testing.T) []missionsearch.Page {
	t.Helper()
	texts := []string{
		"Rabat, le 5 mai 2023 – L'OIM et l'Union européenne lancent un programme à Oujda, en présence de la cheffe de mission, Mme Leïla Benkirane.",
		"Le Gouvernement du Japon finance un projet de santé à Tanger et à Oujda, mis en œuvre avec l'OIM.",
		"L'Union européenne et le Conseil de l'Europe forment des magistrats à Rabat.",
	}
	var pages []missionsearch.Page
	for i, text := range texts {
		e := entity.Extract(text)
		p := missionsearch.Page{URL: "https://m.example/fr/news/e" + string(rune('a'+i)), Type: missionsearch.TypeArticle,
			Title: "Article " + string(rune('A'+i)), Lang: missionsearch.LangFR, Body: text, Tags: []string{},
			Published: time.Date(2023, 5, 5+i, 0, 0, 0, 0, time.UTC), Partners: e.Partners, People: e.People, Places: e.Places}
		p.ID = missionsearch.PageID(p.URL)
		pages = append(pages, p)
	}
	return pages
}

func TestEntityFacetsAPI(t *testing.T) {
	pages := entityPages(t)
	f := newFixtureWith(t, Config{}, testindex.New(t, pages), nil)

	var all searchJSON
	f.get(t, "/api/search").decode(t, &all)
	if all.Total != 3 {
		t.Fatalf("total %d, want 3", all.Total)
	}
	for _, c := range []struct {
		facet, value string
		count        int
	}{
		{"partner", "OIM", 2}, {"partner", "Union européenne", 2}, {"partner", "Japon", 1}, {"partner", "Conseil de l'Europe", 1},
		{"place", "Rabat", 2}, {"place", "Oujda", 2}, {"place", "Tanger", 1},
		{"person", "Leïla Benkirane", 1},
	} {
		if n, _, ok := all.facetCount(c.facet, c.value); !ok || n != c.count {
			t.Errorf("facet %s %q: count %d (present %v), want %d", c.facet, c.value, n, ok, c.count)
		}
	}
	if _, _, ok := all.facetCount("place", "Japon"); ok {
		t.Error("Japon, named as a government, is counted as a place")
	}

	// Filters: OR within a facet, AND across facets; the facet of a filter
	// still counts the other values (multi-select).
	var oim searchJSON
	f.get(t, "/api/search?partner="+url.QueryEscape("OIM")).decode(t, &oim)
	if ids := oim.ids(); len(ids) != 2 || !slices.Contains(ids, pages[0].ID) || !slices.Contains(ids, pages[1].ID) {
		t.Errorf("partner=OIM finds %v, want the first two pages", ids)
	}
	if n, sel, _ := oim.facetCount("partner", "OIM"); n != 2 || !sel {
		t.Errorf("partner=OIM: facet OIM count %d selected %v, want 2, true", n, sel)
	}
	if n, _, _ := oim.facetCount("partner", "Conseil de l'Europe"); n != 1 {
		t.Errorf("partner=OIM: the partner facet counts Conseil de l'Europe %d, want 1 (multi-select)", n)
	}
	if n, _, _ := oim.facetCount("place", "Rabat"); n != 1 {
		t.Errorf("partner=OIM: place Rabat counts %d, want 1", n)
	}
	var both searchJSON
	f.get(t, "/api/search?partner=OIM&place=Tanger").decode(t, &both)
	if ids := both.ids(); len(ids) != 1 || ids[0] != pages[1].ID {
		t.Errorf("partner=OIM&place=Tanger finds %v, want the second page", ids)
	}
	var either searchJSON
	f.get(t, "/api/search?place=Tanger&place=Rabat").decode(t, &either)
	if either.Total != 3 {
		t.Errorf("place=Tanger&place=Rabat finds %d pages, want 3", either.Total)
	}
	var person searchJSON
	f.get(t, "/api/search?person="+url.QueryEscape("Leïla Benkirane")).decode(t, &person)
	if ids := person.ids(); len(ids) != 1 || ids[0] != pages[0].ID {
		t.Errorf("person=Leïla Benkirane finds %v, want the first page", ids)
	}

	// The canonical names are searchable: "Japon" finds the page that
	// says "Gouvernement du Japon", and "Benkirane" its page.
	var q searchJSON
	f.get(t, "/api/search?q=benkirane").decode(t, &q)
	if ids := q.ids(); len(ids) != 1 || ids[0] != pages[0].ID {
		t.Errorf("q=benkirane finds %v, want the first page", ids)
	}

	// The record carries them, the role included.
	var doc missionsearch.Page
	f.get(t, "/api/documents/"+pages[0].ID).decode(t, &doc)
	if !slices.Equal(doc.Partners, pages[0].Partners) || !slices.Equal(doc.Places, pages[0].Places) ||
		len(doc.People) != 1 || doc.People[0] != (missionsearch.Person{Name: "Leïla Benkirane", Role: "cheffe de mission"}) {
		t.Errorf("document: partners %v places %v people %+v, want %v %v %+v", doc.Partners, doc.Places, doc.People,
			pages[0].Partners, pages[0].Places, pages[0].People)
	}

	// A filter value too long is refused, naming the filter.
	r := f.get(t, "/api/search?place="+strings.Repeat("x", 201))
	if r.status != 400 {
		t.Errorf("a 201-character place: status %d, want 400", r.status)
	}
}

func TestEntityFacetsPage(t *testing.T) {
	f := newFixtureWith(t, Config{}, testindex.New(t, entityPages(t)), nil)
	for _, c := range []struct{ path, labels string }{
		{"/search", "Partenaires|Personnes|Lieux"},
		{"/en/search", "Partners|People|Places"},
		{"/ar/search", "الشركاء|الأشخاص|الأماكن"},
	} {
		body := f.get(t, c.path).body
		for _, l := range strings.Split(c.labels, "|") {
			if !strings.Contains(body, l) {
				t.Errorf("%s lacks the facet group %q", c.path, l)
			}
		}
		if !strings.Contains(body, `name="partner" value="OIM"`) && !strings.Contains(body, "partner=OIM") {
			t.Errorf("%s has no OIM value in the partner facet", c.path)
		}
	}
	body := f.get(t, "/search?place=Tanger").body
	if !strings.Contains(body, "Lieu") || !strings.Contains(body, "Tanger") {
		t.Error("/search?place=Tanger shows no chip of the place filter")
	}
}
