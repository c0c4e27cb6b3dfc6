// Package indexer turns the pages of the crawl store into index builds:
// Rebuild makes a new build from every stored page, Update makes one from
// the live build plus the pages changed by a crawl. Either way the result is
// published (made live) atomically, and a running server swaps to it with no
// failed request.
//
// # Why an update makes a new build
//
// A bleve (scorch) index cannot be written by one process while another has
// it open: its root.bolt is protected by a bbolt file lock, shared for
// read-only opens and exclusive for writable ones, and a writable open waits
// while any read-only handle exists (bleve issues #1571, #1167; checked in
// research/bleve-notes.md §6). Every serve process, and every read replica
// sharing the build, holds the live build open read-only. Updating the live
// build in place would therefore block until every server closed it, so
// Update never does. Builds are immutable once finished: Update clones the
// live build (index.Dir.CloneBuild hard-links its immutable segment files and
// copies the small root.bolt, milliseconds whatever the size), applies the
// changes to the clone, which nobody else has open, then publishes it like a
// rebuild. A server keeps answering from the old build until it swaps.
//
// Only one process at a time may make builds: Rebuild and Update take the
// directory's lock (index.Dir.Lock) and fail at once with an ECONFLICT
// *missionsearch.Error when another holds it.
//
// indexer imports the root package, store and index.
package indexer

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/store"
)

// ErrNeedsRebuild is returned (wrapped) by Update when there is no live
// build to update, or when the live build was made with another mapping
// version: only Rebuild can then make one.
var ErrNeedsRebuild = errors.New("indexer: the index needs a full rebuild")

// DefaultBatchSize is the number of pages per bleve batch when
// Options.BatchSize is 0: about the fastest on 2 cores (research/bleve-notes.md §6).
const DefaultBatchSize = 1000

// compactMaxDocs is the largest rebuild that Rebuild merges into one segment
// (index.Dir.Settle) before publishing it; larger ones are settled by the
// build's merge policy. At 10,000 synthetic pages one segment is 8% smaller
// on disk (1.62 -> 1.50 times the raw text) for 12% more build time. The
// merge runs on one core and its cost grows faster than the index: at
// 50,000 pages it took longer than the indexing itself.
const compactMaxDocs = 20_000

// DefaultMaxLoss is the Options.MaxLoss used when it is 0.
const DefaultMaxLoss = 0.10

