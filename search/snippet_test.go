package search

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"github.com/missionsearch/missionsearch"
)

func TestSnippet(t *testing.T) {
	s := New(mustBuildIndex(t))
	long := strings.Repeat("Des mots sans rapport avec la recherche. ", 20)
	tests := []struct {
		name, query, lang, body, desc string
		want                          string // exact snippet, or
		contains                      []string
	}{
		{name: "accented word marked exactly", query: "evenements", body: "Les événements de Fès",
			want: "Les <mark>événements</mark> de Fès"},
		{name: "elided article outside the mark", query: "evenement", body: "Le programme de l'évènement.",
			want: "Le programme de l&#39;<mark>évènement</mark>."},
		{name: "curly elision", query: "accueil", body: "Merci pour l’accueil chaleureux.",
			want: "Merci pour l’<mark>accueil</mark> chaleureux."},
		{name: "stems marked", query: "migrants", body: "Chaque migrant et chaque migrante, pas les migrations.",
			want: "Chaque <mark>migrant</mark> et chaque <mark>migrante</mark>, pas les migrations."},
		{name: "upper case", query: "fes", body: "FÈS, capitale spirituelle.", want: "<mark>FÈS</mark>, capitale spirituelle."},
		{name: "white space collapsed", query: "visa", body: "Demande\n\nde   visa\tici.", want: "Demande de <mark>visa</mark> ici."},
		{name: "html escaped", query: "visa", body: `<a href="x">visa</a> & "co"`,
			want: "&lt;a href=&#34;x&#34;&gt;<mark>visa</mark>&lt;/a&gt; &amp; &#34;co&#34;"},
		{name: "window around the match", query: "consulat", body: long + "Le consulat ouvre lundi. " + long,
			contains: []string{"… ", "<mark>consulat</mark> ouvre lundi", " …"}},
		{name: "window with most words", query: "visa bourse",
			body:     "Un visa ici. " + long + "Le visa et la bourse vont ensemble. " + long,
			contains: []string{"<mark>visa</mark> et la <mark>bourse</mark>"}},
		{name: "arabic", query: "المغرب", lang: "ar", body: "تعاون جديد بالمغرب في مجال التعليم",
			want: "تعاون جديد <mark>بالمغرب</mark> في مجال التعليم"},
		{name: "english", query: "refugees", lang: "en", body: "Each refugee receives advice.",
			want: "Each <mark>refugee</mark> receives advice."},
		{name: "no match: description", query: "calendrier", body: "Horaires.", desc: "Les <dates>.",
			want: "Les &lt;dates&gt;."},
		{name: "no match: start of body", query: "calendrier", body: long,
			contains: []string{"Des mots sans rapport", " …"}},
		{name: "browse: start of body", query: "", body: "Court.", want: "Court."},
		{name: "typo tolerance marked", query: "casablanka", body: "Le port de Casablanca.",
			want: "Le port de <mark>Casablanca</mark>."},
		{name: "invalid utf-8", query: "visa", body: "visa \xff ok", want: "<mark>visa</mark> \uFFFD ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.open()
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			p, err := s.plan(t.Context(), v, q)
			if err != nil {
				t.Fatal(err)
			}
			lang := missionsearch.Lang(tt.lang)
			if lang == "" {
				lang = missionsearch.LangFR
			}
			got := snippet(tt.body, tt.desc, p.matcher(lang))
			if tt.want != "" && got != tt.want {
				t.Errorf("snippet = %q, want %q", got, tt.want)
			}
			for _, c := range tt.contains {
				if !strings.Contains(got, c) {
					t.Errorf("snippet = %q, want %q in it", got, c)
				}
			}
			if n := utf8.RuneCountInString(got); n > snippetRunes+60 && !strings.Contains(got, "<mark>") {
				t.Errorf("snippet of %d characters", n)
			}
			if !utf8.ValidString(got) {
				t.Errorf("snippet %q is not UTF-8", got)
			}
		})
	}
}

