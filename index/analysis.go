package index

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/unicodenorm"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/missionsearch/missionsearch"
)

// Names of the analysis components this package registers with bleve. They
// are registered in init, so every binary that links this package can open
// an index built with them (bleve re-validates the stored mapping on open).
const (
	// FoldFilterName is the token filter that removes diacritics and
	// expands the œ and æ ligatures, leaving token offsets untouched so that
	// highlights stay on the right characters.
	FoldFilterName = "missionsearch_fold"
	// FoldedStopFilterName drops the French stop words once more after
	// folding, so that "a" (from "à") and "ete" are dropped like "à" and "été".
	FoldedStopFilterName = "missionsearch_stop_fr_folded"
	// TruncateFilterName is the token filter that cuts every token to its
	// first MaxTokenRunes characters. Each analyzer applies it first, right
	// after the tokenizer, so that no stemmer or normaliser ever sees a
	// longer token: bleve's French stemmer is quadratic in the length of a
	// run of one letter (a 300 KB token took 8 s, a 3 MB one minutes, with
	// the index lock held).
	TruncateFilterName = "missionsearch_truncate"

	// AnalyzerFrench is the French analyzer: unicode tokenizer, truncation,
	// lower case, elision (' and ’), French stop words, folding, light
	// stemmer.
	AnalyzerFrench = "missionsearch_fr"
	// AnalyzerEnglish is bleve's English analyzer (possessive 's, lower
	// case, English stop words, Porter stemmer) after truncation.
	AnalyzerEnglish = "missionsearch_en"
	// AnalyzerArabic is bleve's Arabic analyzer (lower case, NFKC, Arabic
	// stop words, Arabic normalisation and stemmer) after truncation.
	AnalyzerArabic = "missionsearch_ar"
	// AnalyzerFold lower-cases, strips elided articles and folds accents but
	// neither stems nor drops stop words: exact titles, vocabulary, and the
	// query side of suggestions. It truncates tokens too.
	AnalyzerFold = "missionsearch_fold"
	// AnalyzerSuggest is AnalyzerFold followed by edge n-grams (1 to 20
	// runes): the index side of as-you-type suggestions.
	AnalyzerSuggest = "missionsearch_suggest"

	edgeNgramFilterName = "missionsearch_edge_1_20"
	nfkcFilterName      = "missionsearch_nfkc"
)

// MaxTokenRunes is the longest token the analyzers give, in characters: a
// longer word is indexed, and searched, as its first MaxTokenRunes
// characters, unstemmed. No word of the mission sites' languages comes
// near it; only URLs, hashes and junk do.
const MaxTokenRunes = 64

// indexAnalyzers maps each text analyzer (AnalyzerFor) to the analyzer of
// the indexed title and body fields in its language: the same tokens with
// zero offsets (see positionsOnly).
var indexAnalyzers = map[string]string{
	AnalyzerFrench:  "missionsearch_fr_index",
	AnalyzerEnglish: "missionsearch_en_index",
	AnalyzerArabic:  "missionsearch_ar_index",
}

// indexAnalyzerFor returns the analyzer of the indexed text fields of
// language l: AnalyzerFor(l) without offsets.
func indexAnalyzerFor(l missionsearch.Lang) string { return indexAnalyzers[AnalyzerFor(l)] }

// positionsOnly is an analyzer that gives the tokens of another with their
// start and end offsets set to zero. The title and body fields keep their
// term vectors for the positions alone (phrases); snippets find the words
// of the stored text again with the text analyzer (AnalyzerFor), so the
// offsets were never read. bleve stores them with each position as
// varints, two or three bytes per token, about a tenth of the index; a zero
// takes one byte.
type positionsOnly struct{ analysis.Analyzer }

func (a positionsOnly) Analyze(input []byte) analysis.TokenStream {
	ts := a.Analyzer.Analyze(input)
	for _, tok := range ts {
		tok.Start, tok.End = 0, 0
	}
	return ts
}

// Fold returns s in lower case without diacritics, with œ → oe and æ → ae:
// the form in which the index compares French words.
func Fold(s string) string {
	return string(foldTerm([]byte(strings.ToLower(s))))
}

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae")

// foldTerm folds one lower-case term. ASCII terms, the common case, are
// returned as they are without allocating; terms whose only non-ASCII
// letters are the accented Latin letters of foldTable (French, Spanish,
// German...) are folded by table lookup; any other term goes through the
// Unicode chain (NFD, remove non-spacing marks, NFC). The table gives
// exactly what the chain gives (TestFoldTableMatchesChain).
func foldTerm(term []byte) []byte {
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return term
	}
	if out, ok := foldByTable(term); ok {
		return out
	}
	return []byte(foldByChain(string(term)))
}

