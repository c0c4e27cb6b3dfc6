package wpsite

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// PDF is the ground truth of one PDF file of the site.
type PDF struct {
	// Path is "/wp-content/uploads/YYYY/MM/<name>.pdf".
	Path string
	// Title is the document's Title metadata, also its first line of text
	// when Kind is "text" or "mislabelled".
	Title string
	// Created is the CreationDate metadata and the Last-Modified header.
	Created time.Time
	// Word is a word that appears in the text of this PDF and nowhere
	// else on the site; "" when the file has no extractable text (Kind
	// "scanned" or "broken").
	Word string
	// CitedBy are the paths of the posts that link to the file.
	CitedBy []string
	// Kind is "text" (a report whose text extracts), "scanned" (a valid
	// PDF holding only a drawn rectangle, no text), "broken" (a PDF cut
	// in the middle, served whole as application/pdf) or "mislabelled" (a
	// valid PDF with text, served as "text/html; charset=UTF-8").
	Kind string
}

// pdfFile is a PDF with its bytes.
type pdfFile struct {
	PDF
	body []byte
}

// pdfSpec is the content of one generated PDF.
type pdfSpec struct {
	path, title, kind, word string
	created                 time.Time
	paras                   []string
}

// pdfSpecs are the site's PDF files. The distinctive words (Zarkounia,
// Hadrabel, Qsarbenine, Tamerzouk) appear only here.
var pdfSpecs = []pdfSpec{
	{
		path: "/wp-content/uploads/2021/03/rapport-annuel-2020.pdf", kind: "text", word: "Zarkounia",
		title:   "Rapport annuel 2020 du Bureau de l'AIM en Tunisie",
		created: time.Date(2021, 3, 15, 10, 0, 0, 0, tunis),
		paras: []string{
			"Avant-propos. L'année 2020 restera celle d'une crise sanitaire qui a bouleversé la mobilité des personnes. Le Bureau a dû réorganiser ses activités en quelques semaines, passer à l'accompagnement à distance et renforcer l'aide d'urgence aux travailleurs migrants privés de revenus.",
			"Assistance d'urgence. Plus de 6 200 personnes ont reçu des colis alimentaires, des kits d'hygiène ou une aide au loyer. Les équipes mobiles ont sillonné les gouvernorats de Sfax, Médenine et Tunis, en lien avec les municipalités et le Croissant-Rouge.",
			"Le projet pilote de Zarkounia, mené avec une coopérative agricole de la région de Kairouan, a permis à quarante familles de retour de reprendre une activité d'élevage et de maraîchage. Son évaluation à mi-parcours sera publiée au premier semestre 2021.",
			"Gouvernance des migrations. Le Bureau a poursuivi son appui technique à l'élaboration de la stratégie nationale migratoire : trois ateliers de concertation, dont deux en ligne, ont réuni les ministères, les partenaires sociaux et la société civile.",
			"Perspectives. En 2021, la priorité ira à la reprise des formations en présentiel, à la protection des enfants non accompagnés et au renforcement des données statistiques sur la mobilité de travail.",
		},
	},
	{
		path: "/wp-content/uploads/2022/06/etude-mobilite-travail-2022.pdf", kind: "text", word: "Hadrabel",
		title:   "Étude sur la mobilité de travail des jeunes diplômés (2022)",
		created: time.Date(2022, 6, 8, 14, 30, 0, 0, tunis),
		paras: []string{
			"Résumé. Cette étude s'appuie sur une enquête menée auprès de 1 450 diplômés de l'enseignement supérieur âgés de 23 à 35 ans, dans huit gouvernorats, ainsi que sur quarante entretiens approfondis avec des employeurs et des agences de placement.",
			"Principaux constats. Près d'un diplômé sur deux envisage de travailler à l'étranger dans les cinq prochaines années ; les ingénieurs, les médecins et les informaticiens sont les plus nombreux à avoir déjà engagé des démarches. Les femmes citent plus souvent la sécurité de l'emploi que le salaire.",
			"L'indice Hadrabel, construit pour cette étude, mesure l'écart entre les compétences recherchées par les employeurs étrangers et celles que les diplômés déclarent maîtriser. Il est le plus élevé dans les métiers de la santé et le plus faible dans le numérique.",
			"Recommandations. L'étude propose de développer les accords de mobilité circulaire, de mieux informer les candidats sur les risques de recrutement abusif et de faciliter la reconnaissance des acquis au retour.",
		},
	},
	{
		path: "/wp-content/uploads/2023/11/bilan-protection-enfance-2023.pdf", kind: "text", word: "Qsarbenine",
		title:   "Bilan du programme de protection de l'enfance en mobilité 2023",
		created: time.Date(2023, 11, 20, 9, 0, 0, 0, tunis),
		paras: []string{
			"Introduction. Le programme de protection de l'enfance en mobilité accompagne les enfants migrants, réfugiés ou de retour, qu'ils voyagent seuls ou en famille. Il associe les délégués à la protection de l'enfance, les services sociaux et des associations spécialisées.",
			"Résultats. En 2023, 612 enfants ont été identifiés et orientés, dont 174 non accompagnés. Des familles d'accueil temporaire ont été mobilisées dans quatre gouvernorats ; la durée moyenne de prise en charge est passée de neuf à six semaines.",
			"Le centre de jour de Qsarbenine, ouvert en mars, propose un soutien scolaire, des activités sportives et un suivi psychologique. Il a reçu en moyenne trente-cinq enfants par semaine.",
			"Difficultés rencontrées. Le manque d'interprètes pour certaines langues d'Afrique de l'Ouest et la saturation des structures d'hébergement restent les principaux obstacles signalés par les équipes de terrain.",
		},
	},
	{
		path: "/wp-content/uploads/2022/01/fiche-recrutement-equitable.pdf", kind: "mislabelled", word: "Tamerzouk",
		title:   "Fiche pratique : recruter de manière équitable",
		created: time.Date(2022, 1, 10, 11, 0, 0, 0, tunis),
		paras: []string{
			"À qui s'adresse cette fiche ? Aux entreprises et aux agences de placement qui recrutent des travailleurs pour un emploi à l'étranger, et aux candidats qui veulent connaître leurs droits.",
			"Les cinq règles essentielles : aucun frais de recrutement à la charge du travailleur ; un contrat écrit, dans une langue qu'il comprend, remis avant le départ ; la conservation de ses papiers d'identité par le travailleur lui-même ; un salaire conforme à l'offre ; la possibilité de porter plainte sans crainte de représailles.",
			"Exemple. Le groupement d'employeurs de Tamerzouk a adopté ces règles en 2021 ; le nombre de plaintes de travailleurs recrutés par son intermédiaire a été divisé par trois.",
		},
	},
	{
		path: "/wp-content/uploads/2020/02/convention-partenariat-scan.pdf", kind: "scanned",
		title:   "Convention de partenariat (copie numérisée)",
		created: time.Date(2020, 2, 4, 16, 0, 0, 0, tunis),
	},
	{
		path: "/wp-content/uploads/2023/05/programme-forum-regional.pdf", kind: "broken",
		title:   "Programme du forum régional sur la mobilité",
		created: time.Date(2023, 5, 2, 8, 45, 0, 0, tunis),
		paras: []string{
			"Programme provisoire du forum régional : ouverture, tables rondes sur la migration de travail, ateliers sur la protection et séance de clôture.",
		},
	},
}

