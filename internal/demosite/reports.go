package demosite

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Report2023Path is the second PDF report, linked from ResourcesPath and
// from the press release on the 2024 report.
const Report2023Path = "/sites/default/files/rapport-annuel-2023.pdf"

// Report is the ground truth of one PDF report of the site: what a perfect
// PDF extractor finds in it.
type Report struct {
	// Path is the URL path of the file, served as application/pdf.
	Path string
	// Title, Author and Created are the Title, Author and CreationDate of
	// the PDF's Info dictionary; Created is in UTC. Lang is its catalog's
	// /Lang.
	Title, Author string
	Created       time.Time
	Lang          string
	// Pages is the number of pages.
	Pages int
	// Word is a word of the report's text (the name of a fictitious
	// programme) found nowhere else on the site, so that a search for it
	// finds the report alone.
	Word string
	// Paragraphs is the text of the report, one paragraph a string, in
	// order. Every page also carries a header (the report's short title)
	// and a footer ("Page N / M"), which are not in Paragraphs.
	Paragraphs []string
	// CitedBy holds the paths of the site's pages whose main content links
	// to the report, sorted.
	CitedBy []string
}

// report is a Report with its page breaks: pages[i] holds the paragraphs
// of page i+1.
type report struct {
	Report
	header string
	pages  [][]string
}

// reports are the site's PDF reports. The text is fictitious, as is the
// rest of the site; the 2024 figures match the press release
// /fr/press-releases/rapport-annuel-2024-chiffres-cles.
var reports = []*report{
	{
		Report: Report{
			Path:    PDFPath,
			Title:   "Rapport annuel 2024 de la mission de l'AIM au Maroc",
			Author:  "Mission de l'AIM au Maroc",
			Created: time.Date(2025, 5, 20, 9, 30, 0, 0, time.UTC),
			Lang:    "fr",
			Word:    "Tizimouna",
		},
		header: "AIM Maroc — Rapport annuel 2024",
		pages: [][]string{{
			"Avant-propos de la cheffe de mission",
			"L'année 2024 a été marquée par l'ouverture de deux nouveaux centres d'accueil de jour, à Fès et à Agadir, et par le lancement du programme Tizimouna, qui associe pour la première fois les maisons de jeunes, les associations de quartier et les antennes régionales de la mission autour d'un même accompagnement des jeunes en mobilité.",
			"Au total, 14 200 personnes ont reçu une assistance directe de la mission et de ses partenaires : accueil, soins de santé primaires, hébergement d'urgence, aide juridique et orientation vers les services publics. Près d'un tiers d'entre elles étaient des femmes, et plus de 1 900 des enfants.",
		}, {
			"Protection et assistance",
			"Les équipes mobiles ont parcouru plus de quarante communes de l'Oriental et du Souss. Dans chacune, un médiateur culturel et une infirmière ont reçu les personnes orientées par les associations, avant de les accompagner vers les centres de santé et les services sociaux.",
			"Le retour volontaire et la réintégration ont concerné 2 300 personnes. Chacune a bénéficié d'un entretien individuel, d'un appui au voyage et, une fois rentrée, d'un projet de réintégration construit avec un conseiller de son pays d'origine.",
		}, {
			"Formation et partenariats",
			"La mission a formé 1 850 professionnels : travailleurs sociaux, agents d'autorité, personnels de santé, magistrats et enseignants. Les modules sur la protection de l'enfance et sur la santé mentale, conçus avec l'Université de Rabat, sont désormais proposés en ligne.",
			"Enfin, 65 associations partenaires ont été soutenues par des subventions, des formations à la gestion de projet et un accompagnement à la recherche de financements. Le programme Tizimouna sera étendu en 2025 à la région de Béni Mellal-Khénifra.",
		}},
	},
	{
		Report: Report{
			Path:    Report2023Path,
			Title:   "Rapport annuel 2023 : une année de coopération",
			Author:  "Mission de l'AIM au Maroc",
			Created: time.Date(2024, 4, 15, 14, 0, 0, 0, time.UTC),
			Lang:    "fr",
			Word:    "Noujoumia",
		},
		header: "AIM Maroc — Rapport annuel 2023",
		pages: [][]string{{
			"Une année de coopération",
			"En 2023, la mission a renforcé sa présence dans les régions du Nord et de l'Oriental. Le réseau Noujoumia, qui relie douze bibliothèques municipales et les associations d'aide aux migrants, a accueilli des ateliers de langue, des permanences juridiques et des expositions de photographies réalisées par des jeunes.",
			"Après le séisme d'Al Haouz, en septembre, les équipes ont prêté main-forte aux autorités et aux associations locales : distribution de tentes et de couvertures, soutien psychologique et appui à la recherche des familles séparées.",
		}, {
			"Données et gouvernance",
			"La mission a accompagné la création d'un groupe de travail permanent des producteurs de statistiques migratoires, qui publiera chaque année un profil migratoire national. Elle a aussi soutenu une trentaine de microprojets de réintégration à Khouribga, dont plus de quatre sur cinq sont toujours en activité.",
			"Ces résultats doivent beaucoup à l'engagement des partenaires de la mission : ministères, collectivités territoriales, universités et associations, dont l'action quotidienne donne au réseau Noujoumia tout son sens.",
		}},
	},
}

