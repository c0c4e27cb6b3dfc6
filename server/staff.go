package server

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/export"
)

// The staff pages besides the analytics: the dead links (GET /admin/liens,
// its CSV /admin/liens.csv) and the pages that changed
// (GET /admin/modifications[?id=]), in French, without JavaScript, behind
// the admin token (HTTP Basic with the token as password, or the bearer
// token), like /admin/analytics.

// staffPage is what the staff templates "links" and "changes" show.
type staffPage struct {
	Base, SiteName, Title, Nav, Error string

	Total int
	Links []DeadLink

	One     *missionsearch.PageChange // the page whose history is shown; nil for all pages
	Changes []staffChange
}

// staffChange is a row of the changes table.
type staffChange struct {
	missionsearch.PageChange
	What string // the fields that changed, in French
}

// fieldLabels name the fields of missionsearch.Change in French.
var fieldLabels = map[string]string{
	"title": "titre", "body": "texte", "published": "date de publication", "updated": "date de mise à jour",
	"section": "rubrique", "tags": "étiquettes", "description": "résumé", "type": "type de page",
}

// staffGate answers a staff request that may not proceed (the feature
// disabled: 404; no or a wrong token: 401 with a Basic challenge) and
// reports whether it may.
func (s *Server) staffGate(w http.ResponseWriter, r *http.Request, enabled bool, vw *staffPage) bool {
	w.Header().Set("Cache-Control", "no-store")
	if !enabled || s.cfg.AdminToken == "" {
		s.renderError(w, r, http.StatusNotFound, "Page introuvable", "Cette adresse ne correspond à aucune page de la recherche.")
		return false
	}
	if err := s.authorizeStaff(r); err != nil {
		w.Header().Set("WWW-Authenticate", staffRealm)
		vw.Error = staffAuthMessage(err)
		s.renderStaffPage(w, r, http.StatusUnauthorized, vw)
		return false
	}
	return true
}

// renderStaffPage renders the template named by vw.Nav with vw.
func (s *Server) renderStaffPage(w http.ResponseWriter, r *http.Request, status int, vw *staffPage) {
	vw.Base, vw.SiteName = s.base, s.staffSiteName()
	s.writeStaffHTML(w, r, status, vw.Nav, vw)
}

// deadLinks lists the dead links, at most maxDeadLinks.
func (s *Server) deadLinks(ctx context.Context) ([]DeadLink, error) {
	links := []DeadLink{}
	if err := s.cfg.DeadLinks(ctx, func(l DeadLink) error {
		if len(links) >= maxDeadLinks {
			return errEnough
		}
		links = append(links, l)
		return nil
	}); err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return links, nil
}

// writeDeadLinksCSV writes links as CSV: status, url, cited_by, one line
// per citing page, formulas defused.
func writeDeadLinksCSV(w http.ResponseWriter, links []DeadLink) {
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
}

// handleDeadLinksPage answers GET /admin/liens: the dead links with the
// pages that carry them.
func (s *Server) handleDeadLinksPage(w http.ResponseWriter, r *http.Request) {
	vw := &staffPage{Title: "Liens morts", Nav: "links"}
	if !s.staffGate(w, r, s.cfg.DeadLinks != nil, vw) {
		return
	}
	if _, err := query(r, noParams, nil); err != nil {
		_, vw.Error, _ = classify(err)
		s.renderStaffPage(w, r, http.StatusBadRequest, vw)
		return
	}
	links, err := s.deadLinks(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	vw.Links, vw.Total = links, len(links)
	s.renderStaffPage(w, r, http.StatusOK, vw)
}

// handleDeadLinksCSV answers GET /admin/liens.csv: the dead links as CSV.
func (s *Server) handleDeadLinksCSV(w http.ResponseWriter, r *http.Request) {
	vw := &staffPage{Title: "Liens morts", Nav: "links"}
	if !s.staffGate(w, r, s.cfg.DeadLinks != nil, vw) {
		return
	}
	links, err := s.deadLinks(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeDeadLinksCSV(w, links)
}

// maxChanges is the number of changes the staff page lists.
const maxChanges = 500

// handleChangesPage answers GET /admin/modifications: the last changes of
// every page, or with id the history of one page.
func (s *Server) handleChangesPage(w http.ResponseWriter, r *http.Request) {
	vw := &staffPage{Title: "Pages modifiées", Nav: "changes"}
	if !s.staffGate(w, r, s.cfg.Changes != nil && s.cfg.History != nil, vw) {
		return
	}
	v, err := query(r, params{"id": false}, nil)
	if err != nil {
		_, vw.Error, _ = classify(err)
		s.renderStaffPage(w, r, http.StatusBadRequest, vw)
		return
	}
	var changes []missionsearch.PageChange
	if id := v.Get("id"); id != "" {
		h, err := s.cfg.History(r.Context(), id)
		if err != nil {
			code, msg, _ := classify(err)
			if code != missionsearch.ENOTFOUND {
				s.writeError(w, r, err)
				return
			}
			vw.Error = msg
			s.renderStaffPage(w, r, http.StatusNotFound, vw)
			return
		}
		one := &missionsearch.PageChange{ID: id}
		if p, err := s.cfg.Searcher.Document(r.Context(), id); err == nil {
			one.URL, one.Title = p.URL, p.Title
		}
		vw.One = one
		for _, c := range h {
			changes = append(changes, missionsearch.PageChange{ID: id, URL: one.URL, Title: one.Title, Change: c})
		}
	} else if changes, err = s.cfg.Changes(r.Context(), maxChanges); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, c := range changes {
		var what []string
		for _, f := range c.Fields {
			what = append(what, fieldLabels[f])
		}
		if len(what) == 0 {
			what = append(what, "intertitres ou liens")
		}
		vw.Changes = append(vw.Changes, staffChange{PageChange: c, What: strings.Join(what, ", ")})
	}
	s.renderStaffPage(w, r, http.StatusOK, vw)
}
