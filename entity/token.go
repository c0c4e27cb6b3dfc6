package entity

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// token is one word of a text.
type token struct {
	start, end int    // byte offsets of the word in the text
	fold       string // lower case, without diacritics, ’ as '
	upper      bool   // the first letter is a capital
	caps       bool   // two letters or more, all capitals (an acronym)
	// gap is the punctuation between the previous word and this one
	// (spaces, hyphens and apostrophes left out; a line break is "\n"):
	// "" when the words follow each other within a name.
	gap string
}

// sentenceStart reports whether a sentence (or a line, a title's part)
// ends before t.
func (t token) sentenceStart() bool { return strings.ContainsAny(t.gap, ".!?;:\n…") }

// elisions are the words whose apostrophe ends them (l'Europe, d'Ivoire,
// qu'il); any other apostrophe is inside a word (aujourd'hui, Cléac'h).
var elisions = map[string]bool{"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true, "c": true,
	"qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "quoiqu": true}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// tokenize splits text into words: runs of letters, digits and marks, an
// apostrophe inside a word kept unless it ends an elision.
func tokenize(text string) []token {
	var (
		toks  []token
		gap   strings.Builder
		start = -1
	)
	flush := func(end int) {
		w := text[start:end]
		t := token{start: start, end: end, fold: fold(w), gap: gap.String()}
		first, _ := utf8.DecodeRuneInString(w)
		t.upper = unicode.IsUpper(first)
		letters, caps := 0, true
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
				if !unicode.IsUpper(r) {
					caps = false
				}
			}
		}
		t.caps = caps && letters >= 2
		toks = append(toks, t)
		gap.Reset()
		start = -1
	}
	for i, r := range text {
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && isApostrophe(r):
			next, _ := utf8.DecodeRuneInString(text[i+utf8.RuneLen(r):])
			if !unicode.IsLetter(next) || elisions[fold(text[start:i])] {
				flush(i)
			}
		default:
			if start >= 0 {
				flush(i)
			}
			switch {
			case r == '\n' || r == '\r':
				if !strings.HasSuffix(gap.String(), "\n") {
					gap.WriteByte('\n')
				}
			case unicode.IsSpace(r) || r == '-' || r == '‐' || isApostrophe(r):
			default:
				gap.WriteRune(r)
			}
		}
	}
	if start >= 0 {
		flush(len(text))
	}
	return toks
}

// foldChains recycles the Unicode folding chains.
var foldChains = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

var foldReplacer = strings.NewReplacer("œ", "oe", "æ", "ae", "’", "'", "ʼ", "'")

// fold returns s in lower case without diacritics (œ → oe), with ’ as '.
func fold(s string) string {
	s = strings.ToLower(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	s = foldReplacer.Replace(s)
	t := foldChains.Get().(transform.Transformer)
	defer foldChains.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}
