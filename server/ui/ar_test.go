package ui

import (
	"testing"
	"time"
)

// TestTr checks the three languages' messages, numbers and dates: Arabic
// with Latin digits (the page shows them so: an accessible name must match
// the visible text), dates in each language's form.
func TestTr(t *testing.T) {
	ar, en, fr := For("ar"), For("en"), For("fr")
	for _, c := range []struct{ got, want string }{
		{ar.S("Page %d", 12), "الصفحة 12"},
		{ar.S("Rechercher"), "بحث"},
		{en.S("Rechercher"), "Search"},
		{fr.S("Rechercher"), "Rechercher"},
		{For("xx").S("Rechercher"), "Rechercher"},
		{en.Plural(1234, "%s résultat", "%s résultats"), "1,234 results"},
		{fr.Plural(1, "%s résultat", "%s résultats"), "1 résultat"},
		{ar.Date(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)), "1 يونيو 2024"},
		{en.Date(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)), "1 June 2024"},
		{fr.Date(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)), "1er juin 2024"},
		{ar.Dir + en.Dir, "rtlltr"},
		{Negotiate("ar-MA,fr;q=0.5"), "ar"},
		{Negotiate("de-DE"), "fr"},
		{Negotiate("en-US"), "en"},
		{Negotiate(""), "fr"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
