package entity

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// Kind is what a gazetteer entry names.
type Kind string

// The kinds of entries. The partner kinds are KindUN to KindDonor, the
// place kinds KindCountry to KindCity.
const (
	KindUN      Kind = "un"      // the United Nations system
	KindIntl    Kind = "intl"    // other international organisations
	KindEU      Kind = "eu"      // the European Union and its bodies
	KindGov     Kind = "gov"     // a country's government or cooperation agency; the canonical name is the country
	KindPublic  Kind = "public"  // national public bodies
	KindNGO     Kind = "ngo"     // associations, foundations, networks
	KindDonor   Kind = "donor"   // development agencies and funds
	KindCountry Kind = "country" // countries
	KindRegion  Kind = "region"  // regions, provinces, governorates, continents and their parts
	KindCity    Kind = "city"    // cities and towns
	KindIgnore  Kind = "ignore"  // forms never tagged
)

var kinds = []Kind{KindUN, KindIntl, KindEU, KindGov, KindPublic, KindNGO, KindDonor, KindCountry, KindRegion, KindCity, KindIgnore}

// Partner reports whether entries of kind k are organisations (the
// partner facet).
func (k Kind) Partner() bool {
	switch k {
	case KindUN, KindIntl, KindEU, KindGov, KindPublic, KindNGO, KindDonor:
		return true
	}
	return false
}

// Place reports whether entries of kind k are places (the place facet).
func (k Kind) Place() bool { return k == KindCountry || k == KindRegion || k == KindCity }

// Entry is one line of a gazetteer: an organisation or place, its
// canonical name and the other forms the text may use.
type Entry struct {
	Kind Kind
	// Donor is set on countries that fund or support the work of the
	// mission sites ("country,donor" in the file): such a country named as
	// funding the work is a partner.
	Donor bool
	// Canonical is the name reported for every form. It is itself a form,
	// except for KindGov entries, whose canonical name is a country's.
	Canonical string
	Forms     []string
	// Source and Line say where the entry was read ("gazetteer.txt", 12).
	Source string
	Line   int
}

//go:embed gazetteer.txt
var shipped string

// Parse reads gazetteer entries, one per line: "kind | canonical | form |
// form …", "#" starting a comment, blank lines ignored. name is used in
// errors. Every bad line is reported, each as "name:line: what is wrong",
// joined in one error; no entry is returned then. A form may appear in one
// entry only.
func Parse(name string, r io.Reader) ([]Entry, error) {
	var (
		entries []Entry
		bad     []string
		seen    = map[string]int{} // folded form → line
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Split(line, "|")
		for i, f := range fields {
			fields[i] = strings.Join(strings.Fields(f), " ")
		}
		if len(fields) < 2 || fields[1] == "" {
			bad = append(bad, fmt.Sprintf("%s:%d: want \"kind | canonical name | other form …\"", name, n))
			continue
		}
		kind, donor, ok := parseKind(fields[0])
		if !ok {
			bad = append(bad, fmt.Sprintf("%s:%d: unknown kind %q (want one of %v, or country,donor)", name, n, fields[0], kinds))
			continue
		}
		e := Entry{Kind: kind, Donor: donor, Canonical: fields[1], Source: name, Line: n}
		forms := fields[1:]
		if kind == KindGov {
			forms = fields[2:]
		}
		for _, f := range forms {
			if f == "" {
				continue
			}
			key := strings.Join(foldWords(f), " ")
			if key == "" {
				bad = append(bad, fmt.Sprintf("%s:%d: the form %q has no word", name, n, f))
				continue
			}
			if l, dup := seen[key]; dup && l != n {
				bad = append(bad, fmt.Sprintf("%s:%d: the form %q is already on line %d", name, n, f, l))
				continue
			}
			if seen[key] == n && slices.ContainsFunc(e.Forms, func(g string) bool { return g == f }) {
				continue
			}
			seen[key] = n
			e.Forms = append(e.Forms, f)
		}
		if len(e.Forms) == 0 {
			bad = append(bad, fmt.Sprintf("%s:%d: the entry has no form", name, n))
			continue
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(bad, "\n"))
	}
	return entries, nil
}

