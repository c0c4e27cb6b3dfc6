package server

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/export"
)

// DeadLink is a URL of the site that answered an error at its last check,
// with the live pages that link to it: what staff have to fix.
type DeadLink struct {
	URL     string   `json:"url"`
	Status  int      `json:"status"`
	CitedBy []string `json:"cited_by"`
}

// handleDeadLinks answers GET /api/admin/links (bearer token) with the
// site's dead links: JSON {"total", "links": [...]}, or CSV (status, url,
// cited_by; one line per citing page, formulas defused) with format=csv.
func (s *Server) handleDeadLinks(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.DeadLinks == nil || s.cfg.AdminToken == "" {
		s.writeError(w, r, missionsearch.Errorf(missionsearch.ENOTFOUND, "The admin endpoints are disabled on this server."))
		return
	}
	if err := s.authorize(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := query(r, params{"format": false}, nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format := v.Get("format")
	if format != "" && format != "json" && format != "csv" {
		s.writeError(w, r, invalid("The format %q is not valid. Please choose json or csv.", format))
		return
	}
	var links []DeadLink
	if err := s.cfg.DeadLinks(r.Context(), func(l DeadLink) error {
		if len(links) >= maxDeadLinks {
			return errEnough
		}
		links = append(links, l)
		return nil
	}); err != nil && !errors.Is(err, errEnough) {
		s.writeError(w, r, err)
		return
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
		w.Header().Set("Content-Disposition", `attachment; filename="liens-morts.csv"`)
		cw := csv.NewWriter(w)
		cw.Write([]string{"status", "url", "cited_by"})
		for _, l := range links {
			for _, c := range l.CitedBy {
				cw.Write([]string{strconv.Itoa(l.Status), export.SafeCell(l.URL), export.SafeCell(c)})
			}
		}
		cw.Flush()
		return
	}
	if links == nil {
		links = []DeadLink{}
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Total int        `json:"total"`
		Links []DeadLink `json:"links"`
	}{len(links), links})
}

// maxDeadLinks bounds the answer: a site with more has a bigger problem
// than a list can show.
const maxDeadLinks = 10000

// errEnough stops the listing at maxDeadLinks.
var errEnough = errors.New("enough dead links")
