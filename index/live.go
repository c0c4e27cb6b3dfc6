package index

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/missionsearch/missionsearch"
)

// Live is the build a server searches: the one CURRENT names, opened
// read-only, replaced by a newer build with no failed request.
//
// A search pins the live build with Acquire and releases it when done
// (see Build). Reload swaps in a newer build for the searches that start
// afterwards; the replaced build is closed when the last search holding it
// releases it, never earlier and never later.
//
// Live's methods are safe for concurrent use.
type Live struct {
	d      *Dir
	logger *slog.Logger

	mu     sync.Mutex // serialises Reload and Close; guards the fields below
	cur    *Build     // nil: no build open
	closed bool
}

// OpenLive opens the live build of d read-only. It succeeds when there is
// no build yet, or when the live build cannot be used (made with another
// mapping version): Ready is then false, Acquire fails with an
// EUNAVAILABLE error, and the problem is logged; Watch or Reload picks up
// the next published build. logger may be nil.
func OpenLive(d *Dir, logger *slog.Logger) (*Live, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &Live{d: d, logger: logger}
	if err := l.Reload(); err != nil {
		if missionsearch.ErrorCode(err) == missionsearch.ENOTFOUND {
			logger.Info("no index yet", "dir", d.Path())
		} else {
			logger.Error("live build not usable", "dir", d.Path(), "err", err)
		}
	}
	return l, nil
}

// Acquire pins the live build for one search; the caller must Release it.
// With no build open it fails with an EUNAVAILABLE error (wrapping
// bleve.ErrorIndexClosed once l is closed).
func (l *Live) Acquire() (*Build, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return nil, fmt.Errorf("index: live: %w", unavailable(bleve.ErrorIndexClosed))
	case l.cur == nil:
		return nil, fmt.Errorf("index: live: %w", unavailable(bleve.ErrorAliasEmpty))
	}
	return l.cur.Acquire()
}

// Ready reports whether a build is open.
func (l *Live) Ready() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur != nil && !l.closed
}

// BuildID returns the id of the open build, "" when none.
func (l *Live) BuildID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur == nil {
		return ""
	}
	return l.cur.ID()
}

// Reload opens the build CURRENT names, if it is not the open one, and
// swaps it in. On failure the open build stays live. It returns an
// ENOTFOUND *missionsearch.Error when no build was ever published.
func (l *Live) Reload() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return bleve.ErrorIndexClosed
	}
	var lastErr error
	// A publish may remove the build named by the CURRENT just read before
	// it is opened; the next read of CURRENT then names a newer one.
	for attempt := 0; attempt < 3; attempt++ {
		id, err := l.d.Current()
		if err != nil {
			return err
		}
		if l.cur != nil && id == l.cur.ID() {
			return nil
		}
		idx, err := l.d.OpenBuild(id, true)
		var text *TextCodec
		if err == nil {
			if text, err = LoadTextCodec(l.d.BuildPath(id)); err != nil {
				idx.Close()
			}
		}
		if err != nil {
			lastErr = err
			if again, err2 := l.d.Current(); err2 == nil && again != id {
				continue
			}
			return err
		}
		old := l.cur
		l.cur = newLiveBuild(id, idx, text, l.logger)
		if old != nil {
			old.Release() // Live's own reference: closed once no search holds it
		}
		l.logger.Info("index build live", "build", id)
		return nil
	}
	return lastErr
}

// Watch checks CURRENT every interval and swaps in a newly published build,
// until ctx is done. Failures are logged and retried at the next tick; the
// open build stays live meanwhile.
func (l *Live) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		id, err := l.d.Current()
		if err != nil || id == l.BuildID() {
			continue
		}
		if err := l.Reload(); err != nil {
			l.logger.Warn("reloading index", "build", id, "err", err)
		}
	}
}

// Close stops l: Acquire fails from now on, and the open build is closed
// as soon as the searches holding it release it (at once when none does).
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.cur != nil {
		l.cur.Release()
		l.cur = nil
	}
	return nil
}
