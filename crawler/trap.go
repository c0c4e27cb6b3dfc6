package crawler

import (
	"hash/maphash"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Trap families: a defence against traps that no URL shape betrays, such
// as pages counting in letters (/a, /b, … /aa) or path calendars
// (/agenda/2020/01) whose pages are empty. A URL family is a URL with its
// varying part abstracted (see family). A trap grows by itself: its pages
// link to further pages of their own family. So every page reached from a
// page of its own family counts for the family as new content or not: it
// has no new content when its body has fewer than trapMinNovel words that
// are in none of the family's last trapMemory such pages (words with
// digits, one-letter words and the words of the URL's own path are not
// counted). A family whose pages without new content reach
// Config.TrapPages and outnumber those with new content is no longer
// expanded: links from its pages to its own family are not queued any
// more, and those already queued are dropped. URLs of the family linked
// from other pages (a listing's articles), seeds and sitemap URLs are
// still crawled. A real section of distinct articles keeps bringing new
// words and is never stopped; a family of empty pages is.
const (
	trapMinNovel  = 5   // words new to the family that make a page new content
	trapMemory    = 4   // pages of a family whose words are remembered
	trapPageWords = 300 // distinct words of a page compared at most
	trapFamilies  = 20000
)

// family abstracts u for the trap rule: the host and path with digit runs
// as "0", and then either the query keys when there is a query (values
// vary: /fr/news?page=), or else the last path segment as "*" (/a, /b,
// /aa → host/*; /agenda/2020/01 → host/agenda/0/*).
func family(u *url.URL) string {
	if u.RawQuery != "" {
		return pattern(u)
	}
	p := digitRun.ReplaceAllString(u.EscapedPath(), "0")
	trail := strings.HasSuffix(p, "/") && p != "/"
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return u.Host + "/" // the home page
	}
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[:i+1] + "*"
	}
	if trail {
		p += "/"
	}
	return u.Host + p
}

// traps is the per-family state of the trap rule. Its methods are safe
// for concurrent use.
type traps struct {
	limit int // pages without new content that stop a family (<0: off)
	seed  maphash.Seed

	mu   sync.Mutex
	fams map[string]*famState
}

type famState struct {
	empty, content int
	stopped        bool
	recent         [trapMemory][]uint32 // sorted word hashes of the last pages
	next           int
}

func newTraps(limit int) *traps {
	return &traps{limit: limit, seed: maphash.MakeSeed(), fams: map[string]*famState{}}
}

// stopped reports whether fam is no longer expanded.
func (t *traps) stopped(fam string) bool {
	if t.limit < 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fams[fam]
	return f != nil && f.stopped
}

// judge counts the page of task tk, at u, with the extracted body for
// its family when a page of the same family linked to it. It returns the
// family, and true when this page stops it.
func (t *traps) judge(tk task, u *url.URL, body string) (fam string, stops bool) {
	if t.limit < 0 || tk.from == "" {
		return "", false
	}
	fam = family(u)
	if fam != tk.from {
		return fam, false
	}
	own := map[string]bool{}
	for _, w := range words(u.Path) {
		own[w] = true
	}
	var hs []uint32
	seen := map[string]bool{}
	for _, w := range words(body) {
		if len(hs) >= trapPageWords {
			break
		}
		if seen[w] || own[w] || len([]rune(w)) < 2 || strings.ContainsFunc(w, unicode.IsDigit) {
			continue
		}
		seen[w] = true
		hs = append(hs, uint32(maphash.String(t.seed, w)))
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)

	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fams[fam]
	if f == nil {
		if len(t.fams) >= trapFamilies {
			return fam, false // memory bound: families beyond it are not judged
		}
		f = &famState{}
		t.fams[fam] = f
	}
	novel := 0
	for _, h := range hs {
		known := false
		for _, r := range f.recent {
			if _, ok := slices.BinarySearch(r, h); ok {
				known = true
				break
			}
		}
		if !known {
			novel++
		}
	}
	f.recent[f.next] = hs
	f.next = (f.next + 1) % trapMemory
	if novel >= trapMinNovel {
		f.content++
		return fam, false
	}
	f.empty++
	if !f.stopped && f.empty >= t.limit && f.empty > f.content {
		f.stopped = true
		return fam, true
	}
	return fam, false
}

// words splits s into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
