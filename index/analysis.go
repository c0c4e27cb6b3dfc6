package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
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

	// AnalyzerFrench is the French analyzer: unicode tokenizer, lower case,
	// elision (' and ’), French stop words, folding, light stemmer.
	AnalyzerFrench = "missionsearch_fr"
	// AnalyzerEnglish and AnalyzerArabic are bleve's own analyzers.
	AnalyzerEnglish = en.AnalyzerName
	AnalyzerArabic  = ar.AnalyzerName
	// AnalyzerFold lower-cases, strips elided articles and folds accents but
	// neither stems nor drops stop words: exact titles, vocabulary, and the
	// query side of suggestions.
	AnalyzerFold = "missionsearch_fold"
	// AnalyzerSuggest is AnalyzerFold followed by edge n-grams (1 to 20
	// runes): the index side of as-you-type suggestions.
	AnalyzerSuggest = "missionsearch_suggest"

	edgeNgramFilterName = "missionsearch_edge_1_20"
)

// Fold returns s in lower case without diacritics, with œ → oe and æ → ae:
// the form in which the index compares French words.
func Fold(s string) string {
	return string(foldTerm([]byte(strings.ToLower(s))))
}

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae")

// foldTerm folds one lower-case term. ASCII terms, the common case, are
// returned as they are without allocating.
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
	s := ligatures.Replace(string(term))
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return []byte(s)
	}
	return []byte(out)
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
	analyzers := []struct {
		name    string
		filters []string
	}{
		{AnalyzerFrench, []string{lowercase.Name, fr.ElisionName, fr.StopName, FoldFilterName, FoldedStopFilterName, fr.LightStemmerName}},
		{AnalyzerFold, []string{lowercase.Name, fr.ElisionName, FoldFilterName}},
		{AnalyzerSuggest, []string{lowercase.Name, fr.ElisionName, FoldFilterName, edgeNgramFilterName}},
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
