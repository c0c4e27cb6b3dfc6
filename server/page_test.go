package server

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch/server/ui"
)

// contains checks that body holds every needle, and none of the needles
// prefixed by "!".
func contains(t *testing.T, name, body string, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if want, ok := strings.CutPrefix(n, "!"); ok {
			if strings.Contains(body, want) {
				t.Errorf("%s: found %q", name, want)
			}
		} else if !strings.Contains(body, n) {
			t.Errorf("%s: missing %q", name, n)
		}
	}
}

func TestPage(t *testing.T) {
	f := newFixture(t, Config{})
	tests := []struct {
		name    string
		path    string
		status  int
		needles []string
	}{
		{"home lists the latest pages", "/", 200, []string{
			`<html lang="fr" dir="ltr">`, `role="search"`, `<label for="q">`, `<main id="contenu"`, `<aside`, `<header`, `<nav class="pagination" aria-label="Pagination">`,
			`class="skip" href="#contenu"`, `rel="search" type="application/opensearchdescription+xml"`,
			"20 résultats", "Lancement du réseau national sur la migration", `<time datetime="2024-06-01">1er juin 2024</time>`,
			"!<script>", "!style=", "!onclick", `<script src="/static/app.js?v=`,
		}},
		{"results", "/search?q=migration", 200, []string{
			`7 résultats <span class="took">(`, ` ms)</span>`,
			`<a href="https://mission.example.org/fr/news/reseau-migration">Lancement du réseau national sur la migration</a>`,
			`<span class="hit-section">Actualités</span>`, `<span class="hit-section">Événements</span>`, `<span class="hit-section">Communiqués de presse</span>`,
			`<mark>migration</mark>`, `<span class="hit-lang">Anglais</span>`,
			`<article lang="en" dir="ltr">`, `<p class="hit-url" dir="ltr">https://mission.example.org/fr/news/reseau-migration</p>`,
			`value="migration"`, `<title>migration – Recherche`, `dir="auto"`,
			`<p class="to-filters"><a href="#filtres">Affiner la recherche</a></p>`, `<aside id="filtres" class="filters"`,
			`pour « <bdi>migration</bdi> »`, "!page-of",
		}},
		{"arabic themes are marked", "/search?q=migration&tag=" + url.QueryEscape("الهجرة"), 200, []string{
			`<span class="chip-kind">Thème :</span> <bdi lang="ar">الهجرة</bdi>`,
		}},
		{"arabic result", "/search?lang=ar", 200, []string{
			`<article lang="ar" dir="rtl">`, "إطلاق الشبكة الوطنية للهجرة", `<p class="hit-meta" lang="fr" dir="ltr">`, `<span class="hit-lang">Arabe</span>`,
		}},
		{"facet counts", "/search?q=migration", 200, []string{
			`<fieldset class="facet" data-autosubmit>`, `<legend>Rubrique</legend>`, `<legend>Thème</legend>`, `<legend>Année</legend>`, `<legend>Langue</legend>`,
			`name="section" value="news">`, `<label for="f-section-0">Actualités <span class="n">(3)</span></label>`,
			`<label for="f-lang-2">Anglais <span class="n">(1)</span></label>`,
			`name="tag" value="migration">`, `<legend>Période</legend>`, `type="date" id="from" name="from" form="recherche"`,
			`<option value="relevance" selected>pertinence</option>`, `<button type="submit" form="recherche">`,
		}},
		{"multi-select keeps siblings", "/search?section=news&section=stories", 200, []string{
			`name="section" value="news" checked>`, `name="section" value="stories" checked>`,
			`name="section" value="events">`, `Événements <span class="n">(2)</span>`, "13 résultats",
		}},
		{"chips", "/search?q=migration&section=news&tag=migration&from=2024-01-01&to=2024-12-31", 200, []string{
			`aria-label="Retirer le filtre Rubrique : Actualités"`,
			`href="/search?from=2024-01-01&amp;q=migration&amp;tag=migration&amp;to=2024-12-31"`,
			`aria-label="Retirer le filtre Thème : migration"`,
			`<span class="chip-kind">Depuis le :</span> 1er janvier 2024`, `<span class="chip-kind">Jusqu&#39;au :</span> 31 décembre 2024`,
			`href="/search?q=migration&amp;section=news&amp;tag=migration&amp;to=2024-12-31"`,
			`<a class="clear" href="/search?q=migration">Effacer tous les filtres</a>`,
			`value="2024-01-01"`, `value="2024-12-31"`,
		}},
		{"did you mean", "/search?q=atleier", 200, []string{
			`Essayez avec l&#39;orthographe : <a href="/search?q=atelier"><strong>atelier</strong></a>`,
		}},
		{"no result", "/search?q=zzzzqqq&section=news", 200, []string{
			"Aucun résultat", `Aucun résultat pour « <bdi>zzzzqqq</bdi> »`, "!Affiner la recherche</a>", "vérifiez l&#39;orthographe", "retirez un des filtres",
			`aria-label="Retirer le filtre Rubrique : Actualités"`, `href="/search?q=zzzzqqq"`, "!<ol class=\"results\"", "!Exporter CSV",
		}},
		{"relaxed", "/search?q=migration+zzzzqqq", 200, []string{"Aucune page ne contient tous vos mots"}},
		{"soft AND", "/search?q=traite+rabat", 200, []string{
			"1 page contient tous vos mots ; les suivantes n&#39;en contiennent qu&#39;une partie.",
			`<span class="hit-partial">Une partie des mots</span>`, "!Aucune page ne contient tous vos mots",
		}},
		{"approximate", "/search?q=atleier", 200, []string{
			`Résultats approchants pour « <bdi>atleier</bdi> »`, `<span class="hit-approx">Approchant</span>`,
		}},
		{"date in the query", "/search?q=atelier+mars+2021", 200, []string{
			`aria-label="Retirer le filtre Date dans la recherche : mars 2021"`, `href="/search?q=atelier"`,
		}},
		{"exact: nothing approximate", "/search?q=atelier", 200, []string{"!Résultats approchants", "!hit-approx"}},
		{"pagination", "/search?size=3&page=3", 200, []string{
			`<a href="/search?page=2&amp;size=3" rel="prev">Précédent</a>`, `<a href="/search?page=4&amp;size=3" rel="next">Suivant</a>`,
			`<a href="/search?page=3&amp;size=3" aria-current="page" aria-label="Page 3, page actuelle">3</a>`,
			`<a href="/search?size=3" aria-label="Page 1">1</a>`, `aria-label="Page 5">5</a>`, `<li class="gap" aria-hidden="true">…</li>`,
			`aria-label="Page 7">7</a>`, `!aria-label="Page 6"`, `<ol class="results" start="7">`,
			`<span class="page-of"> · page 3 sur 7</span>`, `<title>page 3 – Recherche`,
		}},
		{"first page has no Précédent", "/search?size=5", 200, []string{"!Précédent", "Suivant"}},
		{"last page has no Suivant", "/search?size=5&page=4", 200, []string{"Précédent", "!Suivant"}},
		{"sort date", "/search?q=migration&sort=date", 200, []string{`<option value="date" selected>`}},
		{"staff view", "/search?q=migration&view=liste", 200, []string{
			`<body class="staff">`, `<table class="list">`, `<th scope="col">Date</th>`,
			`<td><time datetime="2024-06-01">2024-06-01</time></td>`, `<input type="hidden" name="view" value="liste">`,
			`<a href="/export?format=csv&amp;q=migration&amp;sort=date" download>Exporter CSV</a>`,
			`<a href="/export?excel=1&amp;format=csv&amp;headers=fr&amp;q=migration&amp;sort=date" download>Exporter pour Excel</a>`,
			`<a href="/export?format=jsonl&amp;q=migration&amp;sort=date" download>Exporter JSONL</a>`,
			`<a href="/search?q=migration">Vue résultats</a>`, `<option value="date" selected>`, "!<ol class=\"results\"",
		}},
		{"export links of the results view", "/search?q=migration&section=news&page=1", 200, []string{
			`href="/export?format=csv&amp;q=migration&amp;section=news"`, `href="/search?q=migration&amp;section=news&amp;view=liste">Vue liste (personnel)</a>`,
		}},
		{"campaign parameters ignored", "/search?q=migration&utm_source=newsletter&fbclid=x", 200, []string{"7 résultats"}},
		{"unknown parameter", "/search?q=migration&secton=news", 400, []string{`role="alert"`, "Votre recherche n&#39;est pas valide", "secton", `value="migration"`}},
		{"bad date", "/search?from=2024-02-30", 400, []string{`role="alert"`, "from"}},
		{"from after to", "/search?from=2024-06-02&to=2024-06-01", 400, []string{`role="alert"`}},
		{"bad view", "/search?view=grille", 400, []string{`role="alert"`, "view"}},
		{"size too big", "/search?size=1000", 400, []string{`role="alert"`, "size"}},
		{"beyond window", "/search?page=2000", 400, []string{`role="alert"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.path)
			if r.status != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, r.status, tt.status)
			}
			if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			contains(t, tt.path, r.body, tt.needles...)
		})
	}
	if r := f.get(t, "/nowhere", "Accept: text/html"); r.status != 404 || !strings.Contains(r.body, "Page introuvable") {
		t.Errorf("unknown page = %d", r.status)
	}
}

// TestPageLinksRoundTrip follows every link of the page that stays on the
// search page: each must answer 200 (every state is a shareable URL).
func TestPageLinksRoundTrip(t *testing.T) {
	f := newFixture(t, Config{})
	hrefRE := regexp.MustCompile(`href="(/(?:search|export)[^"]*)"`)
	seen := map[string]bool{}
	for _, start := range []string{"/search?q=migration&section=news&tag=migration&year=2024&from=2020-01-01", "/search?size=2&page=3", "/search?q=atleier&view=liste"} {
		body := f.get(t, start).body
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			u := html.UnescapeString(m[1])
			if seen[u] {
				continue
			}
			seen[u] = true
			if r := f.get(t, u); r.status != 200 {
				t.Errorf("link %s on %s = %d", u, start, r.status)
			}
		}
	}
	if len(seen) < 15 {
		t.Errorf("only %d links followed", len(seen))
	}
}

