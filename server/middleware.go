package server

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/missionsearch/missionsearch"
)

// middleware wraps the router in the middleware every response goes
// through, outermost first: access log and metrics, panic recovery,
// security headers, gzip, CORS, the JSON form of stdlib errors. Rate limiting and route naming run inside
// the router (they need the matched route), timeouts and caching per route.
func (s *Server) middleware(h http.Handler) http.Handler {
	h = s.jsonErrors(h)
	h = s.cors(h)
	h = gzipResponses(h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.observe(h)
	h = s.forwarded(h)
	return h
}

// reqInfo is what the middleware learns of a request while it runs.
type reqInfo struct {
	id    string
	route string
	log   *slog.Logger
}

type reqInfoKey struct{}

func info(r *http.Request) *reqInfo {
	ri, _ := r.Context().Value(reqInfoKey{}).(*reqInfo)
	return ri
}

// setRoute records the name of the route r matched.
func setRoute(r *http.Request, name string) {
	if ri := info(r); ri != nil {
		ri.route = name
	}
}

// logger returns the logger of r, with its request id.
func (s *Server) logger(r *http.Request) *slog.Logger {
	if ri := info(r); ri != nil && ri.log != nil {
		return ri.log
	}
	return s.log
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id (X-Request-ID), then logs it and counts
// it in the metrics once answered.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: newRequestID(), route: "unmatched"}
		ri.log = s.log.With("request_id", ri.id)
		w.Header().Set("X-Request-ID", ri.id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.observeRequest(ri.route, r.Method, status, d)
			// The query string is not logged: it holds what people search for.
			ri.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", ri.route), slog.Int("status", status),
				slog.Int64("bytes", sw.bytes), slog.Float64("duration_ms", float64(d.Microseconds())/1000))
		}()
		next.ServeHTTP(sw, r)
	})
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// recoverPanics turns a panic of a handler into a logged 500 JSON error.
// When the handler had already started its answer, the connection is
// aborted instead, so that the client sees a broken response rather than a
// truncated one that looks complete.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger(r).ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "path", r.URL.Path, "stack", string(debug.Stack()))
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				panic(http.ErrAbortHandler)
			}
			h := w.Header()
			for _, k := range []string{"Content-Encoding", "Content-Length", "ETag", "Content-Disposition"} {
				h.Del(k)
			}
			s.writeError(w, r, errors.New("panic"))
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only the server's own scripts, styles and
// images: no inline script or style, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the security headers of every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		next.ServeHTTP(w, r)
	})
}

// nameRoute records the name of the matched route for the log and metrics.
func (s *Server) nameRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt := mux.CurrentRoute(r); rt != nil {
			setRoute(r, rt.GetName())
		}
		next.ServeHTTP(w, r)
	})
}

// withTimeout bounds the context of the requests to h by d. Handlers give
// up when it expires and answer 503 (see classify).
func (s *Server) withTimeout(d time.Duration, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h(w, r.WithContext(ctx))
	})
}

// cors answers preflight requests and adds the CORS headers of the
// configured origins. Requests from other origins are served without CORS
// headers, so browsers do not let the calling page read them; their
// preflights get a 403.
func (s *Server) cors(next http.Handler) http.Handler {
	if len(s.corsOrigins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != ""
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		allowed := s.corsAny || s.corsOrigins[origin]
		if preflight {
			setRoute(r, routePreflight)
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if !allowed {
				s.writeError(w, r, missionsearch.Errorf(missionsearch.EFORBIDDEN, "The origin %s may not call this API.", clip(origin)))
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match")
			h.Set("Access-Control-Max-Age", "600")
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "ETag, Retry-After, X-Request-ID")
		}
		next.ServeHTTP(w, r)
	})
}

