package pdftext

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tidy turns the raw output of pdftotext (lines ending in "\n", blocks
// separated by blank lines, pages ended by "\f") into Doc.Text of at most
// limit bytes. cut reports whether text was left out for the limit.
func tidy(raw []byte, limit int) (text string, cut bool) {
	s := strings.ToValidUTF8(string(raw), "")
	pages := strings.Split(s, "\f")
	if n := len(pages); n > 1 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	blocks := make([][]string, len(pages))
	for i, p := range pages {
		blocks[i] = paragraphs(p)
	}
	dropRepeated(blocks)
	var b strings.Builder
	for _, page := range blocks {
		for _, para := range page {
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(para)
			if b.Len() > limit {
				return cutAt(b.String(), limit), true
			}
		}
	}
	return b.String(), false
}

// paragraphs splits the text of one page into paragraphs, each on one line.
func paragraphs(page string) []string {
	var out []string
	for _, block := range strings.Split(strings.ReplaceAll(page, "\r\n", "\n"), "\n\n") {
		var b strings.Builder
		for _, line := range strings.Split(block, "\n") {
			line = strings.Join(strings.FieldsFunc(line, isSpace), " ")
			if line == "" {
				continue
			}
			if b.Len() > 0 {
				prev := b.String()
				if joinsHyphen(prev, line) {
					t := strings.TrimSuffix(strings.TrimSuffix(prev, "-"), "\u00ad")
					b.Reset()
					b.WriteString(t)
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(line)
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return out
}

// isSpace reports whether r separates words: Unicode spaces, and control
// characters, which PDF text should not hold.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u00a0' || r == '\ufeff'
}

// joinsHyphen reports whether prev ends with a word hyphenated at the line
// end, to be rejoined with next: a letter and a hyphen (or a soft hyphen)
// before, a lower-case letter after. "Nord-\nSud" stays hyphenated, while
// "dévelop-\npement" becomes "développement" (a compound split at its
// own hyphen, as "porte-\nparole", loses it: the rarer case).
func joinsHyphen(prev, next string) bool {
	r, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsLower(r) {
		return false
	}
	if strings.HasSuffix(prev, "\u00ad") {
		return true
	}
	if !strings.HasSuffix(prev, "-") {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(prev[:len(prev)-1])
	return unicode.IsLetter(before)
}

// digits matches the runs of digits that a header or footer changes from
// page to page.
var digits = regexp.MustCompile(`[0-9]+`)

// maxEdge is the length in bytes of the longest header or footer paragraph
// dropRepeated removes: a header is a line, not a paragraph of prose.
const maxEdge = 150

// dropRepeated removes from pages the header and footer lines: a first or
// last paragraph of a page, at most maxEdge bytes long, that, with its
// numbers ignored, is also the first or last paragraph of more than half of
// the pages (so every page of a two-page document). A one-page document
// keeps its text, and at most two paragraphs go at each end.
func dropRepeated(pages [][]string) {
	if len(pages) < 2 {
		return
	}
	key := func(s string) string { return digits.ReplaceAllString(s, "#") }
	for _, end := range []int{0, 1} { // 0: top of page, 1: bottom
		for range 2 { // a header of two paragraphs, e.g. a title and a date
			count := map[string]int{}
			for _, p := range pages {
				if len(p) > 0 {
					count[key(edge(p, end))]++
				}
			}
			removed := false
			for i, p := range pages {
				if len(p) > 0 && len(edge(p, end)) <= maxEdge && 2*count[key(edge(p, end))] > len(pages) {
					if end == 0 {
						pages[i] = p[1:]
					} else {
						pages[i] = p[:len(p)-1]
					}
					removed = true
				}
			}
			if !removed {
				break
			}
		}
	}
}

// edge is the first (end 0) or last (end 1) paragraph of p.
func edge(p []string, end int) string {
	if end == 0 {
		return p[0]
	}
	return p[len(p)-1]
}

// cutAt cuts s to at most limit bytes, at the last space before the limit
// when there is one in the last quarter, else at a rune boundary.
func cutAt(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	s = s[:i]
	if i := strings.LastIndexAny(s, " \n"); i > limit*3/4 {
		s = s[:i]
	}
	return strings.TrimRight(s, " \n")
}

// countLetters counts the letters of s, stopping at enough.
func countLetters(s string, enough int) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if n++; n >= enough {
				break
			}
		}
	}
	return n
}
