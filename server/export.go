package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/export"
	"github.com/missionsearch/missionsearch/search"
)

// handleExport answers GET /export?format=csv|jsonl&excel=1&headers=fr&FILTERS
// with every hit of the search, streamed page by page through the search
// cursor, so that memory stays constant however many pages match, in the
// formats of package export (excel=1: ';' between cells; headers=fr: a
// French header line).
// The total is announced in X-Total-Count. A failure after the first bytes
// aborts the connection, so a truncated export never looks complete.
//
// At most Config.MaxExports exports run at once (429 beyond); one lasts at
// most Config.ExportTimeout, and a client that takes longer than
// Config.ExportStall to accept a chunk is dropped.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	select {
	case s.exports <- struct{}{}:
		defer func() { <-s.exports }()
	default:
		w.Header().Set("Retry-After", "30")
		s.writeError(w, r, missionsearch.Errorf(missionsearch.ETOOMANY,
			"Too many exports are running. Please try again in a minute."))
		return
	}
	v, err := query(r, exportParams, nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	opts := export.Options{Format: v.Get("format"), Excel: v.Get("excel") == "1", French: v.Get("headers") == "fr"}
	if opts.Format == "" {
		opts.Format = "csv"
	}
	if x := v.Get("excel"); x != "" && x != "1" && x != "0" {
		s.writeError(w, r, invalid("The parameter \"excel\" must be 1 or 0."))
		return
	}
	if hd := v.Get("headers"); hd != "" && hd != "fr" && hd != "en" {
		s.writeError(w, r, invalid("The parameter \"headers\" must be \"fr\" or \"en\"."))
		return
	}
	ew, err := export.NewWriter(w, opts)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := searchRequest(v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req.Size = search.MaxSize
	ctx := r.Context()
	res, err := s.cfg.Searcher.Search(ctx, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	h := w.Header()
	name := "recherche-" + time.Now().UTC().Format("20060102-150405") + "." + opts.Format
	h.Set("Content-Type", ew.ContentType())
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Total-Count", strconv.FormatUint(res.Total, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	rc := http.NewResponseController(w)
	// Each chunk gets ExportStall to reach the client, within the export's
	// own deadline (the server's WriteTimeout is for short answers).
	deadline, _ := r.Context().Deadline()
	stall := func() {
		d := time.Now().Add(s.cfg.ExportStall)
		if !deadline.IsZero() && deadline.Before(d) {
			d = deadline
		}
		rc.SetWriteDeadline(d)
	}
	stall()

	n := 0
	for {
		for _, hit := range res.Hits {
			if err = ew.Write(hitRecord(hit)); err != nil {
				break
			}
			n++
		}
		if err == nil {
			err = ew.Flush()
		}
		if err == nil {
			if err = rc.Flush(); errors.Is(err, http.ErrNotSupported) {
				err = nil
			}
			stall()
		}
		if err != nil || res.Next == "" {
			break
		}
		req.SearchAfter = res.Next
		req.Page = 0
		res, err = s.cfg.Searcher.Search(ctx, req)
		if err != nil {
			break
		}
	}
	if err != nil {
		s.logger(r).WarnContext(ctx, "export aborted", "err", err, "rows", n)
		panic(http.ErrAbortHandler)
	}
}

// hitRecord returns the export record of a hit (its description is not
// in hits: the snippet stands for it, and an export has none).
func hitRecord(h search.Hit) export.Record {
	return export.Record{ID: h.ID, URL: h.URL, Title: h.Title, Published: h.Published, Updated: h.Updated,
		Section: h.Section, Lang: h.Lang, Tags: h.Tags, Type: h.Type}
}
