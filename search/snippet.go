package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"missionsearch"
)

// Snippet geometry.
const (
	snippetRunes = 200 // the length of a snippet, in characters
	snippetLead  = 30  // characters shown before the first match, when there is room
	// maxAnalyzedBytes bounds the text analysed to find matches: a match
	// beyond it gives the fallback snippet.
	maxAnalyzedBytes = 64 << 10
)

// matcher finds the query's words in a text of one language, the way the
// index matched them: by the analyzer's terms, or by close terms for the
// typo-tolerant words.
type matcher struct {
	an    analysis.Analyzer
	exact map[string]bool
	fuzzy []fuzzyStem
}

type fuzzyStem struct {
	term []rune
	dist int
}

func (m *matcher) empty() bool { return m == nil || (len(m.exact) == 0 && len(m.fuzzy) == 0) }

func (m *matcher) match(term []byte) bool {
	if m.exact[string(term)] {
		return true
	}
	if len(m.fuzzy) == 0 {
		return false
	}
	rs := []rune(string(term))
	for _, f := range m.fuzzy {
		if withinDistance(rs, f.term, f.dist) {
			return true
		}
	}
	return false
}

// langIndex returns the index of l in missionsearch.Langs (French for an
// unknown language, as the index does).
func langIndex(l missionsearch.Lang) int {
	for i, x := range missionsearch.Langs {
		if x == l {
			return i
		}
	}
	return 0
}

// matcher returns the matcher of the positive words of p in language l.
func (p *plan) matcher(l missionsearch.Lang) *matcher {
	i := langIndex(l)
	if p.marks[i] != nil {
		return p.marks[i]
	}
	m := &matcher{an: p.s.an.lang[i], exact: map[string]bool{}}
	for _, alts := range p.clauses {
		for _, ti := range alts {
			for _, t := range ti.stems[i] {
				m.exact[t] = true
			}
			if f := ti.stemFuzz(i); f > 0 {
				m.fuzzy = append(m.fuzzy, fuzzyStem{[]rune(ti.stems[i][0]), f})
			}
			for _, c := range ti.cands {
				for _, t := range terms(m.an, c) {
					m.exact[t] = true
				}
			}
		}
	}
	p.marks[i] = m
	return m
}

// snippet returns the safe HTML snippet of a page: the passage of body with
// the most matched words, else the description (with its matches marked),
// else the start of the body.
func snippet(body, description string, m *matcher) string {
	if !utf8.ValidString(body) {
		body = strings.ToValidUTF8(body, "\uFFFD")
	}
	if !utf8.ValidString(description) {
		description = strings.ToValidUTF8(description, "\uFFFD")
	}
	s, ok := cut(body, m)
	if ok || description == "" {
		return s
	}
	s, _ = cut(description, m)
	return s
}

// span is a matched word in a text, as byte offsets.
type span struct {
	start, end int
	term       string
	// runeStart and runeEnd are the same offsets in characters.
	runeStart, runeEnd int
}

