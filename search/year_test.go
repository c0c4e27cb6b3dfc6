package search

import (
	"context"
	"slices"
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

// TestMonthInQuery checks that a month's name before a year is a date,
// not a word: "atelier octobre 2021" ranks the workshops of October 2021
// first, even when their text never says "octobre", and the result says
// which date it understood and how to search without it.
func TestMonthInQuery(t *testing.T) {
	day := func(y, m int) time.Time { return time.Date(y, time.Month(m), 12, 0, 0, 0, 0, time.UTC) }
	pages := []*missionsearch.Page{
		{URL: "https://m.example/oct", Title: "Atelier sur la protection", Lang: missionsearch.LangFR, Tags: []string{}, Published: day(2021, 10),
			Body: "Un atelier a réuni les partenaires de la mission."},
		{URL: "https://m.example/nov", Title: "Atelier régional", Lang: missionsearch.LangFR, Tags: []string{}, Published: day(2021, 11),
			Body: "Un atelier sur les actions menées en 2021."},
		{URL: "https://m.example/text", Title: "Atelier de bilan", Lang: missionsearch.LangFR, Tags: []string{}, Published: day(2023, 3),
			Body: "Le bilan de l'atelier d'octobre 2021 est publié."},
		{URL: "https://m.example/forum", Title: "Forum de la jeunesse", Lang: missionsearch.LangFR, Tags: []string{}, Published: day(2021, 10),
			Body: "Un forum a réuni les jeunes de la région."},
	}
	for _, p := range pages {
		p.ID = missionsearch.PageID(p.URL)
	}
	s := New(mustBuildIndex(t, pages...))
	res, err := s.Search(context.Background(), Request{Query: "atelier octobre 2021"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.URL[strings.LastIndexByte(h.URL, '/')+1:]+":"+h.Match)
	}
	if len(got) < 3 || got[0] != "oct:all" || !slices.Contains(got[1:3], "text:all") || !slices.Contains(got[1:3], "nov:all") {
		t.Errorf("atelier octobre 2021: %v, want oct (dated October 2021) first, then the pages with atelier and 2021", got)
	}
	want := &QueryDate{Year: 2021, Month: 10, Without: "atelier"}
	if res.QueryDate == nil || *res.QueryDate != *want {
		t.Errorf("query date %+v, want %+v", res.QueryDate, want)
	}
	res, err = s.Search(context.Background(), Request{Query: "atelier"})
	if err != nil {
		t.Fatal(err)
	}
	if res.QueryDate != nil {
		t.Errorf("atelier: query date %+v, want none", res.QueryDate)
	}
}
