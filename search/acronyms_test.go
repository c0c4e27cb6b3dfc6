package search

import (
	"context"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestAcronyms checks that an acronym finds the pages that spell its name
// out, in French and English, highlighted, and that the pages with the
// acronym itself are still found.
func TestAcronyms(t *testing.T) {
	pages := []*missionsearch.Page{
		{URL: "https://m.example/fr/a", Title: "Un atelier régional", Lang: missionsearch.LangFR, Tags: []string{},
			Body: "L'Organisation internationale pour les migrations a réuni ses partenaires à Rabat."},
		{URL: "https://m.example/en/b", Title: "A regional workshop", Lang: missionsearch.LangEN, Tags: []string{},
			Body: "The International Organization for Migration met its partners in Rabat."},
		{URL: "https://m.example/fr/c", Title: "Le bureau de l'OIM à Oujda", Lang: missionsearch.LangFR, Tags: []string{},
			Body: "L'OIM ouvre un bureau à Oujda."},
		{URL: "https://m.example/fr/d", Title: "Les réfugiés à Rabat", Lang: missionsearch.LangFR, Tags: []string{},
			Body: "Le Haut Commissariat des Nations unies pour les réfugiés a publié son rapport."},
		{URL: "https://m.example/fr/e", Title: "Une autre page", Lang: missionsearch.LangFR, Tags: []string{},
			Body: "Les migrations internationales et l'organisation du travail."},
	}
	for _, p := range pages {
		p.ID = missionsearch.PageID(p.URL)
	}
	s := New(mustBuildIndex(t, pages...))
	found := func(q string) (map[string]bool, *Result) {
		t.Helper()
		res, err := s.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, h := range res.Hits {
			out[h.URL[strings.LastIndexByte(h.URL, '/')+1:]] = true
		}
		return out, res
	}
	got, res := found("OIM")
	if !got["a"] || !got["b"] || !got["c"] || got["e"] || got["d"] {
		t.Errorf("OIM finds %v, want a, b and c (not the page with the words scattered)", got)
	}
	for _, h := range res.Hits {
		if strings.HasSuffix(h.URL, "/a") && !strings.Contains(h.Snippet, "<mark>") {
			t.Errorf("the spelled-out name is not highlighted: %s", h.Snippet)
		}
	}
	if got, _ := found("HCR"); !got["d"] || len(got) != 1 {
		t.Errorf("HCR finds %v, want d", got)
	}
	if got, _ := found(`"OIM"`); !got["c"] || got["a"] {
		t.Errorf(`a quoted "OIM" finds %v, want the acronym only`, got)
	}
}