// cut returns about snippetRunes characters of text as safe HTML, with the
// words m matches between <mark> tags: the window with the most distinct
// matched words, or the start of text when nothing matches (ok false).
func cut(text string, m *matcher) (string, bool) {
	var spans []span
	if !m.empty() {
		limit := min(len(text), maxAnalyzedBytes)
		for limit < len(text) && !utf8.RuneStart(text[limit]) {
			limit--
		}
		for _, tok := range m.an.Analyze([]byte(text[:limit])) {
			if m.match(tok.Term) {
				start := elidedStart(text, tok.Start, tok.End)
				spans = append(spans, span{start: start, end: tok.End, term: string(tok.Term)})
			}
		}
	}
	// Character offsets of the spans, counted in one pass.
	pos, runes := 0, 0
	for i := range spans {
		runes += utf8.RuneCountInString(text[pos:spans[i].start])
		spans[i].runeStart = runes
		runes += utf8.RuneCountInString(text[spans[i].start:spans[i].end])
		spans[i].runeEnd = runes
		pos = spans[i].end
	}
	total := runes + utf8.RuneCountInString(text[pos:])

	// The best window: most distinct terms, then most matches, earliest.
	winStart, best, bestScore := 0, -1, -1
	for i := range spans {
		ws := max(0, min(spans[i].runeStart-snippetLead, total-snippetRunes))
		distinct := map[string]bool{}
		n := 0
		for j := i; j < len(spans) && spans[j].runeEnd <= ws+snippetRunes; j++ {
			distinct[spans[j].term] = true
			n++
		}
		if score := len(distinct)*1000 + n; score > bestScore {
			best, bestScore, winStart = i, score, ws
		}
	}

	// From characters to bytes, then out to word boundaries.
	start, end := runeOffset(text, 0, 0, winStart), 0
	end = runeOffset(text, start, winStart, winStart+snippetRunes)
	if best >= 0 {
		start = min(start, spans[best].start)
	}
	start = wordStart(text, start, best, spans)
	end = wordEnd(text, start, end)

	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	at := start
	for _, sp := range spans {
		if sp.start < start || sp.end > end {
			continue
		}
		writeText(&b, text[at:sp.start])
		b.WriteString("<mark>")
		writeText(&b, text[sp.start:sp.end])
		b.WriteString("</mark>")
		at = sp.end
	}
	writeText(&b, text[at:end])
	if end < len(text) {
		b.WriteString(" …")
	}
	return strings.TrimSpace(b.String()), best >= 0
}

// runeOffset returns the byte offset of character n of text, counting from
// byte from, which is character fromRune.
func runeOffset(text string, from, fromRune, n int) int {
	i := from
	for r := fromRune; r < n && i < len(text); r++ {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// wordStart moves start forward to the beginning of a word, when it falls
// inside one, but not past the first mark of the window.
func wordStart(text string, start, best int, spans []span) int {
	if start == 0 {
		return 0
	}
	limit := len(text)
	if best >= 0 {
		limit = spans[best].start
	}
	prev, _ := utf8.DecodeLastRuneInString(text[:start])
	if unicode.IsSpace(prev) {
		return start
	}
	for i, r := range text[start:limit] {
		if unicode.IsSpace(r) {
			return start + i + utf8.RuneLen(r)
		}
	}
	return start
}

// wordEnd moves end back to the end of a word, when it falls inside one.
func wordEnd(text string, start, end int) int {
	if end >= len(text) {
		return len(text)
	}
	next, _ := utf8.DecodeRuneInString(text[end:])
	if unicode.IsSpace(next) {
		return end
	}
	for i := end; i > start; {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) {
			return i - size
		}
		i -= size
	}
	return end
}

// writeText writes s to b escaped for HTML, with runs of white space as
// one space.
func writeText(b *strings.Builder, s string) {
	space := false
	from := 0
	for i, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			if !space {
				b.WriteString(html.EscapeString(s[from:i]))
				b.WriteByte(' ')
				space = true
			}
			from = i + utf8.RuneLen(r)
			continue
		}
		space = false
	}
	b.WriteString(html.EscapeString(s[from:]))
}

// elisions are the French articles the analyzers strip before an
// apostrophe; a mark starts after them: l'<mark>événement</mark>.
var elisions = map[string]bool{
	"l": true, "m": true, "t": true, "qu": true, "n": true, "s": true, "j": true, "d": true, "c": true,
	"jusqu": true, "quoiqu": true, "lorsqu": true, "puisqu": true,
}

// elidedStart returns the start of the word of token text[start:end] past
// an elided article.
func elidedStart(text string, start, end int) int {
	tok := text[start:end]
	i := strings.IndexAny(tok, "'’")
	if i <= 0 {
		return start
	}
	if !elisions[strings.ToLower(tok[:i])] {
		return start
	}
	_, n := utf8.DecodeRuneInString(tok[i:])
	if start+i+n >= end {
		return start
	}
	return start + i + n
}

// withinDistance reports whether the edit distance of a and b is at most
// max.
func withinDistance(a, b []rune, max int) bool {
	if d := len(a) - len(b); d > max || -d > max {
		return false
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= max
}