// foldTable maps the accented letters of Latin-1 and the ligatures to
// their folded form.
var foldTable = func() map[rune]string {
	m := map[rune]string{'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae"}
	for _, group := range []string{
		"aàáâãäå", "AÀÁÂÃÄÅ", "cç", "CÇ", "eèéêë", "EÈÉÊË", "iìíîï", "IÌÍÎÏ",
		"nñ", "NÑ", "oòóôõö", "OÒÓÔÕÖ", "uùúûü", "UÙÚÛÜ", "yýÿ", "YÝŸ",
	} {
		rs := []rune(group)
		for _, r := range rs[1:] {
			m[r] = string(rs[0])
		}
	}
	return m
}()

// foldByTable folds term when all its non-ASCII runes are in foldTable.
func foldByTable(term []byte) ([]byte, bool) {
	out := make([]byte, 0, len(term))
	for i := 0; i < len(term); {
		c := term[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(term[i:])
		f, ok := foldTable[r]
		if !ok {
			return nil, false
		}
		// A combining mark after the letter (decomposed input) needs the
		// full chain.
		if i+n < len(term) && term[i+n] >= utf8.RuneSelf {
			if r2, _ := utf8.DecodeRune(term[i+n:]); unicode.Is(unicode.Mn, r2) {
				return nil, false
			}
		}
		out = append(out, f...)
		i += n
	}
	return out, true
}

// foldChains recycles the Unicode folding chains: building one allocates
// several buffers.
var foldChains = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

func foldByChain(term string) string {
	s := ligatures.Replace(term)
	t := foldChains.Get().(transform.Transformer)
	defer foldChains.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// truncateFilter is the analysis.TokenFilter behind TruncateFilterName.
// It reads at most 4·MaxTokenRunes bytes of a token and slices the term in
// place, so a megabyte token costs nothing.
type truncateFilter struct{}

func (truncateFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if len(tok.Term) <= MaxTokenRunes {
			continue
		}
		n := 0
		for i := 0; i < len(tok.Term); n++ {
			if n == MaxTokenRunes {
				tok.Term = tok.Term[:i]
				break
			}
			_, size := utf8.DecodeRune(tok.Term[i:])
			i += size
		}
	}
	return input
}

// foldFilter is the analysis.TokenFilter behind FoldFilterName.
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		tok.Term = foldTerm(tok.Term)
	}
	return input
}

// foldedStopFilter drops tokens whose folded form is a French stop word.
type foldedStopFilter struct{ stop map[string]bool }

func (f foldedStopFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := input[:0]
	for _, tok := range input {
		if !f.stop[string(tok.Term)] {
			out = append(out, tok)
		}
	}
	return out
}

// frenchStopWordsFolded returns bleve's French stop list in folded form.
func frenchStopWordsFolded() map[string]bool {
	stop := make(map[string]bool)
	for _, line := range strings.Split(string(fr.FrenchStopWords), "\n") {
		if i := strings.Index(line, "|"); i >= 0 {
			line = line[:i]
		}
		for _, w := range strings.Fields(line) {
			stop[Fold(w)] = true
		}
	}
	return stop
}

func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(registry.RegisterTokenFilter(FoldFilterName,
		func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) { return foldFilter{}, nil }))
	must(registry.RegisterTokenFilter(TruncateFilterName,
		func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) { return truncateFilter{}, nil }))
	for inner, name := range indexAnalyzers {
		must(registry.RegisterAnalyzer(name, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
			a, err := c.AnalyzerNamed(inner)
			if err != nil {
				return nil, err
			}
			return positionsOnly{a}, nil
		}))
	}
	stop := frenchStopWordsFolded()
	must(registry.RegisterTokenFilter(FoldedStopFilterName,
		func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return foldedStopFilter{stop: stop}, nil
		}))
}

// addAnalyzers declares the custom analyzers in the index mapping, where
// bleve stores their definitions with the index.
func addAnalyzers(im interface {
	AddCustomAnalyzer(string, map[string]any) error
	AddCustomTokenFilter(string, map[string]any) error
}) error {
	if err := im.AddCustomTokenFilter(edgeNgramFilterName, map[string]any{
		"type": edgengram.Name, "back": false, "min": 1.0, "max": 20.0,
	}); err != nil {
		return err
	}
	if err := im.AddCustomTokenFilter(nfkcFilterName, map[string]any{
		"type": unicodenorm.Name, "form": unicodenorm.NFKC,
	}); err != nil {
		return err
	}
	analyzers := []struct {
		name    string
		filters []string
	}{
		{AnalyzerFrench, []string{TruncateFilterName, lowercase.Name, fr.ElisionName, fr.StopName, FoldFilterName, FoldedStopFilterName, fr.LightStemmerName}},
		// bleve's en and ar analyzers, with the truncation first.
		{AnalyzerEnglish, []string{TruncateFilterName, en.PossessiveName, lowercase.Name, en.StopName, porter.Name}},
		{AnalyzerArabic, []string{TruncateFilterName, lowercase.Name, nfkcFilterName, ar.StopName, ar.NormalizeName, ar.StemmerName}},
		{AnalyzerFold, []string{TruncateFilterName, lowercase.Name, fr.ElisionName, FoldFilterName}},
		{AnalyzerSuggest, []string{TruncateFilterName, lowercase.Name, fr.ElisionName, FoldFilterName, edgeNgramFilterName}},
	}
	for _, a := range analyzers {
		if err := im.AddCustomAnalyzer(a.name, map[string]any{
			"type":          custom.Name,
			"tokenizer":     unicodetok.Name,
			"token_filters": a.filters,
		}); err != nil {
			return err
		}
	}
	return nil
}