func TestResultJSON(t *testing.T) {
	s := New(mustBuildIndex(t, &missionsearch.Page{
		ID: "a", URL: "https://mission.example/fr/news/a", Lang: "fr", Title: "Visa", Body: "Demande de visa.",
		Section: "news", Published: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), Tags: []string{"consulaire"},
	}))
	res, err := s.Search(t.Context(), Request{Query: "visa"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"query", "total", "took_ms", "hits", "facets"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON %s has no %q", b, k)
		}
	}
	hit := got["hits"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "url", "title", "snippet", "published", "section", "lang", "score"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit JSON %v has no %q", hit, k)
		}
	}
	facets := got["facets"].(map[string]any)
	for _, k := range []string{FacetSection, FacetYear, FacetLang, FacetTag} {
		if _, ok := facets[k]; !ok {
			t.Errorf("facets JSON %v has no %q", facets, k)
		}
	}
	if res.Took <= 0 {
		t.Errorf("Took = %v, want it measured", res.Took)
	}
}

func TestSearchContext(t *testing.T) {
	s := New(mustBuildIndex(t, synthPages(200)...))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Search(ctx, Request{Query: "mission"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := s.Search(ctx, Request{Years: []string{"2020"}, Sections: []string{"news"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with facets and a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := s.Suggest(ctx, "mis", 5); !errors.Is(err, context.Canceled) {
		t.Errorf("Suggest with a cancelled context: %v, want context.Canceled", err)
	}
}

// TestConcurrent runs searches of every kind at once (run with -race).
func TestConcurrent(t *testing.T) {
	s := New(mustBuildIndex(t, synthPages(300)...))
	reqs := []Request{
		{Query: "mission coopération"},
		{Query: "migratoin", Years: []string{"2020", "2021"}},
		{Sections: []string{"news"}, Tags: []string{synthWords[0]}},
		{Query: `"lutte contre la traite" -santé`, Sort: SortDate},
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if _, err := s.Search(t.Context(), reqs[i%len(reqs)]); err != nil {
				t.Error(err)
			}
			if _, err := s.Suggest(t.Context(), "coop", 5); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestDeepPaging checks that paging by page number and by cursor agree on
// a larger index, and that the cursor reaches beyond MaxWindow's pages.
func TestDeepPaging(t *testing.T) {
	s := New(mustBuildIndex(t, synthPages(500)...))
	for _, sort := range []string{SortRelevance, SortDate} {
		req := Request{Query: "mission", Sort: sort, Size: 100}
		var byPage, byCursor []string
		for page := 1; ; page++ {
			req.Page = page
			res, err := s.Search(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				byPage = append(byPage, h.ID)
			}
			if len(res.Hits) < req.Size {
				break
			}
		}
		req.Page, req.Size = 0, 7
		for {
			res, err := s.Search(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				byCursor = append(byCursor, h.ID)
			}
			if res.Next == "" {
				break
			}
			req.SearchAfter = res.Next
		}
		if len(byPage) < 100 || strings.Join(byPage, ",") != strings.Join(byCursor, ",") {
			t.Errorf("sort %s: %d hits by page, %d by cursor, or in another order", sort, len(byPage), len(byCursor))
		}
		// A cursor belongs to its request.
		req.Query = "autre chose"
		if _, err := s.Search(t.Context(), req); missionsearch.ErrorCode(err) != missionsearch.EINVALID && req.SearchAfter != "" {
			t.Errorf("cursor reused with another query: %v, want EINVALID", err)
		}
	}
}

func TestUnavailable(t *testing.T) {
	alias := bleve.NewIndexAlias() // as before the first build
	s := New(alias)
	if _, err := s.Search(t.Context(), Request{Query: "visa"}); missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE {
		t.Errorf("Search on an empty alias: %v, want EUNAVAILABLE", err)
	}
	if _, err := s.Suggest(t.Context(), "vi", 5); missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE {
		t.Errorf("Suggest on an empty alias: %v, want EUNAVAILABLE", err)
	}
	if _, err := s.Document(t.Context(), "x"); missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE {
		t.Errorf("Document on an empty alias: %v, want EUNAVAILABLE", err)
	}
	// Through an alias of one index, everything works, spelling included.
	alias.Add(mustBuildIndex(t, &missionsearch.Page{ID: "a", URL: "https://m.example/a", Lang: "fr",
		Title: "Dialogue sur la migration", Body: "Réunion."}))
	res, err := s.Search(t.Context(), Request{Query: "migratoin"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.DidYouMean != "migration" {
		t.Errorf("Search through an alias: total %d, did you mean %q; want 1, %q", res.Total, res.DidYouMean, "migration")
	}
}
