package index

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/synth"
)

// mustBuild makes, finishes and optionally publishes a build of synthetic
// pages 0..n-1 of seed, and returns its id.
func mustBuild(tb testing.TB, d *Dir, n int, seed int64, publish bool) string {
	tb.Helper()
	id, idx, err := d.NewBuild()
	if err != nil {
		tb.Fatal(err)
	}
	b := idx.NewBatch()
	for i := range n {
		p := synth.Page(i, seed)
		if err := b.Index(p.ID, Document(p)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		tb.Fatal(err)
	}
	info, err := d.Finish(id, idx, time.Time{})
	if err != nil {
		tb.Fatal(err)
	}
	if info.Docs != uint64(n) || !info.Complete || info.MappingVersion != MappingVersion {
		tb.Fatalf("Finish = %+v, want %d complete docs of version %d", info, n, MappingVersion)
	}
	if publish {
		if err := d.Publish(id); err != nil {
			tb.Fatal(err)
		}
	}
	return id
}

func mustOpenDir(tb testing.TB) *Dir {
	tb.Helper()
	d, err := OpenDir(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func docCount(tb testing.TB, idx bleve.Index) uint64 {
	tb.Helper()
	n, err := idx.DocCount()
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestBuildPublishCurrentClean(t *testing.T) {
	d := mustOpenDir(t)
	if _, err := d.Current(); missionsearch.ErrorCode(err) != missionsearch.ENOTFOUND {
		t.Fatalf("Current() on an empty dir: err = %v, want ENOTFOUND", err)
	}
	if _, _, err := d.OpenCurrent(true); missionsearch.ErrorCode(err) != missionsearch.ENOTFOUND {
		t.Fatalf("OpenCurrent on an empty dir: err = %v, want ENOTFOUND", err)
	}
	id1 := mustBuild(t, d, 20, 1, true)
	if got, err := d.Current(); err != nil || got != id1 {
		t.Fatalf("Current() = %q, %v; want %q", got, err, id1)
	}
	// A server holds build 1 open read-only while build 2 is published.
	_, idx1, err := d.OpenCurrent(true)
	if err != nil {
		t.Fatal(err)
	}
	defer idx1.Close()
	id2 := mustBuild(t, d, 30, 2, true)
	if id2 <= id1 {
		t.Errorf("build ids not increasing: %q then %q", id1, id2)
	}
	if got, _ := d.Current(); got != id2 {
		t.Errorf("Current() = %q, want %q", got, id2)
	}
	if _, err := os.Stat(d.BuildPath(id1)); !os.IsNotExist(err) {
		t.Errorf("old build %s still on disk after Publish (err %v)", id1, err)
	}
	// The removed build still answers through the handle the server holds.
	if n := docCount(t, idx1); n != 20 {
		t.Errorf("old build DocCount = %d after removal, want 20", n)
	}
	res, err := idx1.Search(bleve.NewSearchRequest(bleve.NewMatchAllQuery()))
	if err != nil || res.Total != 20 {
		t.Errorf("search of removed build: %v, %v", res, err)
	}
	// Two read-only opens of one build coexist (read replicas, serve + search).
	_, a, err := d.OpenCurrent(true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, b, err := d.OpenCurrent(true)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if docCount(t, a) != 30 || docCount(t, b) != 30 {
		t.Errorf("read-only opens disagree on DocCount")
	}
	if ids, _ := d.Builds(); len(ids) != 1 || ids[0] != id2 {
		t.Errorf("Builds() = %v, want [%s]", ids, id2)
	}
}

func TestIncompleteBuildIgnored(t *testing.T) {
	d := mustOpenDir(t)
	live := mustBuild(t, d, 10, 1, true)
	// A reindex that crashed: a build directory with data but no build.json.
	id, idx, err := d.NewBuild()
	if err != nil {
		t.Fatal(err)
	}
	p := synth.Page(0, 9)
	if err := idx.Index(p.ID, Document(p)); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if _, err := d.OpenBuild(id, true); !errors.Is(err, ErrIncomplete) {
		t.Errorf("OpenBuild(incomplete) err = %v, want ErrIncomplete", err)
	}
	if err := d.Publish(id); !errors.Is(err, ErrIncomplete) {
		t.Errorf("Publish(incomplete) err = %v, want ErrIncomplete", err)
	}
	// build.json present but complete=false is incomplete too.
	if err := os.WriteFile(filepath.Join(d.BuildPath(id), InfoFile), []byte(`{"mapping_version":1,"docs":1,"complete":false}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Info(id); !errors.Is(err, ErrIncomplete) {
		t.Errorf("Info(complete=false) err = %v, want ErrIncomplete", err)
	}
	if got, _ := d.Current(); got != live {
		t.Errorf("Current() = %q, want %q", got, live)
	}
	if err := d.Clean(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.BuildPath(id)); !os.IsNotExist(err) {
		t.Errorf("incomplete build still on disk after Clean")
	}
	if _, err := os.Stat(d.BuildPath(live)); err != nil {
		t.Errorf("Clean removed the live build: %v", err)
	}
}

func TestMappingVersionMismatch(t *testing.T) {
	d := mustOpenDir(t)
	id := mustBuild(t, d, 5, 1, true)
	info, err := d.Info(id)
	if err != nil {
		t.Fatal(err)
	}
	info.MappingVersion = MappingVersion + 1
	if err := writeJSON(filepath.Join(d.BuildPath(id), InfoFile), info); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.OpenCurrent(true); !errors.Is(err, ErrMappingVersion) {
		t.Errorf("OpenCurrent err = %v, want ErrMappingVersion", err)
	}
	l, err := OpenLive(d, nil)
	if err != nil {
		t.Fatalf("OpenLive on a build of another mapping version: %v, want success (not ready)", err)
	}
	defer l.Close()
	if l.Ready() {
		t.Errorf("Live.Ready() = true on a build of another mapping version")
	}
}

func TestLockInProcess(t *testing.T) {
	d := mustOpenDir(t)
	unlock, err := d.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Lock(); missionsearch.ErrorCode(err) != missionsearch.ECONFLICT {
		t.Errorf("second Lock() err = %v, want ECONFLICT", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = d.Lock()
	if err != nil {
		t.Fatalf("Lock() after unlock: %v", err)
	}
	unlock()
}

func TestCloneBuild(t *testing.T) {
	d := mustOpenDir(t)
	src := mustBuild(t, d, 50, 1, true)
	_, held, err := d.OpenCurrent(true) // a server has the source open
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	id, idx, err := d.CloneBuild(src)
	if err != nil {
		t.Fatal(err)
	}
	p := synth.Page(0, 1)
	idx.Delete(p.ID)
	q := synth.Page(1000, 1)
	if err := idx.Index(q.ID, Document(q)); err != nil {
		t.Fatal(err)
	}
	info, err := d.Finish(id, idx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Docs != 50 || info.Parent != src {
		t.Errorf("clone info = %+v, want 50 docs, parent %s", info, src)
	}
	if n := docCount(t, held); n != 50 {
		t.Errorf("source DocCount = %d after the clone changed, want 50", n)
	}
	if doc, err := held.Document(p.ID); err != nil || doc == nil {
		t.Errorf("source lost document %s deleted in the clone: %v", p.ID, err)
	}
	if err := d.Publish(id); err != nil {
		t.Fatal(err)
	}
	_, c, err := d.OpenCurrent(true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if doc, _ := c.Document(p.ID); doc != nil {
		t.Errorf("clone still has deleted document %s", p.ID)
	}
	if doc, _ := c.Document(q.ID); doc == nil {
		t.Errorf("clone lacks added document %s", q.ID)
	}
}

func TestLiveNoBuild(t *testing.T) {
	d := mustOpenDir(t)
	l, err := OpenLive(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Ready() || l.BuildID() != "" {
		t.Errorf("Ready() = %v, BuildID() = %q with no build", l.Ready(), l.BuildID())
	}
	if _, err := l.Acquire(); missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE {
		t.Errorf("Acquire with no build: %v, want EUNAVAILABLE", err)
	}
	if err := l.Reload(); missionsearch.ErrorCode(err) != missionsearch.ENOTFOUND {
		t.Errorf("Reload() with no build: %v, want ENOTFOUND", err)
	}
	// Watch picks up the first build.
	id := mustBuild(t, d, 7, 1, true)
	ctx, cancel := contextWithCancel(t)
	defer cancel()
	go l.Watch(ctx, 10*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for l.BuildID() != id && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if l.BuildID() != id || !l.Ready() {
		t.Fatalf("Watch did not load build %s (BuildID %q)", id, l.BuildID())
	}
	if n := liveDocCount(t, l); n != 7 {
		t.Errorf("DocCount through Live = %d, want 7", n)
	}
}

// liveDocCount returns the number of documents of l's live build.
func liveDocCount(tb testing.TB, l *Live) uint64 {
	tb.Helper()
	b, err := l.Acquire()
	if err != nil {
		tb.Fatal(err)
	}
	defer b.Release()
	return docCount(tb, b.Index())
}

// searchable reports whether a match-all search of idx succeeds.
func searchable(idx bleve.Index) bool {
	_, err := idx.Search(bleve.NewSearchRequest(bleve.NewMatchAllQuery()))
	return err == nil
}

// TestLiveSwapAndClose checks that each Reload swaps in the new build for
// the next Acquire, that a build pinned before a swap stays open until its
// last Release and is closed then (not before, not later), and that Close
// lets the pinned build live on until it is released.
func TestLiveSwapAndClose(t *testing.T) {
	d := mustOpenDir(t)
	mustBuild(t, d, 5, 1, true)
	l, err := OpenLive(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range []int{6, 7, 8} {
		pinned, err := l.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		pinnedAgain, err := l.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		before := docCount(t, pinned.Index())
		id := mustBuild(t, d, n, int64(i), true)
		if err := l.Reload(); err != nil {
			t.Fatal(err)
		}
		if l.BuildID() != id {
			t.Errorf("BuildID() = %q, want %q", l.BuildID(), id)
		}
		if got := liveDocCount(t, l); got != uint64(n) {
			t.Errorf("DocCount = %d after swap, want %d", got, n)
		}
		// The replaced build serves its searches to their end.
		if got := docCount(t, pinned.Index()); got != before {
			t.Errorf("pinned build: DocCount = %d after a swap, want %d", got, before)
		}
		pinned.Release()
		if !searchable(pinnedAgain.Index()) {
			t.Errorf("replaced build closed while a search still holds it")
		}
		pinnedAgain.Release()
		if searchable(pinned.Index()) {
			t.Errorf("replaced build still open after its last release")
		}
		if _, err := pinned.Acquire(); missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE {
			t.Errorf("Acquire of a closed build: %v, want EUNAVAILABLE", err)
		}
	}
	if err := l.Reload(); err != nil { // no change: no-op
		t.Fatal(err)
	}
	last, err := l.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Acquire(); !errors.Is(err, bleve.ErrorIndexClosed) || missionsearch.ErrorCode(err) != missionsearch.EUNAVAILABLE {
		t.Errorf("Acquire after Close: %v, want EUNAVAILABLE and bleve.ErrorIndexClosed", err)
	}
	if !searchable(last.Index()) {
		t.Errorf("Close closed a build still held by a search")
	}
	last.Release()
	if searchable(last.Index()) {
		t.Errorf("build still open after Close and its last release")
	}
}
