package search

import (
	"context"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestBoostsChangeRankings checks that the phrase boost acts on
// the ranking in the direction it means: with a large phrase boost the
// page with the exact phrase passes a page with more scattered matches,
// and with a small one it does not. (bleve ignores a boost set on a
// disjunction, which made the phrase and typo boosts no-ops: they are
// now set on the leaves.)
func TestBoostsChangeRankings(t *testing.T) {
	filler := strings.Repeat("La mission publie ses travaux chaque année avec ses partenaires. ", 6)
	pages := []*missionsearch.Page{
		{URL: "https://m.example/phrase", Title: "Une page", Lang: missionsearch.LangFR, Tags: []string{},
			Body: filler + "La formation professionnelle a commencé à Rabat. " + filler},
		{URL: "https://m.example/scattered", Title: "Une autre page", Lang: missionsearch.LangFR, Tags: []string{},
			Body: filler + "La formation des agents. Une voie professionnelle. Une formation, enfin. Un parcours professionnelle. " + filler},
		{URL: "https://m.example/exact", Title: "Une troisième page", Lang: missionsearch.LangFR, Tags: []string{},
			Body: filler + "Un atelier sur la quarantaine a eu lieu. " + filler},
		{URL: "https://m.example/typo", Title: "Une quatrième page", Lang: missionsearch.LangFR, Tags: []string{},
			Body: filler + "La quarantine. Une quarantine. Des quarantine. La quarantine encore. " + filler},
	}
	for _, p := range pages {
		p.ID = missionsearch.PageID(p.URL)
	}
	s := New(mustBuildIndex(t, pages...))
	first := func(q string) string {
		t.Helper()
		res, err := s.Search(context.Background(), Request{Query: q, Size: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no hits", q)
		}
		return res.Hits[0].URL[strings.LastIndexByte(res.Hits[0].URL, '/')+1:]
	}
	set := func(p *float64, v float64) {
		old := *p
		*p = v
		t.Cleanup(func() { *p = old })
	}
	set(&boostPhrase, 0.01)
	s.SetCacheBytes(0)
	if got := first("formation professionnelle"); got != "scattered" {
		t.Fatalf("phrase boost 0.01: %s first, want the scattered matches (the test's premise)", got)
	}
	set(&boostPhrase, 20)
	if got := first("formation professionnelle"); got != "phrase" {
		t.Errorf("phrase boost 20: %s first, want the exact phrase", got)
	}
}

// TestHeadingsPhraseBonus checks that the whole query found as a phrase in
// a page's headings adds its own weight to the phrase bonus, no more: two
// pages alike but for the order of the words of a heading score the same
// but for that weight (a disjunction beside the bonus would have doubled
// the bonus of the page with the phrase, through its coordination
// factor), and a search through the match sets (a filter) finds both.
func TestHeadingsPhraseBonus(t *testing.T) {
	filler := strings.Repeat("La mission publie ses travaux chaque année avec ses partenaires. ", 6)
	body := filler + "La formation professionnelle a commencé à Rabat. " + filler
	pages := []*missionsearch.Page{
		{URL: "https://m.example/heading", Title: "Une page", Lang: missionsearch.LangFR, Tags: []string{},
			Headings: []string{"Bilan de la formation professionnelle"}, Body: body},
		{URL: "https://m.example/other", Title: "Une page", Lang: missionsearch.LangFR, Tags: []string{},
			Headings: []string{"Professionnelle, bilan de la formation"}, Body: body},
	}
	for _, p := range pages {
		p.ID = missionsearch.PageID(p.URL)
	}
	s := New(mustBuildIndex(t, pages...))
	s.SetCacheBytes(0)
	old := boostPhraseHeadings
	t.Cleanup(func() { boostPhraseHeadings = old })
	scores := func(r Request) map[string]float64 {
		t.Helper()
		res, err := s.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 2 || res.Total != 2 {
			t.Fatalf("%+v: %d hits of %d, want both pages", r, len(res.Hits), res.Total)
		}
		out := map[string]float64{}
		for _, h := range res.Hits {
			out[h.URL[strings.LastIndexByte(h.URL, '/')+1:]] = h.Score
		}
		return out
	}
	boostPhraseHeadings = 0
	if sc := scores(Request{Query: "formation professionnelle"}); sc["heading"] != sc["other"] {
		t.Fatalf("without the bonus: scores %v, want equal (the test's premise)", sc)
	}
	boostPhraseHeadings = 0.001
	for _, r := range []Request{{Query: "formation professionnelle"}, {Query: "formation professionnelle", Langs: []string{"fr"}}} {
		sc := scores(r)
		if sc["heading"] <= sc["other"] || sc["heading"] > 1.01*sc["other"] {
			t.Errorf("%+v: scores %v, want the heading's page above the other by its small bonus only", r, sc)
		}
	}
}
