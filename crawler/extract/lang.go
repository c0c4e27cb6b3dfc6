package extract

import (
	"strings"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// langFromTag maps a BCP 47 tag ("fr-FR", "EN", "ar_MA") to a supported
// language, or "" when absent or unsupported.
func langFromTag(tag string) missionsearch.Lang {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if !utf8.ValidString(tag) {
		return ""
	}
	switch l := missionsearch.Lang(strings.ToLower(tag)); l {
	case missionsearch.LangFR, missionsearch.LangEN, missionsearch.LangAR:
		return l
	}
	return ""
}
