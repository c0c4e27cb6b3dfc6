package crawler_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/crawler/extract"
	"github.com/missionsearch/missionsearch/internal/demosite"
)

// TestBoilerplateLearning: a block repeated inside the main content of
// most pages, which extract's structural rules keep, is learned from the
// first pages and left out of every stored body; a crawl with learning
// disabled keeps it.
func TestBoilerplateLearning(t *testing.T) {
	const promo = "Abonnez-vous à notre lettre d'information mensuelle pour suivre nos activités."
	s := newSite(t)
	var links []string
	for i := range 12 {
		p := fmt.Sprintf("/fr/news/article-%c", 'a'+i)
		links = append(links, p)
		s.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html lang="fr"><head><title>Article %c</title></head><body><main><article>
<h1>Article %c</h1><p>Le texte propre de l'article %c parle d'un atelier tenu à Rabat avec les partenaires.</p>
<p>%s</p></article></main></body></html>`, 'a'+i, 'a'+i, 'a'+i, promo)
		})
	}
	s.html("/", "Accueil", "Les liens vers les pages du site.", links...)
	for _, learn := range []bool{true, false} {
		st := openStore(t)
		cfg := s.config()
		if !learn {
			cfg.BoilerplatePages = -1
		}
		stats, _ := crawl(t, cfg, st)
		withPromo := 0
		for _, l := range links {
			p := pageAt(t, st, s.URL(l))
			if p == nil {
				t.Fatalf("%s not stored: %+v", l, stats)
			}
			if !strings.Contains(p.Body, "atelier tenu à Rabat") {
				t.Errorf("%s: own text lost: %q", l, p.Body)
			}
			if strings.Contains(p.Body, promo) {
				withPromo++
			}
		}
		if learn && withPromo != 0 {
			t.Errorf("learning: %d bodies keep the repeated block", withPromo)
		}
		if !learn && withPromo != len(links) {
			t.Errorf("no learning: %d bodies keep the repeated block, want all %d (the test shows nothing)", withPromo, len(links))
		}
	}
}

// TestLearnBoilerplate runs the learning rule on samples of pages given by
// their language and blocks: what is learned, what is kept, and that the
// order of the sample does not matter.
func TestLearnBoilerplate(t *testing.T) {
	const (
		menu        = "Accueil Actualités Nos projets Contact"
		teaser      = "The Government of Japan has granted new funding to the mission to improve access to health care for migrants."
		teaserTitle = "Japan funds health care for migrants"
		newsletter  = "Abonnez-vous à notre lettre d'information mensuelle pour suivre nos activités."
		frTeaser    = "Quarante psychologues et travailleurs sociaux ont suivi une formation à Rabat."
	)
	// own gives a page a block of its own.
	own := func(name string) string { return "Le texte propre de la page " + name + " parle d'un atelier." }
	tests := []struct {
		name          string
		sample        []crawler.SamplePage
		learned, kept []string
	}{
		{
			name: "frequent and rare blocks",
			sample: func() []crawler.SamplePage {
				var s []crawler.SamplePage
				for i := range 10 {
					p := crawler.SamplePage{Lang: "fr", Blocks: []string{own(string(rune('a' + i))), "Partager  cet article"}}
					if i < 2 {
						p.Blocks = append(p.Blocks, "Bloc rare") // on 20% of the pages
					}
					if i < 4 {
						p.Blocks = append(p.Blocks, "Bloc moyen") // on 40%
					}
					if i < 5 {
						p.Blocks = append(p.Blocks, "Bloc fréquent") // on half
					}
					if i >= 8 {
						p.Lang = "en"
						p.Blocks = append(p.Blocks, "Share") // on both English pages only
					}
					s = append(s, p)
				}
				return s
			}(),
			learned: []string{"Partager cet article", "Bloc fréquent"},
			kept:    []string{"Bloc rare", "Bloc moyen", own("a"), "Share"},
		},
		{
			// The sample of a bilingual site caught the few English pages
			// that list one article: its teaser is on most of them, and on
			// the article, where it is the lead paragraph.
			name: "teaser on the listings of a small language group",
			sample: func() []crawler.SamplePage {
				var s []crawler.SamplePage
				for i := range 14 {
					p := crawler.SamplePage{Lang: "fr", Blocks: []string{menu, own(fmt.Sprint("fr", i))}}
					if i < 4 {
						p.Blocks = append(p.Blocks, frTeaser) // home, listing, tag page, article
					}
					s = append(s, p)
				}
				for _, name := range []string{"/en", "/en/news", "/en/news?page=1", "/en/tags/health", "/en/tags/japan"} {
					blocks := []string{menu, teaserTitle, teaser, "Another English article", "Its own teaser, about a community garden in Salé."}
					if name == "/en/news?page=1" {
						blocks = []string{menu, "An older English article", "An older teaser, about a workshop in Oujda."}
					}
					s = append(s, crawler.SamplePage{Lang: "en", Blocks: blocks})
				}
				s = append(s,
					crawler.SamplePage{Lang: "en", Blocks: []string{menu, teaserTitle, teaser, "The funding covers two years of mobile clinics in the Oriental region."}},
					crawler.SamplePage{Lang: "en", Blocks: []string{menu, "Another English article", "Its own teaser, about a community garden in Salé.", "Thirty young people grow vegetables."}},
				)
				return s
			}(),
			learned: []string{menu},
			kept:    []string{teaser, teaserTitle, "Another English article", frTeaser, own("fr0")},
		},
		{
			name: "prose needs three quarters of a group",
			sample: func() []crawler.SamplePage {
				var s []crawler.SamplePage
				for i := range 12 {
					p := crawler.SamplePage{Lang: "fr", Blocks: []string{own(fmt.Sprint(i))}}
					if i < 11 {
						p.Blocks = append(p.Blocks, newsletter) // 92%
					}
					if i < 7 {
						p.Blocks = append(p.Blocks, frTeaser, "Lire la suite") // 58%
					}
					s = append(s, p)
				}
				return s
			}(),
			learned: []string{newsletter, "Lire la suite"},
			kept:    []string{frTeaser, own("0")},
		},
		{
			name: "a language group counts from 10 pages",
			sample: func() []crawler.SamplePage {
				var s []crawler.SamplePage
				for i := range 20 {
					p := crawler.SamplePage{Lang: "fr", Blocks: []string{own(fmt.Sprint(i))}}
					switch {
					case i < 9:
						p.Lang, p.Blocks = "ar", append(p.Blocks, "الرئيسية") // every Arabic page
					case i < 19:
						p.Blocks = append(p.Blocks, "Plan du site") // every French page
					}
					s = append(s, p)
				}
				return s
			}(),
			learned: []string{"Plan du site"},
			kept:    []string{"الرئيسية"},
		},
		{
			name: "too small a sample",
			sample: []crawler.SamplePage{
				{Lang: "fr", Blocks: []string{menu, own("a")}},
				{Lang: "fr", Blocks: []string{menu, own("b")}},
				{Blocks: []string{menu, own("c")}},
				{Blocks: []string{menu, own("d")}},
			},
			kept: []string{menu},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reversed := slices.Clone(tt.sample)
			slices.Reverse(reversed)
			for order, sample := range map[string][]crawler.SamplePage{"": tt.sample, " (sample reversed)": reversed} {
				learned := crawler.LearnBoilerplate(sample)
				for _, b := range tt.learned {
					if !learned(b) {
						t.Errorf("%.50q not learned%s", b, order)
					}
				}
				for _, b := range tt.kept {
					if learned(b) {
						t.Errorf("%.50q learned%s", b, order)
					}
				}
			}
		})
	}
}

// TestLearnBoilerplateDemoSamples: extract's structural rules leave no
// boilerplate in the pages of the demo site, and whatever pages a crawl
// happens to fetch first, learning from them finds none either. Teasers
// are on the articles and on a few listings each, which samples heavy
// with listings or with the small English and Arabic parts once made look
// like boilerplate.
func TestLearnBoilerplateDemoSamples(t *testing.T) {
	ds := demosite.New()
	type page struct {
		path    string
		article bool
		crawler.SamplePage
	}
	articles := map[string]bool{}
	for _, a := range ds.Articles() {
		articles[a.Path] = true
	}
	var pages []page
	for _, path := range ds.Paths() {
		rec := httptest.NewRecorder()
		ds.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		u, err := url.Parse("http://demo.example" + path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := extract.Extract(rec.Body, u, rec.Header().Get("Content-Type"), extract.Options{})
		if err != nil {
			t.Fatalf("Extract(%s): %v", path, err)
		}
		pages = append(pages, page{path, articles[path], crawler.SamplePage{Lang: res.Page.Lang, Blocks: res.Blocks}})
	}

	rng := rand.New(rand.NewPCG(1, 2))
	// pick returns n pages drawn from those that keep says yes to.
	pick := func(n int, keep func(page) bool) []page {
		var from []page
		for _, p := range pages {
			if keep(p) {
				from = append(from, p)
			}
		}
		rng.Shuffle(len(from), func(i, j int) { from[i], from[j] = from[j], from[i] })
		return from[:min(n, len(from))]
	}
	lang := func(l missionsearch.Lang) func(page) bool { return func(p page) bool { return p.Lang == l } }
	strategies := []struct {
		name   string
		sample func() []page
	}{
		{"any pages", func() []page { return pick(5+rng.IntN(26), func(page) bool { return true }) }},
		{"listings first", func() []page {
			return append(pick(20, func(p page) bool { return !p.article }), pick(10, func(p page) bool { return p.article })...)
		}},
		{"English and Arabic", func() []page {
			s := append(pick(10+rng.IntN(6), lang("en")), pick(10+rng.IntN(5), lang("ar"))...)
			return append(s, pick(30-len(s), lang("fr"))...)
		}},
		{"one language's listings", func() []page {
			l := []missionsearch.Lang{"fr", "en", "ar"}[rng.IntN(3)]
			return append(pick(8, func(p page) bool { return p.Lang == l && !p.article }),
				pick(2+rng.IntN(4), func(p page) bool { return p.Lang == l && p.article })...)
		}},
	}
	for _, st := range strategies {
		for range 300 {
			sample := st.sample()
			var sp []crawler.SamplePage
			for _, p := range sample {
				sp = append(sp, p.SamplePage)
			}
			learned := crawler.LearnBoilerplate(sp)
			for _, p := range pages {
				for _, b := range p.Blocks {
					if learned(b) {
						var paths []string
						for _, q := range sample {
							paths = append(paths, q.path)
						}
						t.Fatalf("%s: block %.60q of %s learned from the sample %v", st.name, b, p.path, paths)
					}
				}
			}
		}
	}
}
