package search

import (
	"html"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
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
//
// Analysing a whole page to find a few words is what made hits cost about
// a millisecond each on long pages. So a matcher first scans the text for
// candidate words, cheaply and without allocating (scanWords), and
// analyses only those. A candidate is a word whose skeleton (lower
// case, accents folded, doubled letters as one) begins with the first two
// skeleton letters of a term the query looks for: the French light
// stemmer, the Porter stemmer and folding only change the end of a word,
// and a word's skeleton keeps its first letters through them. Arabic words
// are looked at up to 3 letters in, past the prefixes the Arabic stemmer
// removes (ال، وال، بال…). The words a typo-tolerant term matched are
// known exactly: the terms of the body field within its edit distance,
// which the search found in the index. The scan gives the words the
// analysis of the whole text gives (TestSnippetScanEqualsAnalysis, on the
// real corpora); the description, short, is analysed whole, with the edit
// distance for typo-tolerant terms.
type matcher struct {
	an analysis.Analyzer
	// exact maps the terms to the clauses of the query they match, a bit
	// per clause (the 64th stands for the later ones); all has the bit of
	// every clause.
	exact map[string]uint64
	fuzzy []fuzzyStem
	all   uint64
	// keys are the skeleton prefixes of the exact terms; skip is how many
	// letters into a word a key may start (Arabic prefixes). scanAll is
	// set when the fuzzy terms of the index are unknown (not a scorch
	// index): every word is then analysed.
	keys    map[[2]rune]bool
	firsts  [4]uint64 // the first letters of the keys below 256, a bit each
	skip    int
	scanAll bool
	// words caches the matched tokens of the candidate words analysed so
	// far (a page repeats its words, and so do the hits of one search);
	// a matcher serves the hits of one search, one at a time.
	words map[string][]wordMatch
}

// wordMatch is a matched token of a word, with offsets in the word and
// the clauses it matches.
type wordMatch struct {
	start, end int
	mask       uint64
}

// maxCachedWords bounds the words a matcher remembers.
const maxCachedWords = 4096

// wordMatches returns the tokens of word that m matches.
func (m *matcher) wordMatches(word string) []wordMatch {
	if ms, ok := m.words[word]; ok {
		return ms
	}
	var ms []wordMatch
	for _, tok := range m.an.Analyze([]byte(word)) {
		if mask := m.match(tok.Term); mask != 0 {
			ms = append(ms, wordMatch{tok.Start, tok.End, mask})
		}
	}
	if m.words == nil || len(m.words) >= maxCachedWords {
		m.words = map[string][]wordMatch{}
	}
	m.words[strings.Clone(word)] = ms
	return ms
}

type fuzzyStem struct {
	term   []rune
	prefix string // the start a match must keep (typoPrefix)
	dist   int
	mask   uint64
}

func (m *matcher) empty() bool { return m == nil || (len(m.exact) == 0 && len(m.fuzzy) == 0) }

// match returns the clauses term matches (0 for none).
func (m *matcher) match(term []byte) uint64 {
	mask := m.exact[string(term)]
	if len(m.fuzzy) == 0 {
		return mask
	}
	rs := []rune(string(term))
	for _, f := range m.fuzzy {
		if mask&f.mask == 0 && strings.HasPrefix(string(term), f.prefix) && withinDistance(rs, f.term, f.dist) {
			mask |= f.mask
		}
	}
	return mask
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
	m := &matcher{an: p.s.an.lang[i], exact: map[string]uint64{}}
	for ci, alts := range p.clauses {
		bit := uint64(1) << min(ci, 63)
		m.all |= bit
		for _, ti := range alts {
			for _, t := range ti.stems[i] {
				m.exact[t] |= bit
			}
			if f := ti.stemFuzz(i); f > 0 {
				stem := ti.stems[i][0]
				prefix := typoPrefix(stem, utf8.RuneCountInString(ti.fold[0]))
				if ti.minCount == 0 {
					// (A rare word's alternatives are the counted
					// candidates below, not every word within f edits.)
					m.fuzzy = append(m.fuzzy, fuzzyStem{[]rune(stem), prefix, f, bit})
				}
				// The body words the index matched by typo tolerance
				// are the terms of the body field within f edits: the
				// scan looks for them as exact terms.
				e, err := p.v.st.fuzz.candidates(p.v.r, index.BodyField(missionsearch.Langs[i]), stem, prefix, f, ti.minCount)
				if err != nil {
					m.scanAll = true
				}
				for _, t := range e.terms {
					m.exact[t] |= bit
				}
			}
			for _, c := range ti.cands {
				for _, t := range terms(m.an, c) {
					m.exact[t] |= bit
				}
			}
		}
	}
	m.keys = map[[2]rune]bool{}
	for t := range m.exact {
		k := skeletonKey(t)
		m.keys[k] = true
		if k[0] < 256 {
			m.firsts[k[0]>>6] |= 1 << (k[0] & 63)
		}
	}
	if missionsearch.Langs[i] == missionsearch.LangAR {
		m.skip = 3
	}
	p.marks[i] = m
	return m
}

// skeletonKey returns the first two letters of the skeleton of word (see
// matcher); a missing letter is 0.
func skeletonKey(word string) [2]rune {
	var k [2]rune
	n := 0
	for _, r := range word {
		r = skeletonRune(r)
		if r == 0 || (n > 0 && k[n-1] == r) {
			continue
		}
		k[n] = r
		if n++; n == 2 {
			break
		}
	}
	return k
}

// skeletonRune returns the skeleton form of a letter: lower case, without
// its accent, the Arabic letters that the Arabic normaliser merges as one;
// 0 for a letter that the skeleton leaves out (combining marks, tatweel).
func skeletonRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if f, ok := skeletonFold[r]; ok {
		return f
	}
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) {
		return 0
	}
	return unicode.ToLower(r)
}

