package search

import (
	"context"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestSynonyms checks that English words find French pages that say it in
// French (and the reverse), that a run of words can be a term, and that a
// site's own groups add to the shipped ones.
func TestSynonyms(t *testing.T) {
	if _, err := ParseSynonyms("synonyms.txt", strings.NewReader(shippedSynonyms)); err != nil {
		t.Fatalf("shipped synonyms: %v", err)
	}
	page := func(slug, title, body string, lang missionsearch.Lang) *missionsearch.Page {
		u := "https://m.example/" + slug
		return &missionsearch.Page{ID: missionsearch.PageID(u), URL: u, Title: title, Body: body, Lang: lang, Tags: []string{}}
	}
	idx := mustBuildIndex(t,
		page("traite", "Atelier sur la traite", "Les magistrats ont été formés à l'identification des victimes de la traite des êtres humains.", missionsearch.LangFR),
		page("retour", "Un nouveau départ", "Le programme de retour volontaire a aidé 300 personnes.", missionsearch.LangFR),
		page("firewall", "Network guide", "Configure the firewall of the server before opening it.", missionsearch.LangEN),
		page("coop", "Projet de coopérative", "Une coopérative de couture à Tanger.", missionsearch.LangFR),
	)
	s := New(idx)
	found := func(q string) []string {
		t.Helper()
		res, err := s.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, strings.TrimPrefix(h.URL, "https://m.example/"))
		}
		return out
	}
	for _, tt := range []struct{ q, want string }{
		{"trafficking", "traite"},
		{"human trafficking", "traite"},
		{"voluntary return", "retour"},
		{"pare-feu", "firewall"},
	} {
		if got := found(tt.q); len(got) == 0 || got[0] != tt.want {
			t.Errorf("%s: %v, want %s first", tt.q, got, tt.want)
		}
	}
	if got := found("sewing"); len(got) != 0 {
		t.Errorf("sewing before the site's synonyms: %v, want nothing", got)
	}
	groups, err := ParseSynonyms("site.txt", strings.NewReader("# the site's own\ncouture | sewing | tailoring\n"))
	if err != nil {
		t.Fatal(err)
	}
	s = New(idx) // SetSynonyms comes before any search
	s.SetSynonyms(groups)
	if got := found("sewing"); len(got) != 1 || got[0] != "coop" {
		t.Errorf("sewing with the site's synonyms: %v, want coop", got)
	}
	if got := found("trafficking"); len(got) == 0 || got[0] != "traite" {
		t.Errorf("trafficking with the site's synonyms: %v, want the shipped ones kept", got)
	}
	if _, err := ParseSynonyms("site.txt", strings.NewReader("a | b\nlonely\n")); err == nil || !strings.Contains(err.Error(), "line 2 of site.txt") {
		t.Errorf("a one-term group: %v, want an error naming line 2 of site.txt", err)
	}
}