// rateLimit refuses requests beyond the per-client rate with 429 and a
// Retry-After header: a JSON error for the API, the search page with the
// message for a page. Suggestions have their own, larger budget (sent
// while typing); static assets, health, readiness and metrics are never
// limited, so that pages render and probes and scrapers keep working
// during a flood.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	if s.limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lim := s.limiter
		if rt := mux.CurrentRoute(r); rt != nil {
			switch rt.GetName() {
			case routeHealth, routeReady, routeMetrics, routeStatic:
				next.ServeHTTP(w, r)
				return
			case routeSuggest:
				lim = s.suggests
			}
		}
		if wait, ok := lim.allow(clientKey(r), time.Now()); !ok {
			secs := max(1, int((wait+time.Second-1)/time.Second))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.metrics.rateLimited.Inc()
			err := missionsearch.Errorf(missionsearch.ETOOMANY,
				"Trop de requêtes. Veuillez patienter %d s et réessayer.", secs)
			if rt := mux.CurrentRoute(r); rt != nil && (rt.GetName() == routeHome || rt.GetName() == routeSearchPage) {
				q, _ := url.ParseQuery(r.URL.RawQuery)
				keep := url.Values{}
				for _, k := range []string{"q", "hl"} {
					if x := q.Get(k); utf8.ValidString(x) {
						keep.Set(k, x)
					}
				}
				s.renderPageError(w, r, keep, err)
				return
			}
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientKey identifies the visitor of r for the rate limit: its IP
// address, or its /64 network for IPv6, where one client often has a whole
// /64. The address is the forwarded one only from a trusted proxy
// (visitorOf).
func clientKey(r *http.Request) string {
	a := visitorOf(r).addr
	if !a.IsValid() {
		return r.RemoteAddr
	}
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// cacheable buffers the GET and HEAD responses of next. A 200 gets a weak
// ETag (hash of the body) and, unless the handler set one,
// Cache-Control: public, max-age=maxAge; a request whose If-None-Match
// has that ETag gets a 304 with no body. Other statuses pass unchanged.
func cacheable(maxAge int, next http.Handler) http.Handler {
	cc := "public, max-age=" + strconv.Itoa(maxAge)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		bw := &bufferWriter{header: w.Header()}
		basis := new(etagBasis)
		r = r.WithContext(context.WithValue(r.Context(), etagBasisKey{}, basis))
		// A HEAD request is served as a GET so that the ETag is the GET's.
		r2 := r
		if r.Method == http.MethodHead {
			r2 = r.Clone(r.Context())
			r2.Method = http.MethodGet
		}
		next.ServeHTTP(bw, r2)
		h := w.Header()
		if bw.status == 0 {
			bw.status = http.StatusOK
		}
		if bw.status != http.StatusOK {
			w.WriteHeader(bw.status)
			if r.Method != http.MethodHead {
				w.Write(bw.buf)
			}
			return
		}
		sum := sha256.Sum256(bw.buf)
		if basis.set {
			sum = basis.h
		}
		etag := `W/"` + hex.EncodeToString(sum[:12]) + `"`
		h.Set("ETag", etag)
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", cc)
		}
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			h.Del("Content-Type")
			h.Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(bw.buf)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(bw.buf)
		}
	})
}

// etagBasis lets a handler whose body holds a varying part (the time a
// search took) give cacheable what identifies the content instead of the
// body itself; see setETagBasis.
type etagBasis struct {
	set bool
	h   [sha256.Size]byte
}

type etagBasisKey struct{}

// setETagBasis makes the ETag of the response to r a hash of parts rather
// than of the body. It does nothing outside cacheable.
func setETagBasis(r *http.Request, parts ...[]byte) {
	b, _ := r.Context().Value(etagBasisKey{}).(*etagBasis)
	if b == nil {
		return
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
		h.Write([]byte{0})
	}
	h.Sum(b.h[:0])
	b.set = true
}

// etagMatch reports whether the If-None-Match header value inm names etag,
// by the weak comparison of RFC 9110.
func etagMatch(inm, etag string) bool {
	if inm == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// bufferWriter keeps a response in memory.
type bufferWriter struct {
	header http.Header
	status int
	buf    []byte
}

func (w *bufferWriter) Header() http.Header { return w.header }
func (w *bufferWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *bufferWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf = append(w.buf, b...)
	return len(b), nil
}

// gzipResponses compresses the compressible responses (text, JSON,
// JavaScript, XML, CSV) of clients that accept gzip.
func gzipResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w, accept: acceptsGzip(r.Header.Get("Accept-Encoding"))}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip.
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

// gzipWriter decides at WriteHeader whether to compress.
type gzipWriter struct {
	http.ResponseWriter
	accept  bool
	decided bool
	gz      *gzip.Writer
}

func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/javascript" ||
		mt == "application/x-ndjson" || mt == "image/svg+xml" || strings.HasSuffix(mt, "+xml") ||
		strings.HasSuffix(mt, "+json") || mt == "application/xml"
}

func (w *gzipWriter) WriteHeader(code int) {
	if !w.decided {
		w.decided = true
		h := w.Header()
		if compressible(h.Get("Content-Type")) {
			h.Add("Vary", "Accept-Encoding")
			small := false
			if cl, err := strconv.Atoi(h.Get("Content-Length")); err == nil && cl < 512 {
				small = true
			}
			if w.accept && !small && h.Get("Content-Encoding") == "" && code != http.StatusNoContent &&
				code != http.StatusNotModified && code >= 200 {
				h.Del("Content-Length")
				h.Set("Content-Encoding", "gzip")
				w.gz = gzipPool.Get().(*gzip.Writer)
				w.gz.Reset(w.ResponseWriter)
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what was written so far, compressed or not.
func (w *gzipWriter) Flush() {
	if w.gz != nil {
		w.gz.Flush()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *gzipWriter) close() {
	if w.gz == nil {
		return
	}
	w.gz.Close()
	w.gz.Reset(nil)
	gzipPool.Put(w.gz)
	w.gz = nil
}
