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
	"strconv"
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
	// QueueSize bounds the events waiting to be written; 0 means 16384.
	QueueSize int
	// BatchSize is the most events written in one transaction; 0 means 512.
	BatchSize int
	// FlushEvery is how often the writer wakes to write the queue, and so
	// the longest an event waits in it (the writer also wakes when the
	// queue is half full); 0 means 250ms. The writer never wakes per
	// event: a search pays for a channel send, not for a goroutine switch.
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
	id       INTEGER NOT NULL,       -- NewID, read as a hex number (no index: opens point here)
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
	search_id INTEGER NOT NULL,  -- searches.id
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

	queue   chan any      // Search or Opened
	nudge   chan struct{} // wakes the writer when the queue is half full
	flushes chan chan error
	stop    chan struct{}
	done    chan struct{}
	closed  atomic.Bool
	once    sync.Once

	recorded, dropped atomic.Uint64

	// insSearches and insOpens insert insertChunk rows, prepared once.
	insSearches, insOpens *sql.Stmt
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
		opts.QueueSize = 16384
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 512
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = 250 * time.Millisecond
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
		queue: make(chan any, opts.QueueSize), nudge: make(chan struct{}, 1), flushes: make(chan chan error),
		stop: make(chan struct{}), done: make(chan struct{})}
	if r.insSearches, err = db.PrepareContext(ctx, insertSQL(insSearches, 10, insertChunk)); err != nil {
		return nil, fmt.Errorf("analytics: open %s: %w", path, err)
	}
	if r.insOpens, err = db.PrepareContext(ctx, insertSQL(insOpens, 4, insertChunk)); err != nil {
		return nil, fmt.Errorf("analytics: open %s: %w", path, err)
	}
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
		if len(r.queue) >= cap(r.queue)/2 {
			select {
			case r.nudge <- struct{}{}:
			default:
			}
		}
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
		r.insSearches.Close()
		r.insOpens.Close()
		_, _ = r.db.Exec(`PRAGMA optimize`)
		if e := r.db.Close(); e != nil {
			err = fmt.Errorf("analytics: close %s: %w", r.path, e)
		}
	})
	return err
}

// write is the writer goroutine: every FlushEvery (or when nudged, or
// asked to flush) it writes the whole queue in transactions of at most
// BatchSize events; it prunes daily.
func (r *Recorder) write() {
	defer close(r.done)
	tick := time.NewTicker(r.opts.FlushEvery)
	defer tick.Stop()
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	batch := make([]any, 0, r.opts.BatchSize)
	// writeQueue writes what is queued now, batch by batch.
	writeQueue := func() error {
		var errs error
		for {
			for len(batch) < r.opts.BatchSize {
				select {
				case ev := <-r.queue:
					batch = append(batch, ev)
					continue
				default:
				}
				break
			}
			if len(batch) == 0 {
				return errs
			}
			full := len(batch) == r.opts.BatchSize
			if err := r.insert(batch); err != nil {
				r.dropped.Add(uint64(len(batch)))
				r.log.Warn("analytics: write failed; events dropped", "events", len(batch), "err", err)
				errs = errors.Join(errs, err)
			} else {
				r.recorded.Add(uint64(len(batch)))
			}
			clear(batch)
			batch = batch[:0]
			if !full {
				return errs
			}
		}
	}
	for {
		select {
		case <-tick.C:
			writeQueue()
		case <-r.nudge:
			writeQueue()
		case ch := <-r.flushes:
			ch <- writeQueue()
		case <-prune.C:
			if _, err := r.Prune(context.Background()); err != nil {
				r.log.Warn("analytics: prune failed", "err", err)
			}
		case <-r.stop:
			writeQueue()
			return
		}
	}
}

// insertChunk is the most rows of one INSERT statement: a batch is
// written in a few statements, not one per event, which is most of the
// writer's time.
const insertChunk = 64

// insert writes events in one transaction.
func (r *Recorder) insert(events []any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("analytics: write %s: %w", r.path, err)
	}
	defer tx.Rollback()
	now := r.opts.Now()
	at := func(t time.Time) string {
		if t.IsZero() {
			t = now
		}
		return t.UTC().Format(timeFormat)
	}
	var searches, opens []any
	ns, no := 0, 0
	exec := func(table string, cols, n int, args []any) error {
		if n == 0 {
			return nil
		}
		var err error
		switch {
		case n == insertChunk && table == insSearches:
			_, err = tx.StmtContext(ctx, r.insSearches).ExecContext(ctx, args...)
		case n == insertChunk:
			_, err = tx.StmtContext(ctx, r.insOpens).ExecContext(ctx, args...)
		default:
			_, err = tx.ExecContext(ctx, insertSQL(table, cols, n), args...)
		}
		if err != nil {
			return fmt.Errorf("analytics: write %s: %w", r.path, err)
		}
		return nil
	}
	for _, ev := range events {
		switch e := ev.(type) {
		case Search:
			site := e.Site
			if site == "" {
				site = r.opts.Site
			}
			searches = append(searches, idNumber(e.ID), at(e.At), Normalize(e.Query), FilterString(e.Filters), site, e.Lang,
				int64(min(e.Total, 1<<62)), e.Took.Microseconds(), max(e.Page, 1), e.Source)
			if ns++; ns == insertChunk {
				if err := exec(insSearches, 10, ns, searches); err != nil {
					return err
				}
				searches, ns = searches[:0], 0
			}
		case Opened:
			u := e.URL
			if len(u) > MaxURLBytes {
				u = u[:MaxURLBytes]
			}
			opens = append(opens, idNumber(e.SearchID), at(e.At), u, e.Rank)
			if no++; no == insertChunk {
				if err := exec(insOpens, 4, no, opens); err != nil {
					return err
				}
				opens, no = opens[:0], 0
			}
		}
	}
	if err := exec(insSearches, 10, ns, searches); err != nil {
		return err
	}
	if err := exec(insOpens, 4, no, opens); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("analytics: write %s: %w", r.path, err)
	}
	return nil
}

const (
	insSearches = `INSERT INTO searches (id, at, query, filters, site, lang, total, took_us, page, source) VALUES `
	insOpens    = `INSERT INTO opens (search_id, at, url, rank) VALUES `
)

// insertSQL returns the INSERT statement that starts with head and has n
// rows of cols columns.
func insertSQL(head string, cols, n int) string {
	var b strings.Builder
	b.WriteString(head)
	row := "(?" + strings.Repeat(", ?", cols-1) + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// idNumber is the number a search id is stored as: its 64 bits as a
// signed integer (SQLite's), 0 for an invalid id.
func idNumber(id string) int64 {
	n, err := strconv.ParseUint(id, 16, 64)
	if err != nil || !ValidID(id) {
		return 0
	}
	return int64(n)
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
