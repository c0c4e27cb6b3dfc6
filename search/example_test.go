package search_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/search"
)

// A search for French news of 2024 about events, whatever the accents
// typed, with the counts of the other years kept for the year facet.
func ExampleRequest() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	m, err := index.NewMapping()
	if err != nil {
		log.Fatal(err)
	}
	idx, err := bleve.NewUsing(filepath.Join(dir, "index"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer idx.Close()
	for _, p := range []*missionsearch.Page{
		{ID: "a", URL: "https://mission.example/fr/news/fes", Lang: "fr", Section: "news",
			Published: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
			Title:     "Festival de Fès", Body: "Les événements de Fès attirent des milliers de visiteurs."},
		{ID: "b", URL: "https://mission.example/fr/news/rabat", Lang: "fr", Section: "news",
			Published: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC),
			Title:     "Rencontre à Rabat", Body: "Un événement consacré à la jeunesse."},
	} {
		if err := idx.Index(p.ID, index.Document(p)); err != nil {
			log.Fatal(err)
		}
	}

	s := search.New(idx)
	res, err := s.Search(context.Background(), search.Request{
		Query: "evenements -concours",
		Years: []string{"2024"},
		Langs: []string{"fr"},
		Sort:  search.SortRelevance,
		Page:  1,
		Size:  10,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Query, res.Total)
	for _, h := range res.Hits {
		fmt.Println(h.Title, "|", h.Snippet)
	}
	for _, f := range res.Facets[search.FacetYear] {
		fmt.Println(f.Value, f.Count, f.Selected)
	}
	// Output:
	// evenements -concours 1
	// Festival de Fès | Les <mark>événements</mark> de Fès attirent des milliers de visiteurs.
	// 2024 1 true
	// 2023 1 false
}
