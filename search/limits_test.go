package search

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// TestHugeTitleCapped searches an index holding a page with a 10 MB title,
// written straight into the index as a build made before the field
// ceilings of index.Document would hold it: the hit's title and the
// suggestion are cut, and the snippet stays short.
func TestHugeTitleCapped(t *testing.T) {
	// Words, then one 10 MB word (cheap to index since the analyzers cut
	// tokens: ten megabytes of words would take gigabytes to index).
	title := "Économie énorme réseau migration développement " + strings.Repeat("x", 10<<20) + " fin"
	p := &missionsearch.Page{
		URL: "https://maroc.example.org/fr/news/titre-enorme", Lang: missionsearch.LangFR, Section: "news",
		Tags:      []string{strings.Repeat("étiquette ", 100)},
		Body:      "Un énorme mot : " + strings.Repeat("e", 1<<20) + " puis la fin du texte énorme.",
		Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	}
	p.ID = missionsearch.PageID(p.URL)
	idx := mustBuildIndex(t, &missionsearch.Page{URL: "https://maroc.example.org/fr/news/autre", Lang: missionsearch.LangFR,
		Title: "Économie bleue", Body: "Une page ordinaire."})
	doc := index.Document(p)
	for _, f := range []string{index.TitleField(missionsearch.LangFR), index.FieldTitleExact, index.FieldSuggest} {
		doc[f] = title
	}
	if err := idx.Index(p.ID, doc); err != nil {
		t.Fatal(err)
	}
	s := New(idx)

	res, err := s.Search(t.Context(), Request{Query: "énorme", Page: 1, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != p.ID {
		t.Fatalf("search énorme: %d hits, want the page %s", len(res.Hits), p.ID)
	}
	h := res.Hits[0]
	if n := utf8.RuneCountInString(h.Title); n > MaxHitTitleRunes || !strings.HasPrefix(h.Title, "Économie énorme réseau") {
		t.Errorf("hit title has %d runes (%.40q…), want at most %d, the start of the title", n, h.Title, MaxHitTitleRunes)
	}
	for _, tag := range h.Tags {
		if n := utf8.RuneCountInString(tag); n > MaxHitTagRunes {
			t.Errorf("hit tag has %d runes, want at most %d", n, MaxHitTagRunes)
		}
	}
	text := html.UnescapeString(regexp.MustCompile(`</?mark>`).ReplaceAllString(h.Snippet, ""))
	if n := utf8.RuneCountInString(text); n > 210 || !strings.Contains(h.Snippet, "<mark>énorme</mark>") {
		t.Errorf("snippet has %d runes of text (%.80q…), want at most 210 with énorme marked", n, h.Snippet)
	}

	for _, prefix := range []string{"eno", "econom", "economie en"} {
		sugs, err := s.Suggest(t.Context(), prefix, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, sg := range sugs {
			if n := utf8.RuneCountInString(sg); n > MaxSuggestionRunes {
				t.Errorf("Suggest(%q): a suggestion of %d runes, want at most %d", prefix, n, MaxSuggestionRunes)
			}
			found = found || strings.HasPrefix(sg, "Économie énorme")
		}
		if !found {
			t.Errorf("Suggest(%q) = %.60q, want the huge title's start among them", prefix, sugs)
		}
	}
}
