package extract

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

// TestDateSources extracts one small page per source of the publication
// date and checks the date, its provenance and the documented precedence
// when sources disagree.
func TestDateSources(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	para := "<p>" + strings.Repeat("La mission a réuni ses partenaires pour une journée de travail. ", 4) + "</p>"
	tests := []struct {
		name, lang, head, body string
		want                   time.Time
		source                 string
	}{
		{"json-ld @graph", "fr", `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage","datePublished":"2020-01-01T00:00:00+00:00"},{"@type":"NewsArticle","datePublished":"2021-10-05T08:30:00+00:00"}]}</script>`,
			para, time.Date(2021, 10, 5, 8, 30, 0, 0, time.UTC), missionsearch.DateJSONLD},
		{"json-ld wins over <time>", "fr", `<script type="application/ld+json">{"@type":"Article","datePublished":"2022-02-08"}</script>`,
			`<p><time datetime="2022-02-21">21 février 2022</time></p>` + para, day(2022, 2, 8), missionsearch.DateJSONLD},
		{"malformed json-ld, then <time>", "fr", `<script type="application/ld+json">{"@type":"Article", "datePublished": "2019-01-01",</script>`,
			`<p><time datetime="2021-03-04">4 mars 2021</time></p>` + para, day(2021, 3, 4), missionsearch.DateTime},
		{"open graph", "fr", `<meta property="article:published_time" content="2016-07-30T01:00:00+01:00">`, para, day(2016, 7, 30), missionsearch.DateOpenGraph},
		{"microdata", "fr", ``, `<p>Publié le <time itemprop="datePublished" datetime="2018-05-02">2 mai 2018</time></p>` + para, day(2018, 5, 2), missionsearch.DateMicrodata},
		{"meta dcterms", "fr", `<meta name="dcterms.date" content="2015-06-01">`, para, day(2015, 6, 1), missionsearch.DateMeta},
		{"french byline", "fr", ``, `<p>Publié le 5 oct. 2021</p>` + para, day(2021, 10, 5), missionsearch.DateProse},
		{"numeric byline, day first", "fr", ``, `<p>05/10/2021</p>` + para, day(2021, 10, 5), missionsearch.DateNumeric},
		{"arabic numeric, day first", "ar", ``, `<p>05/10/2021</p><p>` + strings.Repeat("عقدت البعثة اجتماعا مع الشركاء في الرباط. ", 4) + `</p>`, day(2021, 10, 5), missionsearch.DateNumeric},
		{"english ambiguous numeric: no date", "en", ``, `<p>05/10/2021</p><p>` + strings.Repeat("The mission met its partners in Rabat for a day of work. ", 4) + `</p>`, time.Time{}, ""},
		{"english unambiguous numeric", "en", ``, `<p>07/30/2016</p><p>` + strings.Repeat("The mission met its partners in Rabat for a day of work. ", 4) + `</p>`, day(2016, 7, 30), missionsearch.DateNumeric},
		{"dateline", "fr", ``, `<p>Tanger – 01 aout 2024 – ` + strings.Repeat("Un espace d'accueil a ouvert ses portes. ", 4) + `</p>`, day(2024, 8, 1), missionsearch.DateProse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `<!DOCTYPE html><html lang="` + tt.lang + `"><head><meta charset="utf-8"><title>Une page</title>` + tt.head +
				`</head><body><main><h1>Une page</h1>` + tt.body + `</main></body></html>`
			u, _ := url.Parse("https://mission.example/fr/news/une-page")
			res, err := Extract(strings.NewReader(doc), u, "text/html", Options{})
			if err != nil {
				t.Fatal(err)
			}
			p := res.Page
			if !p.Published.Equal(tt.want) || p.PublishedSource != tt.source {
				t.Errorf("Published = %v from %q, want %v from %q", p.Published, p.PublishedSource, tt.want, tt.source)
			}
			if strings.Contains(p.Body, "Publié le") || strings.HasPrefix(p.Body, "05/10/2021") {
				t.Errorf("the byline is in the body: %q", p.Body[:min(len(p.Body), 80)])
			}
			if tt.name == "malformed json-ld, then <time>" && len(res.Warnings) != 1 {
				t.Errorf("Warnings = %v, want one for the malformed JSON-LD", res.Warnings)
			}
		})
	}
}

