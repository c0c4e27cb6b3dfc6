package missionsearch

import "testing"

func TestDetectLang(t *testing.T) {
	tests := []struct {
		name, text string
		want       Lang
	}{
		{"empty", "", LangFR},
		{"french", "L'Organisation a soutenu la Commission pour l'organisation d'une série d'ateliers sur la protection des victimes.", LangFR},
		{"french without accents", "les participants ont travaille sur la coordination des services dans la region", LangFR},
		{"english", "The town opened its first school for newcomer children, with the support of the council and of the mission.", LangEN},
		{"arabic", "نظمت البعثة في مدينة الرباط منتدى للشباب حول قضايا الهجرة والتنقل", LangAR},
		{"arabic with french names", "شارك في اللقاء ممثلو OIM و UNODC و Conseil de l'Europe إلى جانب ممثلي الوزارات والجمعيات المحلية في الرباط", LangAR},
		{"french with an english quote", "Le rapport, intitulé « Migration and development », a été présenté aux partenaires de la mission dans les régions.", LangFR},
		{"numbers only", "2024 – 42 – 17", LangFR},
	}
	for _, tt := range tests {
		if got := DetectLang(tt.text); got != tt.want {
			t.Errorf("DetectLang(%s %q) = %q, want %q", tt.name, tt.text, got, tt.want)
		}
	}
}
