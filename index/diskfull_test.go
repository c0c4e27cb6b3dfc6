package index

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/missionsearch/missionsearch/internal/synth"
)

// smallDisk mounts a tmpfs of size MiB on a temporary directory and
// returns it; it skips the test when that is not possible (not root, no
// mount(8)).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("full disk: needs root to mount a size-limited tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("full disk: cannot mount a tmpfs on %s (%v: %s)", mnt, err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	return mnt
}

// fillDisk fills the file system of dir up to leave bytes free.
func fillDisk(t *testing.T, dir string, leave int64) {
	t.Helper()
	free, ok := freeBytes(dir)
	if !ok {
		t.Fatalf("fill the disk: free space of %s unknown", dir)
	}
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := io.CopyN(f, zeros{}, free)
	if err != nil && !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("fill the disk: %v", err)
	}
	if err := f.Truncate(max(0, n-leave)); err != nil {
		t.Fatal(err)
	}
}

// buildOnSmallDisk opens a Dir on a tmpfs of size (see smallDisk) and
// starts a build in it; it skips in -short mode.
func buildOnSmallDisk(t *testing.T, size string) (mnt string, d *Dir, id string, idx bleve.Index) {
	t.Helper()
	if testing.Short() {
		t.Skip("full disk: skipped in -short mode")
	}
	mnt = smallDisk(t, size)
	d, err := OpenDir(filepath.Join(mnt, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if id, idx, err = d.NewBuild(); err != nil {
		t.Fatal(err)
	}
	return mnt, d, id, idx
}

// discardWithin discards the failed build id: Discard must return within
// 30 s and remove it.
func discardWithin(t *testing.T, d *Dir, id string, idx bleve.Index) {
	t.Helper()
	closed := make(chan error, 1)
	go func() { closed <- d.Discard(id, idx) }()
	select {
	case err := <-closed:
		if err != nil {
			t.Logf("Discard: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Discard of the failed build hangs")
	}
	if _, err := os.Stat(d.BuildPath(id)); !os.IsNotExist(err) {
		t.Errorf("the failed build is still on disk (%v)", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestSettleDiskFull fills the disk once a build's segments are persisted
// and before they are merged: Settle must fail within seconds with an
// error that says the disk is full (scorch's merger retried the merge for
// ever and Settle waited for it), and the build must close.
func TestSettleDiskFull(t *testing.T) {
	mnt, d, id, idx := buildOnSmallDisk(t, "48m")
	for batch := range 12 {
		b := idx.NewBatch()
		for i := range 150 {
			p := synth.Page(batch*150+i, 1)
			if err := b.Index(p.ID, Document(p)); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	ai, _ := idx.Advanced()
	sc := ai.(*scorch.Scorch)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := sc.StatsMap()
		if mem, _ := st["num_root_memorysegments"].(uint64); mem == 0 {
			files, _ := st["num_root_filesegments"].(uint64)
			t.Logf("%d segments persisted", files)
			if files < 2 {
				t.Fatalf("%d file segments: nothing to merge", files)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("segments not persisted after 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	fillDisk(t, mnt, 8<<10)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	start := time.Now()
	err := d.Settle(ctx, id, idx, true)
	took := time.Since(start)
	t.Logf("Settle on a full disk: %v after %v", err, took.Round(time.Millisecond))
	if err == nil || errors.Is(err, context.DeadlineExceeded) || took > 30*time.Second {
		t.Fatalf("Settle on a full disk: %v after %v, want a disk-full error within seconds", err, took)
	}
	if !strings.Contains(err.Error(), "no space left") {
		t.Errorf("Settle's error does not say the disk is full: %v", err)
	}
	discardWithin(t, d, id, idx)
}

// TestBatchDiskFull writes batches through Dir.Batch on a disk left with
// almost no room: a batch must fail within seconds (scorch's own error, or
// the watchdog's when the persister retries for ever and blocks the
// batch), never hang; the build is then discarded.
func TestBatchDiskFull(t *testing.T) {
	mnt, d, id, idx := buildOnSmallDisk(t, "16m")
	fillDisk(t, mnt, 64<<10)
	start := time.Now()
	var batchErr error
	for batch := 0; batchErr == nil && batch < 200; batch++ {
		b := idx.NewBatch()
		for i := range 100 {
			p := synth.Page(batch*100+i, 2)
			if err := b.Index(p.ID, Document(p)); err != nil {
				t.Fatal(err)
			}
		}
		batchErr = d.Batch(id, idx, b)
	}
	took := time.Since(start)
	t.Logf("batches on a full disk: %v after %v", batchErr, took.Round(time.Millisecond))
	if batchErr == nil || took > 30*time.Second || !strings.Contains(batchErr.Error(), "no space left") {
		t.Fatalf("batches on a full disk: %v after %v, want a disk-full error within seconds", batchErr, took)
	}
	discardWithin(t, d, id, idx)
}
