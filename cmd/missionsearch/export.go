package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"missionsearch"
	"missionsearch/search"
)

func runExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "export", "[QUERY...]",
		"Writes the page record of every page matching the query and filters, one a line,\n"+
			"to standard output: all result pages, streamed, newest first by default.")
	data := dataFlag(env, fs)
	format := fs.String("format", "jsonl", "jsonl or csv")
	filters := addFilterFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return usageError{fmt.Sprintf("--format %q: want jsonl or csv", *format)}
	}
	req, err := filters.request(strings.Join(fs.Args(), " "))
	if err != nil {
		return err
	}
	if req.Sort == "" {
		req.Sort = "date"
	}
	s, closeIndex, err := openSearcher(env, *data)
	if err != nil {
		return err
	}
	defer closeIndex()
	w := newRecordWriter(env.Stdout, *format)
	n, err := exportAll(ctx, s, req, w)
	if err != nil {
		return requestError(err)
	}
	env.Logger.Info("export done", "pages", n)
	return nil
}

// exportAll writes every page matching req, paging with search-after
// cursors so that memory stays flat however many pages match.
func exportAll(ctx context.Context, s *search.Searcher, req search.Request, w recordWriter) (int, error) {
	req.Size = 100
	req.Page = 1
	n := 0
	for {
		res, err := s.Search(ctx, req)
		if err != nil {
			return n, err
		}
		for _, h := range res.Hits {
			p, err := s.Document(ctx, h.ID)
			if err != nil {
				return n, fmt.Errorf("export: page %s: %w", h.ID, err)
			}
			if err := w.write(p); err != nil {
				return n, fmt.Errorf("export: write: %w", err)
			}
			n++
		}
		if res.Next == "" || len(res.Hits) == 0 {
			return n, w.flush()
		}
		req.SearchAfter = res.Next
	}
}

// recordWriter writes page records in one export format.
type recordWriter interface {
	write(*missionsearch.Page) error
	flush() error
}

func newRecordWriter(w io.Writer, format string) recordWriter {
	if format == "csv" {
		return &csvWriter{w: csv.NewWriter(w)}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return jsonlWriter{enc}
}

type jsonlWriter struct{ enc *json.Encoder }

func (j jsonlWriter) write(p *missionsearch.Page) error { return j.enc.Encode(p) }
func (j jsonlWriter) flush() error                      { return nil }

// csvColumns are the page record's fields in CSV order; tags are joined
// with "; ".
var csvColumns = []string{"id", "url", "title", "lang", "published", "updated", "section", "tags", "description", "body", "fetched_at"}

type csvWriter struct {
	w      *csv.Writer
	header bool
}

func (c *csvWriter) write(p *missionsearch.Page) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(csvColumns); err != nil {
			return err
		}
	}
	return c.w.Write([]string{p.ID, p.URL, p.Title, string(p.Lang), csvTime(p.Published), csvTime(p.Updated),
		p.Section, strings.Join(p.Tags, "; "), p.Description, p.Body, csvTime(p.FetchedAt)})
}

func (c *csvWriter) flush() error {
	c.w.Flush()
	return c.w.Error()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
