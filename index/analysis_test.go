package index

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/missionsearch/missionsearch"
)

func mustMapping(tb testing.TB) *mapping.IndexMappingImpl {
	tb.Helper()
	m, err := NewMapping()
	if err != nil {
		tb.Fatalf("NewMapping: %v", err)
	}
	return m.(*mapping.IndexMappingImpl)
}

// terms returns the terms analyzer produces for text.
func terms(tb testing.TB, m *mapping.IndexMappingImpl, analyzer, text string) []string {
	tb.Helper()
	a := m.AnalyzerNamed(analyzer)
	if a == nil {
		tb.Fatalf("analyzer %q not found", analyzer)
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// TestAnalyzersMatch checks that a query word and a page word produce the
// same single term, i.e. that the query finds the page.
func TestAnalyzersMatch(t *testing.T) {
	m := mustMapping(t)
	tests := []struct {
		name, analyzer, query, page string
	}{
		{"accent folded", AnalyzerFrench, "reseau", "réseau"},
		{"plural", AnalyzerFrench, "réseaux", "réseau"},
		{"elision straight quote", AnalyzerFrench, "l'évènement", "événements"},
		{"elision curly quote", AnalyzerFrench, "l’evenement", "événements"},
		{"migrants", AnalyzerFrench, "migrants", "migrant"},
		{"short word with accent", AnalyzerFrench, "fes", "Fès"},
		{"ligature", AnalyzerFrench, "coeur", "cœur"},
		{"upper case", AnalyzerFrench, "EVENEMENTS", "évènement"},
		{"cooperation", AnalyzerFrench, "cooperation", "coopération"},
		{"arabic prefix bi", AnalyzerArabic, "المغرب", "بالمغرب"},
		{"arabic prefix wa", AnalyzerArabic, "المغرب", "والمغرب"},
		{"english plural", AnalyzerEnglish, "migrants", "migrant"},
		{"elision qu'", AnalyzerFrench, "qu'elles", "elles"},
		{"exact folds", AnalyzerFold, "evenements", "Événements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := terms(t, m, tt.analyzer, tt.query)
			p := terms(t, m, tt.analyzer, tt.page)
			if len(q) != 1 || len(p) != 1 || q[0] != p[0] {
				t.Errorf("%s: %q → %q, %q → %q; want one equal term", tt.analyzer, tt.query, q, tt.page, p)
			}
		})
	}
}

func TestFrenchStopWords(t *testing.T) {
	m := mustMapping(t)
	tests := []struct {
		text string
		want []string
	}{
		{"le la les de des du à", nil},
		{"a ete", nil}, // folded forms of "à" and "été"
		{"Jusqu'à la mer", []string{"mer"}},
		{"aujourd'hui", []string{"aujourd'hui"}},
	}
	for _, tt := range tests {
		got := terms(t, m, AnalyzerFrench, tt.text)
		if len(got) != len(tt.want) {
			t.Errorf("Analyze(%q) = %q, want %q", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Analyze(%q) = %q, want %q", tt.text, got, tt.want)
			}
		}
	}
}

// TestFoldKeepsOffsets checks that folding leaves token offsets on the
// original accented text, which highlighting relies on.
func TestFoldKeepsOffsets(t *testing.T) {
	m := mustMapping(t)
	text := "Les événements à Fès"
	toks := m.AnalyzerNamed(AnalyzerFrench).Analyze([]byte(text))
	var got []string
	for _, tok := range toks {
		got = append(got, text[tok.Start:tok.End])
	}
	want := []string{"événements", "Fès"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("token spans = %q, want %q", got, want)
	}
}

func TestSuggestNgrams(t *testing.T) {
	m := mustMapping(t)
	got := terms(t, m, AnalyzerSuggest, "Éco")
	want := []string{"e", "ec", "eco"}
	if len(got) != 3 || got[0] != want[0] || got[2] != want[2] {
		t.Errorf("suggest(Éco) = %q, want %q", got, want)
	}
}

// TestIndexAnalyzersPositionsOnly checks that the analyzers of the indexed
// title and body fields give the terms and positions of the text analyzers,
// with zero offsets, and that the mapping uses them.
func TestIndexAnalyzersPositionsOnly(t *testing.T) {
	m := mustMapping(t)
	texts := map[missionsearch.Lang]string{
		missionsearch.LangFR: "L’Organisation a réuni à Fès les partenaires du réseau « migration et développement ».",
		missionsearch.LangEN: "The Organization's mission met its partners' networks in Rabat.",
		missionsearch.LangAR: "اجتمعت المنظمة مع شركائها بالمغرب في الرباط",
	}
	for l, text := range texts {
		want := m.AnalyzerNamed(AnalyzerFor(l)).Analyze([]byte(text))
		got := m.AnalyzerNamed(indexAnalyzerFor(l)).Analyze([]byte(text))
		if len(want) < 4 || len(got) != len(want) {
			t.Fatalf("%s: %d index tokens, %d text tokens", l, len(got), len(want))
		}
		offsets := false
		for i := range want {
			if string(got[i].Term) != string(want[i].Term) || got[i].Position != want[i].Position {
				t.Errorf("%s token %d: %q@%d, want %q@%d", l, i, got[i].Term, got[i].Position, want[i].Term, want[i].Position)
			}
			if got[i].Start != 0 || got[i].End != 0 {
				t.Errorf("%s token %q: offsets %d-%d, want 0-0", l, got[i].Term, got[i].Start, got[i].End)
			}
			offsets = offsets || want[i].End > 0
		}
		if !offsets {
			t.Errorf("%s: the text analyzer lost its offsets (snippets need them)", l)
		}
		for _, f := range []string{TitleField(l), BodyField(l)} {
			if a := m.AnalyzerNameForPath(f); a != indexAnalyzerFor(l) {
				t.Errorf("field %s analysed by %q, want %q", f, a, indexAnalyzerFor(l))
			}
		}
	}
}

// TestAnalyzeHugeToken analyses one 3 MB run of a single letter, and a
// long word, with every analyzer: the analysis must end (bleve's French
// stemmer alone takes minutes on such a token), give a token of at most
// MaxTokenRunes characters, and leave ordinary words whole.
func TestAnalyzeHugeToken(t *testing.T) {
	m := mustMapping(t)
	analyzers := []string{AnalyzerFrench, AnalyzerEnglish, AnalyzerArabic, AnalyzerFold, AnalyzerSuggest}
	for _, l := range missionsearch.Langs {
		analyzers = append(analyzers, indexAnalyzerFor(l))
	}
	huge := map[string]string{
		"latin":    strings.Repeat("e", 3<<20),
		"accented": strings.Repeat("é", 1<<20),
		"arabic":   strings.Repeat("ب", 1<<20),
	}
	for _, name := range analyzers {
		for kind, text := range huge {
			t.Run(name+"/"+kind, func(t *testing.T) {
				done := make(chan analysis.TokenStream, 1)
				go func() { done <- m.AnalyzerNamed(name).Analyze([]byte("avant " + text + " après")) }()
				var toks analysis.TokenStream
				select {
				case toks = <-done:
				case <-time.After(10 * time.Second):
					t.Fatalf("%s: analysing a %d-byte token did not end within 10 s", name, len(text))
				}
				if len(toks) == 0 {
					t.Fatalf("%s: no token", name)
				}
				for _, tok := range toks {
					if n := utf8.RuneCount(tok.Term); n > MaxTokenRunes || !utf8.Valid(tok.Term) {
						t.Errorf("%s: token of %d runes (valid UTF-8: %t), want at most %d", name, n, utf8.Valid(tok.Term), MaxTokenRunes)
					}
				}
			})
		}
	}
}

// TestTruncateKeepsWords checks that a word longer than MaxTokenRunes
// characters gives the terms of its first MaxTokenRunes characters, in
// every analyzer, and that ordinary words are analysed as before.
func TestTruncateKeepsWords(t *testing.T) {
	m := mustMapping(t)
	prefix := func(s string) string { return string([]rune(s)[:MaxTokenRunes]) }
	for _, word := range []string{
		strings.Repeat("anticonstitutionnellement", 4),
		strings.Repeat("é", 70),
		strings.Repeat("بالمغرب", 12),
	} {
		for _, a := range []string{AnalyzerFrench, AnalyzerEnglish, AnalyzerArabic, AnalyzerFold} {
			got, want := terms(t, m, a, "Fès "+word), terms(t, m, a, "Fès "+prefix(word))
			if !slices.Equal(got, want) {
				t.Errorf("%s: Analyze(%.20q…) = %q, want %q (the terms of its first %d runes)", a, word, got, want, MaxTokenRunes)
			}
		}
	}
	tests := []struct {
		analyzer, text string
		want           []string
	}{
		{AnalyzerFrench, "Les réseaux d'événements à Fès", []string{"reseau", "even", "fes"}},
		{AnalyzerEnglish, "The partners' networks", []string{"partner", "network"}},
		{AnalyzerFold, "L'Événement", []string{"evenement"}},
	}
	for _, tt := range tests {
		if got := terms(t, m, tt.analyzer, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Analyze(%q) = %q, want %q", tt.analyzer, tt.text, got, tt.want)
		}
	}
}

// BenchmarkAnalyzeHugeToken measures the French analysis of a 3 MB run of
// one letter: it must take well under a second (it took minutes before the
// truncation filter).
func BenchmarkAnalyzeHugeToken(b *testing.B) {
	m := mustMapping(b)
	a := m.AnalyzerNamed(indexAnalyzerFor(missionsearch.LangFR))
	text := []byte(strings.Repeat("e", 3<<20))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if len(a.Analyze(text)) != 1 {
			b.Fatal("want one token")
		}
	}
}
