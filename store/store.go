// Package store is the durable crawl store: every crawled Page and the
// CrawlState of every URL, kept in one SQLite database file (WAL mode)
// through the pure-Go driver modernc.org/sqlite, so that a reindex never
// needs a re-crawl and a crashed crawl loses nothing already acknowledged.
//
// The schema lives in migrations/*.sql, embedded in the binary and applied in
// order by Open (the scheme of benbjohnson/wtf's sqlite package).
//
// store imports only the root package and the SQLite driver; it knows
// nothing of the crawler, of bleve or of HTTP.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"

	"modernc.org/sqlite" // also registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// busyTimeout is how long a statement waits for a lock held by another
// process (a crawl and a reindex sharing one store) before failing.
const busyTimeout = 10 * time.Second

// pagesBatch is how many rows Pages reads under one SQLite read snapshot
// before it starts the next query after the last id seen. A snapshot held
// for a whole million-page reindex would stop WAL checkpoints for as long
// and let the WAL file grow without bound while a crawl writes.
const pagesBatch = 1000

// Store is the crawl store. Its methods are safe for concurrent use by
// multiple goroutines, and several processes may open the same file (a crawl
// writing while a reindex reads): readers never block the writer nor each
// other, and writers of different processes take turns for up to 10s each.
//
// Within one process all writes go through a single connection, in
// transactions begun IMMEDIATE, so concurrent writers queue in Go instead of
// failing with SQLITE_BUSY; reads use a separate pool of read-only
// connections and see the last committed state.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so the WAL
// is fsynced at every commit. When PutPage or PutState returns nil the write
// survives a crash of the process (kill -9) and also a crash of the
// operating system or a power loss. synchronous=NORMAL would survive only
// the former, losing the last commits to a power loss; the crawler writes at
// most a few pages a second per site, so the fsync per page (well under a
// millisecond on SSDs, a few on spinning disks) is not worth saving.
type Store struct {
	w *sql.DB // one connection: every write, in BEGIN IMMEDIATE transactions
	r *sql.DB // read-only pool

	now func() time.Time // clock for changed_at; time.Now outside tests
}

// options are the knobs that tests and benchmarks turn; Open uses the zero
// value.
type options struct {
	synchronous string // PRAGMA synchronous; "" = FULL
	// lastMigration, when set, is the name of the last migration applied
	// ("migrations/001_init.sql"): tests build databases of older versions.
	lastMigration string
}

// Open opens the store in the SQLite file at path, creating the file and its
// parent directories when missing, switching the database to WAL mode and
// applying the migrations it has not applied yet, each in its own
// transaction. It fails when the file was written by a newer version of the
// store (it holds a migration this binary does not know). ctx bounds the
// opening and the migrations only.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, options{})
}