// Options tune Rebuild and Update; the zero value is usable.
type Options struct {
	// Logger receives progress and outcome records; nil discards them.
	Logger *slog.Logger
	// Progress, when not nil, is called after each batch with the number of
	// pages indexed so far and the number expected in all (the store's
	// count when the run started, for Rebuild; the changes, for Update).
	// Calls may come from another goroutine than the caller's, never two
	// at once, with done never decreasing.
	Progress func(done, total int)
	// Force publishes a rebuild even when it would drop more than MaxLoss of
	// the live build's pages.
	Force bool
	// MaxLoss is the largest share of the live build's documents (0..1) a
	// rebuild may drop before it is refused; 0 means DefaultMaxLoss. It
	// guards against publishing an index of a store that was emptied or
	// half-crawled by mistake.
	MaxLoss float64
	// BatchSize is the number of pages per batch; 0 means DefaultBatchSize.
	BatchSize int
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxLoss <= 0 {
		o.MaxLoss = DefaultMaxLoss
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	return o
}

// Stats describe a finished Rebuild or Update.
type Stats struct {
	// Docs is the number of pages indexed: every page for Rebuild, the
	// pages added or changed for Update.
	Docs int
	// Deleted is the number of documents removed by Update.
	Deleted int
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// BuildID is the published build.
	BuildID string
	// Bytes is the size on disk of the published build.
	Bytes int64
}

// Rebuild indexes every live page of st into a new build of d and publishes
// it, then removes older builds. It runs under d's lock (ECONFLICT when
// another reindex holds it). The live build stays live, untouched, when
// Rebuild fails, is cancelled through ctx, or crashes; the unfinished build
// is removed (at the latest by the next Rebuild or Update).
//
// Before publishing, Rebuild compares the new build with the live one: when
// the new one has fewer than (1-MaxLoss) of the live documents and Force is
// not set, it refuses with an EINVALID *missionsearch.Error naming both
// counts, removes the new build and keeps the live one.
func Rebuild(ctx context.Context, st *store.Store, d *index.Dir, opts Options) (stats Stats, err error) {
	opts = opts.withDefaults()
	start := time.Now()
	unlock, err := d.Lock()
	if err != nil {
		return Stats{}, err
	}
	defer unlock()
	if err := d.Clean(); err != nil {
		opts.Logger.Warn("removing stale builds", "err", err)
	}

	asOf := time.Now() // every change the store made before now is read below
	total, err := st.Count(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: %w", err)
	}
	codec, err := trainCodec(ctx, st)
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: rebuild: %w", err)
	}
	id, idx, err := d.NewBuild()
	if err != nil {
		return Stats{}, err
	}
	opts.Logger.Info("rebuild started", "build", id, "pages", total)
	finished := false
	defer func() {
		if !finished {
			if err := d.Discard(id, idx); err != nil {
				opts.Logger.Warn("removing failed build", "build", id, "err", err)
			}
		}
	}()

	if err := codec.Save(d.BuildPath(id)); err != nil {
		return Stats{}, fmt.Errorf("indexer: rebuild: %w", err)
	}
	n, err := indexAll(ctx, st, idx, func(b *bleve.Batch) error { return d.Batch(id, idx, b) }, codec, opts, total)
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: rebuild: %w", err)
	}
	opts.Progress(n, max(total, n))

	// The documents per site are the store's live pages per site, which
	// the build holds (no search of a build still merging: a search's
	// snapshot there races scorch's in-memory merges).
	sites, err := st.CountBySite(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: rebuild: %w", err)
	}
	if err := checkLoss(d, uint64(n), sites, opts); err != nil {
		return Stats{}, err
	}
	// A build whose merges could not finish is whole, only larger.
	settleStart := time.Now()
	if err := d.Settle(ctx, id, idx, n <= compactMaxDocs); errors.Is(err, index.ErrWrites) {
		return Stats{}, fmt.Errorf("indexer: rebuild: %w", err) // the deferred clean-up discards the build
	} else if err != nil && ctx.Err() == nil {
		opts.Logger.Warn("rebuild merges unfinished", "build", id, "err", err)
	} else if err == nil {
		opts.Logger.Info("rebuild merged", "build", id, "elapsed", time.Since(settleStart).Round(time.Millisecond))
	}
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	finished = true
	info, err := d.Finish(id, idx, asOf)
	if err != nil {
		d.Discard(id, nil)
		return Stats{}, err
	}
	if err := d.SetSites(id, sites); err != nil {
		d.Discard(id, nil)
		return Stats{}, err
	}
	if err := d.Publish(id); err != nil {
		d.Discard(id, nil)
		return Stats{}, err
	}
	stats = Stats{Docs: n, Elapsed: time.Since(start), BuildID: id}
	stats.Bytes, _ = d.Size(id)
	opts.Logger.Info("rebuild published", "build", id, "docs", info.Docs,
		"elapsed", stats.Elapsed.Round(time.Millisecond), "bytes", stats.Bytes)
	return stats, nil
}

