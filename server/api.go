package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/search"
)

// Route names, used as the "route" label of the metrics and in the access
// log.
const (
	routeSearch        = "api_search"
	routeSuggest       = "api_suggest"
	routeDocument      = "api_document"
	routeReindex       = "api_admin_reindex"
	routeDeadLinks     = "api_admin_links"
	routeHistory       = "api_document_history"
	routeAnalytics     = "api_admin_analytics"
	routeStaffPage     = "page_admin_analytics"
	routeStaffCSV      = "admin_analytics_csv"
	routeStaffLinks    = "page_admin_links"
	routeStaffLinksCSV = "admin_links_csv"
	routeStaffChanges  = "page_admin_changes"
	routeOpen          = "open_result"
	routeOpenAPI       = "api_openapi"
	routeHealth        = "healthz"
	routeReady         = "readyz"
	routeMetrics       = "metrics"
	routeOpenSearch    = "opensearch"
	routeHome          = "page_home"
	routeSearchPage    = "page_search"
	routeExport        = "export"
	routeStatic        = "static"
	routeNotFound      = "not_found"
	routeNoMethod      = "method_not_allowed"
	routePreflight     = "cors_preflight"
)

// routes returns the router of every endpoint. Each route has a name (see
// above) and is documented in openapi.json (TestOpenAPICoversRoutes).
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)
	r.Use(s.nameRoute, s.rateLimit)

	get := []string{http.MethodGet, http.MethodHead}
	timed := func(h http.HandlerFunc) http.Handler { return s.withTimeout(s.cfg.Timeout, h) }
	cached := func(h http.HandlerFunc) http.Handler { return cacheable(60, timed(h)) }

	r.Handle("/api/search", cached(s.handleSearch)).Methods(get...).Name(routeSearch)
	r.Handle("/api/suggest", cached(s.handleSuggest)).Methods(get...).Name(routeSuggest)
	r.Handle("/api/documents/{id}", cached(s.handleDocument)).Methods(get...).Name(routeDocument)
	r.Handle("/api/documents/{id}/history", timed(s.handleHistory)).Methods(get...).Name(routeHistory)
	r.Handle("/api/admin/reindex", http.HandlerFunc(s.handleReindex)).Methods(http.MethodPost).Name(routeReindex)
	r.Handle("/api/admin/links", s.withTimeout(s.cfg.ExportTimeout, s.handleDeadLinks)).Methods(get...).Name(routeDeadLinks)
	r.Handle("/api/admin/analytics", s.withTimeout(s.cfg.ExportTimeout, s.handleAnalyticsAPI)).Methods(get...).Name(routeAnalytics)
	r.Handle("/admin/analytics", s.withTimeout(s.cfg.ExportTimeout, s.handleAnalyticsPage)).Methods(get...).Name(routeStaffPage)
	r.Handle("/admin/liens", s.withTimeout(s.cfg.ExportTimeout, s.handleDeadLinksPage)).Methods(get...).Name(routeStaffLinks)
	r.Handle("/admin/liens.csv", s.withTimeout(s.cfg.ExportTimeout, s.handleDeadLinksCSV)).Methods(get...).Name(routeStaffLinksCSV)
	r.Handle("/admin/modifications", s.withTimeout(s.cfg.Timeout, s.handleChangesPage)).Methods(get...).Name(routeStaffChanges)
	r.Handle("/admin/analytics.csv", s.withTimeout(s.cfg.ExportTimeout, s.handleAnalyticsCSV)).Methods(get...).Name(routeStaffCSV)
	r.Handle("/clic", timed(s.handleOpen)).Methods(get...).Name(routeOpen)
	r.Handle("/api/openapi.json", cacheable(300, http.HandlerFunc(s.handleOpenAPI))).Methods(get...).Name(routeOpenAPI)
	r.Handle("/healthz", http.HandlerFunc(s.handleHealth)).Methods(get...).Name(routeHealth)
	r.Handle("/readyz", http.HandlerFunc(s.handleReady)).Methods(get...).Name(routeReady)
	r.Handle("/metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{})).Methods(get...).Name(routeMetrics)
	r.Handle("/opensearch.xml", cacheable(3600, http.HandlerFunc(s.handleOpenSearch))).Methods(get...).Name(routeOpenSearch)
	r.Handle("/", cached(s.handlePage)).Methods(get...).Name(routeHome)
	r.Handle("/search", cached(s.handlePage)).Methods(get...).Name(routeSearchPage)
	r.Handle("/{hl:fr|en|ar}/", cached(s.handlePage)).Methods(get...).Name(routeHome)
	r.Handle("/{hl:fr|en|ar}/search", cached(s.handlePage)).Methods(get...).Name(routeSearchPage)
	r.Handle("/export", s.withTimeout(s.cfg.ExportTimeout, s.handleExport)).Methods(get...).Name(routeExport)
	r.Handle("/static/{file}", http.HandlerFunc(s.handleStatic)).Methods(get...).Name(routeStatic)
	return r
}

