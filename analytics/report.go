package analytics

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/export"
)

// Period chooses the searches a report covers.
type Period struct {
	// From and To bound the time of the searches, From included, To
	// excluded; the zero time leaves that end open.
	From, To time.Time
	// Site keeps one site's searches; "" keeps every site's.
	Site string
	// Limit bounds each list of queries; 0 means 50.
	Limit int
}

// Report is what staff read: the searches of a Period summed up.
type Report struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	Site string    `json:"site"`
	// Totals are over the searches of the period, counted at their first
	// page of results.
	Searches    int `json:"searches"`
	WithWords   int `json:"searches_with_words"`
	ZeroResults int `json:"zero_result_searches"`
	Opened      int `json:"opened_searches"`
	// TopQueries are the queries searched most; ZeroResultQueries those
	// that found nothing, most searched first; UnopenedQueries those that
	// found pages of which none was opened. Searches without words are
	// left out of the three.
	TopQueries        []QueryStat `json:"top_queries"`
	ZeroResultQueries []QueryStat `json:"zero_result_queries"`
	UnopenedQueries   []QueryStat `json:"unopened_queries"`
	// Weeks are the trend by week (Monday to Sunday, UTC), oldest first;
	// Sites the searches by site, most searched first.
	Weeks []GroupStat `json:"weeks"`
	Sites []GroupStat `json:"sites"`
	// Dropped counts the events the Recorder dropped since it opened
	// (queue full): when it is not 0, the figures are low.
	Dropped uint64 `json:"dropped_events"`
}

// QueryStat sums up the searches of one normalised query.
type QueryStat struct {
	Query       string  `json:"query"`
	Searches    int     `json:"searches"`
	ZeroResults int     `json:"zero_results"`
	Opened      int     `json:"opened"`
	AvgTotal    float64 `json:"avg_total"`
}

// GroupStat sums up the searches of a week (Key is its Monday,
// YYYY-MM-DD) or of a site (Key is its name).
type GroupStat struct {
	Key         string `json:"key"`
	Searches    int    `json:"searches"`
	ZeroResults int    `json:"zero_results"`
	Opened      int    `json:"opened"`
	Queries     int    `json:"distinct_queries"`
}

// where is the SQL condition of p over searches s, with its arguments.
func (p Period) where() (string, []any) {
	cond := `s.page <= 1`
	var args []any
	if !p.From.IsZero() {
		cond += ` AND s.at >= ?`
		args = append(args, p.From.UTC().Format(timeFormat))
	}
	if !p.To.IsZero() {
		cond += ` AND s.at < ?`
		args = append(args, p.To.UTC().Format(timeFormat))
	}
	if p.Site != "" {
		cond += ` AND s.site = ?`
		args = append(args, p.Site)
	}
	return cond, args
}

// opened is the SQL expression that is 1 when search s had a result opened.
const opened = `EXISTS (SELECT 1 FROM opens o WHERE o.search_id = s.id)`

