package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/indexer"
	"github.com/missionsearch/missionsearch/store"
)

func runReindex(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "reindex", "",
		"Rebuilds the index from the crawl store into a new build, then switches it live\n"+
			"atomically; a running serve picks it up with no failed request. The old index stays\n"+
			"live if the rebuild fails, is interrupted, or would drop too many pages.")
	data := dataFlag(env, fs)
	force := fs.Bool("force", false, "switch even if the new build drops more than --max-loss of the live pages")
	maxLoss := fs.Float64("max-loss", 0.10, "largest share of the live index's pages a rebuild may drop (0..1)")
	outcome := outcomeFlag(env, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *maxLoss < 0 || *maxLoss > 1 {
		return usageError{"--max-loss must be between 0 and 1"}
	}
	job := startJob("reindex", *outcome)
	return job.finish(env, reindex(ctx, env, *data, indexer.Options{Force: *force, MaxLoss: *maxLoss}, job))
}

// reindex rebuilds the index of the data directory from its store.
func reindex(ctx context.Context, env *Env, data string, opts indexer.Options, job *job) error {
	storePath := filepath.Join(data, "store.db")
	if _, err := os.Stat(storePath); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no crawl store at %s: nothing to index (check --data, or run 'missionsearch crawl URL' first)", storePath)
	}
	st, err := store.Open(ctx, storePath)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := openDir(data)
	if err != nil {
		return err
	}
	return rebuild(ctx, env, st, d, opts, job)
}

// rebuild runs a full rebuild, showing its progress, and reports it.
// What it built is recorded in job.
func rebuild(ctx context.Context, env *Env, st *store.Store, d *index.Dir, opts indexer.Options, job *job) error {
	if opts.Logger == nil {
		opts.Logger = env.Logger.With("component", "indexer")
	}
	prog := newProgress(env.Stderr, "reindex")
	opts.Progress = prog.count
	s, err := indexer.Rebuild(ctx, st, d, opts)
	prog.done()
	if err != nil {
		return err
	}
	job.recordDocs(s.Docs)
	fmt.Fprintf(env.Stdout, "reindex: %d pages indexed in %s%s, build %s live, %.1f MB on disk\n",
		s.Docs, s.Elapsed.Round(time.Millisecond), summaryRate(s.Docs, s.Elapsed), s.BuildID, float64(s.Bytes)/1e6)
	return nil
}

func openDir(data string) (*index.Dir, error) {
	return index.OpenDir(data)
}