// writeJSON answers with v as JSON and the given status.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.logger(r).ErrorContext(r.Context(), "encode json", "err", err)
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{errorDetail{Code: missionsearch.EINTERNAL, Message: "Internal error."}})
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// handleSearch answers GET /api/search with a search.Result.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	v, err := query(r, searchParams, nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := searchRequest(v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.search(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if id := s.record(r, v, req, res, "api", ""); id != "" {
		w.Header().Set("X-Search-ID", id)
	}
	setResultETag(r, res)
	s.writeJSON(w, r, http.StatusOK, res)
}

// setResultETag makes the ETag of a response built from res independent
// of the time the search took, so that a repeated search gets a 304.
func setResultETag(r *http.Request, res *search.Result, more ...[]byte) {
	stable := *res
	stable.Took = 0
	b, err := json.Marshal(stable)
	if err != nil {
		return
	}
	setETagBasis(r, append([][]byte{[]byte(r.URL.Path), []byte(r.URL.RawQuery), b}, more...)...)
}

// search runs req and counts it in the metrics.
func (s *Server) search(ctx context.Context, req search.Request) (*search.Result, error) {
	res, err := s.cfg.Searcher.Search(ctx, req)
	if err == nil {
		s.metrics.observeSearch(req, res)
	}
	return res, err
}

