package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
)

// Limits of a query, checked by ParseQuery (and so by Searcher.Search)
// before any work is done.
const (
	// MaxQueryRunes is the longest query accepted, in characters of its
	// normal form (Query.String).
	MaxQueryRunes = 256
	// MaxQueryTerms is the largest number of words and phrases in a query,
	// exclusions included.
	MaxQueryTerms = 16
)

// Term is one word or one exact phrase of a query.
type Term struct {
	// Text is the word as typed, without surrounding punctuation, or the
	// words of the phrase separated by single spaces. It is never empty.
	Text string
	// Phrase is true for text typed between quotes: its words must appear
	// together and in order, and no typo tolerance applies.
	Phrase bool
}

// Clause is one required part of a query: a page satisfies it when it
// matches any of its terms. A clause has several terms when they were
// joined by OR in the query text.
type Clause []Term

// Query is a parsed search query, the result of ParseQuery. Every clause
// must match a page (unless the search is relaxed, see Result.Relaxed) and
// no excluded term may.
//
// The zero Query is empty: it matches every page.
type Query struct {
	Clauses  []Clause
	Excluded []Term
}

// Empty reports whether q has neither clauses nor exclusions.
func (q Query) Empty() bool { return len(q.Clauses) == 0 && len(q.Excluded) == 0 }

// Len returns the number of terms of q, exclusions included.
func (q Query) Len() int {
	n := len(q.Excluded)
	for _, c := range q.Clauses {
		n += len(c)
	}
	return n
}

// String returns q in the query language, normalised: clauses in order,
// alternatives joined by " OR ", phrases quoted, exclusions last. Parsing
// the result gives q back.
func (q Query) String() string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
	}
	for _, c := range q.Clauses {
		sep()
		for i, t := range c {
			if i > 0 {
				b.WriteString(" OR ")
			}
			t.write(&b)
		}
	}
	for _, t := range q.Excluded {
		sep()
		b.WriteByte('-')
		t.write(&b)
	}
	return b.String()
}

// without returns q without the clauses at the given indexes.
func (q Query) without(drop []int) Query {
	out := Query{Excluded: q.Excluded}
	for i, c := range q.Clauses {
		if !slices.Contains(drop, i) {
			out.Clauses = append(out.Clauses, c)
		}
	}
	return out
}

func (t Term) write(b *strings.Builder) {
	if t.Phrase {
		b.WriteByte('"')
		b.WriteString(t.Text)
		b.WriteByte('"')
		return
	}
	b.WriteString(t.Text)
}

// ParseQuery parses the query language of the search box, made for people
// rather than for programs:
//
//   - words: each must match a page (accents and case do not matter, and
//     French, English and Arabic word forms are matched by their stems);
//   - "exact phrases" between straight or curly quotes or « guillemets »;
//     an unclosed quote is closed at the end of the query;
//   - -word and -"phrase" leave out the pages that contain them;
//   - a OR b (also a OU b, upper case) matches pages with either word.
//
// Punctuation around words is ignored; a lone OR, sign or punctuation mark
// is dropped. Nothing else is special: there are no fields, wildcards or
// boosts, so any text is a valid query. A query longer than MaxQueryRunes
// characters once normalised (see Query.String; white space and stray
// punctuation do not count) or with more than MaxQueryTerms terms is
// refused with an EINVALID *missionsearch.Error, and so is any text longer
// than 4×MaxQueryRunes characters.
func ParseQuery(s string) (Query, error) {
	if n := utf8.RuneCountInString(s); n > 4*MaxQueryRunes {
		return Query{}, tooLong(n)
	}
	rs := []rune(strings.ToValidUTF8(s, " "))
	var q Query
	orPending := false    // an OR was read after a positive term
	lastPositive := false // the last term read was positive
	for i := 0; i < len(rs); {
		r := rs[i]
		if isSeparator(r) {
			i++
			continue
		}
		neg := false
		if r == '-' || r == '+' {
			i++
			if i == len(rs) || isSeparator(rs[i]) {
				continue // a lone sign
			}
			neg = r == '-'
			r = rs[i]
		}
		var t Term
		if isQuote(r) {
			j := i + 1
			for j < len(rs) && !isQuote(rs[j]) {
				j++
			}
			t = Term{Text: normalizePhrase(rs[i+1 : j]), Phrase: true}
			i = j + 1 // past the closing quote, or the end
		} else {
			j := i
			for j < len(rs) && !isSeparator(rs[j]) && !isQuote(rs[j]) {
				j++
			}
			t = Term{Text: trimWord(rs[i:j])}
			i = j
			if !neg && (t.Text == "OR" || t.Text == "OU") {
				orPending = lastPositive
				continue
			}
		}
		if t.Text == "" {
			continue
		}
		if neg {
			q.Excluded = append(q.Excluded, t)
			lastPositive, orPending = false, false
			continue
		}
		if orPending {
			last := len(q.Clauses) - 1
			q.Clauses[last] = append(q.Clauses[last], t)
		} else {
			q.Clauses = append(q.Clauses, Clause{t})
		}
		lastPositive, orPending = true, false
	}
	if n := q.Len(); n > MaxQueryTerms {
		return Query{}, missionsearch.Errorf(missionsearch.EINVALID,
			"Your search has too many words (%d). Please use at most %d words and phrases.", n, MaxQueryTerms)
	}
	// The limit applies to the normal form, so that String of a valid
	// query is valid too (it may be longer than the text typed).
	if n := utf8.RuneCountInString(q.String()); n > MaxQueryRunes {
		return Query{}, tooLong(n)
	}
	return q, nil
}

func tooLong(n int) error {
	return missionsearch.Errorf(missionsearch.EINVALID,
		"Your search is too long (%d characters). Please use at most %d characters.", n, MaxQueryRunes)
}

// isSeparator reports whether r separates terms: white space and control
// characters.
func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}

// isQuote reports whether r opens or closes a phrase.
func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '‟', '«', '»', '＂':
		return true
	}
	return false
}

// isWordRune reports whether r may start or end a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// trimWord returns the word in rs without the punctuation around it, or ""
// when rs holds no letter or digit.
func trimWord(rs []rune) string {
	i, j := 0, len(rs)
	for i < j && !isWordRune(rs[i]) {
		i++
	}
	for j > i && !isWordRune(rs[j-1]) {
		j--
	}
	for _, r := range rs[i:j] {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return string(rs[i:j])
		}
	}
	return ""
}

// normalizePhrase returns the words of a phrase, trimmed, separated by
// single spaces.
func normalizePhrase(rs []rune) string {
	var words []string
	for i := 0; i < len(rs); {
		if isSeparator(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && !isSeparator(rs[j]) {
			j++
		}
		if w := trimWord(rs[i:j]); w != "" {
			words = append(words, w)
		}
		i = j
	}
	return strings.Join(words, " ")
}