// TestHostileContent: page text and queries written to break out of HTML
// never appear unescaped.
func TestHostileContent(t *testing.T) {
	f := newFixture(t, Config{})
	hostileQuery := `"><script>alert(1)</script>`
	bad := []string{"<script>alert", `"onmouseover="`, "<img src=x", "<b>tag</b>", "</title><", `'x'`}
	pages := []string{
		"/search?q=atelier",
		"/search?q=" + url.QueryEscape("piégé"),
		"/search?q=atelier&view=liste",
		"/search?tag=" + url.QueryEscape("<b>tag</b>"),
		"/search?q=" + url.QueryEscape(hostileQuery),
		"/search?q=" + url.QueryEscape(hostileQuery) + "&secton=1",
		"/",
	}
	for _, p := range pages {
		r := f.get(t, p)
		if r.status != 200 && r.status != 400 {
			t.Errorf("GET %s = %d", p, r.status)
		}
		// The only script element is the page's own.
		if n := strings.Count(r.body, "<script"); n != 1 {
			t.Errorf("GET %s: %d <script elements", p, n)
		}
		for _, b := range bad {
			if strings.Contains(r.body, b) {
				i := strings.Index(r.body, b)
				t.Errorf("GET %s: unescaped %q in …%s…", p, b, r.body[max(0, i-80):min(len(r.body), i+80)])
			}
		}
	}
	r := f.get(t, "/search?q=atelier")
	contains(t, "hostile page", r.body,
		`Atelier &lt;script&gt;alert(1)&lt;/script&gt; &#34;onmouseover=&#34;alert(2)&#34;`,
		`<mark>Atelier</mark> piégé &lt;script&gt;alert(1)&lt;/script&gt;`)
	// The API's snippets are escaped HTML too.
	var res searchJSON
	f.get(t, "/api/search?q=atelier").decode(t, &res)
	for _, h := range res.Hits {
		for _, b := range []string{"<script", "<img", `"guillemets"`} {
			if strings.Contains(h.Snippet, b) {
				t.Errorf("API snippet of %s holds %q: %s", h.URL, b, h.Snippet)
			}
		}
		if strings.Contains(h.Title, "<script>") != strings.Contains(h.URL, "hostile") {
			t.Errorf("API title is plain text, as stored: %q", h.Title)
		}
	}
	// A javascript: URL in a page record is neutralised in the href.
	js := fixturePages()[:1]
	js[0].URL = "javascript:alert(1)//" + site
	g := newFixtureWith(t, Config{}, searcherOf(t, js), nil)
	if body := g.get(t, "/").body; strings.Contains(body, `href="javascript:`) {
		t.Errorf("javascript: URL in an href")
	}
}

