package search

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/synth"
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

type synthGen struct {
	r    *rand.Rand
	zipf *rand.Zipf
}

func newSynth(seed uint64) *synthGen {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &synthGen{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(synthWords)-1))}
}

func (s *synthGen) word() string { return synthWords[s.zipf.Uint64()] }

func (s *synthGen) sentence(n int) string {
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

// benchSizes are the corpus sizes of BenchmarkSearch; the large one is
// skipped unless -bench is given or MISSIONSEARCH_BENCH_LARGE=1.
var benchSizes = []struct {
	name  string
	n     int
	large bool
}{
	{"10k", 10_000, false},
	{"100k", 100_000, true},
}

// benchSeed is the synth corpus of the benchmarks.
const benchSeed = 1

var benchLives sync.Map // data dir → *benchLive

type benchLive struct {
	once sync.Once
	live *index.Live
	err  error
}

// benchIndex returns the live index of n synthetic pages (synth.Pages). The
// build is made once into a data directory under os.TempDir() named after n
// and index.MappingVersion, and reused by later runs: delete
// $TMPDIR/missionsearch-bench-* to rebuild.
func benchIndex(tb testing.TB, n int) *index.Live {
	return benchIndexSites(tb, n, 0)
}

// benchIndexSites is benchIndex with the pages spread over sites sites
// (synth.Site).
func benchIndexSites(tb testing.TB, n, sites int) *index.Live {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("missionsearch-bench-n%d-s%d-m%d", n, benchSeed, index.MappingVersion))
	if sites > 0 {
		dir += fmt.Sprintf("-sites%d", sites)
	}
	v, _ := benchLives.LoadOrStore(dir, &benchLive{})
	bl := v.(*benchLive)
	bl.once.Do(func() { bl.live, bl.err = openBenchLive(tb, dir, n, sites) })
	if bl.err != nil {
		tb.Fatal(bl.err)
	}
	return bl.live
}

func openBenchLive(tb testing.TB, dir string, n, sites int) (*index.Live, error) {
	d, err := index.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	if _, err := d.Current(); err != nil {
		unlock, err := d.Lock()
		if err != nil {
			return nil, err
		}
		defer unlock()
		start := time.Now()
		id, idx, err := d.NewBuild()
		if err != nil {
			return nil, err
		}
		batch := idx.NewBatch()
		i := 0
		err = synth.Pages(n, benchSeed, func(p *missionsearch.Page) error {
			p.Site = synth.Site(i, sites)
			i++
			if err := batch.Index(p.ID, index.Document(p)); err != nil {
				return err
			}
			if batch.Size() < 2000 {
				return nil
			}
			err := idx.Batch(batch)
			batch.Reset()
			return err
		})
		if err == nil {
			err = idx.Batch(batch)
		}
		if err != nil {
			d.Discard(id, idx)
			return nil, err
		}
		if _, err := d.Finish(id, idx, time.Time{}); err != nil {
			return nil, err
		}
		if err := d.Publish(id); err != nil {
			return nil, err
		}
		tb.Logf("built the bench index of %d pages in %s: %s", n, time.Since(start).Round(time.Second), dir)
	}
	live, err := index.OpenLive(d, nil)
	if err != nil {
		return nil, err
	}
	if !live.Ready() {
		live.Close()
		return nil, fmt.Errorf("bench index %s: no usable build", dir)
	}
	return live, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	benchLives.Range(func(_, v any) bool {
		if bl := v.(*benchLive); bl.live != nil {
			bl.live.Close()
		}
		return true
	})
	peerCleanup()
	os.Exit(code)
}

// benchLarge reports whether the large corpora are benchmarked: when a
// -bench pattern is given explicitly... and always when
// MISSIONSEARCH_BENCH_LARGE=1.
func benchLarge() bool {
	if os.Getenv("MISSIONSEARCH_BENCH_LARGE") == "1" {
		return true
	}
	f := flag.Lookup("test.bench")
	return f != nil && f.Value.String() != "" && f.Value.String() != "." && f.Value.String() != ".*"
}

