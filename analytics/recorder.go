package analytics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/missionsearch/missionsearch"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Options configure a Recorder. The zero value of each field takes its
// default.
type Options struct {
	// Retention is how long rows are kept; 0 means DefaultRetention.
	Retention time.Duration
	// Site is the site recorded with a Search whose Site is "".
	Site string
	// QueueSize bounds the events waiting to be written; 0 means 4096.
	QueueSize int
	// BatchSize is the most events written in one transaction; 0 means 512.
	BatchSize int
	// FlushEvery is the longest an event waits in the queue; 0 means 1s.
	FlushEvery time.Duration
	// Logger receives write failures; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultRetention is the retention of a Recorder whose Options leave it
// zero: 180 days.
const DefaultRetention = 180 * 24 * time.Hour

// pruneEvery is how often the writer deletes the rows past the retention.
const pruneEvery = 24 * time.Hour

// timeFormat is how times are stored: UTC text, whose order is time order
// and which SQLite's date functions read.
const timeFormat = "2006-01-02T15:04:05.000Z"

// schema is the database's schema, version 1 (PRAGMA user_version).
const schema = `
CREATE TABLE IF NOT EXISTS searches (
	id       TEXT PRIMARY KEY,       -- NewID
	at       TEXT NOT NULL,          -- timeFormat, UTC
	query    TEXT NOT NULL,          -- Normalize
	filters  TEXT NOT NULL DEFAULT '', -- FilterString
	site     TEXT NOT NULL DEFAULT '',
	lang     TEXT NOT NULL DEFAULT '',
	total    INTEGER NOT NULL,
	took_us  INTEGER NOT NULL,
	page     INTEGER NOT NULL DEFAULT 1,
	source   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX IF NOT EXISTS searches_at ON searches (at);
CREATE TABLE IF NOT EXISTS opens (
	search_id TEXT NOT NULL,
	at        TEXT NOT NULL,
	url       TEXT NOT NULL,
	rank      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS opens_search ON opens (search_id);
CREATE INDEX IF NOT EXISTS opens_at ON opens (at);
PRAGMA user_version = 1;
`

// Recorder records searches and opened results into its database and
// reads the reports from it. Its methods are safe for concurrent use.
type Recorder struct {
	db   *sql.DB
	path string
	opts Options
	log  *slog.Logger

	queue   chan any // Search or Opened
	flushes chan chan error
	stop    chan struct{}
	done    chan struct{}
	closed  atomic.Bool
	once    sync.Once

	recorded, dropped atomic.Uint64
}

// Open opens the analytics database at path (creating it and its
// directory when missing), deletes the rows past the retention and starts
// the writer. ctx bounds the opening only. Close the Recorder to write
// what is queued.
func Open(ctx context.Context, path string, opts Options) (_ *Recorder, err error) {
	if path == "" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("analytics: open %q: %w", path, missionsearch.Errorf(missionsearch.EINVALID, "The analytics path is empty or contains '?'."))
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4096
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 512
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("analytics: open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("analytics: open %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// Losing the last second of analytics to a power cut is acceptable;
	// an fsync per batch is not needed.
	q.Add("_pragma", "synchronous(NORMAL)")
	db, err := sql.Open("sqlite", abs+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("analytics: open %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	// Reports read while the writer writes: WAL lets them, each on its
	// own connection.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxLifetime(0)
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return nil, fmt.Errorf("analytics: open %s: %w", path, err)
	}
	if version > 1 {
		return nil, fmt.Errorf("analytics: open %s: schema version %d is newer than this missionsearch knows (1)", path, version)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("analytics: open %s: create schema: %w", path, err)
	}
	r := &Recorder{db: db, path: path, opts: opts, log: opts.Logger,
		queue: make(chan any, opts.QueueSize), flushes: make(chan chan error),
		stop: make(chan struct{}), done: make(chan struct{})}
	if _, err := r.Prune(ctx); err != nil {
		return nil, err
	}
	go r.write()
	return r, nil
}

// Search queues s to be recorded. It never blocks: when the queue is full,
// or the Recorder is closed, s is dropped and counted.
func (r *Recorder) Search(s Search) { r.enqueue(s) }

// Opened queues o to be recorded, as Search does.
func (r *Recorder) Opened(o Opened) { r.enqueue(o) }

func (r *Recorder) enqueue(ev any) {
	if r.closed.Load() {
		r.dropped.Add(1)
		return
	}
	select {
	case r.queue <- ev:
	default:
		r.dropped.Add(1)
	}
}

// Recorded returns the number of events written since Open; Dropped the
// number dropped (queue full, closed, or a failed write).
func (r *Recorder) Recorded() uint64 { return r.recorded.Load() }

// Dropped: see Recorded.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Flush writes what is queued and returns once it is written, so that a
// report sees every event queued before the call.
func (r *Recorder) Flush(ctx context.Context) error {
	ch := make(chan error, 1)
	select {
	case r.flushes <- ch:
	case <-r.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("analytics: flush: %w", ctx.Err())
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return fmt.Errorf("analytics: flush: %w", ctx.Err())
	}
}

// Close writes what is queued, stops the writer and closes the database.
// Events queued after Close are dropped. It is safe to call twice.
func (r *Recorder) Close() error {
	var err error
	r.once.Do(func() {
		r.closed.Store(true)
		close(r.stop)
		<-r.done
		_, _ = r.db.Exec(`PRAGMA optimize`)
		if e := r.db.Close(); e != nil {
			err = fmt.Errorf("analytics: close %s: %w", r.path, e)
		}
	})
	return err
}

// write is the writer goroutine: it batches the queue into transactions,
// at most BatchSize events each and at least every FlushEvery, and prunes
// daily.
func (r *Recorder) write() {
	defer close(r.done)
	tick := time.NewTicker(r.opts.FlushEvery)
	defer tick.Stop()
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	batch := make([]any, 0, r.opts.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := r.insert(batch)
		if err != nil {
			r.dropped.Add(uint64(len(batch)))
			r.log.Warn("analytics: write failed; events dropped", "events", len(batch), "err", err)
		} else {
			r.recorded.Add(uint64(len(batch)))
		}
		clear(batch)
		batch = batch[:0]
		return err
	}
	drain := func() {
		for len(batch) < r.opts.BatchSize {
			select {
			case ev := <-r.queue:
				batch = append(batch, ev)
			default:
				return
			}
		}
	}
	for {
		select {
		case ev := <-r.queue:
			batch = append(batch, ev)
			if len(batch) >= r.opts.BatchSize {
				flush()
			}
		case <-tick.C:
			flush()
		case ch := <-r.flushes:
			var err error
			for {
				drain()
				full := len(batch) == r.opts.BatchSize
				err = errors.Join(err, flush())
				if !full {
					break
				}
			}
			ch <- err
		case <-prune.C:
			if _, err := r.Prune(context.Background()); err != nil {
				r.log.Warn("analytics: prune failed", "err", err)
			}
		case <-r.stop:
			for {
				drain()
				full := len(batch) == r.opts.BatchSize
				flush()
				if !full {
					return
				}
			}
		}
	}
}

// insert writes events in one transaction.
func (r *Recorder) insert(events []any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("analytics: write %s: %w", r.path, err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO searches (id, at, query, filters, site, lang, total, took_us, page, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("analytics: write %s: %w", r.path, err)
	}
	defer ins.Close()
	opn, err := tx.PrepareContext(ctx, `INSERT INTO opens (search_id, at, url, rank) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("analytics: write %s: %w", r.path, err)
	}
	defer opn.Close()
	now := r.opts.Now()
	at := func(t time.Time) string {
		if t.IsZero() {
			t = now
		}
		return t.UTC().Format(timeFormat)
	}
	for _, ev := range events {
		switch e := ev.(type) {
		case Search:
			site := e.Site
			if site == "" {
				site = r.opts.Site
			}
			_, err = ins.ExecContext(ctx, e.ID, at(e.At), Normalize(e.Query), FilterString(e.Filters), site, e.Lang,
				int64(min(e.Total, 1<<62)), e.Took.Microseconds(), max(e.Page, 1), e.Source)
		case Opened:
			u := e.URL
			if len(u) > MaxURLBytes {
				u = u[:MaxURLBytes]
			}
			_, err = opn.ExecContext(ctx, e.SearchID, at(e.At), u, e.Rank)
		}
		if err != nil {
			return fmt.Errorf("analytics: write %s: %w", r.path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("analytics: write %s: %w", r.path, err)
	}
	return nil
}

// Prune deletes the searches and opens older than the retention and
// returns how many rows it deleted.
func (r *Recorder) Prune(ctx context.Context) (int64, error) {
	cut := r.opts.Now().Add(-r.opts.Retention).UTC().Format(timeFormat)
	var n int64
	for _, q := range []string{`DELETE FROM searches WHERE at < ?`, `DELETE FROM opens WHERE at < ?`} {
		res, err := r.db.ExecContext(ctx, q, cut)
		if err != nil {
			return n, fmt.Errorf("analytics: prune %s: %w", r.path, err)
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}

// Retention returns how long the Recorder keeps rows.
func (r *Recorder) Retention() time.Duration { return r.opts.Retention }
