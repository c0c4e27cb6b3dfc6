package search

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"missionsearch"
	"missionsearch/index"
)

// French-ish vocabulary of the synthetic pages: real words of a mission's
// news, drawn with a Zipf distribution so that some are everywhere and
// most are rare.
var synthWords = strings.Fields(`
	mission ambassade consulat coopération partenariat développement projet programme
	migration migrants réfugiés asile accueil protection droits femmes enfants jeunesse
	éducation école université étudiants bourses formation emploi entreprises économie
	investissement commerce agriculture pêche eau énergie climat environnement forêt
	santé hôpital vaccination culture patrimoine musique festival cinéma livre exposition
	sécurité justice police frontière visa passeport état civil élections parlement
	ministre délégation visite officielle signature accord convention atelier séminaire
	conférence forum dialogue réunion rencontre réseau associations société civile
	Rabat Casablanca Tanger Fès Marrakech Agadir Oujda Tétouan Meknès Laâyoune
	région province commune ville village rural urbain quartier médina route port
	journée internationale semaine mois année bilan rapport étude enquête données
	lutte contre traite êtres humains trafic corruption violence égalité inclusion
	handicap sport football athlétisme tournoi équipe champion médaille victoire
	innovation numérique internet technologie recherche science laboratoire
	tourisme hôtel voyage transport aéroport train autoroute logement construction
	événement célébration fête nationale indépendance anniversaire hommage mémoire
	nouveau nouvelle grand grande premier première important majeur durable local
	national régional public privé social solidaire humanitaire urgence aide soutien
`)

var synthGlue = strings.Fields(`le la les un une des de du et à au aux pour avec dans sur par en entre`)

type synth struct {
	r    *rand.Rand
	zipf *rand.Zipf
}

func newSynth(seed uint64) *synth {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &synth{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(synthWords)-1))}
}

func (s *synth) word() string { return synthWords[s.zipf.Uint64()] }

func (s *synth) sentence(n int) string {
	ws := make([]string, 0, n)
	for i := 0; i < n; i++ {
		if i > 0 && s.r.IntN(3) == 0 {
			ws = append(ws, synthGlue[s.r.IntN(len(synthGlue))])
		}
		ws = append(ws, s.word())
	}
	t := strings.Join(ws, " ")
	return strings.ToUpper(t[:1]) + t[1:]
}

// synthPages returns n French-ish pages (some English and Arabic) with
// sections, tags, languages and dates spread over 2010-2025.
func synthPages(n int) []*missionsearch.Page {
	s := newSynth(42)
	sections := []string{"news", "stories", "press-releases", "events", "consular"}
	tags := make([]string, 40)
	for i := range tags {
		tags[i] = synthWords[i*3]
	}
	pages := make([]*missionsearch.Page, n)
	for i := range pages {
		p := &missionsearch.Page{
			URL:       fmt.Sprintf("https://mission.example/fr/news/page-%d", i),
			Lang:      missionsearch.LangFR,
			Section:   sections[s.r.IntN(len(sections))],
			Published: time.Date(2010+s.r.IntN(16), time.Month(1+s.r.IntN(12)), 1+s.r.IntN(28), 9, 0, 0, 0, time.UTC),
			Title:     s.sentence(4 + s.r.IntN(6)),
			FetchedAt: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		}
		switch k := s.r.IntN(100); {
		case k < 5:
			p.Lang = missionsearch.LangEN
			p.Title = "News from the mission " + s.word()
		case k < 8:
			p.Lang = missionsearch.LangAR
			p.Title = "أخبار السفارة بالمغرب " + s.word()
		}
		var body []string
		for range 3 + s.r.IntN(6) {
			body = append(body, s.sentence(10+s.r.IntN(20))+".")
		}
		if i%20 == 0 {
			body = append(body, "Une campagne de lutte contre la traite des êtres humains.")
		}
		p.Body = strings.Join(body, "\n\n")
		for range s.r.IntN(4) {
			p.Tags = append(p.Tags, tags[s.r.IntN(len(tags))])
		}
		if s.r.IntN(2) == 0 {
			p.Description = s.sentence(12)
		}
		p.ID = missionsearch.PageID(p.URL)
		pages[i] = p
	}
	return pages
}

var bench struct {
	once sync.Once
	dir  string
	idx  bleve.Index
	err  error
}

// benchIndex returns the on-disk index of 10 000 synthetic pages, built
// once per test binary run and removed by TestMain.
func benchIndex(b *testing.B) bleve.Index {
	bench.once.Do(func() {
		if bench.dir, bench.err = os.MkdirTemp("", "search-bench-"); bench.err != nil {
			return
		}
		m, err := index.NewMapping()
		if err != nil {
			bench.err = err
			return
		}
		idx, err := bleve.NewUsing(filepath.Join(bench.dir, "index"), m, scorch.Name, scorch.Name, nil)
		if err != nil {
			bench.err = err
			return
		}
		batch := idx.NewBatch()
		for _, p := range synthPages(10000) {
			batch.Index(p.ID, index.Document(p))
			if batch.Size() == 1000 {
				if bench.err = idx.Batch(batch); bench.err != nil {
					return
				}
				batch.Reset()
			}
		}
		bench.err = idx.Batch(batch)
		bench.idx = idx
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.idx
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.idx != nil {
		bench.idx.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// BenchmarkSearch measures the query classes of the search page over 10 000
// synthetic pages. Compare runs with benchstat:
//
//	go test -run '^$' -bench . -count 6 -benchmem ./search/ > new.txt
func BenchmarkSearch(b *testing.B) {
	s := New(benchIndex(b))
	tests := []struct {
		name string
		req  Request
	}{
		{"word", Request{Query: "migration"}},
		{"two-words", Request{Query: "coopération santé"}},
		{"phrase", Request{Query: `"lutte contre la traite"`}},
		{"typo", Request{Query: "migratoin"}},
		{"4-facets", Request{Query: "projet", Sections: []string{"news"}, Years: []string{"2020", "2021"}, Langs: []string{"fr"}, Tags: []string{synthWords[0]}}},
		{"browse", Request{}},
		{"browse-filtered", Request{Sections: []string{"news"}, Years: []string{"2024"}}},
		{"date-sort", Request{Query: "mission", Sort: SortDate}},
		{"deep-page", Request{Query: "mission", Page: 50, Size: 100}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			var total uint64
			for b.Loop() {
				res, err := s.Search(b.Context(), tt.req)
				if err != nil {
					b.Fatal(err)
				}
				if res.Total == 0 {
					b.Fatalf("%+v: no hits", tt.req)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "hits")
		})
	}
	b.Run("suggest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got, err := s.Suggest(b.Context(), "coop", 8)
			if err != nil {
				b.Fatal(err)
			}
			if len(got) == 0 {
				b.Fatal("no suggestion")
			}
		}
	})
	b.Run("suggest-1-letter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got, err := s.Suggest(b.Context(), "m", 8)
			if err != nil {
				b.Fatal(err)
			}
			if len(got) == 0 {
				b.Fatal("no suggestion")
			}
		}
	})
}
