package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
)

// maxLangScan bounds the text DetectLang reads, in bytes.
const maxLangScan = 16 << 10

var frStop = setOf("le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "pour", "dans",
	"sur", "au", "aux", "par", "qui", "que", "avec", "ce", "cette", "ces", "ses", "son", "sa", "sont",
	"ont", "été", "l", "d", "qu", "à", "ne", "pas", "plus", "nous", "vous", "il", "elle", "ils", "leur",
	"leurs", "entre", "mais", "ou", "où", "se", "lors", "afin")

var enStop = setOf("the", "and", "of", "to", "in", "is", "for", "on", "with", "that", "by", "this",
	"was", "are", "from", "at", "as", "an", "be", "it", "has", "have", "were", "which", "their", "its",
	"will", "who", "they", "been", "more", "also", "into", "than", "our", "we")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// langScore is the evidence DetectLang gathers from a text.
type langScore struct {
	arabic, latin int // letters of each script
	fr, en        int // stop words of each language
}

func scoreLang(text string) langScore {
	if len(text) > maxLangScan {
		text = text[:maxLangScan]
	}
	var s langScore
	start := -1
	word := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(text[start:end])
		start = -1
		if frStop[w] {
			s.fr++
		}
		if enStop[w] {
			s.en++
		}
	}
	for i, r := range text {
		switch {
		case isArabic(r):
			s.arabic++
			word(i)
		case unicode.IsLetter(r):
			s.latin++
			if start < 0 {
				start = i
			}
		default:
			word(i) // apostrophes split "l'organisation" into "l" and "organisation"
		}
	}
	word(len(text))
	return s
}

// decide returns the language the evidence points to and whether it is
// strong enough to overrule markup.
func (s langScore) decide() (missionsearch.Lang, bool) {
	letters := s.arabic + s.latin
	if letters == 0 {
		return missionsearch.LangFR, false
	}
	if s.arabic*10 >= letters*4 { // at least 40% Arabic script
		return missionsearch.LangAR, s.arabic >= 20
	}
	if s.en > s.fr && s.en >= 2 {
		return missionsearch.LangEN, s.en >= 10 && s.en >= 3*s.fr
	}
	return missionsearch.LangFR, s.fr >= 10 && s.fr >= 3*s.en
}

// DetectLang returns the language of text from the text alone: Arabic when
// at least 40% of its letters are in Arabic script, else English when it
// has more English than French stop words (and at least two), else French,
// which is also the answer for empty text. It reads at most the first
// 16 KiB of text.
func DetectLang(text string) missionsearch.Lang {
	l, _ := scoreLang(text).decide()
	return l
}

func isArabic(r rune) bool {
	return r >= 0x0600 && r <= 0x06FF || r >= 0x0750 && r <= 0x077F || r >= 0x08A0 && r <= 0x08FF ||
		r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF
}

// langFromTag maps a BCP 47 tag ("fr-FR", "EN", "ar_MA") to a supported
// language, or "" when absent or unsupported.
func langFromTag(tag string) missionsearch.Lang {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if !utf8.ValidString(tag) {
		return ""
	}
	switch l := missionsearch.Lang(strings.ToLower(tag)); l {
	case missionsearch.LangFR, missionsearch.LangEN, missionsearch.LangAR:
		return l
	}
	return ""
}
