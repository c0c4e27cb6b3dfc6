package demosite

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// etag is a strong entity tag for body.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:10]) + `"`
}

// serveSitemap lists every article with absolute URLs on base.
func (s *Site) serveSitemap(w http.ResponseWriter, base string) {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, a := range s.articles {
		mod := a.Published
		if !a.Updated.IsZero() {
			mod = a.Updated
		}
		b.WriteString("  <url><loc>")
		xml.EscapeText(&b, []byte(base+a.Path))
		fmt.Fprintf(&b, "</loc><lastmod>%s</lastmod><changefreq>monthly</changefreq><priority>0.5</priority></url>\n", mod.Format(time.DateOnly))
	}
	b.WriteString("</urlset>\n")
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(b.String()))
}

// The theme's assets, so that pages reference nothing missing.
const (
	styleCSS = "body{font-family:sans-serif;margin:0}.visually-hidden{position:absolute!important;clip:rect(1px,1px,1px,1px);overflow:hidden;height:1px;width:1px}.tbm-submenu{display:none}.layout-content{float:left;width:70%}.region-sidebar{float:right;width:28%}footer{clear:both}\n"
	logoSVG  = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#0033a0"/><text x="10" y="27" fill="#fff" font-size="20">AIM</text></svg>` + "\n"
)

func (s *Site) serveAsset(w http.ResponseWriter, r *http.Request, p string) {
	switch p {
	case "/themes/custom/mission/css/style.css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write([]byte(styleCSS))
	case "/themes/custom/mission/logo.svg":
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write([]byte(logoSVG))
	default:
		http.NotFound(w, r)
	}
}

// serveRestricted answers the /admin/ and /user/ pages, which robots.txt
// disallows: a bare login page, marked noindex.
func serveRestricted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	fmt.Fprint(w, `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8" /><meta name="robots" content="noindex, nofollow" /><title>Connexion | AIM Maroc</title></head>
<body class="path-user">
<main role="main">
<h1>Accès réservé</h1>
<p>Zone d'administration du site : identifiez-vous pour continuer.</p>
<form action="/user/login" method="post">
<label for="edit-name">Nom d'utilisateur</label><input type="text" id="edit-name" name="name" />
<label for="edit-pass">Mot de passe</label><input type="password" id="edit-pass" name="pass" />
<input type="submit" value="Se connecter" />
</form>
<p><a href="/user/password">Mot de passe oublié ?</a> – <a href="/admin/content">Contenu</a></p>
</main>
</body>
</html>
`)
}
