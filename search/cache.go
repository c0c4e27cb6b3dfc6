package search

import (
	"encoding/json"
	"sync"

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

// DefaultCacheSize is the number of results a Searcher keeps.
const DefaultCacheSize = 4096

// maxCachedSize is the largest page of hits (Request.Size) kept: with it,
// 4096 results take at most about 60 MB.
const maxCachedSize = 20

type resultCache struct {
	mu   sync.Mutex
	snap bindex.IndexReader // identity only: the snapshot the results are of
	lru  *lru.Cache[string, *Result]
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
	return c.lru.Get(key)
}

// add keeps res as the result of key from snapshot snap; the results of
// another snapshot are dropped.
func (c *resultCache) add(snap bindex.IndexReader, key string, res *Result, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru == nil || c.snap != snap {
		c.lru, _ = lru.New[string, *Result](size)
		c.snap = snap
	}
	c.lru.Add(key, res)
}