// skeletonFold maps the letters whose skeleton is another letter.
var skeletonFold = func() map[rune]rune {
	m := map[rune]rune{
		'œ': 'o', 'Œ': 'o', 'æ': 'a', 'Æ': 'a', 'ß': 's',
		'آ': 'ا', 'أ': 'ا', 'إ': 'ا', 'ٱ': 'ا', 'ة': 'ه', 'ى': 'ي', 'ـ': 0,
	}
	for _, group := range []string{
		"aàáâãäåāăą", "AÀÁÂÃÄÅĀĂĄ", "cçćč", "CÇĆČ", "eèéêëēėęě", "EÈÉÊËĒĖĘĚ", "iìíîïīį", "IÌÍÎÏĪĮ",
		"nñńň", "NÑŃŇ", "oòóôõöøō", "OÒÓÔÕÖØŌ", "uùúûüūů", "UÙÚÛÜŪŮ", "yýÿ", "YÝŸ", "sśšş", "SŚŠŞ", "zźżž", "ZŹŻŽ",
	} {
		rs := []rune(group)
		for _, r := range rs[1:] {
			m[r] = unicode.ToLower(rs[0])
		}
	}
	return m
}()

// keyed reports whether sk, the first n skeleton letters of a part of a
// word, start with a key of m within its first m.skip+1 letters.
func (m *matcher) keyed(sk *[6]rune, n int) bool {
	if m.skip == 0 && sk[0] < 256 && m.firsts[sk[0]>>6]&(1<<(sk[0]&63)) == 0 {
		return false // the common case: no key starts with this letter
	}
	for off := 0; off <= m.skip && off < max(n, 1); off++ {
		var k [2]rune
		copy(k[:], sk[off:min(n, off+2)])
		if m.keys[k] {
			return true
		}
	}
	return false
}

// inWord reports whether r belongs to a word of scanWords: letters,
// digits, marks, format characters (a soft hyphen does not split a word)
// and connectors such as '_'.
func inWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) ||
		unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.No, r)
}

// isJoiner reports whether r joins two words into one token when it lies
// between them (the MidLetter and MidNum characters of Unicode word
// segmentation: l'état, 3,5, 10.2, fin.Début).
func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', '.', ',', ':', ';', '·', '\u2018', '\u2024', '\uFE52', '\uFF07', '\uFF0E', '\u037E', '\u0589', '\u060C', '\u060D', '\u066C', '\u07F8', '\u2044', '\uFE10', '\uFE13', '\uFE14', '\uFE50', '\uFE54', '\uFF0C', '\uFF1B':
		return true
	}
	return false
}

