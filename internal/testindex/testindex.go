// Package testindex builds small real bleve indexes for tests of the layers
// above search (server, cmd). It is imported only from _test.go files, so
// that those layers can test against a real index without importing bleve
// or index themselves.
package testindex

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/search"
)

// New builds an on-disk index of pages in a temporary directory of tb and
// returns a Searcher over it. The index is closed when the test ends.
// Pages without an ID get missionsearch.PageID(p.URL).
func New(tb testing.TB, pages []missionsearch.Page) *search.Searcher {
	tb.Helper()
	s, _ := Open(tb, pages)
	return s
}

// Open is New that also returns a function closing the index early, to
// test what happens to searches once the index is gone. Closing twice is
// harmless.
func Open(tb testing.TB, pages []missionsearch.Page) (*search.Searcher, func() error) {
	tb.Helper()
	m, err := index.NewMapping()
	if err != nil {
		tb.Fatalf("index.NewMapping: %v", err)
	}
	idx, err := bleve.NewUsing(filepath.Join(tb.TempDir(), "index"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		tb.Fatalf("bleve.NewUsing: %v", err)
	}
	var once sync.Once
	var closeErr error
	closeIdx := func() error {
		once.Do(func() { closeErr = idx.Close() })
		return closeErr
	}
	tb.Cleanup(func() { closeIdx() })
	b := idx.NewBatch()
	for i := range pages {
		p := pages[i]
		if p.ID == "" {
			p.ID = missionsearch.PageID(p.URL)
		}
		if err := b.Index(p.ID, index.Document(&p)); err != nil {
			tb.Fatalf("index page %s: %v", p.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		tb.Fatalf("index batch: %v", err)
	}
	return search.New(idx), closeIdx
}
