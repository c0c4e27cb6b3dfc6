// Package export writes search results as the files staff open in a
// spreadsheet or feed to a script: CSV and JSON lines. The web export
// (GET /export) and the command line (missionsearch export) write through
// it, so both give the same columns, dates and defences.
//
// CSV has a header line (English or French), dates as YYYY-MM-DD, tags
// joined by "; ", a UTF-8 byte order mark (spreadsheets otherwise guess
// the encoding), and cells that would run as a formula (starting with =,
// +, -, @, tab or carriage return) defused with a leading apostrophe
// (OWASP CSV injection). With Excel set, cells are separated by ';', the
// separator French Excel expects. JSON lines carry the same fields, dates
// in RFC 3339.
package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"
)

// Record is one line of an export: what a results page shows of a page,
// without its text.
type Record struct {
	ID        string             `json:"id"`
	URL       string             `json:"url"`
	Title     string             `json:"title"`
	Published time.Time          `json:"published,omitzero"`
	Updated   time.Time          `json:"updated,omitzero"`
	Section   string             `json:"section,omitempty"`
	Site      string             `json:"site,omitempty"` // JSON Lines only: the network's site
	Lang      missionsearch.Lang `json:"lang"`
	Tags      []string           `json:"tags"`
	// Type is the page type; "article" for pages stored without one.
	Type missionsearch.PageType `json:"type"`
}

// Options choose the format of a Writer.
type Options struct {
	// Format is "csv" or "jsonl".
	Format string
	// Excel separates CSV cells by ';' (French Excel) instead of ','.
	Excel bool
	// French gives the CSV header in French.
	French bool
}

// Columns are the CSV header, in English and in French.
var (
	Columns       = []string{"id", "url", "title", "published", "updated", "section", "lang", "tags", "type"}
	FrenchColumns = []string{"identifiant", "adresse", "titre", "publié le", "mis à jour le", "rubrique", "langue", "mots-clés", "type"}
)

// A Writer writes records in one format. It is not safe for concurrent
// use. Call Flush at the end, and at any point where the bytes written so
// far must reach the underlying writer.
type Writer struct {
	w      io.Writer
	opts   Options
	csv    *csv.Writer
	json   *json.Encoder
	header bool
}

// NewWriter returns a Writer of records to w. An unknown format is an
// EINVALID *missionsearch.Error.
func NewWriter(w io.Writer, opts Options) (*Writer, error) {
	x := &Writer{w: w, opts: opts}
	switch opts.Format {
	case "csv":
		x.csv = csv.NewWriter(w)
		if opts.Excel {
			x.csv.Comma = ';'
		}
	case "jsonl":
		x.json = json.NewEncoder(w)
		x.json.SetEscapeHTML(false)
	default:
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "The export format must be \"csv\" or \"jsonl\", not %q.", opts.Format)
	}
	return x, nil
}

// ContentType returns the media type of the Writer's output.
func (x *Writer) ContentType() string {
	if x.csv != nil {
		return "text/csv; charset=utf-8; header=present"
	}
	return "application/x-ndjson; charset=utf-8"
}

// Write writes r. The first call also writes the byte order mark and the
// header of a CSV.
func (x *Writer) Write(r Record) error {
	if r.Tags == nil {
		r.Tags = []string{}
	}
	if x.json != nil {
		return x.json.Encode(r)
	}
	if !x.header {
		if err := x.writeHeader(); err != nil {
			return err
		}
	}
	return x.csv.Write([]string{r.ID, SafeCell(r.URL), SafeCell(r.Title), Day(r.Published), Day(r.Updated),
		SafeCell(r.Section), string(r.Lang), SafeCell(strings.Join(r.Tags, "; ")), string(r.Type.OrArticle())})
}

// Flush writes out what is buffered and returns the first error of the
// Writer.
func (x *Writer) Flush() error {
	if x.csv == nil {
		return nil
	}
	if !x.header { // an empty export still has its header
		if err := x.writeHeader(); err != nil {
			return err
		}
	}
	x.csv.Flush()
	if err := x.csv.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// writeHeader writes the byte order mark and the header line of a CSV.
func (x *Writer) writeHeader() error {
	x.header = true
	if _, err := io.WriteString(x.w, "\uFEFF"); err != nil {
		return err
	}
	cols := Columns
	if x.opts.French {
		cols = FrenchColumns
	}
	return x.csv.Write(cols)
}

// SafeCell defuses spreadsheet formulas: a cell starting with =, +, -, @,
// tab or carriage return gets a leading apostrophe.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Day formats t as YYYY-MM-DD in UTC, "" for the zero time.
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// FromPage returns the record of p.
func FromPage(p *missionsearch.Page) Record {
	return Record{ID: p.ID, URL: p.URL, Title: p.Title, Published: p.Published, Updated: p.Updated,
		Section: p.Section, Site: p.Site, Lang: p.Lang, Tags: p.Tags, Type: p.Type.OrArticle()}
}
