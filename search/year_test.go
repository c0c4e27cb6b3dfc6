package search

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

// TestYearInQuery checks that a year typed beside other words finds the
// pages dated that year, first, as well as those that only write it, and
// that a year alone is still a word.
func TestYearInQuery(t *testing.T) {
	day := func(y int) time.Time { return time.Date(y, 5, 1, 0, 0, 0, 0, time.UTC) }
	pages := []*missionsearch.Page{
		{URL: "https://m.example/a2019", Title: "Atelier sur la protection", Lang: missionsearch.LangFR, Tags: []string{}, Published: day(2019),
			Body: "Un atelier a réuni les partenaires de la mission."},
		{URL: "https://m.example/a2021", Title: "Atelier régional", Lang: missionsearch.LangFR, Tags: []string{}, Published: day(2021),
			Body: "Un atelier faisait le bilan des actions menées depuis 2019 avec les partenaires."},
		{URL: "https://m.example/b2019", Title: "Forum de la jeunesse", Lang: missionsearch.LangFR, Tags: []string{}, Published: day(2019),
			Body: "Un forum a réuni les jeunes de la région."},
	}
	for _, p := range pages {
		p.ID = missionsearch.PageID(p.URL)
	}
	s := New(mustBuildIndex(t, pages...))
	res, err := s.Search(context.Background(), Request{Query: "atelier 2019"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.URL[strings.LastIndexByte(h.URL, '/')+1:])
	}
	if len(got) != 3 || got[0] != "a2019" || got[1] != "a2021" || res.Hits[1].Match != MatchAll || res.Hits[2].Match != MatchPartial {
		t.Errorf("atelier 2019: %v, want a2019 (dated 2019) then a2021 (writes 2019), then b2019 (only dated 2019) as partial", got)
	}
	res, err = s.Search(context.Background(), Request{Query: "2019"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Errorf("2019 alone: %d hits, want the one page that writes it", res.Total)
	}
}
