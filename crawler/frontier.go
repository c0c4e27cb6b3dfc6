package crawler

import (
	"sync"
)

// taskKind says what a task fetches.
type taskKind uint8

const (
	taskPage    taskKind = iota // an HTML page (or whatever the URL turns out to be)
	taskSitemap                 // a sitemap or sitemap index
	taskHost                    // a seed host's robots.txt, then its sitemaps
	taskPages                   // the seeds, the due pages and the sitemaps' pages, once the sitemaps are read
	taskSweep                   // the end-of-crawl check of the pages that left the sitemap
)

// task is one unit of work of the frontier.
type task struct {
	kind  taskKind
	url   string // normalised
	depth int    // links from a seed (pages) or sitemap nesting (sitemaps)
	hops  int    // redirects followed to reach url
	seed  bool   // a Config.Seeds URL: fetched without validators
	check bool   // fetched even when not due (conditionally)
	// sitemap is set for a URL listed in a sitemap (or a redirect from
	// one): exempt from the per-pattern budget and the trap families.
	sitemap bool
	// from is the URL family of the page that linked to url ("" for
	// seeds and sitemap URLs): a page of its own family is judged by the
	// trap rule.
	from string
}

// frontier is the crawl's queue and its memory of URLs already seen. It
// ends when it is closed or when it is empty with no task in flight.
// Its methods are safe for concurrent use.
type frontier struct {
	mu       sync.Mutex
	cond     *sync.Cond
	queue    []task // queue[head:] are waiting
	head     int
	inflight int
	closed   bool
	// after are handed out one by one, each once the queue is empty and
	// no task is in flight (the phases of a crawl); they may queue more.
	after []task

	maxPages   int // page tasks handed out at most (0: no limit)
	dispatched int
	maxPattern int // URLs admitted per pattern (<0: no limit)
	seen       map[string]struct{}
	patterns   map[string]int
}

func newFrontier(maxPages, maxPattern int) *frontier {
	f := &frontier{
		maxPages:   maxPages,
		maxPattern: maxPattern,
		seen:       map[string]struct{}{},
		patterns:   map[string]int{},
	}
	f.cond = sync.NewCond(&f.mu)
	return f
}

// claim marks key as seen and reports whether it was new.
func (f *frontier) claim(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.seen[key]; ok {
		return false
	}
	f.seen[key] = struct{}{}
	return true
}

// admitPattern counts one more URL of pattern and reports whether the
// pattern is still within its budget.
func (f *frontier) admitPattern(pattern string) bool {
	if f.maxPattern < 0 {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.patterns[pattern] >= f.maxPattern {
		return false
	}
	f.patterns[pattern]++
	return true
}

// push adds t to the back of the queue, or to the front when urgent (a
// redirect target, so that chains resolve quickly).
func (f *frontier) push(t task, urgent bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	if urgent && f.head > 0 {
		f.head--
		f.queue[f.head] = t
	} else if urgent {
		f.queue = append([]task{t}, f.queue...)
	} else {
		f.queue = append(f.queue, t)
	}
	f.cond.Signal()
}

// next waits for a task and returns it, or returns false when the crawl
// is over. Every task returned must be followed by a call to done.
func (f *frontier) next() (task, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		if f.closed {
			return task{}, false
		}
		if f.head < len(f.queue) {
			t := f.queue[f.head]
			f.queue[f.head] = task{}
			f.head++
			if f.head > 1024 && f.head*2 > len(f.queue) {
				f.queue = append([]task(nil), f.queue[f.head:]...)
				f.head = 0
			}
			if t.kind == taskPage && f.maxPages > 0 {
				if f.dispatched >= f.maxPages {
					continue // over the page budget: dropped
				}
				f.dispatched++
			}
			f.inflight++
			return t, true
		}
		if f.inflight == 0 && len(f.after) > 0 {
			t := f.after[0]
			f.after = f.after[1:]
			f.inflight++
			return t, true
		}
		if f.inflight == 0 {
			f.closed = true
			f.cond.Broadcast()
			return task{}, false
		}
		f.cond.Wait()
	}
}

// done records the end of a task returned by next.
func (f *frontier) done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight--
	if f.inflight == 0 && f.head >= len(f.queue) {
		f.cond.Broadcast()
	}
}

// close ends the crawl: next returns false from now on.
func (f *frontier) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	f.cond.Broadcast()
}

// keys returns the claimed keys for which keep is true.
func (f *frontier) keys(keep func(string) bool) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k := range f.seen {
		if keep(k) {
			out = append(out, k)
		}
	}
	return out
}

// seenKey reports whether key was claimed.
func (f *frontier) seenKey(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.seen[key]
	return ok
}

// exhausted reports whether the page budget (maxPages) is spent.
func (f *frontier) exhausted() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxPages > 0 && f.dispatched >= f.maxPages
}

// len is the number of waiting tasks.
func (f *frontier) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue) - f.head
}
