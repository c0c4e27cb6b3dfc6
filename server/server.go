package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/analytics"
	"github.com/missionsearch/missionsearch/search"
	"github.com/missionsearch/missionsearch/server/ui"
)

// Config configures a Server. Searcher is required; every other field has
// a usable zero value.
type Config struct {
	// Searcher answers searches, suggestions and document look-ups.
	Searcher *search.Searcher
	// Reindex rebuilds the index and switches it live, for
	// POST /api/admin/reindex. It returns an ECONFLICT *missionsearch.Error
	// when a reindex is already running. nil disables the endpoint (404).
	Reindex func(context.Context) error
	// DeadLinks lists the site's dead links for GET /api/admin/links;
	// nil disables the endpoint (404).
	DeadLinks func(ctx context.Context, fn func(DeadLink) error) error
	// History returns the changes of the page with an ID, newest first,
	// for GET /api/documents/{id}/history (ENOTFOUND when no page has the
	// ID); nil disables the endpoint (404).
	History func(ctx context.Context, id string) ([]missionsearch.Change, error)
	// Changes returns the last limit changes of every page, newest first,
	// for the staff page GET /admin/modifications (with History); nil
	// disables it (404).
	Changes func(ctx context.Context, limit int) ([]missionsearch.PageChange, error)
	// AdminToken is the bearer token of the admin endpoints; "" disables
	// them (404).
	AdminToken string
	// Analytics records every search and every result opened from the
	// page (whose result links then go through GET /clic), for the staff
	// page GET /admin/analytics and GET /api/admin/analytics (admin
	// token). nil records nothing and disables them. The server does not
	// close it.
	Analytics *analytics.Recorder
	// Logger receives the access log and errors; nil discards them.
	Logger *slog.Logger
	// Registerer receives the server's metrics and Gatherer is what
	// /metrics serves. When both are nil the server uses a registry of its
	// own; when only Registerer is set and is also a Gatherer, it is used
	// for both.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	// Ready reports whether an index is open, for /readyz; nil means always
	// ready.
	Ready func() bool
	// BuildID returns the id of the live index build, shown by /readyz and
	// the missionsearch_index_build_info metric; nil means unknown.
	BuildID func() string
	// CORSOrigins lists the origins (scheme://host[:port]) allowed to call
	// the API from browsers; "*" allows any origin. Empty: no CORS headers.
	CORSOrigins []string
	// RateLimit is the number of requests per second allowed per client IP
	// address (IPv6 clients by /64 network), with bursts of RateBurst;
	// 0 means unlimited. /healthz, /readyz and /metrics are never limited.
	RateLimit float64
	// RateBurst is the bucket size of the rate limit; 0 means
	// max(1, 2×RateLimit).
	RateBurst int
	// SuggestRateLimit is the rate of the suggestions of one client (sent
	// while typing), counted apart from the other requests, with bursts of
	// twice as many; 0 means 5×RateLimit. Static assets, /healthz, /readyz
	// and /metrics are never limited.
	SuggestRateLimit float64
	// TrustedProxies are the networks of the reverse proxies in front of
	// the server: from them, and only from them, the client's address,
	// scheme and host are read from Forwarded or X-Forwarded-For/-Proto/
	// -Host. Empty: the peer address is the client.
	TrustedProxies []netip.Prefix
	// PublicURL is the address under which visitors reach the search
	// ("https://www.example.org/recherche/"), for absolute links (the
	// OpenSearch document); its path is the base path unless BasePath is
	// set. nil: the scheme and host of each request (forwarded by a
	// trusted proxy) and BasePath.
	PublicURL *url.URL
	// BasePath is the path under which the site's proxy serves the search
	// ("/recherche/"): every link, asset, form and API URL the server
	// writes starts with it, and requests are accepted with or without it
	// (a proxy may strip it). "" or "/": the root.
	BasePath string
	// Branding dresses the page in the site's clothes.
	Branding Branding
	// MaxClients bounds the number of per-client limiters kept in memory;
	// the least recently seen client is forgotten first. 0 means 10000.
	MaxClients int
	// Timeout bounds each API request and page (the search, suggestion or
	// look-up it does); 0 means 5 seconds.
	Timeout time.Duration
	// ExportTimeout bounds an export; 0 means 5 minutes.
	ExportTimeout time.Duration
	// ReindexTimeout bounds an admin reindex; 0 means 1 hour.
	ReindexTimeout time.Duration
	// ExportStall bounds the wait for an export client to take each chunk
	// of the export (a client that stops reading is dropped after it);
	// 0 means 30 seconds.
	ExportStall time.Duration
	// MaxExports bounds the exports running at once; beyond it an export
	// answers 429 with a Retry-After. 0 means 4.
	MaxExports int

	// Phase timeouts of the connections Open serves: reading the request
	// headers (0 means 10 seconds), the whole request (0 means 30
	// seconds), writing a response (0 means Timeout plus 10 seconds; the
	// export and the admin reindex extend their own deadlines), and an
	// idle keep-alive connection (0 means 2 minutes). A client slower
	// than them has its connection closed. Errors that net/http answers
	// itself before any handler runs (a malformed request line, headers
	// over 64 KiB: 400 and 431) are plain text: they never reach the
	// server's handler, so they cannot be given the JSON error form.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Ready == nil {
		c.Ready = func() bool { return true }
	}
	if c.BuildID == nil {
		c.BuildID = func() string { return "" }
	}
	if c.RateBurst <= 0 {
		c.RateBurst = max(1, int(2*c.RateLimit))
	}
	if c.SuggestRateLimit <= 0 {
		c.SuggestRateLimit = 5 * c.RateLimit
	}
	if c.MaxClients <= 0 {
		c.MaxClients = 10000
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Second
	}
	if c.ExportTimeout <= 0 {
		c.ExportTimeout = 5 * time.Minute
	}
	if c.ReindexTimeout <= 0 {
		c.ReindexTimeout = time.Hour
	}
	if c.ExportStall <= 0 {
		c.ExportStall = 30 * time.Second
	}
	if c.MaxExports <= 0 {
		c.MaxExports = 4
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 30 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = c.Timeout + 10*time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	return c
}