func init() {
	for _, r := range reports {
		r.Pages = len(r.pages)
		for _, p := range r.pages {
			r.Paragraphs = append(r.Paragraphs, p...)
		}
	}
}

// reportFiles are the PDF files, path → bytes, built once for every Site:
// the bytes never change, so every Site serves the same files.
var reportFiles = sync.OnceValues(func() (map[string][]byte, error) {
	m := map[string][]byte{}
	for _, r := range reports {
		b, err := buildReport(r)
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", r.Path, err)
		}
		m[r.Path] = b
	}
	return m, nil
})

// buildReport writes r as an A4 PDF: a header and a numbered footer on
// every page, the first paragraph of each page as a heading. The output is
// deterministic.
func buildReport(r *report) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252, for the accents of the core fonts
	pdf.SetTitle(r.Title, true)
	pdf.SetAuthor(r.Author, true)
	pdf.SetCreator("missionsearch demosite", false)
	pdf.SetCreationDate(r.Created)
	pdf.SetModificationDate(r.Created)
	pdf.SetLang(r.Lang)
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("Helvetica", "I", 9)
		pdf.CellFormat(0, 8, tr(r.header), "", 1, "R", false, 0, "")
		pdf.Ln(6)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "I", 9)
		pdf.CellFormat(0, 10, fmt.Sprintf("Page %d / %d", pdf.PageNo(), len(r.pages)), "", 0, "C", false, 0, "")
	})
	for _, page := range r.pages {
		pdf.AddPage()
		for i, para := range page {
			if i == 0 {
				pdf.SetFont("Helvetica", "B", 15)
				pdf.MultiCell(0, 8, tr(para), "", "L", false)
				pdf.Ln(6)
			} else {
				pdf.SetFont("Helvetica", "", 11)
				pdf.MultiCell(0, 6, tr(para), "", "J", false)
			}
			pdf.Ln(8)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Reports returns the ground truth of the site's PDF reports, PDFPath
// first. The result is a copy the caller may modify.
func (s *Site) Reports() []Report {
	out := make([]Report, len(reports))
	for i, r := range reports {
		out[i] = r.Report
		out[i].Paragraphs = slices.Clone(r.Paragraphs)
		out[i].CitedBy = s.citing(r.Path)
	}
	return out
}

// citing returns the sorted paths of the articles and basic pages whose
// body links to path.
func (s *Site) citing(path string) []string {
	href := `href="` + template.HTMLEscapeString(path) + `"`
	var out []string
	for _, a := range s.articles {
		if strings.Contains(string(a.bodyHTML), href) {
			out = append(out, a.Path)
		}
	}
	for p, bp := range s.pages {
		if strings.Contains(string(bp.bodyHTML), href) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