// BenchmarkSearch measures the query classes of the search page over 10 000
// and 100 000 synthetic pages (synth.Pages). The first search of a build
// reads its facet bitmaps and date order (see snapshot.go); b.Loop leaves
// it out of the figures. Compare runs with benchstat:
//
//	go test -run '^$' -bench 'Search/10k' -count 6 -benchmem ./search/ > new.txt
//	MISSIONSEARCH_BENCH_LARGE=1 go test -run '^$' -bench 'Search/100k' -count 3 ./search/
func BenchmarkSearch(b *testing.B) {
	tests := []struct {
		name string
		req  Request
	}{
		{"word-4-facets", Request{Query: "coopération", Sections: []string{"news"}, Years: []string{"2020", "2021"}, Langs: []string{"fr"}, Tags: []string{"migration"}}},
		{"word", Request{Query: "coopération"}},
		{"two-words", Request{Query: "coopération santé"}},
		{"common-word", Request{Query: "projet"}},
		{"phrase", Request{Query: `"coopération développement"`}},
		{"typo", Request{Query: "migratoin"}},
		{"empty", Request{}},
		{"filter-only", Request{Sections: []string{"news"}, Years: []string{"2024"}}},
		{"filter-only-4", Request{Sections: []string{"news", "events"}, Years: []string{"2019", "2024"}, Langs: []string{"fr"}, Tags: []string{"migration"}}},
		{"date-sort", Request{Query: "coopération", Sort: SortDate}},
		{"date-range", Request{Query: "coopération", From: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC)}},
	}
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			if size.large && !benchLarge() {
				b.Skip("set MISSIONSEARCH_BENCH_LARGE=1 or give -bench")
			}
			s := NewLive(benchIndex(b, size.n))
			s.SetCacheBytes(0) // the cost of computing; "cached" below measures the cache
			// MISSIONSEARCH_BENCH_SLOW=1 measures bleve's own facets and
			// sorts (the code before the fast path), for comparison.
			s.slow = os.Getenv("MISSIONSEARCH_BENCH_SLOW") == "1"
			start := time.Now()
			if _, err := s.Search(b.Context(), Request{Query: "coopération", Sort: SortDate}); err != nil {
				b.Fatal(err)
			}
			b.Logf("first search of the build (slow=%v; the fast path reads its facet bitmaps and date order): %s", s.slow, time.Since(start))
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
			deep := []struct {
				name  string
				req   Request
				steps int
			}{
				{"deep-page-browse", Request{Size: 100}, 50},
				{"deep-page-word", Request{Query: "coopération", Sort: SortDate, Size: 100}, 30},
			}
			for _, tt := range deep {
				b.Run(tt.name, func(b *testing.B) {
					// Cursor steps of the maximal page size, then the
					// next step measured.
					req := tt.req
					for range tt.steps {
						res, err := s.Search(b.Context(), req)
						if err != nil {
							b.Fatal(err)
						}
						if res.Next == "" {
							b.Fatal("too few hits for a deep page")
						}
						req.SearchAfter = res.Next
					}
					b.ReportAllocs()
					for b.Loop() {
						res, err := s.Search(b.Context(), req)
						if err != nil {
							b.Fatal(err)
						}
						if len(res.Hits) == 0 {
							b.Fatal("no hits")
						}
					}
				})
			}
			b.Run("cached", func(b *testing.B) {
				c := NewLive(benchIndex(b, size.n))
				req := Request{Query: "coopération", Sections: []string{"news"}, Years: []string{"2020", "2021"}}
				if _, err := c.Search(b.Context(), req); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Search(b.Context(), req); err != nil {
						b.Fatal(err)
					}
				}
				if c.CachedSearches() == 0 {
					b.Fatal("no search answered from the cache")
				}
			})
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
		})
	}
}

// BenchmarkSiteFacet measures what the site facet costs a search: the same
// synthetic pages with no site (a store of one site) and spread over 150
// sites (a network), for a word, the empty search (every facet counted
// over every page) and a search scoped to one site. Compare the two with
// benchstat after renaming (or read the ratio):
//
//	go test -run '^$' -bench 'SiteFacet/10k' -count 6 -benchmem ./search/
func BenchmarkSiteFacet(b *testing.B) {
	reqs := []struct {
		name string
		req  Request
	}{
		{"word", Request{Query: "coopération"}},
		{"empty", Request{}},
		{"scoped-word", Request{Query: "coopération", Sites: []string{"site-000"}}},
	}
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			if size.large && !benchLarge() {
				b.Skip("set MISSIONSEARCH_BENCH_LARGE=1 or give -bench")
			}
			for _, sites := range []int{0, 150} {
				b.Run(fmt.Sprintf("sites-%d", sites), func(b *testing.B) {
					s := NewLive(benchIndexSites(b, size.n, sites))
					s.SetCacheBytes(0)
					if _, err := s.Search(b.Context(), Request{Query: "coopération"}); err != nil {
						b.Fatal(err)
					}
					for _, tt := range reqs {
						b.Run(tt.name, func(b *testing.B) {
							if sites == 0 && len(tt.req.Sites) > 0 {
								b.Skip("no site to scope to")
							}
							b.ReportAllocs()
							for b.Loop() {
								res, err := s.Search(b.Context(), tt.req)
								if err != nil {
									b.Fatal(err)
								}
								if res.Total == 0 {
									b.Fatalf("%+v: no hits", tt.req)
								}
								if sites > 0 && tt.req.Query == "" && len(res.Facets[FacetSite]) != sites {
									b.Fatalf("%d sites in the facet, want %d", len(res.Facets[FacetSite]), sites)
								}
							}
						})
					}
				})
			}
		})
	}
}
