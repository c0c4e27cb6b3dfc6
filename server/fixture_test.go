package server

import (
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/testindex"
	"github.com/missionsearch/missionsearch/search"
)

const site = "https://mission.example.org"

func mustDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// hostileTitle is a page title written to break out of HTML contexts.
const hostileTitle = `Atelier <script>alert(1)</script> "onmouseover="alert(2)" 'x' </title>`

// fixturePages are the pages of the test index: French, English and Arabic,
// of four sections and several years and themes, plus a hostile page.
func fixturePages() []missionsearch.Page {
	fr, en, ar := missionsearch.LangFR, missionsearch.LangEN, missionsearch.LangAR
	pg := func(path, title string, lang missionsearch.Lang, section, date string, tags []string, body string) missionsearch.Page {
		return missionsearch.Page{URL: site + path, Title: title, Lang: lang, Section: section,
			Published: mustDay(date), Tags: tags, Body: body, Description: "",
			FetchedAt: mustDay("2025-01-15")}
	}
	return []missionsearch.Page{
		pg("/fr/news/atelier-traite-2021", "Atelier sur la lutte contre la traite des êtres humains", fr, "news", "2021-03-18",
			[]string{"traite", "protection"}, "La mission a organisé à Rabat un atelier de trois jours sur la traite des êtres humains, avec les autorités judiciaires et la société civile."),
		pg("/fr/news/reseau-migration", "Lancement du réseau national sur la migration", fr, "news", "2024-06-01",
			[]string{"migration"}, "Le réseau réunit les partenaires de la migration et du développement. Les migrants et leurs familles sont au centre du projet."),
		pg("/fr/news/evenement-jeunesse", "L'évènement jeunesse et emploi à Oujda", fr, "news", "2023-11-05",
			[]string{"emploi", "jeunesse"}, "Plus de 300 jeunes ont participé à l'événement consacré à l'emploi et à l'entrepreneuriat dans la région de l'Oriental."),
		pg("/fr/stories/fatima", "Le parcours de Fatima, entrepreneure à Tanger", fr, "stories", "2022-08-01",
			[]string{"emploi", "genre"}, "Fatima a créé sa coopérative de couture grâce au programme de réintégration. Son récit montre la force des femmes migrantes."),
		pg("/fr/stories/retour-volontaire", "Retour volontaire : le récit d'Amadou", fr, "stories", "2021-12-10",
			[]string{"migration", "retour"}, "Amadou raconte son retour volontaire au Sénégal et sa réintégration économique avec l'appui de la mission."),
		pg("/fr/press-releases/accord-ue", "Communiqué : accord avec l'Union européenne sur la gestion des frontières", fr, "press-releases", "2024-02-20",
			[]string{"frontières", "partenariat"}, "La mission et la délégation de l'Union européenne signent un accord pour renforcer la gestion des frontières."),
		pg("/fr/press-releases/rapport-annuel", "Publication du rapport annuel 2023", fr, "press-releases", "2024-04-02",
			[]string{"rapport"}, "Le rapport annuel présente les résultats de la mission en matière de migration, de protection et de développement."),
		pg("/fr/events/forum-migration", "Forum régional sur la migration et le climat", fr, "events", "2023-05-15",
			[]string{"migration", "climat"}, "Le forum réunit des experts sur les liens entre migration, climat et environnement en Afrique du Nord."),
		pg("/fr/events/journee-refugies", "Journée mondiale des réfugiés 2022", fr, "events", "2022-06-20",
			[]string{"protection"}, "La journée mondiale des réfugiés a été célébrée avec une exposition de photographies à Casablanca."),
		pg("/fr/news/sante-migrants", "Accès à la santé pour les migrants", fr, "news", "2022-01-25",
			[]string{"santé", "protection"}, "Une campagne de vaccination a permis d'atteindre des milliers de migrants dans les centres de santé."),
		pg("/fr/news/traite-formation", "Formation des magistrats sur la traite", fr, "news", "2021-09-30",
			[]string{"traite"}, "Quarante magistrats ont suivi une formation sur l'identification des victimes de traite."),
		pg("/fr/news/economie-bleue", "Économie bleue et emploi des jeunes", fr, "news", "2023-03-08",
			[]string{"emploi"}, "Le projet d'économie bleue soutient l'emploi des jeunes dans la pêche artisanale."),
		pg("/en/news/migration-report", "Migration report launched in Rabat", en, "news", "2024-05-10",
			[]string{"migration", "rapport"}, "The mission launched its annual migration report with the government and partners."),
		pg("/en/stories/youth-employment", "Youth employment story from Oujda", en, "stories", "2023-07-14",
			[]string{"emploi"}, "A young entrepreneur shares how the employment programme helped him open a workshop."),
		pg("/en/press-releases/border-agreement", "Border management agreement signed", en, "press-releases", "2024-02-21",
			[]string{"frontières"}, "The mission and the European Union signed an agreement on border management."),
		pg("/ar/news/hijra", "إطلاق الشبكة الوطنية للهجرة", ar, "news", "2024-06-02",
			[]string{"migration"}, "أطلقت البعثة الشبكة الوطنية للهجرة والتنمية مع الشركاء."),
		pg("/ar/stories/tanger", "قصة نجاح من طنجة", ar, "stories", "2022-09-12",
			[]string{"emploi"}, "تحكي فاطمة قصة تعاونيتها في طنجة."),
		pg("/fr/publications/guide", "Guide pratique pour les travailleurs migrants", fr, "publications", "2020-10-01",
			[]string{"migration", "emploi"}, "Ce guide explique les droits des travailleurs migrants et les démarches administratives."),
		{URL: site + "/fr/a-propos", Title: "À propos de la mission", Lang: fr, Section: "about", Tags: nil,
			Body: "La mission est présente dans le pays depuis 2007.", FetchedAt: mustDay("2025-01-15")},
		pg("/fr/news/hostile", hostileTitle, fr, "news", "2024-01-10",
			[]string{`<b>tag</b>`}, `Atelier piégé <script>alert(1)</script> avec des "guillemets" et 'apostrophes' <img src=x onerror=alert(3)>.`),
	}
}

// fixture is a server over the fixture index.
type fixture struct {
	srv   *Server
	ts    *httptest.Server
	reg   *prometheus.Registry
	close func() error // closes the index early
}

// newFixture builds the fixture index and a server over it with cfg (whose
// Searcher, Registerer and Gatherer are filled in), served by httptest.
func newFixture(t testing.TB, cfg Config) *fixture {
	t.Helper()
	searcher, closeIdx := testindex.Open(t, fixturePages())
	return newFixtureWith(t, cfg, searcher, closeIdx)
}

func newFixtureWith(t testing.TB, cfg Config, searcher *search.Searcher, closeIdx func() error) *fixture {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg.Searcher = searcher
	if cfg.Registerer == nil {
		cfg.Registerer, cfg.Gatherer = reg, reg
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &fixture{srv: srv, ts: ts, reg: reg, close: closeIdx}
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.DiscardHandler)
}

// searcherOf builds a separate index of pages.
func searcherOf(t testing.TB, pages []missionsearch.Page) *search.Searcher {
	t.Helper()
	return testindex.New(t, pages)
}
