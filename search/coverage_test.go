package search

import (
	"context"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestTitleCoverage checks that a title with all the words of a query
// ranks above one with one of them: without the coverage bonus, the page
// whose short title has one word and whose body has both words more often
// ranks first (the test's premise), with it the page whose title has both.
// The bonus must also not change how many pages match, nor a one-word query.
func TestTitleCoverage(t *testing.T) {
	filler := strings.Repeat("La mission publie ses travaux chaque année avec ses partenaires. ", 6)
	pages := []*missionsearch.Page{
		{URL: "https://m.example/both", Lang: missionsearch.LangFR, Tags: []string{},
			Title: "Rapport annuel de la mission sur les bourses et la formation des jeunes diplômés",
			Body:  filler + "La formation a eu lieu. " + filler + "Les bourses sont ouvertes. " + filler},
		{URL: "https://m.example/one", Lang: missionsearch.LangFR, Tags: []string{},
			Title: "Formation",
			Body: filler + "La formation a eu lieu. Les bourses aussi. " + filler +
				"Une formation encore, des bourses encore. " + filler},
		{URL: "https://m.example/other", Lang: missionsearch.LangFR, Tags: []string{},
			Title: "Autre page", Body: filler + "Des formations. " + filler},
	}
	s := New(mustBuildIndex(t, pages...))
	s.SetCacheBytes(0)
	ranking := func(q string) []string {
		t.Helper()
		res, err := s.Search(context.Background(), Request{Query: q, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.URL[strings.LastIndexByte(h.URL, '/')+1:])
		}
		return out
	}
	old := boostTitleCoverage
	t.Cleanup(func() { boostTitleCoverage = old })
	boostTitleCoverage = 0
	without := ranking("bourses formation")
	if len(without) < 2 || without[0] != "one" {
		t.Fatalf("without the coverage bonus: %v, want the one-word title first (the test's premise)", without)
	}
	one := ranking("formation")
	boostTitleCoverage = old
	if got := ranking("bourses formation"); len(got) != len(without) || got[0] != "both" {
		t.Errorf("with the coverage bonus: %v, want the title with both words first, of the %d pages found without", got, len(without))
	}
	if got := ranking("formation"); strings.Join(got, " ") != strings.Join(one, " ") {
		t.Errorf("one word: %v with the coverage bonus, %v without: want no change", got, one)
	}
}
