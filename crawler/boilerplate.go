package crawler

import (
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/missionsearch/missionsearch"
)

// Boilerplate learning thresholds (see the package documentation). A menu
// is on (nearly) every page of its language, a teaser on its article and a
// few listings: the shares keep a wide margin between the two whatever
// pages the sample holds.
const (
	boilerplateShare      = 0.5  // share of a group's pages a short block must be on
	boilerplateProseShare = 0.75 // share of a group's pages a block of prose must be on
	boilerplateProseWords = 8    // words from which a block is prose
	boilerplateMinSample  = 5    // pages the whole sample needs before anything is learned from it
	boilerplateMinLang    = 10   // pages a language group needs before anything is learned from it
)

// learner keeps the first pages of the crawl until it has learned the
// site's boilerplate blocks from them. Its methods are safe for
// concurrent use.
type learner struct {
	mu      sync.Mutex
	k       int  // pages to learn from
	done    bool // the set below is final
	pending []*pageFetch
	bytes   int
	set     map[uint64]struct{}
}

func newLearner(k int) *learner {
	l := &learner{k: k}
	if k < 0 {
		l.done = true
	}
	return l
}

// state returns the learned predicate (nil when nothing was learned) and
// whether learning is over.
func (l *learner) state() (func(string) bool, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.predicate(), l.done
}

// predicate returns the learned predicate; l.mu must be held or learning
// over.
func (l *learner) predicate() func(string) bool {
	if !l.done || len(l.set) == 0 {
		return nil
	}
	set := l.set // never written after done
	return func(block string) bool {
		_, ok := set[blockHash(block)]
		return ok
	}
}

// learning reports whether the learner still wants pages.
func (l *learner) learning() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.done
}

// use ends learning with a set learned before (a stored template).
func (l *learner) use(blocks []uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
	l.set = make(map[uint64]struct{}, len(blocks))
	for _, b := range blocks {
		l.set[b] = struct{}{}
	}
}

// blocks returns the learned set, sorted.
func (l *learner) blocks() []uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]uint64, 0, len(l.set))
	for b := range l.set {
		out = append(out, b)
	}
	slices.Sort(out)
	return out
}

// size is the number of blocks learned.
func (l *learner) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.set)
}

// add keeps p for learning. It reports false when learning is already
// over (p must then be processed with the predicate of state). When p
// completes the sample, or the memory budget is spent, learning ends and
// flush holds every kept page, p included, to be processed now with bp.
func (l *learner) add(p *pageFetch) (kept bool, flush []*pageFetch, bp func(string) bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return false, nil, nil
	}
	l.pending = append(l.pending, p)
	l.bytes += len(p.resp.body)
	if len(l.pending) < l.k && l.bytes < learnBudgetBytes {
		return true, nil, nil
	}
	flush = l.finishLocked()
	return true, flush, l.predicate()
}

// finish ends learning (if not over) and returns the pages still kept
// with the predicate to process them with.
func (l *learner) finish() ([]*pageFetch, func(string) bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	flush := l.finishLocked()
	return flush, l.predicate()
}

func (l *learner) finishLocked() []*pageFetch {
	if l.done {
		return nil
	}
	l.done = true
	l.set = learnBoilerplate(l.pending)
	flush := l.pending
	l.pending, l.bytes = nil, 0
	return flush
}

// learnBoilerplate returns the hashes of the boilerplate blocks of a
// sample: the blocks found on at least half of the pages of the whole
// sample (counted from 5 pages) or of the pages of one language (counted
// from 10 pages), and on at least three quarters of them for a block of
// prose (8 words or more). The result depends on the set of pages only,
// never on their order.
func learnBoilerplate(pages []*pageFetch) map[uint64]struct{} {
	type group struct {
		pages  int
		counts map[uint64]int
	}
	groups := map[missionsearch.Lang]*group{}
	get := func(l missionsearch.Lang) *group {
		g := groups[l]
		if g == nil {
			g = &group{counts: map[uint64]int{}}
			groups[l] = g
		}
		return g
	}
	prose := map[uint64]bool{}
	for _, p := range pages {
		seen := map[uint64]bool{}
		for _, b := range p.blocks {
			h := blockHash(b)
			if _, ok := prose[h]; !ok {
				prose[h] = isProse(b)
			}
			seen[h] = true
		}
		gs := []*group{get(wholeSample)}
		if p.lang != "" {
			gs = append(gs, get(p.lang))
		}
		for _, g := range gs {
			g.pages++
			for h := range seen {
				g.counts[h]++
			}
		}
	}
	set := map[uint64]struct{}{}
	for l, g := range groups {
		minPages := boilerplateMinLang
		if l == wholeSample {
			minPages = boilerplateMinSample
		}
		if g.pages < minPages {
			continue
		}
		need := int(math.Ceil(boilerplateShare * float64(g.pages)))
		needProse := int(math.Ceil(boilerplateProseShare * float64(g.pages)))
		for h, n := range g.counts {
			if n >= need && (!prose[h] || n >= needProse) {
				set[h] = struct{}{}
			}
		}
	}
	return set
}

// wholeSample is the group key of the whole sample; no page has it as
// its language.
const wholeSample missionsearch.Lang = "*"

// isProse reports whether a block is prose: boilerplateProseWords words
// or more. Menu entries, headings and labels are shorter.
func isProse(b string) bool {
	return wordsUpTo(b, boilerplateProseWords) >= boilerplateProseWords
}

// blockHash identifies a text block, whitespace collapsed.
func blockHash(b string) uint64 {
	h := fnv.New64a()
	first := true
	for f := range strings.FieldsSeq(b) {
		if !first {
			h.Write([]byte{' '})
		}
		first = false
		h.Write([]byte(f))
	}
	return h.Sum64()
}
