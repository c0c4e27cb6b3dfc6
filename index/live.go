package index

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"missionsearch"
)

// DefaultGrace is how long Live keeps a replaced build open before closing
// it (see Live).
const DefaultGrace = 10 * time.Second

// Live is the index a server searches: a bleve.IndexAlias whose single
// target is the live build, opened read-only, and replaced by a newer build
// with no failed request.
//
// Swapping relies on what bleve v2.6.3's alias guarantees
// (index_alias_impl.go): every alias operation (SearchInContext, Document,
// DocCount, Advanced, ...) holds the alias's read lock for its whole run,
// and Swap takes the write lock, so Swap waits for the operations in flight
// and every later operation sees the new build. A caller may however keep
// something of the old build beyond the alias call: Advanced() returns the
// build's own index, on which the search package then calls Reader(); once
// that index is closed, scorch returns a nil reader. Readers already taken
// are reference-counted and stay valid, so closing is only unsafe in the
// window between Advanced and Reader. Live therefore closes a replaced build
// only after Grace (DefaultGrace), and at once on Close.
//
// Live's methods are safe for concurrent use.
type Live struct {
	d      *Dir
	logger *slog.Logger
	alias  bleve.IndexAlias
	grace  time.Duration

	mu      sync.Mutex // serialises Reload and Close; guards the fields below
	cur     bleve.Index
	id      string
	closed  bool
	retired map[bleve.Index]*time.Timer // replaced builds waiting for their grace
}

// OpenLive opens the live build of d read-only behind a new alias. It
// succeeds when there is no build yet, or when the live build cannot be
// used (made with another mapping version): Ready is then false, searches
// through Index fail with bleve.ErrorAliasEmpty, and the problem is logged;
// Watch or Reload picks up the next published build. logger may be nil.
func OpenLive(d *Dir, logger *slog.Logger) (*Live, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	alias := bleve.NewIndexAlias()
	m, err := NewMapping()
	if err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}
	if err := alias.SetIndexMapping(m); err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}
	l := &Live{d: d, logger: logger, alias: alias, grace: DefaultGrace, retired: map[bleve.Index]*time.Timer{}}
	if err := l.Reload(); err != nil {
		if missionsearch.ErrorCode(err) == missionsearch.ENOTFOUND {
			logger.Info("no index yet", "dir", d.Path())
		} else {
			logger.Error("live build not usable", "dir", d.Path(), "err", err)
		}
	}
	return l, nil
}

// SetGrace sets how long a replaced build stays open before it is closed
// (DefaultGrace when never set).
func (l *Live) SetGrace(g time.Duration) {
	l.mu.Lock()
	l.grace = g
	l.mu.Unlock()
}

// Index returns the alias that always targets the live build. It is the
// same value for the life of l, so a searcher may keep it across swaps. It
// must not be written to, nor closed (Close does it).
func (l *Live) Index() bleve.Index { return l.alias }

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
	return l.id
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
		if id == l.id {
			return nil
		}
		idx, err := l.d.OpenBuild(id, true)
		if err != nil {
			lastErr = err
			if again, err2 := l.d.Current(); err2 == nil && again != id {
				continue
			}
			return err
		}
		old := l.cur
		if old != nil {
			l.alias.Swap([]bleve.Index{idx}, []bleve.Index{old})
			l.retire(old)
		} else {
			l.alias.Add(idx)
		}
		l.cur, l.id = idx, id
		l.logger.Info("index build live", "build", id)
		return nil
	}
	return lastErr
}

// retire closes old after the grace period. l.mu is held.
func (l *Live) retire(old bleve.Index) {
	l.retired[old] = time.AfterFunc(l.grace, func() {
		l.mu.Lock()
		_, ok := l.retired[old]
		delete(l.retired, old)
		l.mu.Unlock()
		if ok {
			if err := old.Close(); err != nil {
				l.logger.Warn("closing replaced build", "err", err)
			}
		}
	})
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

// Close closes the alias and every build l holds, retired ones included.
// Searches through Index fail afterwards with bleve.ErrorIndexClosed.
func (l *Live) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	toClose := []bleve.Index{}
	if l.cur != nil {
		toClose = append(toClose, l.cur)
	}
	for idx, t := range l.retired {
		t.Stop()
		toClose = append(toClose, idx)
	}
	clear(l.retired)
	l.cur = nil
	l.mu.Unlock()

	err := l.alias.Close() // waits for operations in flight
	for _, idx := range toClose {
		if err1 := idx.Close(); err == nil {
			err = err1
		}
	}
	return err
}
