package search

import (
	"context"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestProximity checks that a page with the words of a three-word query
// close together, in another order than the query's (no phrase bonus),
// ranks above a page with them scattered more often: without the
// proximity bonus the scattered page is first (the test's premise). A
// search through the match sets (a filter) must rank them the same.
func TestProximity(t *testing.T) {
	filler := strings.Repeat("La mission publie ses travaux chaque année avec ses partenaires. ", 6)
	pages := []*missionsearch.Page{
		{URL: "https://m.example/close", Title: "Une page", Lang: missionsearch.LangFR, Tags: []string{},
			Body: filler + "La formation professionnelle des agents a commencé. " + filler},
		{URL: "https://m.example/scattered", Title: "Une page", Lang: missionsearch.LangFR, Tags: []string{},
			Body: "Les agents. " + filler + "Une formation. Des agents. " + filler + "Professionnelle, une formation. " + filler + "Professionnelle."},
	}
	s := New(mustBuildIndex(t, pages...))
	s.SetCacheBytes(0)
	first := func(r Request) string {
		t.Helper()
		r.Query = "agents formation professionnelle"
		res, err := s.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 2 {
			t.Fatalf("%+v: %d hits, want both pages", r, len(res.Hits))
		}
		return res.Hits[0].URL[strings.LastIndexByte(res.Hits[0].URL, '/')+1:]
	}
	old := boostProximity
	t.Cleanup(func() { boostProximity = old })
	boostProximity = 0
	if got := first(Request{}); got != "scattered" {
		t.Fatalf("without the proximity bonus: %s first, want the scattered words (the test's premise)", got)
	}
	boostProximity = old
	for _, r := range []Request{{}, {Langs: []string{"fr"}}} {
		if got := first(r); got != "close" {
			t.Errorf("%+v: %s first, want the words close together", r, got)
		}
	}
}

// TestShortestSpan checks the length of the shortest stretch with a
// position of every list.
func TestShortestSpan(t *testing.T) {
	for _, c := range []struct {
		pos  [][]uint64
		want uint64
	}{
		{[][]uint64{{1}, {2}, {3}}, 3},
		{[][]uint64{{1, 40}, {20, 42}, {41}}, 3},
		{[][]uint64{{5}, {1, 9}}, 5},
		{[][]uint64{{10, 30}, {1, 50}, {20}}, 20},
	} {
		if got := shortestSpan(c.pos); got != c.want {
			t.Errorf("shortestSpan(%v) = %d, want %d", c.pos, got, c.want)
		}
	}
}