// scanWords calls fn with the byte offsets of each word of text that may
// hold a term of m: a word is a run of word runes, with single joiners
// between word runes kept inside, and it may hold a term when one of its
// parts (its start, and after each joiner: l'<part>) has the skeleton
// prefix of a term (see matcher). A word is never smaller than a token of
// the analyzers' tokenizer (Unicode word segmentation), so analysing a word
// alone gives the tokens the whole text gives there. One pass, no
// allocation: most words are dismissed after their first two letters.
//
// The scan ends at the end of text, or at the first word starting after
// *limit, which fn may lower.
func (m *matcher) scanWords(text string, limit *int, fn func(start, end int)) {
	want := m.skip + 2
	for i := 0; i < len(text); {
		// Out of words: to the start of the next one.
		if c := text[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !inWord(r) {
			i += size
			continue
		}
		if i > *limit {
			return
		}
		start, hit := i, m.scanAll
		for { // a part of the word
			var sk [6]rune // its first skeleton letters
			n := 0
			for i < len(text) {
				r, size := rune(text[i]), 1
				if r < utf8.RuneSelf {
					if !asciiWord[r] {
						break
					}
					if 'A' <= r && r <= 'Z' {
						r += 'a' - 'A'
					}
				} else {
					if r, size = utf8.DecodeRuneInString(text[i:]); !inWord(r) {
						break
					}
					r = skeletonRune(r)
				}
				if n < want && r != 0 && (n == 0 || sk[n-1] != r) {
					sk[n] = r
					n++
				}
				i += size
			}
			if !hit {
				hit = m.keyed(&sk, n)
			}
			// A joiner between two word runes starts another part.
			if i == len(text) {
				break
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isJoiner(r) || i+size == len(text) || !inWord(nextRune(text[i+size:])) {
				break
			}
			i += size
		}
		if hit {
			fn(start, i)
		}
	}
}

// asciiWord tells the ASCII characters of words (inWord), for scanWords.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = inWord(rune(c))
	}
	return t
}()

