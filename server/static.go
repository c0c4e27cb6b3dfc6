package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/server/ui"
)

// brandCSSName is the stylesheet of the site's colours (Branding), served
// beside the embedded assets: the page's Content-Security-Policy allows no
// inline style.
const brandCSSName = "brand.css"

// newBrandCSS returns the stylesheet of b's colours, nil when it sets none.
// The colours are checked by New (#rgb or #rrggbb).
func newBrandCSS(b Branding) *ui.Asset {
	if b.PrimaryColor == "" && b.AccentColor == "" {
		return nil
	}
	var css strings.Builder
	css.WriteString(":root {")
	if b.PrimaryColor != "" {
		css.WriteString(" --brand: " + b.PrimaryColor + ";")
	}
	if b.AccentColor != "" {
		css.WriteString(" --accent: " + b.AccentColor + ";")
	}
	css.WriteString(" }\n")
	sum := sha256.Sum256([]byte(css.String()))
	return &ui.Asset{Name: brandCSSName, ContentType: "text/css; charset=utf-8", Data: []byte(css.String()), Hash: hex.EncodeToString(sum[:8])}
}

// startTime is the Last-Modified of the embedded assets: they change only
// with the binary.
var startTime = time.Now().UTC().Truncate(time.Second)

// handleStatic serves the embedded assets of package ui with an ETag (their
// hash). A URL carrying the current version (?v=HASH, as the page links
// them) is cached for a year as immutable; other requests for an hour.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["file"]
	a := ui.LookupAsset(name)
	if name == brandCSSName && s.brandCSS != nil {
		a = s.brandCSS
	}
	if a == nil {
		s.writeError(w, r, missionsearch.Errorf(missionsearch.ENOTFOUND, "No such file."))
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("ETag", `"`+a.Hash+`"`)
	if r.URL.Query().Get("v") == a.Hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	http.ServeContent(w, r, a.Name, startTime, bytes.NewReader(a.Data))
}

// handleOpenSearch answers GET /opensearch.xml with the OpenSearch
// description that lets browsers add the site search to their search bar.
func (s *Server) handleOpenSearch(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r, noParams, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	base := s.publicBase(r)
	name, desc := "Mission", "Rechercher sur le site de la mission"
	if n := s.cfg.Branding.SiteName; n != "" {
		name, desc = missionsearch.TruncateRunes(n, 16), "Rechercher sur "+n
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/" xmlns:moz="http://www.mozilla.org/2006/browser/search/">` + "\n")
	b.WriteString("  <ShortName>")
	xmlEscape(&b, name)
	b.WriteString("</ShortName>\n  <Description>")
	xmlEscape(&b, desc)
	b.WriteString("</Description>\n")
	b.WriteString("  <InputEncoding>UTF-8</InputEncoding>\n")
	b.WriteString("  <Language>fr</Language>\n")
	b.WriteString(`  <Url type="text/html" method="get" template="`)
	xmlEscape(&b, base+"/search?q={searchTerms}")
	b.WriteString("\"/>\n")
	b.WriteString(`  <Url type="application/opensearchdescription+xml" rel="self" template="`)
	xmlEscape(&b, base+"/opensearch.xml")
	b.WriteString("\"/>\n")
	b.WriteString(`  <moz:SearchForm>`)
	xmlEscape(&b, base+"/search")
	b.WriteString("</moz:SearchForm>\n</OpenSearchDescription>\n")
	w.Header().Set("Content-Type", "application/opensearchdescription+xml; charset=utf-8")
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
}

func xmlEscape(b *bytes.Buffer, s string) {
	for _, c := range s {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(c)
		}
	}
}
