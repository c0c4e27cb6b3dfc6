package index

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFoldTableMatchesChain checks that the table fast path of foldTerm
// gives exactly what the Unicode chain gives, for every rune of the
// table and for random mixes of accented and other text.
func TestFoldTableMatchesChain(t *testing.T) {
	for r := range foldTable {
		s := "x" + string(r) + "y"
		got, ok := foldByTable([]byte(s))
		if !ok {
			t.Fatalf("foldByTable(%q) not ok", s)
		}
		if want := foldByChain(s); string(got) != want {
			t.Errorf("fold %q: table %q, chain %q", s, got, want)
		}
	}
	pool := []rune("aeéèêëàâäçîïôöùûüÿœæñøßÅÉ\u0301\u0308لإأآةىًٌُِ")
	rng := rand.New(rand.NewPCG(1, 1))
	for range 20000 {
		var b strings.Builder
		for k := 1 + rng.IntN(8); k > 0; k-- {
			b.WriteRune(pool[rng.IntN(len(pool))])
		}
		s := b.String()
		got := string(foldTerm([]byte(s)))
		if want := foldByChain(s); got != want {
			t.Fatalf("foldTerm(%q) = %q, chain gives %q", s, got, want)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("foldTerm(%q) = invalid UTF-8", s)
		}
	}
}

func BenchmarkFoldTerm(b *testing.B) {
	terms := [][]byte{[]byte("événements"), []byte("coopération"), []byte("développement"), []byte("réseau"), []byte("mission")}
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range terms {
			foldTerm(t)
		}
	}
}
