package extract

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestExtractGeneratedDocs covers the markup of generated documentation and
// news sites found in the shared corpora (DocBook, Sphinx, Wikinews), where
// the first crawl report found navigation text in stored bodies and missing
// dates.
func TestExtractGeneratedDocs(t *testing.T) {
	const para = "<p>Le projet Debian est un groupe mondial de volontaires qui s'efforcent de produire un système d'exploitation libre.</p>"
	tests := []struct {
		name  string
		html  string
		check func(t *testing.T, r *Result)
	}{
		{"DocBook navheader and navfooter",
			`<title>Chapitre 1. Introduction</title><body>
<div class="navheader"><table><tr><th colspan="3">1.1. Matériel reconnu</th></tr>
<tr><td><a accesskey="p" href="ch01.html">Précédent</a></td><th>Chapitre 1. Configuration nécessaire</th><td><a href="ch01s02.html">Suivant</a></td></tr></table><hr></div>
<div class="sect1"><h2 class="title">1.1. Matériel reconnu</h2>` + para + para + `</div>
<div class="navfooter"><hr><table><tr><td valign="top">Bref historique de Debian </td><td><a href="index.html">Sommaire</a></td><td valign="top"> Chapitre 2. Chefs du projet Debian</td></tr></table></div></body>`,
			wantBody([]string{"Le projet Debian"}, []string{"Chapitre 1. Configuration nécessaire", "Bref historique", "Chapitre 2. Chefs", "Précédent", "Sommaire"})},
		{"Publican docnav",
			`<body><div class="chapter">` + para + para + `</div><ul class="docnav"><li class="previous"><a href="a.html"><strong>Précédent</strong>Chapitre 5. Les précédents</a></li></ul></body>`,
			wantBody([]string{"Le projet Debian"}, []string{"Chapitre 5. Les précédents"})},
		{"Sphinx headerlink and sidebar",
			`<title>7. Au-delà de l'empaquetage — developers-reference</title><body><div class="body"><section><h1>7. Au-delà de l'empaquetage<a class="headerlink" href="#beyond" title="Lien permanent">¶</a></h1>` + para + `<h2>7.1. Signalement de bogues<a class="headerlink" href="#bugs">¶</a></h2>` + para + `</section></div>
<div class="sphinxsidebar" role="none"><h3>Table des matières</h3><p>Une table des matières rédigée comme un paragraphe pour voir si elle reste en dehors du corps.</p></div></body>`,
			func(t *testing.T, r *Result) {
				wantTitle("7. Au-delà de l'empaquetage")(t, r)
				wantBody([]string{"7.1. Signalement de bogues\n\n"}, []string{"¶", "Une table des matières"})(t, r)
			}},
		{"Wikinews lede heading before the dateline",
			`<!DOCTYPE html><html><head><meta charset="utf-8"><title>États-Unis : Lancement réussi pour Space X Dragon</title></head><body>
<h1>États-Unis : Lancement réussi pour Space X Dragon</h1>
<h2>La fusée Falcon 9, développée par une société privée : SpaceX, a décollé sans problème ce matin à 7h44 UTC.</h2>
<p>22 mai 2012. - Prévu initialement pour samedi dernier, le lancement a été reporté à la dernière seconde, suite à la défaillance d'une valve.</p>
<p>Le lanceur a décollé du site de lancement du pas de tir 40 de la base de Cape Canaveral en Floride.</p></body></html>`,
			wantDates(time.Date(2012, 5, 22, 0, 0, 0, 0, time.UTC), time.Time{})},
		{"lede heading holding another date",
			`<body><h1>Titre</h1><h2>Un long chapeau qui rappelle les faits du 3 juin 2012 et annonce la suite de la dépêche du jour.</h2>
<p>5 juin 2012. - Un avion de ligne s'est écrasé le 3 juin 2012 sur une menuiserie de la ville, faisant de nombreuses victimes.</p></body>`,
			wantDates(time.Date(2012, 6, 5, 0, 0, 0, 0, time.UTC), time.Time{})},
		{"a dateless first paragraph still stops the search",
			`<body><h1>Titre</h1><p>Ubuntu est un système d'exploitation libre dérivé du système Debian et soutenu par une entreprise.</p>
<p>22 mai 2012. - Un second paragraphe qui commence par une date ne fait pas une ligne de date.</p></body>`,
			wantDates(time.Time{}, time.Time{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse("https://docs.example.org/fr/page.html")
			r, err := Extract(strings.NewReader(tt.html), u, "text/html; charset=utf-8", Options{})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkInvariants(t, r)
			tt.check(t, r)
		})
	}
}
