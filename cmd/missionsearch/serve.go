package main

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/analytics"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/indexer"
	"github.com/missionsearch/missionsearch/search"
	"github.com/missionsearch/missionsearch/server"
	"github.com/missionsearch/missionsearch/store"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "serve", "",
		"Serves the JSON API and the French search page from the live index. It notices a new\n"+
			"build switched live by reindex or crawl and swaps to it with no failed request.")
	data := dataFlag(env, fs)
	addr := fs.String("addr", envOr(env, "MISSIONSEARCH_ADDR", "127.0.0.1:8080"), "address to listen on (env MISSIONSEARCH_ADDR)")
	readOnly := fs.Bool("read-only", false, "read replica: serve the builds of an existing DATA/indexes (a copy, no store.db needed), write nothing, no admin reindex")
	cors := fs.String("cors", envOr(env, "MISSIONSEARCH_CORS", ""), "comma-separated origins allowed to call the API from browsers (env MISSIONSEARCH_CORS)")
	rateLimit := fs.Float64("rate-limit", 20, "requests per second allowed per client IP (0 = unlimited; env MISSIONSEARCH_RATE_LIMIT)")
	rateBurst := fs.Int("rate-burst", 0, "burst of the rate limit (0 = twice --rate-limit)")
	suggestRate := fs.Float64("suggest-rate-limit", 0, "suggestions per second allowed per client, apart from --rate-limit (0 = 5 × --rate-limit)")
	basePath := fs.String("base-path", "", "path under which the site's proxy serves the search, e.g. /recherche/ (env MISSIONSEARCH_BASE_PATH)")
	publicURL := fs.String("public-url", "", "address visitors use, e.g. https://www.example.org/recherche/, for absolute links (env MISSIONSEARCH_PUBLIC_URL)")
	var brand server.Branding
	fs.StringVar(&brand.SiteName, "site-name", "", "the site's name, shown in the page (env MISSIONSEARCH_SITE_NAME; config [branding] site_name)")
	fs.StringVar(&brand.SiteURL, "site-url", "", "the site's address, linked from the page's header")
	fs.StringVar(&brand.LogoURL, "logo-url", "", "the site's logo, shown in the header")
	fs.StringVar(&brand.PrimaryColor, "primary-color", "", "colour of the header and links, #rrggbb")
	fs.StringVar(&brand.AccentColor, "accent-color", "", "colour of the highlighted words, #rrggbb")
	fs.StringVar(&brand.Footer, "footer", "", "a line of text at the bottom of the page")
	proxies := fs.String("trusted-proxies", "", "comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For/Forwarded headers are trusted, e.g. 127.0.0.1,10.0.0.0/8 (env MISSIONSEARCH_TRUSTED_PROXIES)")
	cacheMB := fs.Int("cache-mb", search.DefaultCacheBytes>>20, "memory of the search result cache, in MiB (0 = no result cache)")
	synonyms := synonymsFlag(fs)
	record := fs.Bool("analytics", true, "record every search, without the client's address, in DATA/analytics.db for the staff page /admin/analytics (env MISSIONSEARCH_ANALYTICS; off on a --read-only replica)")
	retention := fs.Int("analytics-retention-days", 180, "days the search analytics are kept (env MISSIONSEARCH_ANALYTICS_RETENTION_DAYS)")
	var lim serveLimits
	fs.DurationVar(&lim.timeout, "timeout", 5*time.Second, "longest search, suggestion or page")
	fs.DurationVar(&lim.writeTimeout, "write-timeout", 0, "longest time to write an answer (0 = --timeout + 10s; exports and admin reindexes have their own)")
	fs.DurationVar(&lim.exportTimeout, "export-timeout", 5*time.Minute, "longest export")
	fs.DurationVar(&lim.exportStall, "export-stall", 30*time.Second, "longest wait for an export client to take each chunk")
	fs.IntVar(&lim.maxExports, "max-exports", 4, "exports running at once (beyond: 429)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *retention < 1 {
		return usageError{"--analytics-retention-days must be 1 or more"}
	}
	if lim.timeout <= 0 || lim.writeTimeout < 0 || lim.exportTimeout <= 0 || lim.exportStall <= 0 || lim.maxExports <= 0 {
		return usageError{"--timeout, --export-timeout, --export-stall and --max-exports must be positive (--write-timeout may be 0)"}
	}
	token := env.Getenv("MISSIONSEARCH_ADMIN_TOKEN")
	if token == "" && env.Config != nil {
		token = env.Config.file.AdminToken
	}
	sc := serveConfig{
		data: *data, addr: *addr, readOnly: *readOnly, adminToken: token,
		cors: splitList(*cors), rateLimit: *rateLimit, rateBurst: *rateBurst, suggestRate: *suggestRate,
		cacheMB: *cacheMB, limits: lim, basePath: *basePath,
		analytics: *record && !*readOnly, analyticsRetention: time.Duration(*retention) * 24 * time.Hour,
	}
	syn, err := loadSynonyms(*synonyms)
	if err != nil {
		return err
	}
	sc.synonyms = syn
	if *rateLimit < 0 || *rateBurst < 0 || *suggestRate < 0 {
		return usageError{"--rate-limit, --rate-burst and --suggest-rate-limit must be 0 or more"}
	}
	for _, p := range splitList(*proxies) {
		pfx, err := parsePrefix(p)
		if err != nil {
			return usageError{fmt.Sprintf("--trusted-proxies: %q is not an address or a network (CIDR)", p)}
		}
		sc.trustedProxies = append(sc.trustedProxies, pfx)
	}
	if *publicURL != "" {
		u, err := url.Parse(*publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError{fmt.Sprintf("--public-url %q: want an absolute http(s) URL", *publicURL)}
		}
		sc.publicURL = u
	}
	for _, c := range []string{brand.PrimaryColor, brand.AccentColor} {
		if c != "" && !colourRE.MatchString(c) {
			return usageError{fmt.Sprintf("colour %q: want #rgb or #rrggbb", c)}
		}
	}
	sc.branding = brand // flags, env or the file's [branding] (applySettings)
	// The site of the analytics: the one [[sites]] entry's name, else the
	// site's name. One data directory serves one site today.
	sc.site = brand.SiteName
	if env.Config != nil && len(env.Config.file.Sites) == 1 {
		sc.site = env.Config.file.Sites[0].Name
	}
	if env.Config != nil {
		b := env.Config.file.Branding
		sc.branding.SectionLabels, sc.branding.TagLabels = b.SectionLabels, b.TagLabels
		for _, s := range env.Config.file.Sites {
			if s.Label != "" {
				if sc.branding.SiteLabels == nil {
					sc.branding.SiteLabels = map[string]string{}
				}
				sc.branding.SiteLabels[s.Name] = s.Label
			}
		}
		sc.branding.ByLang = map[string]server.Labels{}
		for l, lb := range b.Lang {
			sc.branding.ByLang[l] = server.Labels{SiteName: lb.SiteName, Footer: lb.Footer,
				SectionLabels: lb.SectionLabels, TagLabels: lb.TagLabels}
		}
	}
	srv, err := startServer(ctx, env, sc)
	if err != nil {
		return err
	}
	defer srv.close()
	// The URL under the base path, without a trailing slash: URL + "/api/…".
	at := srv.url
	if b := strings.Trim(sc.basePath, "/"); b != "" {
		at += "/" + b
	} else if sc.publicURL != nil {
		if b := strings.Trim(sc.publicURL.Path, "/"); b != "" {
			at += "/" + b
		}
	}
	fmt.Fprintf(env.Stdout, "missionsearch: serving search at %s\n", at)
	<-ctx.Done()
	return nil
}