func TestFrenchLabels(t *testing.T) {
	for in, want := range map[string]string{"news": "Actualités", "stories": "Récits", "press-releases": "Communiqués de presse", "events": "Événements", "publications": "publications"} {
		if got := ui.SectionLabel(in); got != want {
			t.Errorf("SectionLabel(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"2024-06-01": "1er juin 2024", "2023-08-15": "15 août 2023", "2021-12-31": "31 décembre 2021", "2020-02-09": "9 février 2020"} {
		d, _ := time.Parse(time.DateOnly, in)
		if got := ui.FormatDate(d); got != want {
			t.Errorf("FormatDate(%s) = %q, want %q", in, got, want)
		}
	}
	if ui.FormatDate(time.Time{}) != "" {
		t.Errorf("FormatDate(zero) not empty")
	}
	for in, want := range map[int]string{0: "0", 23: "23", 999: "999", 1000: "1\u202f000", 1234567: "1\u202f234\u202f567"} {
		if got := ui.FormatNumber(in); got != want {
			t.Errorf("FormatNumber(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestScriptLang(t *testing.T) {
	for in, want := range map[string]string{"الهجرة": "ar", "Migration et développement": "", "Youth": "", "": "", "2024": "", "migration الهجرة": "ar"} {
		if got := scriptLang(in); got != want {
			t.Errorf("scriptLang(%q) = %q, want %q", in, got, want)
		}
	}
}
