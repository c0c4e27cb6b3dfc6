package extract

import (
	"strings"

	"github.com/missionsearch/missionsearch"
)

// Limits bound the fields of the Page that Extract makes, so that one
// hostile or broken page (an unclosed <title> swallowing the whole
// document, a megabyte of keywords) cannot make a record that costs
// memory and time at every later step: store, index, result cache,
// suggestions. A field longer than its limit is cut at a word boundary
// (missionsearch.TruncateRunes, TruncateBytes), never inside a UTF-8
// sequence. A zero field takes its value from DefaultLimits; a negative
// one is treated as zero, i.e. as the default.
//
// URLs are bounded separately: NormalizeURL rejects URLs longer than
// MaxURLBytes, so Page.URL never exceeds it. The index applies its own
// ceilings again when it indexes a stored page (index.Document).
type Limits struct {
	// Title is the longest title, in characters (runes). Default 500.
	Title int
	// Description is the longest description, in characters. Default 1,000.
	Description int
	// Section is the longest section keyword, in characters. Default 100.
	Section int
	// Tag is the longest tag, in characters, and Tags the most tags kept
	// (the first ones in document order). Defaults 100 and 50.
	Tag  int
	Tags int
	// Body is the longest body, in bytes of UTF-8 text. The blocks after
	// the limit are dropped and the block that crosses it is cut, so that
	// Result.Blocks still joins into Page.Body. Default 1 MiB.
	Body int
}

// DefaultLimits are the limits of the zero Limits.
var DefaultLimits = Limits{
	Title:       500,
	Description: 1000,
	Section:     100,
	Tag:         100,
	Tags:        50,
	Body:        1 << 20,
}

// withDefaults returns l with its zero and negative fields set from
// DefaultLimits.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Title, DefaultLimits.Title)
	def(&l.Description, DefaultLimits.Description)
	def(&l.Section, DefaultLimits.Section)
	def(&l.Tag, DefaultLimits.Tag)
	def(&l.Tags, DefaultLimits.Tags)
	def(&l.Body, DefaultLimits.Body)
	return l
}

// capBlocks returns the leading blocks whose strings.Join(blocks, "\n\n")
// is at most maxBytes long, the last one cut to fit.
func capBlocks(blocks []string, maxBytes int) []string {
	n := 0
	for i, b := range blocks {
		if i > 0 {
			n += len("\n\n")
		}
		if n+len(b) <= maxBytes {
			n += len(b)
			continue
		}
		if cut := missionsearch.TruncateBytes(b, maxBytes-n); strings.TrimSpace(cut) != "" {
			return append(blocks[:i:i], cut)
		}
		return blocks[:i]
	}
	return blocks
}

// capTags returns at most maxTags tags, each cut to maxRunes characters,
// without the duplicates cutting makes (compared without case).
func capTags(tags []string, maxTags, maxRunes int) []string {
	out := make([]string, 0, min(len(tags), maxTags))
	seen := map[string]bool{}
	for _, t := range tags {
		if len(out) == maxTags {
			break
		}
		t = missionsearch.TruncateRunes(t, maxRunes)
		if k := strings.ToLower(t); t != "" && !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}