// Branding is how the search page looks like the site it searches. Every
// field is optional.
type Branding struct {
	// SiteName names the site ("AIM Maroc") in the page's title, header
	// and OpenSearch document; "" says "le site de la mission".
	SiteName string
	// SiteURL is the link back to the site, from the header.
	SiteURL string
	// LogoURL is the site's logo, shown in the header (an absolute URL or
	// a path of the site).
	LogoURL string
	// PrimaryColor and AccentColor are CSS colours (#rrggbb) of the
	// header and links, and of the highlights.
	PrimaryColor, AccentColor string
	// Footer is a line of plain text at the bottom of the page.
	Footer string
	// SectionLabels name the site's sections ("actualites" →
	// "Actualités") in every language, over the built-in labels;
	// TagLabels likewise for tags.
	SectionLabels, TagLabels map[string]string
	// SiteLabels name the network's sites (Page.Site: "maroc" → "OIM
	// Maroc") in the site facet and on each hit.
	SiteLabels map[string]string
	// ByLang holds what differs in one UI language ("fr", "en", "ar"):
	// the site's name, footer and labels in that language.
	ByLang map[string]Labels
}

// Labels are the site's texts in one UI language.
type Labels struct {
	SiteName, Footer         string
	SectionLabels, TagLabels map[string]string
}

// cssColor is a colour Branding accepts.
var cssColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// sectionLabel is the label of a section in the page's language: the
// site's own for that language, else its own for every language, else the
// built-in one.
func (s *Server) sectionLabel(tr *ui.Tr, sec string) string {
	b := s.cfg.Branding
	if l := b.ByLang[tr.Lang].SectionLabels[sec]; l != "" {
		return l
	}
	if l := b.SectionLabels[sec]; l != "" {
		return l
	}
	return tr.Section(sec)
}

// siteLabel is the label of a site of the network: its configured label,
// else its name.
func (s *Server) siteLabel(site string) string {
	if l := s.cfg.Branding.SiteLabels[site]; l != "" {
		return l
	}
	return site
}

// tagLabel is the label of a tag in the page's language: the site's own,
// else the tag itself.
func (s *Server) tagLabel(tr *ui.Tr, tag string) string {
	b := s.cfg.Branding
	if l := b.ByLang[tr.Lang].TagLabels[tag]; l != "" {
		return l
	}
	if l := b.TagLabels[tag]; l != "" {
		return l
	}
	return tag
}

// uiLang returns the page's language for r: the hl parameter of v (also
// set from a /en/ or /ar/ path), else the visitor's Accept-Language.
func (s *Server) uiLang(r *http.Request, v url.Values) string {
	if hl := v.Get("hl"); ui.IsLanguage(hl) {
		return hl
	}
	return ui.Negotiate(r.Header.Get("Accept-Language"))
}