// buildPDFs generates the PDF files. The output depends only on
// pdfSpecs: fpdf is given fixed dates and a sorted catalogue.
func buildPDFs() ([]*pdfFile, error) {
	var out []*pdfFile
	for _, sp := range pdfSpecs {
		f := fpdf.New("P", "mm", "A4", "")
		f.SetCatalogSort(true)
		// fpdf writes D:YYYYMMDDHHmmSS without an offset, which readers take
		// as UTC.
		f.SetCreationDate(sp.created.UTC())
		f.SetModificationDate(sp.created.UTC())
		f.SetTitle(sp.title, true)
		f.SetAuthor("Bureau de l'AIM en Tunisie", true)
		f.SetCreator("WordPress", true)
		f.SetProducer("missionsearch wpsite", true)
		tr := f.UnicodeTranslatorFromDescriptor("")
		f.AddPage()
		if sp.kind == "scanned" {
			f.SetDrawColor(60, 60, 60)
			f.SetFillColor(235, 232, 225)
			f.Rect(15, 15, 180, 267, "FD")
		} else {
			f.SetFont("Helvetica", "B", 16)
			f.MultiCell(0, 8, tr(sp.title), "", "L", false)
			f.Ln(4)
			f.SetFont("Helvetica", "", 11)
			for _, p := range sp.paras {
				f.MultiCell(0, 5.5, tr(p), "", "J", false)
				f.Ln(3)
			}
		}
		var buf bytes.Buffer
		if err := f.Output(&buf); err != nil {
			return nil, fmt.Errorf("pdf %s: %w", sp.path, err)
		}
		body := buf.Bytes()
		if sp.kind == "broken" {
			body = body[:len(body)*2/5] // the upload was cut off
		}
		out = append(out, &pdfFile{PDF: PDF{Path: sp.path, Title: sp.title, Created: sp.created, Word: sp.word, Kind: sp.kind}, body: body})
	}
	return out, nil
}

// serve sends the file with Last-Modified; http.ServeContent answers
// conditional and range requests.
func (f *pdfFile) serve(w http.ResponseWriter, r *http.Request) {
	ct := "application/pdf"
	if f.Kind == "mislabelled" {
		ct = "text/html; charset=UTF-8"
	}
	w.Header().Set("Content-Type", ct)
	http.ServeContent(w, r, "", f.Created, bytes.NewReader(f.body))
}
