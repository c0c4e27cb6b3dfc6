package search

import (
	"encoding/json"
	"sync"
	"unsafe"

	bindex "github.com/blevesearch/bleve_index_api"
	lru "github.com/hashicorp/golang-lru/v2"
)

// The result cache.
//
// A site's searches repeat: the same few words, the same browsing of
// sections and years, the page every visitor lands on. A Result depends
// only on the request and on the index snapshot it was computed from, and
// a snapshot never changes, so results are kept per snapshot and dropped
// all at once when the index moves on (a new build, or a batch of
// updates). A cached answer is a copy of the computed one, with its own
// Took.
//
// The cache is bounded by the bytes it holds, not by its number of
// results: one result of pages with long titles and many tags can weigh a
// hundred times another, and hostile pages (a 10 MB title) must not turn
// a few hundred distinct searches into gigabytes. The weight of a result
// is an estimate (resultBytes) of the memory it keeps alive; results are
// dropped least recently used first until the total is within the budget,
// and a result heavier than a quarter of the budget is not kept at all.

// DefaultCacheBytes is the memory the result cache of a Searcher may hold.
const DefaultCacheBytes = 64 << 20

// maxCachedSize is the largest page of hits (Request.Size) kept: larger
// pages are for exports and tools, not for repeated visits.
const maxCachedSize = 20

// maxCacheEntries bounds the number of results of the LRU list itself; the
// byte budget is the limit that matters.
const maxCacheEntries = 1 << 16

type resultCache struct {
	mu    sync.Mutex
	snap  bindex.IndexReader // identity only: the snapshot the results are of
	lru   *lru.Cache[string, cached]
	bytes int64 // the weight of the results in lru
}

// cached is a result and its weight.
type cached struct {
	res    *Result
	weight int64
}

// cacheKey returns the key of a normalised request.
func cacheKey(r *Request) string {
	b, err := json.Marshal(r)
	if err != nil {
		return ""
	}
	return string(b)
}

// get returns the result of key computed from snapshot snap, if kept.
func (c *resultCache) get(snap bindex.IndexReader, key string) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru == nil || c.snap != snap {
		return nil, false
	}
	e, ok := c.lru.Get(key)
	return e.res, ok
}

// add keeps res as the result of key from snapshot snap, within a budget
// of budget bytes; the results of another snapshot are dropped.
func (c *resultCache) add(snap bindex.IndexReader, key string, res *Result, budget int64) {
	w := int64(len(key)) + resultBytes(res)
	if w > budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru == nil || c.snap != snap {
		c.lru, _ = lru.NewWithEvict(maxCacheEntries, func(_ string, e cached) { c.bytes -= e.weight })
		c.snap = snap
		c.bytes = 0
	}
	if old, ok := c.lru.Peek(key); ok { // a concurrent search of the same request
		c.bytes -= old.weight
	}
	c.lru.Add(key, cached{res, w})
	c.bytes += w
	for c.bytes > budget {
		c.lru.RemoveOldest()
	}
}

// size returns the number and the weight of the results kept.
func (c *resultCache) size() (n int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru == nil {
		return 0, 0
	}
	return c.lru.Len(), c.bytes
}

// resultBytes estimates the memory a cached result keeps alive: its
// structs, their strings and slices, and the LRU's own entry.
func resultBytes(r *Result) int64 {
	const entry = 128 // the LRU's element, map slot and key header
	n := int64(unsafe.Sizeof(*r)) + entry + int64(len(r.Query)+len(r.DidYouMean)+len(r.Next))
	for i := range r.Hits {
		h := &r.Hits[i]
		n += int64(unsafe.Sizeof(*h)) + int64(len(h.ID)+len(h.URL)+len(h.Title)+len(h.Snippet)+len(h.Section))
		for _, t := range h.Tags {
			n += int64(unsafe.Sizeof(t)) + int64(len(t))
		}
	}
	for name, vals := range r.Facets {
		n += int64(len(name)) + 64
		for _, v := range vals {
			n += int64(unsafe.Sizeof(v)) + int64(len(v.Value))
		}
	}
	return n
}
