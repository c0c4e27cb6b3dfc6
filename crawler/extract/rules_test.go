package extract

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

// TestExtractRules checks single extraction rules on small inline pages.
func TestExtractRules(t *testing.T) {
	const para = "<p>La mission a organisé une rencontre avec les partenaires de la société civile et les services de l'État dans la région.</p>"
	const enPara = "<p>The mission held a meeting with the partners of civil society and with the services of the State in the region, and they agreed on a plan that will be carried out over the next three years by all of them.</p>"
	const arPara = "<p>نظمت البعثة لقاء مع شركائها من المجتمع المدني ومصالح الدولة في الجهة من أجل تنسيق العمل في مجال حماية المهاجرين</p>"
	tests := []struct {
		name  string
		url   string
		html  string
		opts  Options
		check func(t *testing.T, r *Result)
	}{
		{"section from breadcrumb known label", "https://m.example.org/communique-2024",
			`<nav class="breadcrumb"><ol><li><a href="/">Accueil</a></li><li><a href="/cp">Communiqués de presse</a></li><li>Le communiqué</li></ol></nav><main>` + para + `</main>`,
			Options{}, wantSection("press-releases")},
		{"section from breadcrumb other label", "https://m.example.org/rapport-2024",
			`<ol class="breadcrumb"><li><a href="/">Accueil</a></li><li><a href="/rapports">Rapports annuels</a></li><li>Rapport 2024</li></ol><main>` + para + `</main>`,
			Options{}, wantSection("rapports-annuels")},
		{"section breadcrumb only home", "https://m.example.org/fr/contact",
			`<nav aria-label="Fil d'Ariane"><ol><li><a href="/fr">Accueil</a></li><li>Contact</li></ol></nav><main>` + para + `</main>`,
			Options{}, wantSection("")},
		{"section not from a numeric segment", "https://m.example.org/2024/06/un-article",
			`<main>` + para + `</main>`, Options{}, wantSection("")},
		{"section without language prefix", "https://m.example.org/news/un-article",
			`<main>` + para + `</main>`, Options{}, wantSection("news")},
		{"section from canonical not node path", "https://m.example.org/fr/node/12",
			`<link rel="canonical" href="/fr/stories/lina"><main>` + para + `</main>`, Options{},
			func(t *testing.T, r *Result) {
				wantSection("stories")(t, r)
				if r.Canonical != "https://m.example.org/fr/stories/lina" {
					t.Errorf("Canonical = %q", r.Canonical)
				}
			}},
		{"listing takes no date", "https://m.example.org/fr/news",
			`<meta property="og:type" content="website"><main><div class="views-row"><time datetime="2020-01-02">2 janvier 2020</time>` + para + `</div></main>`,
			Options{}, wantDates(time.Time{}, time.Time{})},
		{"time element", "https://m.example.org/fr/news/x",
			`<main><p>Publié le <time datetime="2020-01-02T00:00:00Z">2 janvier 2020</time></p>` + para + `</main>`,
			Options{}, wantDates(day(2020, 1, 2), time.Time{})},
		{"itemprop dates", "https://m.example.org/fr/news/x",
			`<main><meta itemprop="datePublished" content="2021-05-06"><time itemprop="dateModified" datetime="2021-06-07">7 juin</time>` + para + `</main>`,
			Options{}, wantDates(day(2021, 5, 6), day(2021, 6, 7))},
		{"dcterms date", "https://m.example.org/fr/news/x",
			`<meta name="dcterms.date" content="2019-09-09"><meta name="dcterms.modified" content="2019-10-10"><main>` + para + `</main>`,
			Options{}, wantDates(day(2019, 9, 9), day(2019, 10, 10))},
		{"wordpress updated class", "https://m.example.org/fr/news/x",
			`<article><time class="entry-date published" datetime="2022-01-01">1</time><time class="updated" datetime="2022-02-02">2</time>` + para + `</article>`,
			Options{}, wantDates(day(2022, 1, 1), day(2022, 2, 2))},
		{"dateline only in first paragraph", "https://m.example.org/fr/news/x",
			`<main><h2>Un sous-titre</h2>` + para + `<p>Le 3 mai 2022, un second atelier se tiendra à Rabat avec les mêmes partenaires de la mission.</p></main>`,
			Options{}, wantDates(time.Time{}, time.Time{})},
		{"lang attr kept", "https://m.example.org/fr/x", `<html lang="fr-FR"><main>` + para + `</main>`, Options{}, wantLang("fr")},
		{"lang attr fr, English text", "https://m.example.org/fr/x", `<html lang="fr"><main>` + enPara + `</main>`, Options{}, wantLang("en")},
		{"lang attr fr, Arabic text", "https://m.example.org/fr/x", `<html lang="fr"><main>` + arPara + `</main>`, Options{}, wantLang("ar")},
		{"lang attr en, short French text", "https://m.example.org/en/x", `<html lang="en"><main><p>Bonjour à tous</p></main>`, Options{}, wantLang("en")},
		{"no lang, no text, default", "https://m.example.org/x", `<main><p>12 345</p></main>`, Options{DefaultLang: missionsearch.LangEN}, wantLang("en")},
		{"unsupported lang attr", "https://m.example.org/es/x", `<html lang="es"><main>` + enPara + `</main>`, Options{}, wantLang("en")},
		{"content-language meta", "https://m.example.org/x", `<meta http-equiv="Content-Language" content="en"><main><p>Atelier</p></main>`, Options{}, wantLang("en")},
		{"robots none", "https://m.example.org/x", `<meta name="robots" content="NONE"><main>` + para + `</main>`, Options{},
			func(t *testing.T, r *Result) {
				if !r.NoIndex || !r.NoFollow {
					t.Errorf("NoIndex, NoFollow = %v, %v; want true, true", r.NoIndex, r.NoFollow)
				}
			}},
		{"robots nofollow only", "https://m.example.org/x", `<meta name="robots" content="index, nofollow"><main>` + para + `</main>`, Options{},
			func(t *testing.T, r *Result) {
				if r.NoIndex || !r.NoFollow {
					t.Errorf("NoIndex, NoFollow = %v, %v; want false, true", r.NoIndex, r.NoFollow)
				}
			}},
		{"base href", "https://m.example.org/fr/x", `<base href="https://m.example.org/en/"><a href="page">p</a><a href="mailto:a@b.c">m</a><a href="tel:1">t</a><a>none</a><a href="page#x">p</a><main>` + para + `</main>`, Options{},
			wantLinks("https://m.example.org/en/page")},
		{"title guessed suffix", "https://m.example.org/x", `<title>Rapport annuel | Mission | AIM Maroc</title><main>` + para + `</main>`, Options{}, wantTitle("Rapport annuel | Mission")},
		{"title dash kept without site name", "https://m.example.org/x", `<title>Migration - développement</title><main>` + para + `</main>`, Options{}, wantTitle("Migration - développement")},
		{"title site name option", "https://m.example.org/x", `<title>Migration - AIM Maroc</title><main>` + para + `</main>`, Options{SiteName: "AIM Maroc"}, wantTitle("Migration")},
		{"title og:site_name", "https://m.example.org/x", `<meta property="og:site_name" content="AIM Maroc"><meta property="og:title" content="Migration – AIM Maroc"><main>` + para + `</main>`, Options{}, wantTitle("Migration")},
		{"title from h1 in main", "https://m.example.org/x", `<title>Autre</title><header><h1>Logo du site</h1></header><main><h1> Le  vrai titre </h1>` + para + `</main>`, Options{},
			func(t *testing.T, r *Result) {
				wantTitle("Le vrai titre")(t, r)
				if strings.Contains(r.Page.Body, "vrai titre") {
					t.Errorf("Body repeats the title: %q", r.Page.Body)
				}
			}},
		{"hidden and aria", "https://m.example.org/x",
			`<main>` + para + `<div hidden>caché1</div><div aria-hidden="true">caché2</div><div style="display: none">caché3</div><div role="complementary">caché4</div><span class="sr-only">caché5</span><div class="field--label-hidden"><p>visible</p></div></main>`,
			Options{}, wantBody([]string{"visible"}, []string{"caché"})},
		{"densest container", "https://m.example.org/x",
			`<div class="links"><a href="/1">Lien un</a> <a href="/2">Lien deux</a></div><div class="col"><div class="txt">` + para + para + `<p>Troisième paragraphe assez long pour compter dans le calcul de densité du texte.</p></div></div><div class="foot"><p>Court pied</p></div>`,
			Options{}, wantBody([]string{"Troisième paragraphe"}, []string{"Lien un", "Court pied"})},
		{"keywords tags fallback", "https://m.example.org/x", `<meta name="keywords" content="eau, Migration , ,migration"><main>` + para + `</main>`, Options{},
			func(t *testing.T, r *Result) {
				if got := strings.Join(r.Page.Tags, "|"); got != "eau|Migration" {
					t.Errorf("Tags = %q, want [eau Migration]", r.Page.Tags)
				}
			}},
		{"boilerplate hook", "https://m.example.org/x", `<main>` + para + `<p>Suivez-nous sur les réseaux.</p></main>`,
			Options{Boilerplate: func(b string) bool { return strings.HasPrefix(b, "Suivez-nous") }},
			wantBody([]string{"La mission"}, []string{"Suivez-nous"})},
		{"description fallback og", "https://m.example.org/x", `<meta property="og:description" content=" Une  description "><main>` + para + `</main>`, Options{},
			func(t *testing.T, r *Result) {
				if r.Page.Description != "Une description" {
					t.Errorf("Description = %q", r.Page.Description)
				}
			}},
		{"empty document", "https://m.example.org/x", ``, Options{},
			func(t *testing.T, r *Result) {
				if r.Page.Body != "" || r.Page.Title != "" || len(r.Blocks) != 0 {
					t.Errorf("Body %q, Title %q, want empty", r.Page.Body, r.Page.Title)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.url)
			r, err := Extract(strings.NewReader(tt.html), u, "text/html; charset=utf-8", tt.opts)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkInvariants(t, r)
			tt.check(t, r)
		})
	}
}