// TestListingTeaserDates checks that a listing takes no date of its own
// from its items, and that each teaser carries the date shown beside it,
// numeric dates read in the order the listing's other dates show.
func TestListingTeaserDates(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="fr"><head><title>Actualités</title></head><body><main><h1>Actualités</h1>`)
	for i, d := range []string{"05/10/2021", "07/30/2021", "03/02/2020"} {
		b.WriteString(`<div class="views-row"><h3><a href="/fr/news/a` + string(rune('0'+i)) + `">Un article</a></h3><span>` + d + `</span><p>Un résumé de l'article.</p></div>`)
	}
	b.WriteString(`<nav class="pager"><a href="?page=1" rel="next">Suivant</a></nav></main></body></html>`)
	u, _ := url.Parse("https://mission.example/fr/news")
	res, err := Extract(strings.NewReader(b.String()), u, "text/html", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Page.Type != missionsearch.TypeListing || !res.Page.Published.IsZero() {
		t.Fatalf("type %s, published %v; want a listing without a date", res.Page.Type, res.Page.Published)
	}
	// 07/30/2021 shows that this listing writes month first.
	want := []time.Time{time.Date(2021, 5, 10, 0, 0, 0, 0, time.UTC), time.Date(2021, 7, 30, 0, 0, 0, 0, time.UTC), time.Date(2020, 3, 2, 0, 0, 0, 0, time.UTC)}
	if len(res.Teasers) != 3 {
		t.Fatalf("teasers %+v, want 3", res.Teasers)
	}
	for i, tz := range res.Teasers {
		if !tz.Date.Equal(want[i]) || !strings.HasSuffix(tz.URL, "/fr/news/a"+string(rune('0'+i))) {
			t.Errorf("teaser %d = %s %v, want %v", i, tz.URL, tz.Date, want[i])
		}
	}
}

// TestListingWithoutHeadings checks a Drupal views listing whose titles
// are plain links (no headings): its dated rows make it a listing, with
// each row's date; the same rows without dates (a list of resources) do
// not.
func TestListingWithoutHeadings(t *testing.T) {
	page := func(dated bool) string {
		var b strings.Builder
		b.WriteString(`<!DOCTYPE html><html lang="fr"><head><title>Communiqués</title></head><body><main><h1>Communiqués</h1><div class="view-content">`)
		for i := range 4 {
			b.WriteString(`<div class="views-row"><div class="views-field-title"><span class="field-content"><a href="/fr/communiques/c` + string(rune('0'+i)) + `">Un communiqué de la mission</a></span></div>`)
			if dated {
				b.WriteString(`<div class="views-field-created"><span class="field-content">1` + string(rune('0'+i)) + ` mars 2023</span></div>`)
			}
			b.WriteString(`<div class="views-field-body">Un résumé du communiqué publié par la mission.</div></div>`)
		}
		b.WriteString(`</div></main></body></html>`)
		return b.String()
	}
	u, _ := url.Parse("https://mission.example/fr/communiques")
	res, err := Extract(strings.NewReader(page(true)), u, "text/html", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Page.Type != missionsearch.TypeListing || len(res.Teasers) != 4 {
		t.Fatalf("dated rows: type %s (%s), %d teasers; want a listing of 4", res.Page.Type, res.Signals.Reason, len(res.Teasers))
	}
	if d := res.Teasers[2].Date; !d.Equal(time.Date(2023, 3, 12, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("third row's date %v, want 12 March 2023", d)
	}
	res, err = Extract(strings.NewReader(page(false)), u, "text/html", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Page.Type == missionsearch.TypeListing {
		t.Errorf("rows without dates: a listing (%s), want a page of its own", res.Signals.Reason)
	}
}
