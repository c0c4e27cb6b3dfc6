package missionsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TruncateRunes returns s when it has at most maxRunes characters (runes),
// and otherwise a prefix of s of at most maxRunes characters, cut at the
// last white space of that prefix when one lies in its second half (in
// bytes), else
// after character maxRunes; trailing white space is removed. It never cuts
// inside a UTF-8 sequence; an invalid byte counts as one character. A
// maxRunes of 0 or less gives "". It reads at most the first 4·maxRunes+4
// bytes of s, so cutting a 10 MB string is cheap.
func TruncateRunes(s string, maxRunes int) string {
	if maxRunes <= 0 {
		return ""
	}
	if len(s) <= maxRunes {
		return s // even at one byte a rune, it fits
	}
	n, end := 0, len(s)
	for i := range s {
		if n == maxRunes {
			end = i
			break
		}
		n++
	}
	if end == len(s) {
		return s
	}
	return atSpace(s[:end], s[end:], end/2)
}

// TruncateBytes returns s when it is at most maxBytes bytes long, and
// otherwise a prefix of s of at most maxBytes bytes, cut as TruncateRunes
// cuts (at the last white space in the second half of the prefix, else at
// the last character boundary), never inside a UTF-8 sequence. A maxBytes
// of 0 or less gives "".
func TruncateBytes(s string, maxBytes int) string {
	if maxBytes <= 0 {
		return ""
	}
	if len(s) <= maxBytes {
		return s
	}
	// Back to the start of a character: a valid UTF-8 sequence is at most
	// 4 bytes, so when none of the 3 bytes before s[maxBytes] starts one,
	// no valid sequence crosses maxBytes.
	end := maxBytes
	for end > maxBytes-(utf8.UTFMax-1) && end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	if !utf8.RuneStart(s[end]) {
		end = maxBytes
	}
	return atSpace(s[:end], s[end:], len(s[:end])/2)
}

// atSpace returns head, the first part of a string whose rest is tail,
// without a word cut in two: when tail does not start with white space, the
// end of head after its last white space is dropped, provided that white
// space is at least min bytes in (min only guards against losing
// most of head: a single word is cut hard). Trailing white space is
// removed.
func atSpace(head, tail string, min int) string {
	if r, _ := utf8.DecodeRuneInString(tail); !unicode.IsSpace(r) {
		if i := strings.LastIndexFunc(head, unicode.IsSpace); i >= 0 && i >= min {
			head = head[:i]
		}
	}
	return strings.TrimRightFunc(head, unicode.IsSpace)
}
