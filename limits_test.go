package missionsearch

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name     string
		s        string
		n        int
		runes    string // TruncateRunes(s, n)
		bytesCut string // TruncateBytes(s, n)
	}{
		{"short", "Fès", 10, "Fès", "Fès"},
		{"exact runes", "Fès", 3, "Fès", "Fè"},
		{"zero", "abc", 0, "", ""},
		{"word boundary", "la mission de Fès", 15, "la mission de", "la mission de"},
		{"cut before a space", "la mission de Fès", 10, "la mission", "la mission"},
		{"one long word", "aaaaaaaaaa", 4, "aaaa", "aaaa"},
		{"space too early", "a bbbbbbbbbbbb", 8, "a bbbbbb", "a bbbbbb"},
		{"multi-byte", "ééééé", 3, "ééé", "é"},
		{"trailing space", "abc   def", 5, "abc", "abc"},
		{"invalid byte", "ab\xffcd", 3, "ab\xff", "ab\xff"},
		{"arabic", "المغرب في الرباط", 9, "المغرب في", "المغ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TruncateRunes(tt.s, tt.n); got != tt.runes {
				t.Errorf("TruncateRunes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.runes)
			}
			if got := TruncateBytes(tt.s, tt.n); got != tt.bytesCut {
				t.Errorf("TruncateBytes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.bytesCut)
			}
		})
	}
}

// TestTruncateNeverSplitsUTF8 cuts valid text of 1- to 4-byte characters
// at every length and checks that the result is a valid prefix.
func TestTruncateNeverSplitsUTF8(t *testing.T) {
	s := strings.Repeat("aé€𝄞 ", 20)
	for n := 0; n <= len(s)+1; n++ {
		for _, got := range []string{TruncateRunes(s, n), TruncateBytes(s, n)} {
			if !utf8.ValidString(got) || !strings.HasPrefix(s, got) {
				t.Fatalf("cut at %d: %q is not a valid prefix", n, got)
			}
		}
		if got := TruncateRunes(s, n); utf8.RuneCountInString(got) > n {
			t.Errorf("TruncateRunes(s, %d) has %d runes", n, utf8.RuneCountInString(got))
		}
		if got := TruncateBytes(s, n); len(got) > n {
			t.Errorf("TruncateBytes(s, %d) has %d bytes", n, len(got))
		}
	}
}