// checkLoss refuses a build of n documents that drops more than
// opts.MaxLoss of the live build's documents, and a first build with no
// document at all (a crawl that reached nothing, a store at the wrong
// path): an empty index is never published by mistake.
//
// With several sites in the index (Page.Site), the same limit holds for
// each site against its own live documents: one site's broken crawl
// cannot hide behind the size of the others. sites are the new build's
// counts per site (the store's live pages per site, which the build holds).
func checkLoss(d *index.Dir, n uint64, sites map[string]uint64, opts Options) error {
	if opts.Force {
		return nil
	}
	cur, err := d.Current()
	if err != nil {
		if n == 0 {
			return missionsearch.Errorf(missionsearch.EINVALID,
				"the crawl store has no page to index: no index is published (crawl the site first, or check --data)")
		}
		return nil // nothing live: nothing to lose
	}
	info, err := d.Info(cur)
	if err != nil {
		return nil // an unusable live build is no reference
	}
	if float64(n) < (1-opts.MaxLoss)*float64(info.Docs) {
		return missionsearch.Errorf(missionsearch.EINVALID,
			"the new index has %d pages, the live one %d: more than %.0f%% would be lost; the live index is kept (use --force to switch anyway)",
			n, info.Docs, opts.MaxLoss*100)
	}
	if len(info.Sites) < 2 {
		return nil // one site: the total is the site's
	}
	names := slices.Sorted(maps.Keys(info.Sites))
	for _, site := range names {
		old := info.Sites[site]
		if site == "" || old == 0 {
			continue
		}
		if float64(sites[site]) < (1-opts.MaxLoss)*float64(old) {
			return missionsearch.Errorf(missionsearch.EINVALID,
				"the site %q would have %d pages, it has %d: more than %.0f%% of them would be lost; the live index is kept (use --force to switch anyway)",
				site, sites[site], old, opts.MaxLoss*100)
		}
	}
	return nil
}