// open opens the store, again while another process or Store is creating
// the same file: switching a new database to WAL mode needs it alone, and
// SQLite answers SQLITE_BUSY at once rather than wait when waiting could
// deadlock. It gives up after busyTimeout.
func open(ctx context.Context, path string, opt options) (*Store, error) {
	deadline := time.Now().Add(busyTimeout)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		s, err := openOnce(ctx, path, opt)
		if err == nil || !isBusy(err) || time.Now().Add(wait).After(deadline) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store: open %s: %w", path, ctx.Err())
		case <-time.After(wait + time.Duration(rand.Int64N(int64(wait)))):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (the file is locked by
// another connection).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func openOnce(ctx context.Context, path string, opt options) (_ *Store, err error) {
	if path == "" {
		return nil, fmt.Errorf("store: open: %w", missionsearch.Errorf(missionsearch.EINVALID, "The store path is empty."))
	}
	// The driver cuts the DSN at the first '?'; an absolute path never starts
	// with "file:", which the driver would read as a SQLite URI.
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("store: open %s: %w", path, missionsearch.Errorf(missionsearch.EINVALID, "The store path must not contain '?'."))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	sync := opt.synchronous
	if sync == "" {
		sync = "FULL"
	}

	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	common := q.Encode()

	wq := url.Values{}
	wq.Add("_pragma", "journal_mode(WAL)")
	wq.Add("_pragma", "synchronous("+sync+")")
	wq.Set("_txlock", "immediate")

	s := &Store{now: time.Now}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.w, err = sql.Open("sqlite", abs+"?"+common+"&"+wq.Encode()); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One writer connection: SQLite has one writer at a time anyway, and
	// waiting for it in database/sql cannot fail with SQLITE_BUSY. It is
	// kept open for the store's lifetime, its page cache warm.
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	if err := s.w.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.migrate(ctx, opt.lastMigration); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}

	// The read pool opens after the writer has made the file WAL, so that
	// readers never race the journal mode switch. It is unbounded: a Pages
	// callback may call Page or State, which then needs a second connection.
	if s.r, err = sql.Open("sqlite", abs+"?"+common+"&_query_only=1"); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.r.SetMaxIdleConns(4)
	if err := s.r.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database. Writes already acknowledged are on disk; Close
// only refreshes the query planner's statistics when SQLite deems it useful
// (PRAGMA optimize) and checkpoints the WAL into the main file. Close must
// not be called while other methods are still running, and the Store is
// unusable after it.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		// Statistics only: a failure here loses nothing.
		_, _ = s.w.Exec(`PRAGMA optimize`)
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// migrate applies, in name order, each embedded migration not yet recorded
// in the migrations table, each with its record in one transaction. When
// last is not "", the migrations named after it are left out.
func (s *Store) migrate(ctx context.Context, last string) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name       TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)

	// A migration this binary does not know means a newer binary wrote the
	// file; running on it could corrupt what that version relies on.
	rows, err := s.w.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	var applied []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("read migrations: %w", err)
		}
		applied = append(applied, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	for _, name := range applied {
		if _, ok := slices.BinarySearch(names, name); !ok {
			return fmt.Errorf("database has migration %s, unknown to this version: it was written by a newer missionsearch", name)
		}
	}

	for _, name := range names {
		if last != "" && name > last {
			break
		}
		if err := s.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// migrateFile applies one migration unless it is recorded as applied. The
// check and the migration share one IMMEDIATE transaction, so two processes
// opening a new store at once apply it once.
func (s *Store) migrateFile(ctx context.Context, name string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n != 0 {
		return nil
	}
	buf, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`,
		name, formatTime(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// State returns the crawl state of url, the exact string given to PutPage or
// PutState. ok is false, with a nil error, when the URL was never stored.
// Times come back in UTC. Links come back as they were put: nil stays nil
// and an empty slice stays empty (not nil); a state stored before links
// were recorded has nil Links.
func (s *Store) State(ctx context.Context, url string) (st missionsearch.CrawlState, ok bool, err error) {
	var firstSeen, lastSeen, nextCheck string
	var links []byte
	var every int64
	err = s.r.QueryRowContext(ctx, `
		SELECT url, etag, last_modified, content_hash, first_seen, last_seen, gone, status, links, location, version,
			check_every, next_check, listed
		FROM crawl_state WHERE url = ?`, url).Scan(
		&st.URL, &st.ETag, &st.LastModified, &st.ContentHash, &firstSeen, &lastSeen, &st.Gone, &st.Status,
		&links, &st.Location, &st.Version, &every, &nextCheck, &st.Listed)
	if errors.Is(err, sql.ErrNoRows) {
		return missionsearch.CrawlState{}, false, nil
	} else if err != nil {
		return missionsearch.CrawlState{}, false, fmt.Errorf("store: state %s: %w", url, err)
	}
	if st.FirstSeen, err = parseTime(firstSeen); err != nil {
		return missionsearch.CrawlState{}, false, fmt.Errorf("store: state %s: first_seen: %w", url, err)
	}
	if st.LastSeen, err = parseTime(lastSeen); err != nil {
		return missionsearch.CrawlState{}, false, fmt.Errorf("store: state %s: last_seen: %w", url, err)
	}
	if st.NextCheck, err = parseTime(nextCheck); err != nil {
		return missionsearch.CrawlState{}, false, fmt.Errorf("store: state %s: next_check: %w", url, err)
	}
	st.Interval = time.Duration(every)
	if err := json.Unmarshal(links, &st.Links); err != nil {
		return missionsearch.CrawlState{}, false, fmt.Errorf("store: state %s: links: %w", url, err)
	}
	return st, true, nil
}

// PutPage stores p and the crawl state st of its URL in one transaction,
// replacing what was stored under the same URL, and is durable when it
// returns nil (see Store). The store keeps no reference to p.
//
// p.URL must be set, and p.ID must be missionsearch.PageID(p.URL) or empty
// (then it is derived). st.URL must be p.URL or empty (then it is p.URL).
// st.ContentHash becomes the page's content hash for PageByHash. The
// FirstSeen of a state already stored is kept; every other field of st
// replaces the stored one, so st.Gone == false revives a gone page.
// Invalid input gives an EINVALID *missionsearch.Error.
//
// Times are stored to the nanosecond in UTC; the zero time is kept as zero.
// Years outside 0000–9999 are invalid.
func (s *Store) PutPage(ctx context.Context, p *missionsearch.Page, st missionsearch.CrawlState) error {
	if p == nil {
		return fmt.Errorf("store: put page: %w", missionsearch.Errorf(missionsearch.EINVALID, "The page is nil."))
	}
	if err := s.putPage(ctx, p, st); err != nil {
		return fmt.Errorf("store: put page %s: %w", p.URL, err)
	}
	return nil
}

func (s *Store) putPage(ctx context.Context, p *missionsearch.Page, st missionsearch.CrawlState) error {
	w, err := pageWrite(p, st)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Read the clock once the write lock is held (BEGIN IMMEDIATE), so that
	// changed_at order is commit order.
	now := formatTime(s.now())
	if err := recordChange(ctx, tx, w, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, upsertPage, append(w.page, now)...); err != nil {
		return err
	}
	if err := writeRefs(ctx, tx, w); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, upsertState, append(w.state, now)...); err != nil {
		return err
	}
	return tx.Commit()
}

// PutPages stores pages[i] with the crawl state states[i], for every i, in
// one transaction: either every page is stored or none is. Each pair is
// checked and stored as PutPage would (same validation, same replacement
// rules), in order, so that a URL given twice keeps its last page. It is
// durable when it returns nil (see Store), with one fsync for the whole
// batch: the way to load many pages at once (a synthetic corpus, an
// import), thousands of times faster than one PutPage each.
//
// len(states) must equal len(pages); every page is checked before anything
// is written, and an invalid one gives an EINVALID *missionsearch.Error
// naming its position. An empty batch writes nothing. The store keeps no
// reference to pages.
func (s *Store) PutPages(ctx context.Context, pages []*missionsearch.Page, states []missionsearch.CrawlState) error {
	if len(pages) != len(states) {
		return fmt.Errorf("store: put pages: %w", missionsearch.Errorf(missionsearch.EINVALID,
			"%d pages but %d crawl states.", len(pages), len(states)))
	}
	if len(pages) == 0 {
		return nil
	}
	writes := make([]pageWriteArgs, len(pages))
	for i, p := range pages {
		if p == nil {
			return fmt.Errorf("store: put pages: page %d: %w", i, missionsearch.Errorf(missionsearch.EINVALID, "The page is nil."))
		}
		w, err := pageWrite(p, states[i])
		if err != nil {
			return fmt.Errorf("store: put pages: page %d (%s): %w", i, p.URL, err)
		}
		writes[i] = w
	}
	if err := s.putPages(ctx, writes); err != nil {
		return fmt.Errorf("store: put pages: %w", err)
	}
	return nil
}

func (s *Store) putPages(ctx context.Context, writes []pageWriteArgs) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	pageStmt, err := tx.PrepareContext(ctx, upsertPage)
	if err != nil {
		return err
	}
	defer pageStmt.Close()
	stateStmt, err := tx.PrepareContext(ctx, upsertState)
	if err != nil {
		return err
	}
	defer stateStmt.Close()
	// One clock reading under the write lock: the whole batch commits at
	// once, so its pages share one changed_at.
	now := formatTime(s.now())
	for _, w := range writes {
		if err := recordChange(ctx, tx, w, now); err != nil {
			return fmt.Errorf("%s: history: %w", w.page[1], err)
		}
		if _, err := pageStmt.ExecContext(ctx, append(w.page, now)...); err != nil {
			return fmt.Errorf("%s: %w", w.page[1], err)
		}
		if len(w.refs) > 0 {
			if err := writeRefs(ctx, tx, w); err != nil {
				return fmt.Errorf("%s: refs: %w", w.page[1], err)
			}
		}
		if _, err := stateStmt.ExecContext(ctx, append(w.state, now)...); err != nil {
			return fmt.Errorf("%s: %w", w.page[1], err)
		}
	}
	return tx.Commit()
}

// pageWriteArgs are the checked parameters of one page write: upsertPage's
// and upsertState's, each but the last (the store's clock).
type pageWriteArgs struct {
	p           *missionsearch.Page // the page written, for its history
	page, state []any
	refs        [][]any // the rows of the page's refs
}

// pageWrite checks p and st as PutPage documents and returns the
// parameters that store them.
func pageWrite(p *missionsearch.Page, st missionsearch.CrawlState) (pageWriteArgs, error) {
	if p.URL == "" {
		return pageWriteArgs{}, missionsearch.Errorf(missionsearch.EINVALID, "The page has no URL.")
	}
	id := missionsearch.PageID(p.URL)
	if p.ID != "" && p.ID != id {
		return pageWriteArgs{}, missionsearch.Errorf(missionsearch.EINVALID, "The page ID %q is not the ID of its URL (%s).", p.ID, id)
	}
	if st.URL == "" {
		st.URL = p.URL
	} else if st.URL != p.URL {
		return pageWriteArgs{}, missionsearch.Errorf(missionsearch.EINVALID, "The crawl state is for %s, not for the page's URL.", st.URL)
	}
	tags, err := json.Marshal(p.Tags)
	if err != nil {
		return pageWriteArgs{}, err
	}
	var published, updated, fetchedAt string
	for _, f := range []struct {
		name string
		t    time.Time
		dst  *string
	}{{"published", p.Published, &published}, {"updated", p.Updated, &updated}, {"fetched_at", p.FetchedAt, &fetchedAt}} {
		if *f.dst, err = checkedTime(f.name, f.t); err != nil {
			return pageWriteArgs{}, err
		}
	}
	sv, err := stateValues(st)
	if err != nil {
		return pageWriteArgs{}, err
	}
	lists := make([]string, 6)
	for i, v := range []any{p.Headings, p.Translations, p.CitedBy, p.Partners, p.People, p.Places} {
		b, err := json.Marshal(v)
		if err != nil {
			return pageWriteArgs{}, err
		}
		lists[i] = string(b)
	}
	if p.Type != "" && !p.Type.Valid() {
		return pageWriteArgs{}, missionsearch.Errorf(missionsearch.EINVALID, "The page type %q is not one of %v.", p.Type, missionsearch.PageTypes)
	}
	refs := make([][]any, 0, len(p.Refs))
	for _, r := range p.Refs {
		d, err := checkedTime("ref date", r.Date)
		if err != nil {
			return pageWriteArgs{}, err
		}
		refs = append(refs, []any{id, r.URL, r.Title, d, r.Teaser})
	}
	return pageWriteArgs{
		p: p,
		page: []any{id, p.URL, p.Title, string(p.Lang), published, updated, p.Section, string(tags),
			p.Description, fetchedAt, st.ContentHash, p.Body, string(p.Type), p.PublishedSource,
			lists[0], lists[1], lists[2], p.Site, lists[3], lists[4], lists[5]},
		state: sv,
		refs:  refs,
	}, nil
}

// writeRefs replaces the refs of page w in tx, inserting up to 100 rows a
// statement.
func writeRefs(ctx context.Context, tx *sql.Tx, w pageWriteArgs) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM refs WHERE from_id = ?`, w.page[0]); err != nil {
		return err
	}
	for rows := w.refs; len(rows) > 0; {
		n := min(len(rows), 100)
		var q strings.Builder
		q.WriteString(`INSERT INTO refs (from_id, url, title, date, teaser) VALUES `)
		args := make([]any, 0, 5*n)
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(`(?, ?, ?, ?, ?)`)
			args = append(args, r...)
		}
		q.WriteString(` ON CONFLICT (from_id, url) DO NOTHING`)
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// upsertPage writes one pages row. Its parameters are those of pageWrite
// followed by the store's clock (changed_at).
const upsertPage = `
	INSERT INTO pages (id, url, title, lang, published, updated, section, tags,
		description, fetched_at, content_hash, body, type, published_source,
		headings, translations, cited_by, site, partners, people, places, changed_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET
		type = excluded.type, published_source = excluded.published_source,
		headings = excluded.headings, translations = excluded.translations,
		cited_by = excluded.cited_by, site = excluded.site, partners = excluded.partners,
		people = excluded.people, places = excluded.places,
		url = excluded.url, title = excluded.title, lang = excluded.lang,
		published = excluded.published, updated = excluded.updated,
		section = excluded.section, tags = excluded.tags,
		description = excluded.description, fetched_at = excluded.fetched_at,
		content_hash = excluded.content_hash, changed_at = excluded.changed_at,
		body = excluded.body`

// upsertState writes one crawl_state row. Its parameters are stateValues
// followed by the store's clock. page_id is the page stored under the same
// URL, if any; first_seen is kept once set; gone_changed_at moves only when
// gone flips.
const upsertState = `
	INSERT INTO crawl_state (url, etag, last_modified, content_hash, first_seen, last_seen,
		gone, status, links, location, version, check_every, next_check, listed, page_id, gone_changed_at)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, (SELECT id FROM pages WHERE url = ?1), ?15)
	ON CONFLICT (url) DO UPDATE SET
		etag = excluded.etag, last_modified = excluded.last_modified,
		content_hash = excluded.content_hash,
		first_seen = CASE WHEN crawl_state.first_seen <> '' THEN crawl_state.first_seen ELSE excluded.first_seen END,
		last_seen = excluded.last_seen,
		gone_changed_at = CASE WHEN crawl_state.gone <> excluded.gone THEN excluded.gone_changed_at ELSE crawl_state.gone_changed_at END,
		gone = excluded.gone, status = excluded.status,
		links = excluded.links, location = excluded.location, version = excluded.version,
		check_every = excluded.check_every, next_check = excluded.next_check, listed = excluded.listed,
		page_id = excluded.page_id`

// stateValues returns the parameters of upsertState but the last (the
// store's clock). Links are stored as a JSON array, nil as null.
func stateValues(st missionsearch.CrawlState) ([]any, error) {
	firstSeen, err := checkedTime("first_seen", st.FirstSeen)
	if err != nil {
		return nil, err
	}
	lastSeen, err := checkedTime("last_seen", st.LastSeen)
	if err != nil {
		return nil, err
	}
	nextCheck, err := checkedTime("next_check", st.NextCheck)
	if err != nil {
		return nil, err
	}
	if st.Interval < 0 {
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "The check interval %v is negative.", st.Interval)
	}
	links, err := json.Marshal(st.Links)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	return []any{st.URL, st.ETag, st.LastModified, st.ContentHash, firstSeen, lastSeen, st.Gone, st.Status,
		string(links), st.Location, st.Version, int64(st.Interval), nextCheck, st.Listed}, nil
}

// PutState stores the crawl state of st.URL alone: a 304 (a new LastSeen),
// a redirect, a skipped URL, or a gone page (Gone true, which takes the page
// stored under st.URL, if any, out of Pages and Count and into GoneIDs until
// a state with Gone false is put again). Fields replace the stored ones
// except a FirstSeen already stored, which is kept. It is durable when it
// returns nil (see Store). An empty st.URL gives an EINVALID
// *missionsearch.Error.
func (s *Store) PutState(ctx context.Context, st missionsearch.CrawlState) error {
	if st.URL == "" {
		return fmt.Errorf("store: put state: %w", missionsearch.Errorf(missionsearch.EINVALID, "The crawl state has no URL."))
	}
	sv, err := stateValues(st)
	if err != nil {
		return fmt.Errorf("store: put state %s: %w", st.URL, err)
	}
	if err := s.putState(ctx, sv); err != nil {
		return fmt.Errorf("store: put state %s: %w", st.URL, err)
	}
	return nil
}

func (s *Store) putState(ctx context.Context, sv []any) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, upsertState, append(sv, formatTime(s.now()))...); err != nil {
		return err
	}
	return tx.Commit()
}

