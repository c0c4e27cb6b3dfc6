package extract

import (
	"testing"

	"github.com/missionsearch/missionsearch"
)

func TestLangFromTag(t *testing.T) {
	for in, want := range map[string]missionsearch.Lang{
		"fr": "fr", "fr-FR": "fr", "FR": "fr", "en-GB": "en", "ar_MA": "ar", "es": "", "": "", " en ": "en",
	} {
		if got := langFromTag(in); got != want {
			t.Errorf("langFromTag(%q) = %q, want %q", in, got, want)
		}
	}
}
