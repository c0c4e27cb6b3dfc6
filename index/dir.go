package index

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/missionsearch/missionsearch"
)

// Names inside the indexes directory.
const (
	// CurrentFile names the live build: one line holding its build id.
	CurrentFile = "CURRENT"
	// LockFile is flocked by the one process allowed to make builds.
	LockFile = "LOCK"
	// InfoFile is the build.json of each build, written last.
	InfoFile = "build.json"
)

// ErrMappingVersion is returned (wrapped) when a build was made with another
// MappingVersion than this binary's: it cannot be read and must be rebuilt.
var ErrMappingVersion = errors.New("index: build made with another mapping version")

// ErrIncomplete is returned (wrapped) when a build directory has no complete
// build.json: a build that crashed or is still being written.
var ErrIncomplete = errors.New("index: build is incomplete")

// buildIDPattern matches the names of build directories.
var buildIDPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4,}$`)

// boltTimeout bounds the wait for the file lock of a build's root.bolt. Builds
// are never opened writable once published, so the wait only happens when
// something else is wrong; it then fails instead of hanging forever.
const boltTimeout = "5s"

// Dir is the indexes directory of a data directory: one subdirectory per
// build, named by its build id, and the CURRENT file naming the live one.
//
// A build goes through three states. NewBuild or CloneBuild creates it,
// writable and incomplete; Finish closes it and writes its build.json with
// Complete set, after which it is never written again (an immutable artifact
// that read replicas may copy); Publish makes it the live one. Only complete
// builds can be opened or published, so a build interrupted by a crash is
// never served; the next Clean (run by Publish and by the indexer) removes it.
//
// A Dir's methods are safe for concurrent use, but making builds (NewBuild,
// CloneBuild, Finish, Publish, Clean) is reserved to the holder of the lock
// (see Lock), across processes. Readers (Current, OpenCurrent, Info,
// OpenBuild) need no lock.
type Dir struct {
	path string
	// writes counts, per build id, the batches of Batch still running,
	// abandoned ones included: Discard lets them end before it closes the
	// index, which bleve does not survive under a running batch.
	writes sync.Map // id → *sync.WaitGroup
}

// OpenDir returns the indexes directory of the data directory dataDir
// (dataDir/indexes), creating it when missing.
func OpenDir(dataDir string) (*Dir, error) {
	p := filepath.Join(dataDir, "indexes")
	if err := os.MkdirAll(p, 0o755); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return &Dir{path: p}, nil
}

// FindDir returns the indexes directory of the data directory dataDir, as
// OpenDir does, but creates nothing: for the commands that only read. A
// missing directory is an ENOTFOUND *missionsearch.Error.
func FindDir(dataDir string) (*Dir, error) {
	p := filepath.Join(dataDir, "indexes")
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, missionsearch.Errorf(missionsearch.ENOTFOUND, "no index in %s", dataDir)
	case err != nil:
		return nil, fmt.Errorf("index: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("index: %s is not a directory", p)
	}
	return &Dir{path: p}, nil
}

// Path returns the path of the indexes directory.
func (d *Dir) Path() string { return d.path }

// BuildPath returns the directory of build id.
func (d *Dir) BuildPath(id string) string { return filepath.Join(d.path, id) }

// BuildInfo is the content of a build's build.json.
type BuildInfo struct {
	// ID is the build id (the directory name; not stored in the file).
	ID string `json:"-"`
	// MappingVersion is the MappingVersion of the binary that made the build.
	MappingVersion int `json:"mapping_version"`
	// Docs is the number of documents in the build.
	Docs uint64 `json:"docs"`
	// Created is when the build was finished.
	Created time.Time `json:"created"`
	// Parent is the build this one was cloned from by an incremental
	// update, or "" for a full build.
	Parent string `json:"parent,omitempty"`
	// Complete is true once every document is durably in the build.
	Complete bool `json:"complete"`
	// StoreAsOf is the time of the crawl store the build reflects: every
	// change the store recorded before it is in the build (see
	// store.ChangedSince). Zero when unknown (a build of a tool or test).
	StoreAsOf time.Time `json:"store_as_of,omitzero"`
	// Sites counts the documents per site (Page.Site; "" for pages of no
	// configured site), for the loss guard of the next build (SetSites);
	// nil in builds made before sites.
	Sites map[string]uint64 `json:"sites,omitempty"`
}

const idTimeLayout = "20060102T150405Z"

// newID returns a new build id: the UTC time to the second, then 4 random
// hex digits so that builds of several machines differ. Ids sort in build
// order: when a build of this directory already has the same or a later
// time (two builds in one second, or a clock step back), the new id takes
// the next second after it.
func (d *Dir) newID() string {
	t := time.Now().UTC().Truncate(time.Second)
	if ids, err := d.Builds(); err == nil && len(ids) > 0 {
		if last, err := time.Parse(idTimeLayout, ids[len(ids)-1][:len(idTimeLayout)]); err == nil && !last.Before(t) {
			t = last.Add(time.Second)
		}
	}
	var b [2]byte
	rand.Read(b[:])
	return t.Format(idTimeLayout) + "-" + hex.EncodeToString(b[:])
}

// The merge policy of new builds: scorch's default with at most
// buildTierSegments segments per tier instead of 10, and no segment merged
// beyond buildMaxSegmentDocs documents. Fewer segments share more of their
// term dictionaries: at 50,000 synthetic pages the build is 1.48 times the
// raw text instead of 1.55. The size cap keeps merges short and small: with
// scorch's own cap (5 million documents), a 1M-page build merged its first
// two halves into 2 GB segments, and meanwhile 140 small segments piled up
// unmerged (a larger index, searches three times slower).
const (
	buildTierSegments   = 2
	buildMaxSegmentDocs = 200_000
)

var buildMergeConfig = map[string]any{"MaxSegmentsPerTier": buildTierSegments, "MaxSegmentSize": buildMaxSegmentDocs}

func buildMergePlan() *mergeplan.MergePlanOptions {
	o := mergeplan.DefaultMergePlanOptions
	o.MaxSegmentsPerTier = buildTierSegments
	o.MaxSegmentSize = buildMaxSegmentDocs
	return &o
}

// NewBuild creates a new, empty, writable build with the mapping of
// NewMapping and returns its id and index. The caller must hold the lock,
// fill the index with safe (default) batches, then call Finish, or Discard
// on failure.
func (d *Dir) NewBuild() (id string, idx bleve.Index, err error) {
	m, err := NewMapping()
	if err != nil {
		return "", nil, fmt.Errorf("index: mapping: %w", err)
	}
	id = d.newID()
	cfg := map[string]any{"bolt_timeout": boltTimeout, "scorchMergePlanOptions": buildMergeConfig, "asyncErrorCallbackName": asyncErrorCallback}
	idx, err = bleve.NewUsing(d.BuildPath(id), m, scorch.Name, scorch.Name, cfg)
	if err != nil {
		os.RemoveAll(d.BuildPath(id))
		return "", nil, fmt.Errorf("index: new build %s: %w", id, err)
	}
	return id, idx, nil
}

// CloneBuild creates a new writable build holding the same documents as the
// complete build src, and returns its id and index, to be changed then
// finished (Finish) and published: the incremental update of an immutable
// build. It costs little whatever the size of src: the segment files
// (*.zap), which scorch never modifies once written, are hard-linked (copied
// if linking fails), and only the small root.bolt and index_meta.json are
// copied. src is only read, so servers may keep it open meanwhile. The caller
// must hold the lock.
func (d *Dir) CloneBuild(src string) (id string, idx bleve.Index, err error) {
	if _, err := d.Info(src); err != nil {
		return "", nil, err
	}
	id = d.newID()
	dst := d.BuildPath(id)
	defer func() {
		if err != nil {
			os.RemoveAll(dst)
		}
	}()
	srcPath := d.BuildPath(src)
	err = filepath.WalkDir(srcPath, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(srcPath, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case e.IsDir():
			return os.MkdirAll(target, 0o755)
		case rel == InfoFile:
			return nil // the clone is incomplete until Finish
		case strings.HasSuffix(p, ".zap"):
			if os.Link(p, target) == nil {
				return nil
			}
			return copyFile(p, target)
		default:
			return copyFile(p, target)
		}
	})
	if err != nil {
		return "", nil, fmt.Errorf("index: clone build %s: %w", src, err)
	}
	if err := syncTree(dst); err != nil {
		return "", nil, fmt.Errorf("index: clone build %s: %w", src, err)
	}
	idx, err = bleve.OpenUsing(dst, map[string]any{"bolt_timeout": boltTimeout, "asyncErrorCallbackName": asyncErrorCallback})
	if err != nil {
		return "", nil, fmt.Errorf("index: open clone of %s: %w", src, err)
	}
	if err := writeJSON(filepath.Join(dst, "parent"), src); err != nil {
		idx.Close()
		return "", nil, fmt.Errorf("index: clone build %s: %w", src, err)
	}
	return id, idx, nil
}

// mergeWait bounds the wait, after the merges, for scorch to delete the
// files of the merged segments.
const mergeWait = 30 * time.Second

// Settle finishes the merging of idx, the writable index of build id, once
// its documents are all written: it waits for scorch to persist the last
// batches, runs the merges the build's policy calls for (one segment when
// single is set, else the policy of NewBuild) until none is left, then waits
// until scorch has deleted the merged segments' files, which it does after
// its next persist. Indexing outpaces scorch's background merger, so a
// build closed at once keeps a tail of small segments, each with its own
// term dictionaries, and the files of segments already merged.
//
// One segment (single) is the smallest and fastest to search, but the
// merge runs on one core and costs about as much as the indexing itself
// beyond some 20,000 pages. Settle is for full rebuilds: an incremental
// build would rewrite the segments it hard-links.
//
// scorch retries failed writes for ever; Settle does not wait for them: when
// persisting or merging keeps failing (a full disk), or makes no progress
// for stallTimeout, it returns within seconds an error wrapping ErrWrites
// and the cause, and the build is to be discarded.
func (d *Dir) Settle(ctx context.Context, id string, idx bleve.Index, single bool) error {
	ai, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("index: settle %s: %w", id, err)
	}
	sc, ok := ai.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("index: settle %s: not a scorch index", id)
	}
	plan := buildMergePlan()
	if single {
		plan = &mergeplan.SingleSegmentMergePlanOptions
	}
	segments := func() (mem, files uint64) {
		stats := sc.StatsMap()
		mem, _ = stats["num_root_memorysegments"].(uint64)
		files, _ = stats["num_root_filesegments"].(uint64)
		return mem, files
	}
	pause := func() error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
			return nil
		}
	}
	dog := newWatchdog(sc, d.BuildPath(id))
	for {
		mem, files := segments()
		if mem > 0 { // the persister is still writing batches
			if err := dog.check(); err != nil {
				return fmt.Errorf("index: settle %s: %w", id, diskHint(err, d.BuildPath(id)))
			}
			if err := pause(); err != nil {
				return err
			}
			continue
		}
		if single && files <= 1 {
			break
		}
		if err := forceMerge(ctx, sc, plan, dog); err != nil {
			return fmt.Errorf("index: settle %s: %w", id, diskHint(err, d.BuildPath(id)))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if mem, after := segments(); mem == 0 && after >= files {
			break // the policy merges nothing more, or merging fails
		}
	}
	// scorch deletes unreferenced files after a persist, or while its
	// persister idles; when the last merge's old snapshot was still
	// referenced at that moment, nothing happens until the next change. A
	// small internal write is such a change: a new snapshot to persist,
	// then another cleanup.
	deadline := time.Now().Add(mergeWait)
	nudge := time.Now().Add(200 * time.Millisecond)
	for {
		_, files := segments()
		zaps, err := countFiles(d.BuildPath(id), ".zap")
		if err != nil {
			return fmt.Errorf("index: settle %s: %w", id, err)
		}
		if uint64(zaps) <= files {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("index: settle %s: %d segment files for %d segments after %v", id, zaps, files, mergeWait)
		}
		if time.Now().After(nudge) {
			if err := idx.SetInternal(settledKey, []byte(time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
				return fmt.Errorf("index: settle %s: %w", id, err)
			}
			nudge = time.Now().Add(200 * time.Millisecond)
		}
		if err := pause(); err != nil {
			return err
		}
	}
}

// forceMerge runs one forced merge of sc with plan and returns its error.
// scorch's own ForceMerge never returns one: its merger retries a failed
// forced merge for ever (a full disk: thousands of retries, the index lock
// held), and ForceMerge waits for it. The merger reports the outcome of a
// merge on a channel found in the request's context under the key
// "mergeDone" (scorch.mergeDoneKey) and then gives the request up, so the
// outcome is read there. After a failure the goroutine still waiting in
// ForceMerge returns when the index is closed, which the caller does when
// it discards the build (TestSettleDiskFull checks all this against the
// bleve in go.mod).
//
// The merger may also be stuck retrying a background merge, and never take
// the request: dog watches its errors meanwhile.
func forceMerge(ctx context.Context, sc *scorch.Scorch, plan *mergeplan.MergePlanOptions, dog *watchdog) error {
	done := make(chan error, 1)
	returned := make(chan struct{})
	mctx := context.WithValue(ctx, "mergeDone", done) // scorch's key: a plain string

	go func() {
		sc.ForceMerge(mctx, plan)
		close(returned)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	dog.reset()
	for {
		select {
		case err := <-done:
			if err != nil {
				return dog.explain(fmt.Errorf("merging segments: %w", err))
			}
			select {
			case <-returned:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		case <-returned: // the index was closed
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			if err := dog.check(); err != nil {
				return err
			}
		}
	}
}

// watchdog bounds the waits of a build on scorch's persister and merger,
// which retry failed writes for ever: a wait fails after persistErrors
// failed persists or merges with no progress between them, or after
// stallTimeout with no progress at all. Its errors carry the last error
// scorch reported for the build (asyncErrors).
type watchdog struct {
	sc       *scorch.Scorch
	path     string
	errs     uint64    // persister and merger errors when progress was last seen
	progress [4]uint64 // memory segments, file segments, last persisted and merged epochs
	since    time.Time // when progress was last seen
}

const (
	persistErrors = 5
	stallTimeout  = 2 * time.Minute
)

func newWatchdog(sc *scorch.Scorch, path string) *watchdog {
	w := &watchdog{sc: sc, path: filepath.Clean(path)}
	w.reset()
	return w
}

// reset starts watching from now.
func (w *watchdog) reset() {
	w.errs, w.progress = w.read()
	w.since = time.Now()
}

func (w *watchdog) read() (errs uint64, progress [4]uint64) {
	st := w.sc.StatsMap()
	u := func(k string) uint64 { v, _ := st[k].(uint64); return v }
	return u("TotPersistLoopErr") + u("TotFileMergeLoopErr"),
		[4]uint64{u("num_root_memorysegments"), u("num_root_filesegments"), u("LastPersistedEpoch"), u("LastMergedEpoch")}
}

// check returns an error when the persister or the merger fails or
// stalls.
func (w *watchdog) check() error {
	errs, progress := w.read()
	if progress != w.progress {
		w.errs, w.progress, w.since = errs, progress, time.Now()
		return nil
	}
	n := errs - w.errs
	if n >= persistErrors || n >= 2 && w.diskFull() {
		return w.explain(fmt.Errorf("writing segments failed %d times in a row", n))
	}
	if d := time.Since(w.since); d > stallTimeout {
		return w.explain(fmt.Errorf("no progress writing segments for %v", d.Round(time.Second)))
	}
	return nil
}

// ErrWrites is wrapped by the errors of a build whose writes keep failing
// (a full disk, a read-only file system): the build cannot be trusted
// and must be discarded, unlike one whose merges merely did not finish.
var ErrWrites = errors.New("writes failing")

// diskFull reports whether the last error scorch reported for the build
// is a full disk, which retrying does not cure.
func (w *watchdog) diskFull() bool {
	last, ok := asyncErrors.Load(w.path)
	return ok && strings.Contains(last.(error).Error(), "no space left on device")
}

// Batch writes b to idx, the writable index of build id, as idx.Batch
// does, but bounded like Settle: scorch may block a batch while its
// persister retries a failed write for ever (a full disk), and then Batch
// returns an error wrapping ErrWrites within seconds. The build must then be
// discarded, which closes idx and ends the blocked write.
func (d *Dir) Batch(id string, idx bleve.Index, b *bleve.Batch) error {
	ai, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("index: batch %s: %w", id, err)
	}
	sc, ok := ai.(*scorch.Scorch)
	if !ok {
		return idx.Batch(b)
	}
	done := make(chan error, 1)
	dog := newWatchdog(sc, d.BuildPath(id))
	wg, _ := d.writes.LoadOrStore(id, new(sync.WaitGroup))
	wg.(*sync.WaitGroup).Go(func() {
		// zapx panics (a nil map of a segment cache) when a batch runs
		// after scorch failed to persist a segment on a full disk: the
		// build is lost anyway, the process must not be.
		defer func() {
			if r := recover(); r != nil {
				done <- dog.explain(fmt.Errorf("bleve failed writing a batch: panic: %v", r))
			}
		}()
		done <- idx.Batch(b)
	})
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if err := dog.check(); err != nil {
				return fmt.Errorf("index: batch %s: %w", id, diskHint(err, d.BuildPath(id)))
			}
		}
	}
}

// explain returns err wrapping ErrWrites, with the last error scorch
// reported for the build.
func (w *watchdog) explain(err error) error {
	if last, ok := asyncErrors.Load(w.path); ok && !strings.Contains(err.Error(), last.(error).Error()) {
		return fmt.Errorf("%w: %w: %v", ErrWrites, err, last)
	}
	return fmt.Errorf("%w: %w", ErrWrites, err)
}

// asyncErrorCallback is the name under which scorch reports the errors of
// its background work (persister, merger) to asyncErrors.
const asyncErrorCallback = "missionsearch"

// asyncErrors maps the path of an open build to the last error scorch
// reported for it. Discard and Finish forget it.
var asyncErrors sync.Map

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallback] = func(err error, path string) {
		// scorch's path is the build's "store" directory.
		if path = filepath.Clean(path); filepath.Base(path) == "store" {
			path = filepath.Dir(path)
		}
		asyncErrors.Store(path, err)
	}
}

// diskHint adds to err how much room is left on the file system of path
// when it is nearly full, the usual cause of failed writes.
func diskHint(err error, path string) error {
	free, ok := freeBytes(path)
	if !ok || free > 64<<20 || strings.Contains(err.Error(), "no space left") {
		return err
	}
	return fmt.Errorf("%w (no space left on device? %d KiB free)", err, free>>10)
}

// settledKey is the internal key (bleve SetInternal) that Settle writes to
// make scorch persist, and so delete merged files, once more.
var settledKey = []byte("missionsearch_settled")

// countFiles counts the files under root whose names end with suffix.
func countFiles(root, suffix string) (int, error) {
	n := 0
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, suffix) {
			n++
		}
		return err
	})
	return n, err
}

// Finish closes idx, the writable index of build id, makes every file of
// the build durable, then writes its build.json with Complete set and
// storeAsOf (see BuildInfo.StoreAsOf): from then on the build can be opened
// and published, and must not be written. It returns the build's info.
func (d *Dir) Finish(id string, idx bleve.Index, storeAsOf time.Time) (BuildInfo, error) {
	n, err := idx.DocCount()
	if err != nil {
		idx.Close()
		return BuildInfo{}, fmt.Errorf("index: finish %s: %w", id, err)
	}
	err = idx.Close()
	asyncErrors.Delete(filepath.Clean(d.BuildPath(id)))
	if err != nil {
		return BuildInfo{}, fmt.Errorf("index: finish %s: close: %w", id, err)
	}
	p := d.BuildPath(id)
	if err := syncTree(p); err != nil {
		return BuildInfo{}, fmt.Errorf("index: finish %s: %w", id, err)
	}
	info := BuildInfo{ID: id, MappingVersion: MappingVersion, Docs: n, Created: time.Now().UTC(), Complete: true, StoreAsOf: storeAsOf.UTC()}
	var parent string
	if b, err := os.ReadFile(filepath.Join(p, "parent")); err == nil && json.Unmarshal(b, &parent) == nil {
		info.Parent = parent
	}
	if err := writeJSON(filepath.Join(p, InfoFile), info); err != nil {
		return BuildInfo{}, fmt.Errorf("index: finish %s: %w", id, err)
	}
	return info, nil
}

// discardWait bounds the wait of Discard for the batches still running.
const discardWait = 30 * time.Second

// Discard removes build id, which must not be the live one: a build that
// failed or was refused. idx, when not nil, is closed first.
func (d *Dir) Discard(id string, idx bleve.Index) error {
	if wg, ok := d.writes.LoadAndDelete(id); ok {
		// Batches abandoned by Batch: let them end, for a while (one
		// blocked for ever on scorch's persister is left; closing the
		// index cannot hurt it).
		ended := make(chan struct{})
		go func() { wg.(*sync.WaitGroup).Wait(); close(ended) }()
		select {
		case <-ended:
		case <-time.After(discardWait):
		}
	}
	if idx != nil {
		idx.Close()
	}
	asyncErrors.Delete(filepath.Clean(d.BuildPath(id)))
	if cur, err := d.Current(); err == nil && cur == id {
		return fmt.Errorf("index: discard %s: it is the live build", id)
	}
	if err := os.RemoveAll(d.BuildPath(id)); err != nil {
		return fmt.Errorf("index: discard %s: %w", id, err)
	}
	return nil
}

// Info reads the build.json of build id. It returns an error wrapping
// ErrIncomplete when the build is not complete, and one wrapping
// ErrMappingVersion when it was made with another MappingVersion.
func (d *Dir) Info(id string) (BuildInfo, error) {
	if !buildIDPattern.MatchString(id) {
		return BuildInfo{}, fmt.Errorf("index: %q is not a build id", id)
	}
	b, err := os.ReadFile(filepath.Join(d.BuildPath(id), InfoFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(d.BuildPath(id)); err != nil {
			return BuildInfo{}, fmt.Errorf("index: build %s: %w", id, err)
		}
		return BuildInfo{}, fmt.Errorf("index: build %s: %w", id, ErrIncomplete)
	} else if err != nil {
		return BuildInfo{}, fmt.Errorf("index: build %s: %w", id, err)
	}
	var info BuildInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return BuildInfo{}, fmt.Errorf("index: build %s: %s: %w", id, InfoFile, err)
	}
	info.ID = id
	if !info.Complete {
		return info, fmt.Errorf("index: build %s: %w", id, ErrIncomplete)
	}
	if info.MappingVersion != MappingVersion {
		return info, fmt.Errorf("index: build %s has mapping version %d, this binary needs %d (run reindex): %w",
			id, info.MappingVersion, MappingVersion, ErrMappingVersion)
	}
	return info, nil
}

// Publish makes the complete build id the live one: it replaces CURRENT
// atomically (temporary file, fsync, rename, fsync of the directory), then
// removes every other build (see Clean). A server that still has an older
// build open keeps reading it: on Linux, removed files stay readable through
// open descriptors and mappings until closed. The caller must hold the lock.
func (d *Dir) Publish(id string) error {
	if _, err := d.Info(id); err != nil {
		return fmt.Errorf("index: publish: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(d.path, CurrentFile), []byte(id+"\n")); err != nil {
		return fmt.Errorf("index: publish %s: %w", id, err)
	}
	return d.Clean()
}

// Clean removes every build directory but the live one: older builds and
// builds left incomplete by a crash. The caller must hold the lock, so that
// no build in progress is removed.
func (d *Dir) Clean() error {
	cur, err := d.Current()
	if err != nil && missionsearch.ErrorCode(err) != missionsearch.ENOTFOUND {
		return err
	}
	ids, err := d.Builds()
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if id == cur {
			continue
		}
		if err := os.RemoveAll(d.BuildPath(id)); err != nil {
			errs = append(errs, err)
		}
	}
	// Leftover temporary files of an interrupted writeFileAtomic.
	if es, err := os.ReadDir(d.path); err == nil {
		for _, e := range es {
			if strings.HasPrefix(e.Name(), "."+CurrentFile+".tmp") {
				os.Remove(filepath.Join(d.path, e.Name()))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("index: clean: %w", err)
	}
	return nil
}

// Builds returns the ids of the build directories, complete or not, oldest
// first.
func (d *Dir) Builds() ([]string, error) {
	es, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	var ids []string
	for _, e := range es {
		if e.IsDir() && buildIDPattern.MatchString(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Current returns the id of the live build, as named by CURRENT. It returns
// an ENOTFOUND *missionsearch.Error when there is none yet.
func (d *Dir) Current() (string, error) {
	b, err := os.ReadFile(filepath.Join(d.path, CurrentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", missionsearch.Errorf(missionsearch.ENOTFOUND, "no index has been built yet")
	} else if err != nil {
		return "", fmt.Errorf("index: %w", err)
	}
	id := strings.TrimSpace(string(b))
	if !buildIDPattern.MatchString(id) {
		return "", fmt.Errorf("index: %s holds %q, not a build id", CurrentFile, id)
	}
	return id, nil
}

// OpenBuild opens the complete build id. readOnly opens it the way servers
// do: several processes may then share it (bbolt takes a shared lock), and
// the index must never be written (bleve blocks forever on a batch to a
// read-only scorch index). Writable opening is for tests and tools: the
// builds are immutable once finished. It refuses an incomplete build and a
// build of another mapping version (errors wrapping ErrIncomplete and
// ErrMappingVersion). The pages the index stores are read with the
// build's text codec (LoadTextCodec of BuildPath(id)).
func (d *Dir) OpenBuild(id string, readOnly bool) (bleve.Index, error) {
	if _, err := d.Info(id); err != nil {
		return nil, err
	}
	cfg := map[string]any{"bolt_timeout": boltTimeout}
	if readOnly {
		cfg["read_only"] = true
	}
	idx, err := bleve.OpenUsing(d.BuildPath(id), cfg)
	if err != nil {
		return nil, fmt.Errorf("index: open build %s: %w", id, err)
	}
	return idx, nil
}

// OpenCurrent opens the live build (see OpenBuild and Current).
func (d *Dir) OpenCurrent(readOnly bool) (id string, idx bleve.Index, err error) {
	id, err = d.Current()
	if err != nil {
		return "", nil, err
	}
	idx, err = d.OpenBuild(id, readOnly)
	if err != nil {
		return "", nil, err
	}
	return id, idx, nil
}

// Size returns the bytes on disk of build id (the sum of its file sizes).
func (d *Dir) Size(id string) (int64, error) {
	var n int64
	err := filepath.WalkDir(d.BuildPath(id), func(_ string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			fi, err := e.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}

// writeFileAtomic replaces the file at path with data: a temporary file in
// the same directory, fsync, rename over path, fsync of the directory.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err1 := f.Close(); err == nil {
		err = err1
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if err1 := f.Close(); err == nil {
		err = err1
	}
	return err
}

// syncTree fsyncs every file and directory under root, so that a build is
// durable before its build.json says so.
func syncTree(root string) error {
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && !e.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		if err1 := f.Close(); err == nil {
			err = err1
		}
		return err
	})
	if err != nil {
		return err
	}
	return syncDir(filepath.Dir(root))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err1 := out.Close(); err == nil {
		err = err1
	}
	return err
}

// SetSites records in the build.json of the finished build id its
// documents per site, before it is published.
func (d *Dir) SetSites(id string, sites map[string]uint64) error {
	p := filepath.Join(d.BuildPath(id), InfoFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("index: set sites %s: %w", id, err)
	}
	var info BuildInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return fmt.Errorf("index: set sites %s: %w", id, err)
	}
	info.Sites = sites
	if err := writeJSON(p, info); err != nil {
		return fmt.Errorf("index: set sites %s: %w", id, err)
	}
	return nil
}