// union returns the ids of a and b, sorted, once each.
func union(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// minSameText is the fewest changed pages sharing one text that checkSameText
// can take for a broken crawl.
const minSameText = 5

// checkSameText refuses an update in which more than opts.MaxLoss of the
// live build's pages (and at least minSameText) changed to one same title
// and text:
// a site that answered a maintenance, login or error page with status 200
// during the crawl. same is the largest number of updated pages with one
// title and body.
func checkSameText(d *index.Dir, same int, opts Options) error {
	if opts.Force || same < minSameText {
		return nil
	}
	cur, err := d.Current()
	if err != nil {
		return nil
	}
	info, err := d.Info(cur)
	if err != nil {
		return nil
	}
	if float64(same) > opts.MaxLoss*float64(info.Docs) {
		return missionsearch.Errorf(missionsearch.EINVALID,
			"%d changed pages now have the same text (a maintenance or error page served as a page?), more than %.0f%% of the %d live pages; the live index is kept (use --force to publish anyway)",
			same, opts.MaxLoss*100, info.Docs)
	}
	return nil
}

// Update applies a crawl's changes to the index: the pages of updated are
// read from st and (re)indexed, or removed when st no longer has them live,
// and the documents of gone are removed; so are all the changes st recorded
// since the live build's (BuildInfo.StoreAsOf), so that the changes of an
// update that was refused or failed are applied by the next one. Like Rebuild, it refuses (an
// EINVALID *missionsearch.Error, the live build kept) an update that would
// drop more than MaxLoss of the live pages, or in which more than MaxLoss
// of them changed to one same text, unless Force is set. It makes a new build from the live
// one (see the package documentation for why it never writes the live build)
// and publishes it. It returns an error wrapping ErrNeedsRebuild when there
// is no live build or it has another mapping version, and an ECONFLICT
// *missionsearch.Error when another reindex holds the lock. Stats.Docs counts
// the pages indexed and Stats.Deleted the documents removed that were in the
// index.
func Update(ctx context.Context, st *store.Store, d *index.Dir, updated, gone []string, opts Options) (stats Stats, err error) {
	opts = opts.withDefaults()
	start := time.Now()
	unlock, err := d.Lock()
	if err != nil {
		return Stats{}, err
	}
	defer unlock()

	cur, err := d.Current()
	if err != nil {
		return Stats{}, fmt.Errorf("%w: %w", ErrNeedsRebuild, err)
	}
	info, err := d.Info(cur)
	if err != nil {
		if errors.Is(err, index.ErrMappingVersion) || errors.Is(err, index.ErrIncomplete) {
			return Stats{}, fmt.Errorf("%w: %w", ErrNeedsRebuild, err)
		}
		return Stats{}, err
	}
	// The changes of the store since the live build's, not only the
	// caller's: those of a crawl whose update was refused or failed are
	// still to apply.
	asOf := time.Now()
	if !info.StoreAsOf.IsZero() {
		u, g, err := st.ChangedSince(ctx, info.StoreAsOf)
		if err != nil {
			return Stats{}, fmt.Errorf("indexer: update: %w", err)
		}
		updated = union(updated, u)
		gone = union(gone, g)
	}
	if len(updated) == 0 && len(gone) == 0 {
		return Stats{Elapsed: time.Since(start), BuildID: cur}, nil
	}
	if err := d.Clean(); err != nil {
		opts.Logger.Warn("removing stale builds", "err", err)
	}
	id, idx, err := d.CloneBuild(cur)
	if err != nil {
		return Stats{}, err
	}
	finished := false
	defer func() {
		if !finished {
			if err := d.Discard(id, idx); err != nil {
				opts.Logger.Warn("removing failed build", "build", id, "err", err)
			}
		}
	}()
	opts.Logger.Info("update started", "build", id, "parent", cur, "updated", len(updated), "gone", len(gone))

	// Page returns gone pages too: a page listed as updated may have gone
	// since the crawl listed it, so ask the store which ids are gone now.
	goneNow, err := st.GoneIDs(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: update: %w", err)
	}
	codec, err := index.LoadTextCodec(d.BuildPath(id))
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: update: %w", err)
	}
	w := newWriter(idx, func(b *bleve.Batch) error { return d.Batch(id, idx, b) }, codec, opts.BatchSize)
	total := len(updated) + len(gone)
	removed := slices.Clone(gone)
	// The largest number of updated pages with one same title and body:
	// distinct pages of one text are stored once by the crawler, so a
	// large group is a site answering one page for many URLs (whose text
	// the crawler may even have learned as boilerplate, leaving the body
	// empty).
	bodies, same := map[[sha256.Size]byte]int{}, 0
	for _, pid := range updated {
		if err := ctx.Err(); err != nil {
			return Stats{}, err
		}
		if _, ok := slices.BinarySearch(goneNow, pid); ok {
			removed = append(removed, pid)
			continue
		}
		p, err := st.Page(ctx, pid)
		if missionsearch.ErrorCode(err) == missionsearch.ENOTFOUND {
			removed = append(removed, pid)
			continue
		} else if err != nil {
			return Stats{}, fmt.Errorf("indexer: update: %w", err)
		}
		h := sha256.Sum256([]byte(p.Title + "\x00" + p.Body))
		bodies[h]++
		same = max(same, bodies[h])
		if err := w.index(p); err != nil {
			return Stats{}, fmt.Errorf("indexer: update: %w", err)
		}
		if w.pending == 0 {
			opts.Progress(w.done, total)
		}
	}
	// Count what is really removed: ids in the index, once each.
	deleted := 0
	for _, pid := range union(removed, nil) {
		if doc, err := idx.Document(pid); err == nil && doc != nil {
			deleted++
		}
		if err := w.remove(pid); err != nil {
			return Stats{}, fmt.Errorf("indexer: update: %w", err)
		}
	}
	if err := w.flush(); err != nil {
		return Stats{}, fmt.Errorf("indexer: update: %w", err)
	}
	opts.Progress(total, total)
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	n, err := idx.DocCount()
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: update: %w", err)
	}
	sites, err := st.CountBySite(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("indexer: update: %w", err)
	}
	if err := checkLoss(d, n, sites, opts); err != nil {
		return Stats{}, err
	}
	if err := checkSameText(d, same, opts); err != nil {
		return Stats{}, err
	}
	finished = true
	if _, err := d.Finish(id, idx, asOf); err != nil {
		d.Discard(id, nil)
		return Stats{}, err
	}
	if err := d.SetSites(id, sites); err != nil {
		d.Discard(id, nil)
		return Stats{}, err
	}
	if err := d.Publish(id); err != nil {
		d.Discard(id, nil)
		return Stats{}, err
	}
	stats = Stats{Docs: w.indexed, Deleted: deleted, Elapsed: time.Since(start), BuildID: id}
	stats.Bytes, _ = d.Size(id)
	opts.Logger.Info("update published", "build", id, "indexed", stats.Docs, "deleted", deleted,
		"elapsed", stats.Elapsed.Round(time.Millisecond))
	return stats, nil
}

