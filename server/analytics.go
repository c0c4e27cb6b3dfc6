package server

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/analytics"
	"github.com/missionsearch/missionsearch/search"
)

// record queues the search req, answered by res, in Config.Analytics and
// returns its id; "" when analytics are off, r is a HEAD, or req has
// neither words nor filters (the home page, which searches nothing). It
// never blocks (analytics.Recorder.Search) and records nothing of the
// client.
func (s *Server) record(r *http.Request, v url.Values, req search.Request, res *search.Result, source, lang string) string {
	if s.cfg.Analytics == nil || r.Method == http.MethodHead {
		return ""
	}
	if strings.TrimSpace(req.Query) == "" && analytics.FilterString(v) == "" {
		return ""
	}
	id := analytics.NewID()
	page := req.Page
	if req.SearchAfter != "" {
		page = 2 // a page after the first, however deep
	}
	site := "" // the recorder's site
	if len(req.Sites) == 1 {
		site = req.Sites[0] // a search scoped to one site of the network
	}
	s.cfg.Analytics.Search(analytics.Search{ID: id, Query: req.Query, Filters: v, Lang: lang, Site: site,
		Total: res.Total, Took: res.Took, Page: max(page, 1), Source: source})
	return id
}

// openLink returns the link of a hit of the page: through GET /clic, which
// records the open, when the search has an id; else the hit's URL.
func (s *Server) openLink(searchID string, h search.Hit, rank int) string {
	if searchID == "" {
		return h.URL
	}
	return s.path("/clic") + "?" + url.Values{"s": {searchID}, "d": {h.ID}, "r": {strconv.Itoa(rank)}}.Encode()
}

// openParams are the parameters of GET /clic.
var openParams = params{"s": false, "d": false, "r": false}

// handleOpen answers GET /clic?s=SEARCH&d=DOCUMENT&r=RANK: it records that
// the result d of search s was opened and redirects (303) to the page's
// URL. The target is always a page of the index, looked up by its id: the
// endpoint is never an open redirect. An unknown document is a 404.
func (s *Server) handleOpen(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	v, err := query(r, openParams, nil)
	if err != nil {
		s.renderPageError(w, r, url.Values{}, err)
		return
	}
	id := v.Get("d")
	if id == "" || len(id) > 128 {
		s.renderError(w, r, http.StatusNotFound, "Page introuvable", "Cette adresse ne correspond à aucune page de la recherche.")
		return
	}
	p, err := s.cfg.Searcher.Document(r.Context(), id)
	if err != nil {
		if code, _, _ := classify(err); code == missionsearch.ENOTFOUND {
			s.renderError(w, r, http.StatusNotFound, "Page introuvable", "Cette adresse ne correspond à aucune page de la recherche.")
			return
		}
		s.renderPageError(w, r, url.Values{}, err)
		return
	}
	target, err := url.Parse(p.URL)
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		s.renderError(w, r, http.StatusNotFound, "Page introuvable", "Cette adresse ne correspond à aucune page de la recherche.")
		return
	}
	if sid := v.Get("s"); s.cfg.Analytics != nil && analytics.ValidID(sid) && r.Method != http.MethodHead {
		rank, _ := strconv.Atoi(v.Get("r"))
		s.cfg.Analytics.Opened(analytics.Opened{SearchID: sid, URL: p.URL, Rank: max(0, min(rank, search.MaxWindow))})
	}
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
}

// staffParams are the parameters of the analytics endpoints.
var staffParams = params{"days": false, "site": false, "format": false, "report": false}

// staffRealm is the realm of the staff page's Basic authentication.
const staffRealm = `Basic realm="missionsearch staff", charset="UTF-8"`

// authorizeStaff checks r's credentials against Config.AdminToken: the
// bearer token of the API, or HTTP Basic authentication with the token as
// the password (any user name), which browsers ask for without JavaScript.
// It answers EUNAUTHORIZED when there is neither, EFORBIDDEN when the
// token is wrong, both in constant time.
func (s *Server) authorizeStaff(r *http.Request) error {
	if _, pass, ok := r.BasicAuth(); ok {
		got, want := sha256.Sum256([]byte(pass)), sha256.Sum256([]byte(s.cfg.AdminToken))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			return missionsearch.Errorf(missionsearch.EFORBIDDEN, "The admin token is wrong.")
		}
		return nil
	}
	return s.authorize(r)
}

