package extract

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch/internal/demosite"
)

// benchPage returns a realistic page of about 30 KB: the drupal-fr fixture
// (mega-menu, breadcrumb, sidebar, share bar, footer) with its article body
// lengthened to news-article size.
func benchPage(tb testing.TB) []byte {
	f := loadFixture(tb, "drupal-fr")
	page := f.ar.files["input.html"]
	var extra bytes.Buffer
	for i := 0; len(page)+extra.Len() < 30<<10; i++ {
		fmt.Fprintf(&extra, "<p>Au cours de la séance %d, les participants ont examiné les dispositifs d'accueil, "+
			"les procédures d'orientation vers <a href=\"/fr/news/suivi-%d\">les services sociaux</a> et la coordination "+
			"entre les associations, les services de l'État et les collectivités territoriales de la région de l'Oriental.</p>\n", i, i)
	}
	return bytes.Replace(page, []byte("<p>&nbsp;</p>"), extra.Bytes(), 1)
}

// BenchmarkExtract measures extraction of whole pages. Compare runs with
//
//	go test -run '^$' -bench BenchmarkExtract -count 6 -benchmem ./crawler/extract > new.txt
//	benchstat old.txt new.txt
func BenchmarkExtract(b *testing.B) {
	site := demosite.New()
	ts := httptest.NewServer(site)
	arts := site.Articles()
	slices.SortFunc(arts, func(x, y demosite.Article) int { return len(strings.Join(y.Body, "")) - len(strings.Join(x.Body, "")) })
	demo, _ := fetch(b, ts, arts[0].Path)
	demoURL, _ := url.Parse(ts.URL + arts[0].Path)
	ts.Close()

	cases := []struct {
		name  string
		page  []byte
		u     *url.URL
		title string
	}{
		{"drupal-30KB", benchPage(b), mustURL(b, "https://maroc.example.org/fr/news/atelier-protection-enfants"), "Atelier sur la protection des enfants en mobilité"},
		{"demosite-article", []byte(demo), demoURL, arts[0].Title},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.page)))
			for b.Loop() {
				res, err := Extract(bytes.NewReader(c.page), c.u, "text/html; charset=utf-8", Options{})
				if err != nil || res.Page.Title != c.title {
					b.Fatalf("Extract = %v, title %q; want %q", err, res.Page.Title, c.title)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