// Report reads the report of p.
func (r *Recorder) Report(ctx context.Context, p Period) (*Report, error) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	rep := &Report{From: p.From, To: p.To, Site: p.Site, Dropped: r.Dropped(),
		TopQueries: []QueryStat{}, ZeroResultQueries: []QueryStat{}, UnopenedQueries: []QueryStat{},
		Weeks: []GroupStat{}, Sites: []GroupStat{}}
	cond, args := p.where()
	fail := func(what string, err error) (*Report, error) {
		return nil, fmt.Errorf("analytics: report %s of %s: %w", what, r.path, err)
	}
	err := r.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(s.query != ''), 0), COALESCE(SUM(s.total = 0 AND s.query != ''), 0),
		COALESCE(SUM(`+opened+`), 0) FROM searches s WHERE `+cond, args...).Scan(&rep.Searches, &rep.WithWords, &rep.ZeroResults, &rep.Opened)
	if err != nil {
		return fail("totals", err)
	}
	perQuery := `SELECT query, COUNT(*) AS n, SUM(total = 0) AS zero, SUM(op) AS opened, AVG(total) AS avg
		FROM (SELECT s.query, s.total, ` + opened + ` AS op FROM searches s WHERE ` + cond + ` AND s.query != '')
		GROUP BY query `
	lists := []struct {
		name string
		sql  string
		dst  *[]QueryStat
	}{
		{"top queries", perQuery + `ORDER BY n DESC, query LIMIT ?`, &rep.TopQueries},
		{"zero-result queries", perQuery + `HAVING zero > 0 ORDER BY zero DESC, n DESC, query LIMIT ?`, &rep.ZeroResultQueries},
		{"unopened queries", perQuery + `HAVING opened = 0 AND zero < n ORDER BY n DESC, query LIMIT ?`, &rep.UnopenedQueries},
	}
	for _, l := range lists {
		rows, err := r.db.QueryContext(ctx, l.sql, append(args, p.Limit)...)
		if err != nil {
			return fail(l.name, err)
		}
		for rows.Next() {
			var q QueryStat
			if err := rows.Scan(&q.Query, &q.Searches, &q.ZeroResults, &q.Opened, &q.AvgTotal); err != nil {
				rows.Close()
				return fail(l.name, err)
			}
			*l.dst = append(*l.dst, q)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fail(l.name, err)
		}
	}
	groups := []struct {
		name, key, order string
		dst              *[]GroupStat
	}{
		{"weeks", weekStart, `key`, &rep.Weeks},
		{"sites", `s.site`, `searches DESC, key`, &rep.Sites},
	}
	for _, g := range groups {
		rows, err := r.db.QueryContext(ctx, `SELECT `+g.key+` AS key, COUNT(*) AS searches, SUM(s.total = 0 AND s.query != ''),
			SUM(`+opened+`), COUNT(DISTINCT NULLIF(s.query, '')) FROM searches s WHERE `+cond+` GROUP BY key ORDER BY `+g.order, args...)
		if err != nil {
			return fail(g.name, err)
		}
		for rows.Next() {
			var st GroupStat
			if err := rows.Scan(&st.Key, &st.Searches, &st.ZeroResults, &st.Opened, &st.Queries); err != nil {
				rows.Close()
				return fail(g.name, err)
			}
			*g.dst = append(*g.dst, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fail(g.name, err)
		}
	}
	return rep, nil
}

// weekStart is the SQL expression of the Monday of the week of s.at:
// 'weekday 1' moves forward to the next Monday unless the day is one, so
// going back six days first lands on the week's Monday.
const weekStart = `date(s.at, '-6 days', 'weekday 1')`

// CSV reports: the tables WriteCSV writes.
const (
	CSVSearches = "searches" // one line per search (every page of results)
	CSVTop      = "top"      // Report.TopQueries
	CSVZero     = "zero"     // Report.ZeroResultQueries
	CSVUnopened = "unopened" // Report.UnopenedQueries
	CSVWeeks    = "weeks"    // Report.Weeks
	CSVSites    = "sites"    // Report.Sites
)

// maxCSVSearches is the most lines of a searches CSV.
const maxCSVSearches = 1_000_000

// csvBOM starts every CSV: spreadsheets otherwise guess the encoding.
const csvBOM = "\uFEFF"

// CSVReports lists the values of WriteCSV's table.
var CSVReports = []string{CSVSearches, CSVTop, CSVZero, CSVUnopened, CSVWeeks, CSVSites}

// CSVContentType is the media type of WriteCSV's output.
const CSVContentType = "text/csv; charset=utf-8; header=present"

// WriteCSV writes the table of the period p to w as CSV (a byte order
// mark, a header line, cells that would run as a spreadsheet formula
// defused as package export does). table is one of CSVReports; another is
// an EINVALID *missionsearch.Error.
func (r *Recorder) WriteCSV(ctx context.Context, w io.Writer, table string, p Period) error {
	cw := csv.NewWriter(w)
	write := func(rec ...string) error { return cw.Write(rec) }
	itoa := strconv.Itoa
	switch table {
	case CSVSearches:
		if _, err := io.WriteString(w, csvBOM); err != nil {
			return err
		}
		cond, args := p.where()
		cond = cond[len(`s.page <= 1`):] // every page of results
		rows, err := r.db.QueryContext(ctx, `SELECT s.at, s.query, s.filters, s.site, s.lang, s.total, s.took_us, s.page, s.source, `+opened+`
			FROM searches s WHERE 1`+cond+` ORDER BY s.at LIMIT ?`, append(args, maxCSVSearches)...)
		if err != nil {
			return fmt.Errorf("analytics: csv of %s: %w", r.path, err)
		}
		defer rows.Close()
		write("at", "query", "filters", "site", "lang", "total", "took_ms", "page", "source", "opened")
		for rows.Next() {
			var at, q, f, site, lang, source string
			var total, tookUS int64
			var page, op int
			if err := rows.Scan(&at, &q, &f, &site, &lang, &total, &tookUS, &page, &source, &op); err != nil {
				return fmt.Errorf("analytics: csv of %s: %w", r.path, err)
			}
			if err := write(at, export.SafeCell(q), export.SafeCell(f), export.SafeCell(site), lang, strconv.FormatInt(total, 10),
				strconv.FormatFloat(float64(tookUS)/1000, 'f', 1, 64), itoa(page), source, itoa(op)); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("analytics: csv of %s: %w", r.path, err)
		}
	case CSVTop, CSVZero, CSVUnopened, CSVWeeks, CSVSites:
		if p.Limit <= 0 {
			p.Limit = 10000
		}
		rep, err := r.Report(ctx, p)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, csvBOM); err != nil {
			return err
		}
		switch table {
		case CSVWeeks, CSVSites:
			gs, head := rep.Weeks, "week"
			if table == CSVSites {
				gs, head = rep.Sites, "site"
			}
			write(head, "searches", "zero_results", "opened", "distinct_queries")
			for _, g := range gs {
				write(export.SafeCell(g.Key), itoa(g.Searches), itoa(g.ZeroResults), itoa(g.Opened), itoa(g.Queries))
			}
		default:
			qs := map[string][]QueryStat{CSVTop: rep.TopQueries, CSVZero: rep.ZeroResultQueries, CSVUnopened: rep.UnopenedQueries}[table]
			write("query", "searches", "zero_results", "opened", "avg_total")
			for _, q := range qs {
				write(export.SafeCell(q.Query), itoa(q.Searches), itoa(q.ZeroResults), itoa(q.Opened), strconv.FormatFloat(q.AvgTotal, 'f', 1, 64))
			}
		}
	default:
		return missionsearch.Errorf(missionsearch.EINVALID, "The analytics table %q is not one of searches, top, zero, unopened, weeks, sites.", table)
	}
	cw.Flush()
	return cw.Error()
}