func wantSection(s string) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if r.Page.Section != s {
			t.Errorf("Section = %q, want %q", r.Page.Section, s)
		}
	}
}

func wantDates(pub, upd time.Time) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if !r.Page.Published.Equal(pub) || !r.Page.Updated.Equal(upd) {
			t.Errorf("Published, Updated = %v, %v; want %v, %v", r.Page.Published, r.Page.Updated, pub, upd)
		}
	}
}

func wantLang(l missionsearch.Lang) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if r.Page.Lang != l {
			t.Errorf("Lang = %q, want %q", r.Page.Lang, l)
		}
	}
}

func wantTitle(s string) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if r.Page.Title != s {
			t.Errorf("Title = %q, want %q", r.Page.Title, s)
		}
	}
}

func wantLinks(ls ...string) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if strings.Join(r.Links, " ") != strings.Join(ls, " ") {
			t.Errorf("Links = %q, want %q", r.Links, ls)
		}
	}
}

func wantBody(in, out []string) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		for _, s := range in {
			if !strings.Contains(r.Page.Body, s) {
				t.Errorf("Body lacks %q: %q", s, r.Page.Body)
			}
		}
		for _, s := range out {
			if strings.Contains(r.Page.Body, s) {
				t.Errorf("Body contains %q: %q", s, r.Page.Body)
			}
		}
	}
}
