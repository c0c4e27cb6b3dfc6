package crawler

import (
	"hash/fnv"
	"math"
	"strings"
	"sync"

	"missionsearch"
)

// Boilerplate learning thresholds (see the package documentation).
const (
	boilerplateShare    = 0.30 // share of a group's pages a block must be on
	boilerplateMinPages = 3    // pages a block must be on
	boilerplateMinGroup = 5    // pages a group needs before anything is learned from it
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

// learnBoilerplate returns the hashes of the blocks found on at least 30%
// of the pages, and on at least 3, of the whole sample or of the pages of
// one language, counting groups of at least 5 pages only.
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
	for _, p := range pages {
		seen := map[uint64]bool{}
		for _, b := range p.blocks {
			seen[blockHash(b)] = true
		}
		gs := []*group{get("*")}
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
	for _, g := range groups {
		if g.pages < boilerplateMinGroup {
			continue
		}
		need := max(boilerplateMinPages, int(math.Ceil(boilerplateShare*float64(g.pages))))
		for h, n := range g.counts {
			if n >= need {
				set[h] = struct{}{}
			}
		}
	}
	return set
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