// pageColumns are the columns scanPage reads, in its order.
const pageColumns = `p.id, p.url, p.site, p.title, p.lang, p.published, p.updated, p.section, p.tags,
	p.description, p.fetched_at, p.type, p.published_source, p.headings, p.translations, p.cited_by, p.body,
	p.partners, p.people, p.places`

// liveSQL is the condition on pages p that its URL is not gone.
const liveSQL = `NOT EXISTS (SELECT 1 FROM crawl_state s WHERE s.url = p.url AND s.gone = 1)`

// scanPage reads one row of pageColumns into a new Page.
func scanPage(row interface{ Scan(...any) error }) (*missionsearch.Page, error) {
	var (
		p                                   missionsearch.Page
		lang, published, updated, fetchedAt string
		typ                                 string
		tags, headings, trans, cited        []byte
		partners, people, places            []byte
	)
	if err := row.Scan(&p.ID, &p.URL, &p.Site, &p.Title, &lang, &published, &updated, &p.Section, &tags,
		&p.Description, &fetchedAt, &typ, &p.PublishedSource, &headings, &trans, &cited, &p.Body,
		&partners, &people, &places); err != nil {
		return nil, err
	}
	p.Type = missionsearch.PageType(typ)
	for _, f := range []struct {
		name string
		b    []byte
		dst  any
	}{{"headings", headings, &p.Headings}, {"translations", trans, &p.Translations}, {"cited_by", cited, &p.CitedBy},
		{"partners", partners, &p.Partners}, {"people", people, &p.People}, {"places", places, &p.Places}} {
		if err := json.Unmarshal(f.b, f.dst); err != nil {
			return nil, fmt.Errorf("page %s: %s: %w", p.ID, f.name, err)
		}
	}
	p.Lang = missionsearch.Lang(lang)
	var err error
	if p.Published, err = parseTime(published); err != nil {
		return nil, fmt.Errorf("page %s: published: %w", p.ID, err)
	}
	if p.Updated, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("page %s: updated: %w", p.ID, err)
	}
	if p.FetchedAt, err = parseTime(fetchedAt); err != nil {
		return nil, fmt.Errorf("page %s: fetched_at: %w", p.ID, err)
	}
	if err := json.Unmarshal(tags, &p.Tags); err != nil {
		return nil, fmt.Errorf("page %s: tags: %w", p.ID, err)
	}
	return &p, nil
}