// Server is the missionsearch HTTP server. Its handler is safe for
// concurrent use. Open starts listening, Close shuts it down gracefully.
type Server struct {
	cfg         Config
	log         *slog.Logger
	router      *mux.Router
	handler     http.Handler
	tmpl        *template.Template
	metrics     *metrics
	gatherer    prometheus.Gatherer
	limiter     *limiter // nil when unlimited
	corsOrigins map[string]bool
	corsAny     bool
	exports     chan struct{} // a slot per running export (Config.MaxExports)
	suggests    *limiter      // the suggestions' own rate limit; nil when unlimited
	base        string        // the base path, "" or "/recherche" (no trailing slash)
	public      *url.URL      // Config.PublicURL, nil when unset
	brandCSS    *ui.Asset     // the stylesheet of the branding's colours, nil when none

	// done is cancelled by Close: it ends admin reindexes, which outlive
	// their client's connection.
	done   context.Context
	cancel context.CancelFunc

	mu  sync.Mutex
	ln  net.Listener
	srv *http.Server
}

// New returns a Server for cfg, ready to Open or to use through Handler.
func New(cfg Config) (*Server, error) {
	if cfg.Searcher == nil {
		return nil, errors.New("server: Config.Searcher is nil")
	}
	if cfg.RateLimit < 0 || cfg.SuggestRateLimit < 0 {
		return nil, fmt.Errorf("server: negative rate limit %g, %g", cfg.RateLimit, cfg.SuggestRateLimit)
	}
	base, ok := basePath(cfg.BasePath)
	if !ok {
		return nil, fmt.Errorf("server: base path %q is not a plain URL path such as /recherche/", cfg.BasePath)
	}
	if u := cfg.PublicURL; u != nil {
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("server: public URL %q is not an absolute http(s) URL without query", u)
		}
		if cfg.BasePath == "" {
			if base, ok = basePath(u.Path); !ok {
				return nil, fmt.Errorf("server: the path of public URL %q is not a plain URL path", u)
			}
		}
	}
	for _, c := range []string{cfg.Branding.PrimaryColor, cfg.Branding.AccentColor} {
		if c != "" && !cssColor.MatchString(c) {
			return nil, fmt.Errorf("server: colour %q is not #rgb or #rrggbb", c)
		}
	}
	cfg = cfg.withDefaults()
	tmpl, err := ui.Templates()
	if err != nil {
		return nil, fmt.Errorf("server: parse templates: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, tmpl: tmpl, corsOrigins: map[string]bool{}, exports: make(chan struct{}, cfg.MaxExports),
		base: base, public: cfg.PublicURL, brandCSS: newBrandCSS(cfg.Branding)}
	s.tmpl.Funcs(template.FuncMap{
		"asset": func(name string) string { return s.base + ui.AssetURL(name) },
		"brandcss": func() string {
			if s.brandCSS == nil {
				return ""
			}
			return s.base + "/static/" + brandCSSName + "?v=" + s.brandCSS.Hash
		},
	})
	s.done, s.cancel = context.WithCancel(context.Background())
	for _, o := range cfg.CORSOrigins {
		if o == "*" {
			s.corsAny = true
		}
		s.corsOrigins[o] = true
	}
	reg, gath := cfg.Registerer, cfg.Gatherer
	if reg == nil {
		r := prometheus.NewRegistry()
		reg = r
		if gath == nil {
			gath = r
		} else {
			gath = prometheus.Gatherers{gath, r}
		}
	} else if gath == nil {
		if g, ok := reg.(prometheus.Gatherer); ok {
			gath = g
		} else {
			gath = prometheus.Gatherers{}
		}
	}
	s.gatherer = gath
	if s.metrics, err = newMetrics(reg, cfg.Ready, cfg.BuildID, cfg.Searcher.CachedSearches, cfg.Analytics); err != nil {
		return nil, err
	}
	if cfg.RateLimit > 0 {
		s.limiter = newLimiter(cfg.RateLimit, cfg.RateBurst, cfg.MaxClients)
		s.suggests = newLimiter(cfg.SuggestRateLimit, max(1, int(2*cfg.SuggestRateLimit)), cfg.MaxClients)
	}
	s.router = s.routes()
	s.handler = s.middleware(s.router)
	return s, nil
}

// Handler returns the server's HTTP handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// Open listens on addr (such as "127.0.0.1:8080", or port 0 for any free
// port) and serves in the background. It returns once the listener is open,
// so URL is valid and requests succeed as soon as it returns.
func (s *Server) Open(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("server: already open")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("server: listen %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	srv := s.srv
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	return nil
}

// URL returns the base URL of the open server, such as
// "http://127.0.0.1:8080", or "" before Open.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// ShutdownTimeout is how long Close waits for requests in flight before it
// closes their connections.
const ShutdownTimeout = 10 * time.Second

// Close stops accepting connections, cancels running admin reindexes and
// waits up to ShutdownTimeout for the requests in flight to finish. It is
// safe to call Close on a server that was never opened, and twice.
func (s *Server) Close() error {
	s.cancel()
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}