func parseKind(s string) (Kind, bool, bool) {
	k, donor := s, false
	if base, ok := strings.CutSuffix(s, ",donor"); ok {
		k, donor = base, true
	}
	kind := Kind(strings.ToLower(strings.TrimSpace(k)))
	if !slices.Contains(kinds, kind) || donor && kind != KindCountry {
		return "", false, false
	}
	return kind, donor, true
}

// Shipped returns the entries of the gazetteer shipped with missionsearch
// (gazetteer.txt), as a new slice the caller may modify.
func Shipped() []Entry {
	e, err := shippedEntries()
	if err != nil {
		panic("entity: the shipped gazetteer is malformed: " + err.Error())
	}
	return slices.Clone(e)
}

var shippedEntries = sync.OnceValues(func() ([]Entry, error) {
	return Parse("gazetteer.txt", strings.NewReader(shipped))
})

// Gazetteer matches the forms of its entries in text. It is safe for
// concurrent use.
type Gazetteer struct {
	forms    map[string]*form // by the folded words of a form, joined by spaces
	maxWords int
}

// form is one form of an entry, as matched.
type form struct {
	entry *Entry
	cases []wordCase // per word
}

// wordCase is what a word of a form asks of the letter case of the text.
type wordCase uint8

const (
	anyCase wordCase = iota // written in lower case: matches any case
	initial                 // starts with a capital: the text's word must too
	allCaps                 // an acronym: the text's word must be in capitals
)

// New returns a gazetteer of the shipped entries and then those of each of
// extra in order: a form of a later entry replaces the same form of an
// earlier one (a site's file overrides the shipped gazetteer, and an
// ignore entry blocks a form).
func New(extra ...[]Entry) *Gazetteer {
	all := [][]Entry{Shipped()}
	all = append(all, extra...)
	g := &Gazetteer{forms: map[string]*form{}}
	for _, list := range all {
		for i := range list {
			e := &list[i]
			for _, f := range e.Forms {
				words, cases := formWords(f)
				if len(words) == 0 {
					continue
				}
				key := strings.Join(words, " ")
				// Forms of one entry that differ in letter case only
				// ("Nations unies", "Nations Unies") ask the least of both.
				if o := g.forms[key]; o != nil && o.entry == e {
					for k := range cases {
						cases[k] = min(cases[k], o.cases[k])
					}
				}
				g.forms[key] = &form{entry: e, cases: cases}
				g.maxWords = max(g.maxWords, len(words))
			}
		}
	}
	return g
}

var defaultGazetteer = sync.OnceValue(func() *Gazetteer { return New() })

// Default returns the gazetteer of the shipped entries alone.
func Default() *Gazetteer { return defaultGazetteer() }

// formWords splits a form into folded words and their case constraints.
func formWords(f string) ([]string, []wordCase) {
	toks := tokenize(f)
	words := make([]string, len(toks))
	cases := make([]wordCase, len(toks))
	for i, t := range toks {
		words[i] = t.fold
		switch {
		case t.caps:
			cases[i] = allCaps
		case t.upper:
			cases[i] = initial
		}
	}
	return words, cases
}

// foldWords returns the folded words of s.
func foldWords(s string) []string {
	w, _ := formWords(s)
	return w
}

// match returns the longest form starting at toks[i] (with no
// punctuation inside it) and its length in words; nil, 0 when none.
func (g *Gazetteer) match(toks []token, i int) (*form, int) {
	for n := min(g.maxWords, len(toks)-i); n >= 1; n-- {
		if n > 1 && gapInside(toks[i:i+n]) {
			continue
		}
		var key strings.Builder
		for k := i; k < i+n; k++ {
			if k > i {
				key.WriteByte(' ')
			}
			key.WriteString(toks[k].fold)
		}
		if f := g.forms[key.String()]; f != nil && casesMatch(f.cases, toks[i:i+n]) {
			return f, n
		}
	}
	return nil, 0
}

// gapInside reports whether punctuation separates two of toks.
func gapInside(toks []token) bool {
	for _, t := range toks[1:] {
		if t.gap != "" {
			return true
		}
	}
	return false
}

func casesMatch(cases []wordCase, toks []token) bool {
	for k, c := range cases {
		switch c {
		case allCaps:
			if !toks[k].caps {
				return false
			}
		case initial:
			if !toks[k].upper {
				return false
			}
		}
	}
	return true
}
