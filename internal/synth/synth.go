// Package synth generates a synthetic corpus of mission-site pages for
// tests and benchmarks: French text (with 5% English and 5% Arabic pages)
// whose words follow a Zipf law over a vocabulary of about 25,000 words,
// ~400-word bodies in paragraphs, titles, descriptions, sections, tags and
// dates spread over 15 years. Elided articles (l', d', both apostrophes)
// and accented words appear as on a real French site, so the analyzers do
// their real work.
//
// Output is deterministic: the same seed and index give the same page, on
// every machine. Generation is fast (tens of microseconds a page), so it
// never dominates an indexing benchmark.
//
// synth imports only the root package.
package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
)

// Host is the site the generated URLs belong to.
const Host = "https://mission.example.org"

// Start and End bound the generated dates (15 years).
var (
	Start = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	End   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// zipf samples words by rank with probability proportional to 1/rank^s.
type zipf struct {
	words []string
	cum   []float64
}

func newZipf(words []string, s float64) *zipf {
	z := &zipf{words: words, cum: make([]float64, len(words))}
	total := 0.0
	for i := range words {
		total += 1 / pow(float64(i+1), s)
		z.cum[i] = total
	}
	return z
}

func pow(x, s float64) float64 { return math.Pow(x, s) }

func (z *zipf) sample(r *rand.Rand) string {
	u := r.Float64() * z.cum[len(z.cum)-1]
	return z.words[sort.SearchFloat64s(z.cum, u)]
}

type vocab struct {
	fr, en, ar *zipf
	content    []string // French content words, for titles and topics
	names      map[string]bool
}

var (
	vocabOnce sync.Once
	theVocab  *vocab
)

// tailSize is the number of generated rare French words.
const tailSize = 24000

func getVocab() *vocab {
	vocabOnce.Do(func() {
		fn := strings.Fields(frFunction)
		content := strings.Fields(frContent)
		seen := map[string]bool{}
		var fr []string
		for _, w := range append(append([]string{}, fn...), content...) {
			if !seen[w] {
				seen[w] = true
				fr = append(fr, w)
			}
		}
		// A fixed generator, so that the vocabulary does not depend on the
		// caller's seed.
		r := rand.New(rand.NewPCG(1, 2))
		for len(fr) < len(fn)+len(content)+tailSize {
			var b strings.Builder
			for n := 1 + r.IntN(3); n > 0; n-- {
				b.WriteString(frOnsets[r.IntN(len(frOnsets))])
				b.WriteString(frVowels[r.IntN(len(frVowels))])
			}
			b.WriteString(frSuffixes[r.IntN(len(frSuffixes))])
			w := b.String()
			if utf8.RuneCountInString(w) >= 4 && !seen[w] {
				seen[w] = true
				fr = append(fr, w)
			}
		}
		names := map[string]bool{}
		for _, w := range strings.Fields("rabat casablanca tanger fès marrakech agadir oujda tétouan meknès laâyoune dakhla maroc europe afrique méditerranée sahel maghreb") {
			names[w] = true
		}
		theVocab = &vocab{
			fr:      newZipf(fr, 1.0),
			en:      newZipf(strings.Fields(enWords), 1.0),
			ar:      newZipf(strings.Fields(arWords), 1.0),
			content: content,
			names:   names,
		}
	})
	return theVocab
}

// Pages calls fn with pages 0 to n-1 of the corpus of seed, in order,
// stopping at the first error fn returns.
func Pages(n int, seed int64, fn func(*missionsearch.Page) error) error {
	for i := 0; i < n; i++ {
		if err := fn(Page(i, seed)); err != nil {
			return err
		}
	}
	return nil
}

// Page returns page i of the corpus of seed. Each page depends only on
// (seed, i), so pages can be made in any order or in parallel.
func Page(i int, seed int64) *missionsearch.Page {
	v := getVocab()
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
	lang := missionsearch.LangFR
	switch x := r.IntN(100); {
	case x < 5:
		lang = missionsearch.LangEN
	case x < 10:
		lang = missionsearch.LangAR
	}
	section := sections[r.IntN(len(sections))]
	g := &gen{r: r, v: v, lang: lang}
	// A page's topic: a few content words it uses much more than the
	// corpus does, as real pages do.
	for k := 0; k < 8; k++ {
		g.topic = append(g.topic, v.content[r.IntN(len(v.content))])
	}
	title := g.title()
	body, first := g.body(300 + r.IntN(200))
	published := Start.Add(time.Duration(r.Int64N(int64(End.Sub(Start)))))
	published = published.Truncate(time.Minute)
	p := &missionsearch.Page{
		Title:       title,
		Lang:        lang,
		Published:   published,
		Section:     section,
		Description: first,
		Body:        body,
		FetchedAt:   End.Add(24 * time.Hour),
	}
	if r.IntN(4) == 0 {
		p.Updated = published.Add(time.Duration(1+r.IntN(90*24)) * time.Hour)
	}
	if r.IntN(10) == 0 {
		p.Published = time.Time{} // some pages give only an update date, or none
	}
	p.Tags = []string{}
	for k := r.IntN(4); k > 0; k-- {
		t := frTags[r.IntN(len(frTags))]
		if !contains(p.Tags, t) {
			p.Tags = append(p.Tags, t)
		}
	}
	p.URL = Host + "/" + string(lang) + "/" + section + "/" + slug(title) + "-" + strconv.Itoa(i)
	p.ID = missionsearch.PageID(p.URL)
	return p
}

// Site returns the site of page i in a network of n sites ("" when n is
// 0): sites of unequal sizes, as a network's are (site-000 has the most
// pages), every one with pages once i covers them.
func Site(i, n int) string {
	if n <= 0 {
		return ""
	}
	// The first n pages give every site one page; then a skewed draw.
	k := i
	if i >= n {
		r := rand.New(rand.NewPCG(uint64(i), 7))
		k = int(float64(n) * r.Float64() * r.Float64())
	}
	return "site-" + strconv.Itoa(1000 + k%n)[1:]
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

type gen struct {
	r     *rand.Rand
	v     *vocab
	lang  missionsearch.Lang
	topic []string
}

func (g *gen) word() string {
	switch g.lang {
	case missionsearch.LangEN:
		return g.v.en.sample(g.r)
	case missionsearch.LangAR:
		return g.v.ar.sample(g.r)
	}
	if g.r.IntN(8) == 0 {
		return g.topic[g.r.IntN(len(g.topic))]
	}
	return g.v.fr.sample(g.r)
}

func (g *gen) title() string {
	var ws []string
	n := 5 + g.r.IntN(7)
	for len(ws) < n {
		var w string
		if g.lang == missionsearch.LangFR && g.r.IntN(2) == 0 {
			w = g.topic[g.r.IntN(len(g.topic))]
		} else {
			w = g.word()
		}
		ws = append(ws, w)
	}
	return capitalize(g.join(ws))
}

// body returns n words of text in paragraphs, and its first sentence.
func (g *gen) body(n int) (body, first string) {
	var b strings.Builder
	b.Grow(n * 8)
	words := 0
	for words < n {
		if words > 0 {
			b.WriteString("\n\n")
		}
		for s := 3 + g.r.IntN(4); s > 0 && words < n; s-- {
			k := 8 + g.r.IntN(18)
			ws := make([]string, k)
			for j := range ws {
				ws[j] = g.word()
			}
			words += k
			sent := capitalize(g.join(ws))
			sent += "."
			if first == "" {
				first = sent
			}
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n\n") {
				b.WriteByte(' ')
			}
			b.WriteString(sent)
		}
	}
	return b.String(), first
}

// join joins words with spaces, eliding French articles before vowels
// (l'événement, d'Agadir, qu'il) with either apostrophe, and capitalising
// place names.
func (g *gen) join(ws []string) string {
	var b strings.Builder
	for i, w := range ws {
		if g.v.names[w] {
			w = capitalize(w)
		}
		if i > 0 {
			prev := ws[i-1]
			if g.lang == missionsearch.LangFR && startsWithVowel(w) && (prev == "le" || prev == "la" || prev == "de" || prev == "que") {
				// Replace the trailing "le "/"de " by "l'"/"d'".
				s := b.String()
				s = strings.TrimSuffix(s, " ")
				s = s[:len(s)-len(prev)]
				b.Reset()
				b.WriteString(s)
				switch prev {
				case "le", "la":
					b.WriteString("l")
				case "de":
					b.WriteString("d")
				case "que":
					b.WriteString("qu")
				}
				if g.r.IntN(3) == 0 {
					b.WriteString("’")
				} else {
					b.WriteString("'")
				}
				b.WriteString(w)
				continue
			}
			if g.r.IntN(12) == 0 && g.lang != missionsearch.LangAR {
				b.WriteByte(',')
			}
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

func startsWithVowel(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return strings.ContainsRune("aeiouyàâéèêëîïôûAEIOUÉ", r)
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// slug makes the URL path segment of a title: lower-case ASCII words
// joined by hyphens (Arabic titles give "page").
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if b.Len() >= 60 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case strings.ContainsRune("àâ", r):
			b.WriteByte('a')
			dash = false
		case strings.ContainsRune("éèêë", r):
			b.WriteByte('e')
			dash = false
		case strings.ContainsRune("îï", r):
			b.WriteByte('i')
			dash = false
		case strings.ContainsRune("ôœ", r):
			b.WriteByte('o')
			dash = false
		case strings.ContainsRune("ùû", r):
			b.WriteByte('u')
			dash = false
		case r == 'ç':
			b.WriteByte('c')
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "page"
	}
	return s
}
