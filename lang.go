package missionsearch

import (
	"strings"
	"unicode"
)

// maxLangScan bounds the text ScoreLang reads, in bytes.
const maxLangScan = 16 << 10

// maxStopBytes is the longest stop word of frStop and enStop, in bytes:
// longer words are not looked up.
const maxStopBytes = 5

var frStop = wordSet("le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "pour", "dans",
	"sur", "au", "aux", "par", "qui", "que", "avec", "ce", "cette", "ces", "ses", "son", "sa", "sont",
	"ont", "été", "l", "d", "qu", "à", "ne", "pas", "plus", "nous", "vous", "il", "elle", "ils", "leur",
	"leurs", "entre", "mais", "ou", "où", "se", "lors", "afin")

var enStop = wordSet("the", "and", "of", "to", "in", "is", "for", "on", "with", "that", "by", "this",
	"was", "are", "from", "at", "as", "an", "be", "it", "has", "have", "were", "which", "their", "its",
	"will", "who", "they", "been", "more", "also", "into", "than", "our", "we")

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// LangEvidence is what ScoreLang finds in a text: its letters of each
// script and its French and English stop words.
type LangEvidence struct {
	Arabic, Latin int
	FR, EN        int
}

// ScoreLang gathers the language evidence of the first 16 KiB of text.
// Apostrophes split words ("l'organisation" is "l" and "organisation").
func ScoreLang(text string) LangEvidence {
	if len(text) > maxLangScan {
		text = text[:maxLangScan]
	}
	var s LangEvidence
	start := -1
	word := func(end int) {
		if start < 0 {
			return
		}
		if end-start <= maxStopBytes {
			w := strings.ToLower(text[start:end]) // no copy when already lower case
			if frStop[w] {
				s.FR++
			}
			if enStop[w] {
				s.EN++
			}
		}
		start = -1
	}
	for i, r := range text {
		switch {
		case isArabic(r):
			s.Arabic++
			word(i)
		case unicode.IsLetter(r):
			s.Latin++
			if start < 0 {
				start = i
			}
		default:
			word(i)
		}
	}
	word(len(text))
	return s
}

// Decide returns the language the evidence points to, and whether it is
// strong enough to overrule markup: Arabic when at least 40% of the
// letters are in Arabic script, else English when there are more English
// than French stop words (and at least two), else French, which is also
// the answer for no evidence.
func (s LangEvidence) Decide() (Lang, bool) {
	letters := s.Arabic + s.Latin
	if letters == 0 {
		return LangFR, false
	}
	if s.Arabic*10 >= letters*4 {
		return LangAR, s.Arabic >= 20
	}
	if s.EN > s.FR && s.EN >= 2 {
		return LangEN, s.EN >= 10 && s.EN >= 3*s.FR
	}
	return LangFR, s.FR >= 10 && s.FR >= 3*s.EN
}

// DetectLang returns the language of text from the text alone (see
// LangEvidence.Decide), reading at most its first 16 KiB.
func DetectLang(text string) Lang {
	l, _ := ScoreLang(text).Decide()
	return l
}

func isArabic(r rune) bool {
	return r >= 0x0600 && r <= 0x06FF || r >= 0x0750 && r <= 0x077F || r >= 0x08A0 && r <= 0x08FF ||
		r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF
}