func nextRune(s string) rune {
	if s[0] < utf8.RuneSelf {
		return rune(s[0])
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// snippet returns the safe HTML snippet of a page: the passage of body with
// the most matched words, else the description (with its matches marked),
// else the start of the body.
//
// Only the start of a long body is read: its first maxAnalyzedBytes, where
// matches are looked for, and room for a window after them.
func snippet(body, description string, m *matcher) string {
	body, more := snippetText(body)
	description, moreDesc := snippetText(description)
	s, ok := window(body, scanMatches(body, m), more)
	if ok || description == "" {
		return s
	}
	s, _ = window(description, analysedMatches(description, m), moreDesc)
	return s
}

// snippetText returns the part of text a snippet may show, as valid UTF-8,
// and whether text goes on beyond it.
func snippetText(text string) (string, bool) {
	more := false
	if n := maxAnalyzedBytes + 2*utf8.UTFMax*snippetRunes; len(text) > n {
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text, more = text[:n], true
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return text, more
}

// span is a matched word in a text, as byte offsets, with the clauses of
// the query it matches.
type span struct {
	start, end int
	mask       uint64
	// runeStart and runeEnd are the same offsets in characters.
	runeStart, runeEnd int
}

// scanLimit returns the end of the part of text whose words are looked at:
// its first maxAnalyzedBytes, cut at a character boundary.
func scanLimit(text string) int {
	limit := min(len(text), maxAnalyzedBytes)
	for limit < len(text) && !utf8.RuneStart(text[limit]) {
		limit--
	}
	return limit
}

// scanMatches returns the words of the first maxAnalyzedBytes of text that
// m matches, in order: the candidate words of a scan, analysed one by one.
// Its cost is that of a byte scan plus the analysis of the candidates,
// whatever the length of the page beyond the scanned part.
func scanMatches(text string, m *matcher) []span {
	if m.empty() {
		return nil
	}
	var spans []span
	stop := len(text)
	m.scanWords(text[:scanLimit(text)], &stop, func(ws, we int) {
		for _, wm := range m.wordMatches(text[ws:we]) {
			start := elidedStart(text, ws+wm.start, ws+wm.end)
			spans = append(spans, span{start: start, end: ws + wm.end, mask: wm.mask})
			stop = min(stop, m.stopAt(text, spans))
		}
	})
	return spans
}

// stopAt returns where the search for matches may stop, in bytes of text,
// after the last of spans: when it completes a window holding every clause
// of the query, no later window can hold more, so the matches beyond that
// window's end are not needed; len(text) otherwise.
func (m *matcher) stopAt(text string, spans []span) int {
	last := spans[len(spans)-1]
	var acc uint64
	for i := len(spans) - 1; i >= 0; i-- {
		if last.end-spans[i].start > utf8.UTFMax*snippetRunes ||
			utf8.RuneCountInString(text[spans[i].start:last.end]) > snippetRunes-snippetLead {
			break
		}
		if acc |= spans[i].mask; acc == m.all {
			return spans[i].start + utf8.UTFMax*snippetRunes
		}
	}
	return len(text)
}

// analysedMatches returns the words of the first maxAnalyzedBytes of text
// that m matches, in order, from the analysis of all that text: the way of
// short texts (descriptions), and the oracle of scanMatches.
func analysedMatches(text string, m *matcher) []span {
	if m.empty() {
		return nil
	}
	var spans []span
	stop := len(text)
	for _, tok := range m.an.Analyze([]byte(text[:scanLimit(text)])) {
		if tok.Start > stop {
			break
		}
		if mask := m.match(tok.Term); mask != 0 {
			start := elidedStart(text, tok.Start, tok.End)
			spans = append(spans, span{start: start, end: tok.End, mask: mask})
			stop = min(stop, m.stopAt(text, spans))
		}
	}
	return spans
}

// window returns about snippetRunes characters of text as safe HTML, with
// the spans between <mark> tags: the window with the most distinct matched
// words, or the start of text when there is no span (ok false).
// more tells that the text goes on after text.
func window(text string, spans []span, more bool) (string, bool) {
	// Character offsets of the spans, counted in one pass.
	pos, runes := 0, 0
	for i := range spans {
		runes += utf8.RuneCountInString(text[pos:spans[i].start])
		spans[i].runeStart = runes
		runes += utf8.RuneCountInString(text[spans[i].start:spans[i].end])
		spans[i].runeEnd = runes
		pos = spans[i].end
	}
	// The length of the text in characters matters only near its end:
	// beyond the last span and one window, it is not counted.
	counted := min(len(text), pos+utf8.UTFMax*snippetRunes)
	for counted < len(text) && !utf8.RuneStart(text[counted]) {
		counted++
	}
	total := runes + utf8.RuneCountInString(text[pos:counted])

	// The best window: most clauses of the query, then most matches,
	// earliest.
	winStart, best, bestScore := 0, -1, -1
	for i := range spans {
		ws := max(0, min(spans[i].runeStart-snippetLead, total-snippetRunes))
		var clauses uint64
		n := 0
		for j := i; j < len(spans) && spans[j].runeEnd <= ws+snippetRunes; j++ {
			clauses |= spans[j].mask
			n++
		}
		if score := bits.OnesCount64(clauses)*1000 + n; score > bestScore {
			best, bestScore, winStart = i, score, ws
		}
	}

	// From characters to bytes, then out to word boundaries.
	// The window starts at most snippetLead characters before its first
	// span (the end of the text may pull it further back): walk back from
	// the span rather than forward from the start of the text.
	start := 0
	if best >= 0 {
		start = runeBack(text, spans[best].start, spans[best].runeStart-winStart)
	}
	end := runeOffset(text, start, winStart, winStart+snippetRunes)
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
	if end < len(text) || more {
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

// runeBack returns the byte offset n characters before byte offset from
// of text.
func runeBack(text string, from, n int) int {
	i := from
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
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
