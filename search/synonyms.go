package search

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
)

// Synonyms are groups of terms that mean the same, across French and
// English: a query word, quoted phrase or run of words that is a term of a
// group also finds the pages that use another term of it, as if the visitor
// had typed them with OR. Terms are kept folded (see Searcher.fold).
type Synonyms struct {
	groups map[string][]string // folded term → the other terms of its groups, as written
	words  int                 // the most words of a term
}

//go:embed synonyms.txt
var shippedSynonyms string

// ParseSynonyms reads groups of terms, one group per line, terms separated
// by "|", "#" starting a comment; name is used in errors ("line 3 of
// name: ..."). A group needs at least two terms.
func ParseSynonyms(name string, r io.Reader) ([][]string, error) {
	var groups [][]string
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		var g []string
		for t := range strings.SplitSeq(line, "|") {
			if t = strings.Join(strings.Fields(t), " "); t != "" {
				g = append(g, t)
			}
		}
		if len(g) < 2 {
			return nil, fmt.Errorf("line %d of %s: a group needs two terms or more, separated by |", n, name)
		}
		groups = append(groups, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return groups, nil
}

// SetSynonyms adds a site's groups to the shipped ones (synonyms.txt).
// Call it before searching.
func (s *Searcher) SetSynonyms(groups [][]string) {
	s.syn = s.newSynonyms(groups)
}

// newSynonyms builds the synonyms of the shipped groups and extra.
func (s *Searcher) newSynonyms(extra [][]string) *Synonyms {
	shipped, err := ParseSynonyms("synonyms.txt", strings.NewReader(shippedSynonyms))
	if err != nil {
		panic(err) // the shipped file is checked by the tests
	}
	syn := &Synonyms{groups: map[string][]string{}}
	for _, g := range append(shipped, extra...) {
		for _, t := range g {
			key := s.foldKey(t)
			if key == "" {
				continue
			}
			syn.words = max(syn.words, strings.Count(key, " ")+1)
			for _, o := range g {
				if s.foldKey(o) != key && !containsFold(syn.groups[key], o) {
					syn.groups[key] = append(syn.groups[key], o)
				}
			}
		}
	}
	return syn
}

// foldKey returns text folded and unstemmed, its words separated by one
// space: the key of a term.
func (s *Searcher) foldKey(text string) string {
	return strings.Join(terms(s.an.fold, text), " ")
}

func containsFold(ts []string, t string) bool {
	for _, x := range ts {
		if strings.EqualFold(x, t) {
			return true
		}
	}
	return false
}

// of returns the other terms of the groups of the folded key.
func (syn *Synonyms) of(key string) []string {
	if syn == nil {
		return nil
	}
	return syn.groups[key]
}
