package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/synth"
	"github.com/missionsearch/missionsearch/store"
)

// synthBatch is the number of pages synth writes per store transaction.
const synthBatch = 1000

func runSynth(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "synth", "",
		"Writes N synthetic mission-site pages (French, with 5% English and 5% Arabic; about\n"+
			"400 words each, Zipf-distributed words, 15 years of dates) into the crawl store, in\n"+
			"batches of 1000, so that 'reindex' and 'serve' can be measured at any scale without\n"+
			"a crawl (see BENCHMARKS.md). The same --seed gives the same pages on every machine.\n"+
			"For benchmarks only: use a data directory of its own.")
	data := dataFlag(env, fs)
	n := fs.Int("pages", 10000, "number of pages to write")
	seed := fs.Int64("seed", 1, "corpus seed")
	sites := fs.Int("sites", 0, "spread the pages over this many sites of a network (Page.Site site-000…, of unequal sizes); 0 = one site")
	appendTo := fs.Bool("append", false, "write into a store that already holds pages (same seed and --pages: the pages are replaced)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *n <= 0 {
		return usageError{"--pages must be positive"}
	}
	st, err := store.Open(ctx, filepath.Join(*data, "store.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	if have, err := st.Count(ctx); err != nil {
		return err
	} else if have > 0 && !*appendTo {
		return missionsearch.Errorf(missionsearch.ECONFLICT,
			"The store %s already holds %d pages: give synth a new --data directory, or --append.",
			filepath.Join(*data, "store.db"), have)
	}

	start := time.Now()
	prog := newProgress(env.Stderr, "synth")
	if *sites < 0 || *sites > 1000 {
		return usageError{"--sites must be between 0 and 1000"}
	}
	err = writeSynth(ctx, st, *n, *seed, *sites, func(done int) { prog.count(done, *n) })
	prog.done()
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(env.Stdout, "synth: %d pages written in %s%s to %s\n",
		*n, elapsed.Round(time.Millisecond), summaryRate(*n, elapsed), filepath.Join(*data, "store.db"))
	return nil
}

// writeSynth writes pages 0..n-1 of the synthetic corpus of seed into st,
// synthBatch pages per transaction, and calls progress after each batch.
// One goroutine generates the next batch while the current one is written.
func writeSynth(ctx context.Context, st *store.Store, n int, seed int64, sites int, progress func(done int)) error {
	type batch struct {
		pages  []*missionsearch.Page
		states []missionsearch.CrawlState
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 2)
	go func() {
		defer close(batches)
		for lo := 0; lo < n; lo += synthBatch {
			hi := min(lo+synthBatch, n)
			b := batch{make([]*missionsearch.Page, 0, hi-lo), make([]missionsearch.CrawlState, 0, hi-lo)}
			for i := lo; i < hi; i++ {
				p := synth.Page(i, seed)
				p.Site = synth.Site(i, sites)
				b.pages = append(b.pages, p)
				b.states = append(b.states, missionsearch.CrawlState{
					URL:         p.URL,
					ContentHash: fmt.Sprintf("synth-%d-%d", seed, i),
					FirstSeen:   p.FetchedAt,
					LastSeen:    p.FetchedAt,
					Status:      200,
				})
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	done := 0
	for b := range batches {
		if err := st.PutPages(ctx, b.pages, b.states); err != nil {
			return err
		}
		done += len(b.pages)
		progress(done)
	}
	return ctx.Err()
}