// handleSuggest answers GET /api/suggest?q=PREFIX[&n=N] with
// {"suggestions": [...]}.
func (s *Server) handleSuggest(w http.ResponseWriter, r *http.Request) {
	v, err := query(r, suggestParams, nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := integer(v, "n", 1, search.MaxSuggestions)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sug, err := s.cfg.Searcher.Suggest(r.Context(), v.Get("q"), n)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if sug == nil {
		sug = []string{}
	}
	s.writeJSON(w, r, http.StatusOK, map[string][]string{"suggestions": sug})
}

// handleDocument answers GET /api/documents/{id} with the page record.
func (s *Server) handleDocument(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r, noParams, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	id := mux.Vars(r)["id"]
	if len(id) > 128 {
		s.writeError(w, r, missionsearch.Errorf(missionsearch.ENOTFOUND, "No page has this id."))
		return
	}
	p, err := s.cfg.Searcher.Document(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.Tags == nil {
		p.Tags = []string{}
	}
	s.writeJSON(w, r, http.StatusOK, p)
}

// adminGate answers an admin API request that may not proceed (404 when
// the endpoint is disabled or there is no admin token, 401/403 for a
// missing or wrong bearer token) and reports whether it may; the answer is
// never cached.
func (s *Server) adminGate(w http.ResponseWriter, r *http.Request, enabled bool) bool {
	w.Header().Set("Cache-Control", "no-store")
	if !enabled || s.cfg.AdminToken == "" {
		s.writeError(w, r, missionsearch.Errorf(missionsearch.ENOTFOUND, "The admin endpoints are disabled on this server."))
		return false
	}
	if err := s.authorize(r); err != nil {
		s.writeError(w, r, err)
		return false
	}
	return true
}

// handleHistory answers GET /api/documents/{id}/history (bearer token:
// it reads the crawl store, staff only): when the page changed, newest
// first ({"id", "url", "title", "changes": [...]}).
func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	if !s.adminGate(w, r, s.cfg.History != nil) {
		return
	}
	if _, err := query(r, noParams, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	id := mux.Vars(r)["id"]
	if len(id) > 128 {
		s.writeError(w, r, missionsearch.Errorf(missionsearch.ENOTFOUND, "No page has this id."))
		return
	}
	changes, err := s.cfg.History(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		ID      string                 `json:"id"`
		URL     string                 `json:"url,omitempty"`
		Title   string                 `json:"title,omitempty"`
		Changes []missionsearch.Change `json:"changes"`
	}{ID: id, Changes: changes}
	if p, err := s.cfg.Searcher.Document(r.Context(), id); err == nil {
		out.URL, out.Title = p.URL, p.Title
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

// handleHealth answers GET /healthz: the process is alive.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady answers GET /readyz: 200 when an index is open, else 503.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.Ready() {
		s.writeError(w, r, missionsearch.Errorf(missionsearch.EUNAVAILABLE, "No search index is open yet."))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ready", "build": s.cfg.BuildID()})
}

// handleReindex answers POST /api/admin/reindex: it runs Config.Reindex and
// answers once the new build is live. The reindex goes on if the client
// disconnects (it is cancelled only by Close or ReindexTimeout).
func (s *Server) handleReindex(w http.ResponseWriter, r *http.Request) {
	if !s.adminGate(w, r, s.cfg.Reindex != nil) {
		return
	}
	if _, err := query(r, noParams, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.cfg.ReindexTimeout)
	defer cancel()
	// The answer comes when the reindex ends, long after WriteTimeout.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ReindexTimeout + 10*time.Second))
	stop := context.AfterFunc(s.done, cancel)
	defer stop()
	s.logger(r).InfoContext(ctx, "admin reindex started")
	if err := s.cfg.Reindex(ctx); err != nil {
		if code, _, _ := classify(err); code != missionsearch.ECONFLICT {
			s.logger(r).ErrorContext(ctx, "admin reindex failed", "err", err)
		}
		s.writeError(w, r, err)
		return
	}
	s.logger(r).InfoContext(ctx, "admin reindex done", "build", s.cfg.BuildID())
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok", "build": s.cfg.BuildID()})
}

// authorize checks the bearer token of r against Config.AdminToken in
// constant time: EUNAUTHORIZED when the Authorization header is missing or
// malformed, EFORBIDDEN when the token is wrong.
func (s *Server) authorize(r *http.Request) error {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return missionsearch.Errorf(missionsearch.EUNAUTHORIZED, "This endpoint needs an \"Authorization: Bearer TOKEN\" header.")
	}
	// Compare digests so that neither the length nor the content of the
	// token leaks through timing.
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(s.cfg.AdminToken))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return missionsearch.Errorf(missionsearch.EFORBIDDEN, "The admin token is wrong.")
	}
	return nil
}

//go:embed openapi.json
var openAPI []byte

// handleOpenAPI answers GET /api/openapi.json with the OpenAPI 3.1
// description of the routes.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r, noParams, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Method != http.MethodHead {
		w.Write(openAPI)
	}
}

// handleNotFound answers unknown paths: JSON under /api/, the French page
// elsewhere.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	setRoute(r, routeNotFound)
	err := missionsearch.Errorf(missionsearch.ENOTFOUND, "There is nothing at %s.", clip(r.URL.Path))
	if strings.HasPrefix(r.URL.Path, "/api/") || !acceptsHTML(r) {
		s.writeError(w, r, err)
		return
	}
	s.renderError(w, r, http.StatusNotFound, "Page introuvable", "Cette adresse ne correspond à aucune page de la recherche.")
}

func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	setRoute(r, routeNoMethod)
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusMethodNotAllowed, errorBody{errorDetail{
		Code: "method_not_allowed", Message: "The method " + clip(r.Method) + " is not allowed here."}})
}

// acceptsHTML reports whether r comes from a browser wanting a page.
func acceptsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}