// staffPeriod reads the period of an analytics request: days (1 to 3660,
// default 30; 0 for everything kept) and site.
func (s *Server) staffPeriod(v url.Values) (analytics.Period, int, error) {
	days := 30
	if d := v.Get("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 3660 {
			return analytics.Period{}, 0, invalid("The parameter \"days\" must be a number of days from 0 (everything kept) to 3660.")
		}
		days = n
	}
	p := analytics.Period{Site: v.Get("site")}
	if days > 0 {
		p.From = time.Now().UTC().AddDate(0, 0, -days)
	}
	return p, days, nil
}

// staffEnabled answers 404 and reports false when the analytics endpoints
// are off (no Recorder or no admin token).
func (s *Server) staffEnabled(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.Analytics == nil || s.cfg.AdminToken == "" {
		s.writeError(w, r, missionsearch.Errorf(missionsearch.ENOTFOUND, "The search analytics are disabled on this server."))
		return false
	}
	return true
}

// handleAnalyticsAPI answers GET /api/admin/analytics (bearer token) with
// the analytics.Report of the period as JSON, or one of its tables as CSV
// with format=csv (report=searches|top|zero|unopened|weeks|sites).
func (s *Server) handleAnalyticsAPI(w http.ResponseWriter, r *http.Request) {
	if !s.staffEnabled(w, r) {
		return
	}
	if err := s.authorizeStaff(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := query(r, staffParams, nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch v.Get("format") {
	case "", "json":
	case "csv":
		s.writeAnalyticsCSV(w, r, v)
		return
	default:
		s.writeError(w, r, invalid("The format %q is not valid. Please choose json or csv.", v.Get("format")))
		return
	}
	if v.Get("report") != "" {
		s.writeError(w, r, invalid("The parameter \"report\" chooses the table of format=csv."))
		return
	}
	p, _, err := s.staffPeriod(v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.cfg.Analytics.Flush(r.Context()) // the staff's own last searches count
	rep, err := s.cfg.Analytics.Report(r.Context(), p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

// handleAnalyticsCSV answers GET /admin/analytics.csv: the CSV of
// GET /api/admin/analytics?format=csv, under the staff page's path so that
// browsers send it the page's Basic credentials.
func (s *Server) handleAnalyticsCSV(w http.ResponseWriter, r *http.Request) {
	if !s.staffEnabled(w, r) {
		return
	}
	if err := s.authorizeStaff(r); err != nil {
		s.challenge(w, r, err)
		return
	}
	v, err := query(r, staffParams, nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if f := v.Get("format"); f != "" && f != "csv" {
		s.writeError(w, r, invalid("The format of /admin/analytics.csv is csv."))
		return
	}
	s.writeAnalyticsCSV(w, r, v)
}

// writeAnalyticsCSV answers with the CSV table report (default searches)
// of the period of v.
func (s *Server) writeAnalyticsCSV(w http.ResponseWriter, r *http.Request, v url.Values) {
	p, _, err := s.staffPeriod(v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	table := v.Get("report")
	if table == "" {
		table = analytics.CSVSearches
	}
	s.cfg.Analytics.Flush(r.Context())
	// Buffered: an error is still an error answer, and the tables are
	// bounded (at most a million searches).
	var buf bytes.Buffer
	if err := s.cfg.Analytics.WriteCSV(r.Context(), &buf, table, p); err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", analytics.CSVContentType)
	h.Set("Content-Disposition", `attachment; filename="recherches-`+table+`-`+time.Now().UTC().Format("20060102")+`.csv"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// challenge answers a failed staff authentication: 401 with a Basic
// challenge, so that the browser asks for the token, and the French page.
func (s *Server) challenge(w http.ResponseWriter, r *http.Request, err error) {
	w.Header().Set("WWW-Authenticate", staffRealm)
	msg := staffAuthMessage(err)
	if !acceptsHTML(r) {
		s.writeJSON(w, r, http.StatusUnauthorized, errorBody{errorDetail{Code: missionsearch.EUNAUTHORIZED, Message: msg}})
		return
	}
	s.renderStaff(w, r, http.StatusUnauthorized, &staffView{Error: msg})
}

// staffView is what the analytics template shows.
type staffView struct {
	Base     string
	SiteName string
	Title    string // of the page, and its h1 (staff-head)
	Nav      string // its entry in the staff navigation
	Error    string
	Days     int
	Site     string
	Periods  []staffLink
	Rep      *analytics.Report
	CSV      []staffLink
	Sites    []staffSite
	MaxWeek  int // the most searches of a week, the scale of the bars
	Retained int // the retention, in days
	JSONURL  string
}

// staffSite is a row of the per-site table, with the link to its report.
type staffSite struct {
	analytics.GroupStat
	URL string
}

type staffLink struct {
	Label, URL string
	Current    bool
}

// handleAnalyticsPage answers GET /admin/analytics: the staff page of the
// search analytics, in French, behind the admin token (HTTP Basic, the
// token as password; or the bearer token).
func (s *Server) handleAnalyticsPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.Analytics == nil || s.cfg.AdminToken == "" {
		s.renderError(w, r, http.StatusNotFound, "Page introuvable", "Cette adresse ne correspond à aucune page de la recherche.")
		return
	}
	if err := s.authorizeStaff(r); err != nil {
		s.challenge(w, r, err)
		return
	}
	v, err := query(r, staffParams.with(), nil)
	if err == nil && (v.Get("format") != "" || v.Get("report") != "") {
		err = invalid("The staff page takes only days and site.")
	}
	var p analytics.Period
	var days int
	if err == nil {
		p, days, err = s.staffPeriod(v)
	}
	if err != nil {
		_, msg, _ := classify(err)
		s.renderStaff(w, r, http.StatusBadRequest, &staffView{Error: msg})
		return
	}
	s.cfg.Analytics.Flush(r.Context())
	rep, err := s.cfg.Analytics.Report(r.Context(), p)
	if err != nil {
		s.logger(r).ErrorContext(r.Context(), "analytics report failed", "err", err)
		s.renderStaff(w, r, http.StatusInternalServerError, &staffView{Error: "Les statistiques n'ont pas pu être lues. Réessayez plus tard."})
		return
	}
	vw := &staffView{Days: days, Site: p.Site, Rep: rep, Retained: int(s.cfg.Analytics.Retention().Hours() / 24)}
	at := func(path string, edit func(url.Values)) string {
		u := url.Values{}
		if days != 30 {
			u.Set("days", strconv.Itoa(days))
		}
		if p.Site != "" {
			u.Set("site", p.Site)
		}
		edit(u)
		if len(u) == 0 {
			return s.path(path)
		}
		return s.path(path) + "?" + u.Encode()
	}
	for _, d := range []struct {
		n     int
		label string
	}{{7, "7 jours"}, {30, "30 jours"}, {90, "90 jours"}, {0, "Tout"}} {
		vw.Periods = append(vw.Periods, staffLink{Label: d.label, Current: d.n == days,
			URL: at("/admin/analytics", func(u url.Values) { u.Del("days"); u.Set("days", strconv.Itoa(d.n)) })})
	}
	for _, c := range []struct{ table, label string }{
		{analytics.CSVSearches, "Toutes les recherches"}, {analytics.CSVTop, "Recherches fréquentes"},
		{analytics.CSVZero, "Sans résultat"}, {analytics.CSVUnopened, "Aucun résultat ouvert"},
		{analytics.CSVWeeks, "Par semaine"}, {analytics.CSVSites, "Par site"},
	} {
		vw.CSV = append(vw.CSV, staffLink{Label: c.label, URL: at("/admin/analytics.csv", func(u url.Values) { u.Set("report", c.table) })})
	}
	vw.JSONURL = at("/api/admin/analytics", func(url.Values) {})
	for _, st := range rep.Sites {
		vw.Sites = append(vw.Sites, staffSite{st, at("/admin/analytics", func(u url.Values) { u.Set("site", st.Key) })})
	}
	for _, wk := range rep.Weeks {
		vw.MaxWeek = max(vw.MaxWeek, wk.Searches)
	}
	s.renderStaff(w, r, http.StatusOK, vw)
}

// renderStaff executes the analytics template.
func (s *Server) renderStaff(w http.ResponseWriter, r *http.Request, status int, vw *staffView) {
	vw.Base, vw.SiteName = s.base, s.staffSiteName()
	vw.Title, vw.Nav = "Statistiques de recherche", "analytics"
	s.writeStaffHTML(w, r, status, "analytics", vw)
}

// staffSiteName is the site's name on the staff pages.
func (s *Server) staffSiteName() string {
	if n := s.cfg.Branding.SiteName; n != "" {
		return n
	}
	return "le site de la mission"
}

// staffAuthMessage is what a staff page says to a request whose
// credentials failed with err (authorizeStaff).
func staffAuthMessage(err error) string {
	if code, _, _ := classify(err); code == missionsearch.EFORBIDDEN {
		return "Le jeton d'administration est incorrect."
	}
	return "Cette page est réservée au personnel : entrez le jeton d'administration comme mot de passe (l'identifiant est libre)."
}

// writeStaffHTML answers with status and the staff template name executed
// with data, never cached; a template error is logged and answered.
func (s *Server) writeStaffHTML(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		s.logger(r).ErrorContext(r.Context(), "render staff page", "page", name, "err", err)
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}
