package server

import (
	"errors"
	"net/http"
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
	if !s.adminGate(w, r, s.cfg.DeadLinks != nil) {
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
	links, err := s.deadLinks(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if format == "csv" {
		writeDeadLinksCSV(w, links)
		return
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
