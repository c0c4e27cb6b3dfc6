package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
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
	// The body is about 3 MB: raise its limit to see it all.
	res, err := Extract(bytes.NewReader(page), u, "text/html", Options{Limits: Limits{Body: 8 << 20}})
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

// TestExtractFieldLimits checks that every field of the page record stays
// within Options.Limits (DefaultLimits when zero), cut at a word boundary
// and as valid UTF-8, for pages whose fields are megabytes long.
func TestExtractFieldLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 10 MB pages")
	}
	u, _ := url.Parse("https://maroc.example.org/fr/news/enorme")
	words := func(n int) string { // n bytes of French words, with accents
		var b strings.Builder
		for b.Len() < n {
			b.WriteString("réseau migration développement ")
		}
		return b.String()
	}
	var tags strings.Builder
	for i := range 300 {
		fmt.Fprintf(&tags, `<a rel="tag" href="/fr/tags/%d">étiquette %d %s</a>`, i, i, strings.Repeat("é", i%150))
	}
	tests := []struct {
		name string
		page string
		lim  Limits
		// wantBody is a text the body must still contain.
		wantBody string
	}{
		{
			name: "unclosed title of 10 MB",
			page: `<html lang="fr"><head><title>` + words(10<<20) + `<body><p>Texte.</p></body></html>`,
		},
		{
			name: "unclosed title of one 10 MB word",
			page: `<html lang="fr"><head><title>` + strings.Repeat("é", 5<<20) + `<body><p>Texte.</p></body></html>`,
		},
		{
			name: "huge h1, description, tags and body",
			page: `<html lang="fr"><head><meta name="description" content="` + words(3<<20) + `"></head><body><main><article>` +
				`<h1>` + words(2<<20) + `</h1><p>Premier paragraphe du contenu.</p><p>` + words(3<<20) + `</p>` +
				tags.String() + `</article></main></body></html>`,
			wantBody: "Premier paragraphe du contenu.",
		},
		{
			name: "small configured limits",
			page: `<html lang="fr"><head><meta name="description" content="` + words(1000) + `"></head><body><main><article>` +
				`<h1>` + words(1000) + `</h1><p>Premier paragraphe du contenu.</p><p>` + words(10000) + `</p>` +
				tags.String() + `</article></main></body></html>`,
			lim:      Limits{Title: 20, Description: 30, Tag: 12, Tags: 3, Body: 100},
			wantBody: "Premier paragraphe du contenu.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Extract(strings.NewReader(tt.page), u, "text/html", Options{Limits: tt.lim})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkInvariants(t, res)
			lim := tt.lim.withDefaults()
			p := res.Page
			for _, f := range []struct {
				name, v string
				max     int
			}{
				{"Title", p.Title, lim.Title},
				{"Description", p.Description, lim.Description},
				{"Section", p.Section, lim.Section},
			} {
				if n := utf8.RuneCountInString(f.v); n > f.max || !utf8.ValidString(f.v) {
					t.Errorf("%s has %d runes (valid UTF-8: %t), want at most %d", f.name, n, utf8.ValidString(f.v), f.max)
				}
			}
			if p.Title == "" {
				t.Errorf("Title is empty, want the start of the long title")
			}
			if len(p.Body) > lim.Body || !utf8.ValidString(p.Body) {
				t.Errorf("Body has %d bytes (valid UTF-8: %t), want at most %d", len(p.Body), utf8.ValidString(p.Body), lim.Body)
			}
			if !strings.Contains(p.Body, tt.wantBody) {
				t.Errorf("Body = %.100q…, want it to contain %q", p.Body, tt.wantBody)
			}
			if len(p.Tags) > lim.Tags {
				t.Errorf("%d tags, want at most %d", len(p.Tags), lim.Tags)
			}
			for _, tag := range p.Tags {
				if n := utf8.RuneCountInString(tag); n > lim.Tag {
					t.Errorf("tag %q has %d runes, want at most %d", tag, n, lim.Tag)
				}
			}
		})
	}
}
