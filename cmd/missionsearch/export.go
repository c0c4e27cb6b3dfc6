package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/export"
	"github.com/missionsearch/missionsearch/search"
)

func runExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "export", "[QUERY...]",
		"Writes the page record of every page matching the query and filters, one a line,\n"+
			"to standard output: all result pages, streamed, newest first by default.")
	data := dataFlag(env, fs)
	format := fs.String("format", "jsonl", "jsonl (full page records) or csv (the columns of the web export)")
	excel := fs.Bool("excel", false, "csv for French Excel: cells separated by ';'")
	headers := fs.String("headers", "en", "language of the csv header line: en or fr")
	filters := addFilterFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return usageError{fmt.Sprintf("--format %q: want jsonl or csv", *format)}
	}
	if *headers != "en" && *headers != "fr" {
		return usageError{fmt.Sprintf("--headers %q: want en or fr", *headers)}
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
	w, err := newRecordWriter(env.Stdout, *format, export.Options{Format: *format, Excel: *excel, French: *headers == "fr"})
	if err != nil {
		return err
	}
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

// newRecordWriter returns the writer of format: JSON lines of full page
// records, or the CSV of package export (the web export's).
func newRecordWriter(w io.Writer, format string, opts export.Options) (recordWriter, error) {
	if format == "csv" {
		x, err := export.NewWriter(w, opts)
		if err != nil {
			return nil, err
		}
		return csvWriter{x}, nil
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return jsonlWriter{enc}, nil
}

type jsonlWriter struct{ enc *json.Encoder }

func (j jsonlWriter) write(p *missionsearch.Page) error { return j.enc.Encode(p) }
func (j jsonlWriter) flush() error                      { return nil }

type csvWriter struct{ x *export.Writer }

func (c csvWriter) write(p *missionsearch.Page) error { return c.x.Write(export.FromPage(p)) }
func (c csvWriter) flush() error                      { return c.x.Flush() }