type serveConfig struct {
	data                   string
	addr                   string
	readOnly               bool
	adminToken             string
	cors                   []string
	rateLimit, suggestRate float64
	rateBurst              int
	cacheMB                int
	synonyms               [][]string // the site's, added to the shipped ones
	limits                 serveLimits
	basePath               string
	publicURL              *url.URL
	trustedProxies         []netip.Prefix
	branding               server.Branding
	// analytics records the searches in DATA/analytics.db, kept for
	// analyticsRetention (0: analytics.DefaultRetention), under site.
	analytics          bool
	analyticsRetention time.Duration
	site               string
}

// serveLimits are the server's time and concurrency bounds (server.Config;
// zero values take its defaults).
type serveLimits struct {
	timeout, writeTimeout, exportTimeout, exportStall time.Duration
	maxExports                                        int
}

// running is a started serve: the HTTP server, the live index and what
// keeps it current.
type running struct {
	url   string
	close func()
}

// startServer opens the live index of cfg.data, starts watching for new
// builds and starts the HTTP server. It returns once the server listens.
func startServer(ctx context.Context, env *Env, cfg serveConfig) (*running, error) {
	logger := env.Logger
	if cfg.readOnly {
		// A replica creates nothing: a --data without indexes/ is a
		// mistake (a wrong path, a copy not made yet), not an empty index.
		p := filepath.Join(cfg.data, "indexes")
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			return nil, missionsearch.Errorf(missionsearch.ENOTFOUND,
				"--read-only: %s is not an indexes directory; copy DATA/indexes of the indexing node there first (see README, Read replicas).", p)
		}
	}
	d, err := openDir(cfg.data)
	if err != nil {
		return nil, err
	}
	live, err := index.OpenLive(d, logger.With("component", "index"))
	if err != nil {
		return nil, err
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	go live.Watch(watchCtx, 2*time.Second)

	var reindex func(context.Context) error
	var deadLinks func(context.Context, func(server.DeadLink) error) error
	var history func(context.Context, string) ([]missionsearch.Change, error)
	var changes func(context.Context, int) ([]missionsearch.PageChange, error)
	if !cfg.readOnly {
		// The store is opened for each call: serve holds no write handle
		// on it between them.
		withStore := func(ctx context.Context, fn func(*store.Store) error) error {
			st, err := store.Open(ctx, filepath.Join(cfg.data, "store.db"))
			if err != nil {
				return err
			}
			defer st.Close()
			return fn(st)
		}
		var mu sync.Mutex
		reindex = func(ctx context.Context) error {
			if !mu.TryLock() {
				return missionsearch.Errorf(missionsearch.ECONFLICT, "a reindex is already running")
			}
			defer mu.Unlock()
			err := withStore(ctx, func(st *store.Store) error {
				_, err := indexer.Rebuild(ctx, st, d, indexer.Options{Logger: logger.With("component", "indexer")})
				return err
			})
			if err != nil {
				return err
			}
			return live.Reload()
		}
		deadLinks = func(ctx context.Context, fn func(server.DeadLink) error) error {
			return withStore(ctx, func(st *store.Store) error {
				return st.BrokenLinks(ctx, func(l store.BrokenLink) error {
					return fn(server.DeadLink{URL: l.URL, Status: l.Status, CitedBy: l.CitedBy})
				})
			})
		}
		history = func(ctx context.Context, id string) (h []missionsearch.Change, err error) {
			err = withStore(ctx, func(st *store.Store) error { h, err = st.History(ctx, id); return err })
			return h, err
		}
		changes = func(ctx context.Context, limit int) (cs []missionsearch.PageChange, err error) {
			err = withStore(ctx, func(st *store.Store) error { cs, err = st.RecentChanges(ctx, limit); return err })
			return cs, err
		}
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := registerServeMetrics(reg, d, live.BuildID); err != nil {
		stopWatch()
		live.Close()
		return nil, err
	}
	var rec *analytics.Recorder
	if cfg.analytics && !cfg.readOnly {
		rec, err = analytics.Open(ctx, filepath.Join(cfg.data, "analytics.db"), analytics.Options{
			Retention: cfg.analyticsRetention, Site: cfg.site, Logger: logger.With("component", "analytics")})
		if err != nil {
			stopWatch()
			live.Close()
			return nil, err
		}
	}
	closeAll := func() {
		stopWatch()
		live.Close()
		if rec != nil {
			rec.Close()
		}
	}
	searcher := search.NewLive(live)
	searcher.SetCacheBytes(int64(cfg.cacheMB) << 20)
	searcher.SetSynonyms(cfg.synonyms)
	srv, err := server.New(server.Config{
		Searcher:         searcher,
		Reindex:          reindex,
		DeadLinks:        deadLinks,
		History:          history,
		Changes:          changes,
		AdminToken:       cfg.adminToken,
		Analytics:        rec,
		Logger:           logger.With("component", "server"),
		Registerer:       reg,
		Gatherer:         reg,
		Ready:            live.Ready,
		BuildID:          live.BuildID,
		CORSOrigins:      cfg.cors,
		RateLimit:        cfg.rateLimit,
		RateBurst:        cfg.rateBurst,
		SuggestRateLimit: cfg.suggestRate,
		BasePath:         cfg.basePath,
		PublicURL:        cfg.publicURL,
		TrustedProxies:   cfg.trustedProxies,
		Branding:         cfg.branding,

		Timeout:       cfg.limits.timeout,
		WriteTimeout:  cfg.limits.writeTimeout,
		ExportTimeout: cfg.limits.exportTimeout,
		ExportStall:   cfg.limits.exportStall,
		MaxExports:    cfg.limits.maxExports,
	})
	if err != nil {
		closeAll()
		return nil, err
	}
	if err := srv.Open(cfg.addr); err != nil {
		closeAll()
		return nil, err
	}
	admin := redact(cfg.adminToken)
	if cfg.readOnly {
		admin = "(read-only: admin endpoints disabled)"
	}
	logger.Info("serving", "addr", srv.URL(), "data", cfg.data, "read_only", cfg.readOnly,
		"build", live.BuildID(), "admin_token", admin, "cors", cfg.cors, "rate_limit", cfg.rateLimit, "cache_mb", cfg.cacheMB,
		"analytics", rec != nil)
	return &running{
		url: srv.URL(),
		close: func() {
			srv.Close() // no search is recorded after it
			closeAll()
		},
	}, nil
}

func redact(secret string) string {
	if secret == "" {
		return "(none: admin endpoints disabled)"
	}
	return "(set)"
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
