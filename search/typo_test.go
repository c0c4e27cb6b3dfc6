package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// TestTyposNeverInvent checks the typo alternatives on pairs of real French
// words that are one or two edits apart but mean other things: a word the
// index lacks must not find its neighbour, and a word the index knows must
// not get alternatives at all. Real typos still find their word, flagged
// as approximate.
func TestTyposNeverInvent(t *testing.T) {
	page := func(slug, title, body string) *missionsearch.Page {
		u := "https://m.example/" + slug
		return &missionsearch.Page{ID: missionsearch.PageID(u), URL: u, Title: title, Body: body, Lang: missionsearch.LangFR, Tags: []string{}}
	}
	pages := []*missionsearch.Page{
		page("coordination", "Réunion de coordination", "La coordination des acteurs de la protection a été renforcée."),
		page("ordonnees", "Tableau des données", "Les ordonnées et les abscisses du graphique ont été vérifiées."),
		page("quand", "Calendrier", "On ne sait pas encore quand viendra la prochaine session."),
		page("agriculture", "Agriculture durable", "Un atelier sur l'agriculture durable dans la région."),
		page("roland", "Visite de M. Roland", "M. Roland a rencontré les partenaires."),
		page("population", "Recensement", "La population de la région a augmenté."),
		page("marine", "La marine marchande", "Une formation pour les métiers de la marine."),
		page("pension", "Retraite", "Le montant de la pension des anciens travailleurs."),
		page("casablanca", "Le port", "Une visite du port de Casablanca avec les autorités."),
		page("migration", "Migration et développement", "Un dialogue sur la migration."),
	}
	// A word the site uses on several pages, and its neighbour.
	for i := range 4 {
		pages = append(pages, page(fmt.Sprintf("ordinateur-%d", i), "Atelier numérique", "Chaque participant a reçu un ordinateur portable."))
	}
	pages = append(pages, page("ordinaire", "Session ordinaire", "La session ordinaire du conseil."))
	s := New(mustBuildIndex(t, pages...))
	search := func(q string) *Result {
		t.Helper()
		res, err := s.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res
	}
	slugs := func(res *Result) []string {
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.URL[len("https://m.example/"):])
		}
		return out
	}
	for _, tt := range []struct{ typed, neighbour string }{
		{"apiculture", "agriculture"}, // the second letter differs
		{"hollande", "roland"},        // the first letter differs
		{"quantique", "quand"},
		{"pollution", "population"},
		{"mariage", "marine"},
		{"session", "pension"},
	} {
		if got := slugs(search(tt.typed)); slices.Contains(got, tt.neighbour) {
			t.Errorf("%s finds %s: %v", tt.typed, tt.neighbour, got)
		}
	}
	// A stem far shorter than the word is not where the typo is:
	// ordinateur → ordin is one edit from ordon (ordonnées).
	lacking := New(mustBuildIndex(t, pages[:2]...))
	if res, err := lacking.Search(context.Background(), Request{Query: "ordinateur"}); err != nil || res.Total != 0 {
		t.Errorf("ordinateur, on a site without the word: %v, %v; want nothing", res, err)
	}
	// A word the index knows well gets no alternatives.
	res := search("ordinateur")
	for _, slug := range slugs(res) {
		if slug != "ordinateur-0" && slug != "ordinateur-1" && slug != "ordinateur-2" && slug != "ordinateur-3" {
			t.Errorf("ordinateur finds %s: %v", slug, slugs(res))
		}
	}
	if res.Total != 4 || len(res.Approximate) > 0 {
		t.Errorf("ordinateur: %d hits, approximate %q; want the 4 pages that have it, none approximate", res.Total, res.Approximate)
	}
	// Real typos find their word, flagged.
	for _, tt := range []struct{ typed, want string }{
		{"casablanka", "casablanca"}, // a word of the bodies only
		{"migratoin", "migration"},
	} {
		res := search(tt.typed)
		if got := slugs(res); !slices.Contains(got, tt.want) {
			t.Errorf("%s: %v, want %s", tt.typed, got, tt.want)
			continue
		}
		if !slices.Equal(res.Approximate, []string{tt.typed}) || !res.Hits[0].Approximate {
			t.Errorf("%s: approximate %q, first hit approximate %v; want the word flagged", tt.typed, res.Approximate, res.Hits[0].Approximate)
		}
	}
}

// TestDidYouMeanFromBodies checks that a misspelled word found only in the
// bodies (a name in a report) gets a suggestion, written as on the page.
func TestDidYouMeanFromBodies(t *testing.T) {
	page := func(slug, title, body string) *missionsearch.Page {
		u := "https://m.example/" + slug
		return &missionsearch.Page{ID: missionsearch.PageID(u), URL: u, Title: title, Body: body, Lang: missionsearch.LangFR, Tags: []string{}}
	}
	s := New(mustBuildIndex(t,
		page("visite", "Visite dans le Nord", "La délégation s'est rendue à Tétouan pour rencontrer les associations."),
		page("avocat", "Un procès suivi", "L'avocat Antoine Sollacaro a plaidé pour la défense."),
		page("autre", "Autre nouvelle", "Rien à voir avec le reste."),
	))
	for _, tt := range []struct{ typed, want, page string }{
		{"tetuan", "tétouan", "visite"},
		{"sollacsro", "sollacaro", "avocat"},
	} {
		res, err := s.Search(context.Background(), Request{Query: tt.typed})
		if err != nil {
			t.Fatal(err)
		}
		if res.DidYouMean != tt.want {
			t.Errorf("%s: did you mean %q, want %q", tt.typed, res.DidYouMean, tt.want)
		}
		if len(res.Hits) == 0 || res.Hits[0].URL != "https://m.example/"+tt.page || !res.Hits[0].Approximate {
			t.Errorf("%s: hits %v, want %s first, approximate", tt.typed, res.Hits, tt.page)
		}
	}
}
