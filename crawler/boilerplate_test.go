package crawler_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
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
	s.html("/", "Accueil", "Liens.", links...)
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