// Page returns the page stored under id, live or gone, as a new value the
// caller owns. It returns an ENOTFOUND *missionsearch.Error when there is
// none.
func (s *Store) Page(ctx context.Context, id string) (*missionsearch.Page, error) {
	p, err := scanPage(s.r.QueryRowContext(ctx, `SELECT `+pageColumns+` FROM pages p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: page %s: %w", id, missionsearch.Errorf(missionsearch.ENOTFOUND, "No page has the ID %q.", id))
	} else if err != nil {
		return nil, fmt.Errorf("store: page %s: %w", id, err)
	}
	return p, nil
}

// Pages calls fn with every live (not gone) page, in increasing id order,
// streaming: memory use does not grow with the number of pages. fn receives a
// new *Page at each call and may keep it. When fn returns an error, Pages
// stops and returns that error wrapped (errors.Is and errors.As see it).
//
// Pages reads in batches of 1000 under successive read snapshots, so that a
// long iteration does not hold back WAL checkpoints: each id is seen at most
// once, every page live throughout the iteration is seen (as stored when its
// batch was read), and pages added, gone or revived during the iteration
// may or may not be. fn may call any method of s, writes included.
func (s *Store) Pages(ctx context.Context, fn func(*missionsearch.Page) error) error {
	after := ""
	for {
		n, last, err := s.pagesBatch(ctx, after, fn)
		if err != nil {
			return fmt.Errorf("store: pages: %w", err)
		}
		if n < pagesBatch {
			return nil
		}
		after = last
	}
}

// pagesBatch calls fn with up to pagesBatch live pages whose id is greater
// than after, and returns how many it read and the last id.
func (s *Store) pagesBatch(ctx context.Context, after string, fn func(*missionsearch.Page) error) (n int, last string, err error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+pageColumns+` FROM pages p
		WHERE p.id > ? AND `+liveSQL+` ORDER BY p.id LIMIT ?`, after, pagesBatch)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return n, last, err
		}
		n, last = n+1, p.ID
		if err := fn(p); err != nil {
			return n, last, err
		}
	}
	return n, last, rows.Err()
}

// Count returns the number of live (not gone) pages, the number Pages calls
// its function with when nothing is written meanwhile.
func (s *Store) Count(ctx context.Context) (live int, err error) {
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pages p WHERE `+liveSQL).Scan(&live); err != nil {
		return 0, fmt.Errorf("store: count: %w", err)
	}
	return live, nil
}

// GoneIDs returns the ids of the stored pages whose URL is gone, in
// increasing order: the pages that must not be in the index.
func (s *Store) GoneIDs(ctx context.Context) ([]string, error) {
	// CROSS JOIN keeps crawl_state outside, read through its gone index.
	ids, err := s.ids(ctx, `SELECT p.id FROM crawl_state s CROSS JOIN pages p
		WHERE s.gone = 1 AND p.url = s.url ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("store: gone ids: %w", err)
	}
	return ids, nil
}

// PageByHash returns the id and URL of a live page whose content hash (the
// ContentHash of the state it was put with) is hash, so that the crawler
// stores content reached under two URLs once. When several pages match, it
// returns the one with the smallest id. ok is false, with a nil error, when
// none matches or hash is empty.
func (s *Store) PageByHash(ctx context.Context, hash string) (id, url string, ok bool, err error) {
	if hash == "" {
		return "", "", false, nil
	}
	err = s.r.QueryRowContext(ctx, `SELECT p.id, p.url FROM pages p
		WHERE p.content_hash = ? AND `+liveSQL+` ORDER BY p.id LIMIT 1`, hash).Scan(&id, &url)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	} else if err != nil {
		return "", "", false, fmt.Errorf("store: page by hash %s: %w", hash, err)
	}
	return id, url, true, nil
}

// ChangedSince returns, for an incremental index update, the ids of the
// pages that changed at or after t by the store's clock (time.Now read when
// the write took the database's write lock), each list in increasing order:
//   - updated: live pages written by PutPage since t, or revived since t
//     (their state went from gone to not gone);
//   - gone: pages whose state went from not gone to gone since t and is
//     still gone.
//
// A page is in at most one list, the one of its current status. A zero t
// gives every live page and every gone page. Take t before the crawl starts:
// "at or after" means a write at the very instant t is not missed.
func (s *Store) ChangedSince(ctx context.Context, t time.Time) (updated, gone []string, err error) {
	since := ""
	if !t.IsZero() {
		since = formatTime(t)
	}
	// UNION ALL + GROUP BY, not UNION: SQLite would merge two id-ordered
	// scans of the whole table instead of searching the changed_at indexes.
	updated, err = s.ids(ctx, `SELECT id FROM (
			SELECT p.id FROM pages p WHERE p.changed_at >= ?1 AND `+liveSQL+`
			UNION ALL
			SELECT p.id FROM crawl_state s JOIN pages p ON p.url = s.url
			WHERE s.gone_changed_at >= ?1 AND s.gone = 0
		) GROUP BY id ORDER BY id`, since)
	if err != nil {
		return nil, nil, fmt.Errorf("store: changed since %s: %w", since, err)
	}
	gone, err = s.ids(ctx, `SELECT p.id FROM crawl_state s CROSS JOIN pages p
		WHERE s.gone = 1 AND s.gone_changed_at >= ?1 AND p.url = s.url ORDER BY p.id`, since)
	if err != nil {
		return nil, nil, fmt.Errorf("store: changed since %s: %w", since, err)
	}
	return updated, gone, nil
}

// ids runs a query returning one text column and collects it.
func (s *Store) ids(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// timeLayout is RFC 3339 in UTC with exactly nine fractional digits, so that
// the text order of stored times is their time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime returns t in timeLayout, "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// checkedTime is formatTime for caller input: years outside 0000–9999 do not
// fit the layout, so they give an EINVALID error.
func checkedTime(field string, t time.Time) (string, error) {
	if !t.IsZero() {
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return "", missionsearch.Errorf(missionsearch.EINVALID, "The %s time %s is out of range.", field, t)
		}
	}
	return formatTime(t), nil
}

// parseTime is the inverse of formatTime; it returns UTC times.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// A BrokenLink is a URL of the site that answered an error status the last
// time it was fetched, with the stored pages that link to it.
type BrokenLink struct {
	URL      string
	Status   int       // the HTTP status of its last fetch (400 or more)
	LastSeen time.Time // when it last answered 200 or 304 (zero if never)
	CitedBy  []string  // the URLs of the live pages linking to it, in order
}

// BrokenLinks calls fn with every URL whose last fetch answered a status of
// 400 or more and that a live page links to (CrawlState.Links), in URL
// order: the dead links staff have to fix.
func (s *Store) BrokenLinks(ctx context.Context, fn func(BrokenLink) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT d.url, d.status, d.last_seen, c.url
		FROM crawl_state d
		JOIN crawl_state c ON c.links != 'null' AND c.gone = 0
		JOIN json_each(c.links) j ON j.value = d.url
		WHERE d.status >= 400
		ORDER BY d.url, c.url`)
	if err != nil {
		return fmt.Errorf("store: broken links: %w", err)
	}
	defer rows.Close()
	var cur BrokenLink
	for rows.Next() {
		var url, lastSeen, citer string
		var status int
		if err := rows.Scan(&url, &status, &lastSeen, &citer); err != nil {
			return fmt.Errorf("store: broken links: %w", err)
		}
		if url != cur.URL {
			if cur.URL != "" {
				if err := fn(cur); err != nil {
					return err
				}
			}
			seen, err := parseTime(lastSeen)
			if err != nil {
				return fmt.Errorf("store: broken links: %s: %w", url, err)
			}
			cur = BrokenLink{URL: url, Status: status, LastSeen: seen}
		}
		if len(cur.CitedBy) == 0 || cur.CitedBy[len(cur.CitedBy)-1] != citer {
			cur.CitedBy = append(cur.CitedBy, citer)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: broken links: %w", err)
	}
	if cur.URL != "" {
		return fn(cur)
	}
	return nil
}
