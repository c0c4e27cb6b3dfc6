package extract

import (
	"testing"

	"github.com/missionsearch/missionsearch"
)

func TestDetectLang(t *testing.T) {
	tests := []struct {
		name, text string
		want       missionsearch.Lang
	}{
		{"empty", "", missionsearch.LangFR},
		{"french", "L'Organisation a soutenu la Commission pour l'organisation d'une série d'ateliers sur la protection des victimes.", missionsearch.LangFR},
		{"french without accents", "les participants ont travaille sur la coordination des services dans la region", missionsearch.LangFR},
		{"english", "The town opened its first school for newcomer children, with the support of the council and of the mission.", missionsearch.LangEN},
		{"arabic", "نظمت البعثة في مدينة الرباط منتدى للشباب حول قضايا الهجرة والتنقل", missionsearch.LangAR},
		{"arabic with french names", "شارك في اللقاء ممثلو OIM و UNODC و Conseil de l'Europe إلى جانب ممثلي الوزارات والجمعيات المحلية في الرباط", missionsearch.LangAR},
		{"french with an english quote", "Le rapport, intitulé « Migration and development », a été présenté aux partenaires de la mission dans les régions.", missionsearch.LangFR},
		{"numbers only", "2024 – 42 – 17", missionsearch.LangFR},
	}
	for _, tt := range tests {
		if got := DetectLang(tt.text); got != tt.want {
			t.Errorf("DetectLang(%s %q) = %q, want %q", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestLangFromTag(t *testing.T) {
	for in, want := range map[string]missionsearch.Lang{
		"fr": "fr", "fr-FR": "fr", "FR": "fr", "en-GB": "en", "ar_MA": "ar", "es": "", "": "", " en ": "en",
	} {
		if got := langFromTag(in); got != want {
			t.Errorf("langFromTag(%q) = %q, want %q", in, got, want)
		}
	}
}