// batchWorkers is the number of batches indexed at once by Rebuild. Each
// bleve Batch call analyses its documents on bleve's analysis workers, then
// builds and persists its segment on the calling goroutine alone; two
// batches in flight, fed by a goroutine reading the store, keep both cores
// of a small machine busy (measured: see BenchmarkRebuild).
const batchWorkers = 2

// codecSamples is the number of pages whose text makes the dictionary of a
// rebuild's stored text (index.TrainTextCodec).
const codecSamples = 500

// errEnough stops a store iteration early.
var errEnough = errors.New("enough")

// trainCodec returns the text codec of a new build of st, its dictionary
// drawn from the first codecSamples pages of the store (in id order, which
// is random order: ids are hashes of URLs).
func trainCodec(ctx context.Context, st *store.Store) (*index.TextCodec, error) {
	var samples []string
	err := st.Pages(ctx, func(p *missionsearch.Page) error {
		samples = append(samples, p.Body)
		if len(samples) >= codecSamples {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return index.TrainTextCodec(samples)
}

// indexAll indexes every live page of st into idx, its text compressed by
// codec, reading the store on one goroutine and indexing batches on
// batchWorkers others, each batch written by write (index.Dir.Batch). It
// returns the number of pages indexed.
func indexAll(ctx context.Context, st *store.Store, idx bleve.Index, write func(*bleve.Batch) error, codec *index.TextCodec, opts Options, total int) (int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []*missionsearch.Page, batchWorkers)
	var readErr error
	go func() {
		defer close(batches)
		var cur []*missionsearch.Page
		send := func() error {
			select {
			case batches <- cur:
				cur = make([]*missionsearch.Page, 0, opts.BatchSize)
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		readErr = st.Pages(ctx, func(p *missionsearch.Page) error {
			cur = append(cur, p)
			if len(cur) >= opts.BatchSize {
				return send()
			}
			return nil
		})
		if readErr == nil && len(cur) > 0 {
			readErr = send()
		}
	}()

	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	for range batchWorkers {
		wg.Go(func() {
			for pages := range batches {
				if ctx.Err() != nil {
					continue // drain
				}
				b := idx.NewBatch()
				for _, p := range pages {
					if err := b.Index(p.ID, codec.Document(p)); err != nil {
						cancel(fmt.Errorf("page %s: %w", p.ID, err))
						break
					}
				}
				if ctx.Err() != nil {
					continue
				}
				if err := write(b); err != nil {
					cancel(err)
					continue
				}
				mu.Lock()
				done += len(pages)
				opts.Progress(done, max(total, done))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return done, err
	}
	if readErr != nil {
		return done, readErr
	}
	return done, nil
}

// writer groups index and delete operations into batches.
type writer struct {
	idx     bleve.Index
	write   func(*bleve.Batch) error // index.Dir.Batch
	codec   *index.TextCodec
	b       *bleve.Batch
	size    int
	pending int // operations in b
	done    int // operations applied
	indexed int // index operations applied
	npend   int // index operations in b
}

func newWriter(idx bleve.Index, write func(*bleve.Batch) error, codec *index.TextCodec, size int) *writer {
	return &writer{idx: idx, write: write, codec: codec, b: idx.NewBatch(), size: size}
}

func (w *writer) index(p *missionsearch.Page) error {
	if err := w.b.Index(p.ID, w.codec.Document(p)); err != nil {
		return fmt.Errorf("page %s: %w", p.ID, err)
	}
	w.npend++
	return w.added()
}

func (w *writer) remove(id string) error {
	w.b.Delete(id)
	return w.added()
}

func (w *writer) added() error {
	w.pending++
	if w.pending >= w.size {
		return w.flush()
	}
	return nil
}

func (w *writer) flush() error {
	if w.pending == 0 {
		return nil
	}
	if err := w.write(w.b); err != nil {
		return err
	}
	w.done += w.pending
	w.indexed += w.npend
	w.pending, w.npend = 0, 0
	// A new batch, not Reset: scorch's Batch returns while the goroutine
	// that queued its documents may still step through the batch's map
	// (a data race the race detector reports on Reset).
	w.b = w.idx.NewBatch()
	return nil
}
