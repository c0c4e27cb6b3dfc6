package indexer

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/synth"
	"github.com/missionsearch/missionsearch/store"
)

// mustOpenStore opens a new store in a temporary directory and puts pages
// 0..n-1 of the synthetic corpus of seed in it.
func mustOpenStore(tb testing.TB, dataDir string, n int, seed int64) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dataDir, "store.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	mustPut(tb, st, 0, n, seed)
	return st
}

// mustPut puts pages lo..hi-1 of the corpus of seed, with a few writers at
// once (the store queues them and commits each durably).
func mustPut(tb testing.TB, st *store.Store, lo, hi int, seed int64) {
	tb.Helper()
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := lo + w; i < hi; i += workers {
				p := synth.Page(i, seed)
				if err := st.PutPage(context.Background(), p, missionsearch.CrawlState{URL: p.URL, Status: 200}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

func mustOpenDir(tb testing.TB, dataDir string) *index.Dir {
	tb.Helper()
	d, err := index.OpenDir(dataDir)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

type storeT = *store.Store

// openStoreNoPut opens the store of dataDir without adding pages (child processes).
func openStoreNoPut(dataDir string) (*store.Store, error) {
	return store.Open(context.Background(), filepath.Join(dataDir, "store.db"))
}
