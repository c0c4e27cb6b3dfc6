package crawler

import (
	"strings"

	"github.com/missionsearch/missionsearch"

	"github.com/missionsearch/missionsearch/crawler/extract"
)

// Soft errors: a page that answers 200 but is an error page — the site's
// "page introuvable" for a deleted article, a maintenance page, a login
// wall. Storing it would replace a real page by the error's text.

// The kinds of soft error.
const (
	softNotFound    = "not_found"   // the page is gone: it leaves the index
	softUnavailable = "unavailable" // maintenance: the stored page is kept
	softLogin       = "login"       // a login wall: the stored page is kept
)

// softPatterns are the folded phrases of each kind, matched in the title
// or the first block of a short page.
var softPatterns = []struct {
	kind    string
	phrases []string
}{
	{softNotFound, []string{"page introuvable", "page non trouvee", "page inexistante", "cette page n'existe pas",
		"erreur 404", "error 404", "404 not found", "page not found", "not found", "الصفحة غير موجودة", "لم يتم العثور على الصفحة"}},
	{softUnavailable, []string{"en maintenance", "en cours de maintenance", "maintenance en cours", "site en maintenance",
		"temporairement indisponible", "under maintenance", "temporarily unavailable", "service unavailable", "الموقع قيد الصيانة"}},
	{softLogin, []string{"connexion", "connectez-vous", "identifiez-vous", "se connecter", "connexion requise", "login", "log in", "acces refuse", "access denied",
		"please log in", "log in to continue", "sign in", "تسجيل الدخول"}},
}

// maxSoftText is the longest text of a page taken for an error page: a
// real article that mentions maintenance is longer.
const maxSoftText = 1500

// softError returns the kind of error page res is, or "": a short,
// undated page that is not a listing, whose title or first block starts
// with one of the phrases, or is a short line (under 40 characters)
// holding one ("Oups ! Page introuvable").
func softError(res *extract.Result) string {
	p := &res.Page
	if len(p.Body) > maxSoftText || !p.Published.IsZero() || p.Type == missionsearch.TypeListing {
		return ""
	}
	first := ""
	if len(res.Blocks) > 0 {
		first = res.Blocks[0]
	}
	for _, sp := range softPatterns {
		for _, ph := range sp.phrases {
			for _, h := range []string{fold(p.Title), fold(first)} {
				if strings.HasPrefix(h, ph) || len(h) < 40 && strings.Contains(h, ph) {
					return sp.kind
				}
			}
		}
	}
	return ""
}

// fold lower-cases s and removes the French accents.
func fold(s string) string {
	return strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "â", "a", "î", "i", "ô", "o", "û", "u", "ç", "c",
		"É", "e", "È", "e", "À", "a", "’", "'").Replace(strings.ToLower(s))
}
