package server

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"missionsearch"
	"missionsearch/search"
)

// exportRecord is one line of an export: a hit without its snippet and
// score.
type exportRecord struct {
	ID        string             `json:"id"`
	URL       string             `json:"url"`
	Title     string             `json:"title"`
	Published time.Time          `json:"published,omitzero"`
	Updated   time.Time          `json:"updated,omitzero"`
	Section   string             `json:"section,omitempty"`
	Lang      missionsearch.Lang `json:"lang"`
	Tags      []string           `json:"tags"`
}

var csvHeader = []string{"id", "url", "title", "published", "updated", "section", "lang", "tags"}

// handleExport answers GET /export?format=csv|jsonl&FILTERS with every hit
// of the search, streamed page by page through the search cursor, so that
// memory stays constant however many pages match. CSV has a header line
// and a UTF-8 byte order mark (for spreadsheets); tags are joined by "; ".
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
	format := v.Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "jsonl" {
		s.writeError(w, r, invalid("The parameter \"format\" must be \"csv\" or \"jsonl\"."))
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
	name := "recherche-" + time.Now().UTC().Format("20060102-150405") + "." + format
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
	} else {
		h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
	}
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

	var cw *csv.Writer
	var enc *json.Encoder
	if format == "csv" {
		w.Write([]byte("\uFEFF"))
		cw = csv.NewWriter(w)
		cw.Write(csvHeader)
	} else {
		enc = json.NewEncoder(w)
	}
	n := 0
	for {
		for _, hit := range res.Hits {
			rec := exportRecord{ID: hit.ID, URL: hit.URL, Title: hit.Title, Published: hit.Published,
				Updated: hit.Updated, Section: hit.Section, Lang: hit.Lang, Tags: hit.Tags}
			if rec.Tags == nil {
				rec.Tags = []string{}
			}
			if cw != nil {
				err = cw.Write([]string{rec.ID, safeCell(rec.URL), safeCell(rec.Title), formatTime(rec.Published),
					formatTime(rec.Updated), safeCell(rec.Section), string(rec.Lang), safeCell(strings.Join(rec.Tags, "; "))})
			} else {
				err = enc.Encode(rec)
			}
			if err != nil {
				break
			}
			n++
		}
		if cw != nil {
			cw.Flush()
			if err == nil {
				err = cw.Error()
			}
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

// safeCell defuses spreadsheet formulas: a cell starting with =, +, -, @,
// tab or carriage return gets a leading apostrophe (OWASP CSV injection).
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
