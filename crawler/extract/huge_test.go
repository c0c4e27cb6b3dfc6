package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// hugePage builds an HTML page of about size bytes: a mega-menu, many
// paragraphs, a long sidebar and deeply nested divs.
func hugePage(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html lang="fr"><head><title>Page énorme | Mission Exemple</title></head><body>`)
	b.WriteString(`<nav class="menu--main"><ul>`)
	for i := range 500 {
		fmt.Fprintf(&b, `<li><a href="/fr/menu/%d">Entrée de menu %d</a></li>`, i, i)
	}
	b.WriteString(`</ul></nav><main><article><div class="node__content">`)
	for i := 0; b.Len() < size*8/10; i++ {
		fmt.Fprintf(&b, "<p>Paragraphe %d : la mission a poursuivi ses activités auprès des partenaires locaux, avec <a href=\"/fr/news/n%d\">un lien</a> vers un article.</p>\n", i, i%1000)
	}
	b.WriteString(strings.Repeat("<div>", 5000))
	b.WriteString("<p>Texte très profond</p>")
	b.WriteString(strings.Repeat("</div>", 5000))
	b.WriteString(`<p>Dernier paragraphe du contenu.</p></div></article><div class="region-sidebar">`)
	for b.Len() < size {
		b.WriteString(`<p>Article récent de la colonne latérale.</p>`)
	}
	b.WriteString(`</div></main><footer><p>Pied de page de la mission</p></footer></body></html>`)
	return b.Bytes()
}

func TestExtractHugePage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 4 MB page")
	}
	page := hugePage(4 << 20)
	u, _ := url.Parse("https://maroc.example.org/fr/news/enorme")
	start := time.Now()
	res, err := Extract(bytes.NewReader(page), u, "text/html", Options{})
	if err != nil {
		t.Fatalf("Extract(%d bytes): %v", len(page), err)
	}
	t.Logf("%d bytes in %v, %d blocks, %d links", len(page), time.Since(start), len(res.Blocks), len(res.Links))
	checkInvariants(t, res)
	if res.Page.Title != "Page énorme" {
		t.Errorf("Title = %q, want %q", res.Page.Title, "Page énorme")
	}
	for _, s := range []string{"Entrée de menu", "colonne latérale", "Pied de page"} {
		if strings.Contains(res.Page.Body, s) {
			t.Errorf("Body contains boilerplate %q", s)
		}
	}
	for _, s := range []string{"Paragraphe 0 :", "Dernier paragraphe du contenu."} {
		if !strings.Contains(res.Page.Body, s) {
			t.Errorf("Body lacks %q", s)
		}
	}
	if len(res.Links) != 500+1000 {
		t.Errorf("len(Links) = %d, want %d (menu + distinct article links)", len(res.Links), 1500)
	}
}

// TestExtractDeepNesting checks that hostile nesting neither crashes nor
// stalls extraction.
func TestExtractDeepNesting(t *testing.T) {
	u, _ := url.Parse("https://maroc.example.org/fr/x")
	for _, tag := range []string{"div", "b", "li", "table"} {
		page := strings.Repeat("<"+tag+">", 100000) + "texte" + "<p>Un paragraphe.</p>"
		res, err := Extract(strings.NewReader(page), u, "text/html", Options{})
		if err != nil {
			t.Errorf("Extract(100000 nested <%s>): %v", tag, err)
			continue
		}
		if !strings.Contains(res.Page.Body, "Un paragraphe.") {
			t.Errorf("Extract(100000 nested <%s>).Body = %.200q, want the paragraph kept", tag, res.Page.Body)
		}
	}
}
