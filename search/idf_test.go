package search

import (
	"context"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestSharedIDF checks that a word gets one idf across languages: a French
// page whose block detected as English (indexed in body_en, where the word
// is rare) has the word once must not outrank a French page that has it
// once in its French text, where it is common. Without the shared idf it
// does (the test's premise). A search through the match sets (a filter)
// must score the same.
func TestSharedIDF(t *testing.T) {
	fr := strings.Repeat("La mission publie ses travaux chaque année avec ses partenaires et les associations. ", 4)
	// The same length (in terms) in both languages.
	en := strings.Repeat("The team of the office works with the partners in the city every week. ", 4) + "The formation of the network."
	frBody := strings.Repeat("L'équipe du bureau travaille avec les partenaires dans la ville chaque semaine. ", 4) + "La formation du réseau."
	pages := []*missionsearch.Page{
		{URL: "https://m.example/english-block", Title: "Une page", Lang: missionsearch.LangFR, Tags: []string{}, Body: en},
		{URL: "https://m.example/french", Title: "Une page", Lang: missionsearch.LangFR, Tags: []string{}, Body: frBody},
	}
	for i, w := range []string{"Rabat", "Tanger", "Fès", "Oujda"} {
		pages = append(pages, &missionsearch.Page{URL: "https://m.example/filler" + string(rune('a'+i)), Title: "Atelier à " + w,
			Lang: missionsearch.LangFR, Tags: []string{}, Body: fr + "La formation des agents a eu lieu à " + w + ". " + fr})
	}
	s := New(mustBuildIndex(t, pages...))
	s.SetCacheBytes(0)
	scores := func(r Request) (blockScore, frenchScore float64) {
		t.Helper()
		r.Query, r.Size = "formation", 10
		res, err := s.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			switch h.URL {
			case pages[0].URL:
				blockScore = h.Score
			case pages[1].URL:
				frenchScore = h.Score
			}
		}
		if blockScore == 0 || frenchScore == 0 {
			t.Fatalf("%+v: hits %v, want both pages", r, res.Hits)
		}
		return blockScore, frenchScore
	}
	old := sharedIDF
	t.Cleanup(func() { sharedIDF = old })
	sharedIDF = false
	if b, f := scores(Request{}); b <= f {
		t.Fatalf("one idf per field: English block %.4f, French text %.4f, want the block above (the test's premise)", b, f)
	}
	sharedIDF = true
	b, f := scores(Request{})
	if b > f {
		t.Errorf("one idf across languages: English block %.4f above French text %.4f", b, f)
	}
	if fb, ff := scores(Request{Langs: []string{"fr"}}); fb != b || ff != f {
		t.Errorf("filtered: scores %.4f and %.4f, unfiltered %.4f and %.4f: want the same", fb, ff, b, f)
	}
}
