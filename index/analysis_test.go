package index

import (
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"

	"missionsearch"
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
