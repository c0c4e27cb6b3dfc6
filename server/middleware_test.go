package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

func TestGzip(t *testing.T) {
	f := newFixture(t, Config{})
	for _, p := range []string{"/api/search?q=migration", "/search?q=migration", "/static/app.js", "/static/style.css", "/api/openapi.json", "/export?format=csv"} {
		r := f.get(t, p, "Accept-Encoding: gzip, deflate, br")
		if r.status != 200 {
			t.Fatalf("GET %s = %d", p, r.status)
		}
		if r.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s with gzip accepted: Content-Encoding %q", p, r.header.Get("Content-Encoding"))
			continue
		}
		if !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("GET %s: Vary %q", p, r.header.Values("Vary"))
		}
		if r.header.Get("Content-Length") != "" {
			t.Errorf("GET %s: Content-Length %s of the uncompressed body kept", p, r.header.Get("Content-Length"))
		}
		zr, err := gzip.NewReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || len(plain) < len(r.body) {
			t.Errorf("GET %s: gunzip: %v (%d → %d bytes)", p, err, len(r.body), len(plain))
		}
		plainResp := f.get(t, p)
		if plainResp.header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s without gzip: encoding %q", p, plainResp.header.Get("Content-Encoding"))
		}
		if strings.HasPrefix(p, "/static/") || p == "/api/openapi.json" {
			if plainResp.body != string(plain) {
				t.Errorf("GET %s: gunzipped body differs from the plain one", p)
			}
		} else if d := len(plainResp.body) - len(plain); len(plain) == 0 || d > 8 || d < -8 {
			t.Errorf("GET %s: plain %d bytes, gunzipped %d", p, len(plainResp.body), len(plain))
		}
	}
	for _, tt := range []struct{ path, ae string }{
		{"/api/search?q=migration", "gzip;q=0"},
		{"/api/search?q=migration", "identity"},
		{"/healthz", "gzip"}, // too small
		{"/api/suggest?q=zzzz", "gzip"},
	} {
		if r := f.get(t, tt.path, "Accept-Encoding: "+tt.ae); r.header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s with Accept-Encoding %q: compressed", tt.path, tt.ae)
		}
	}
	// 304s stay empty.
	r := f.get(t, "/api/search?q=migration", "Accept-Encoding: gzip")
	if r := f.get(t, "/api/search?q=migration", "Accept-Encoding: gzip", "If-None-Match: "+r.header.Get("ETag")); r.status != 304 || r.body != "" || r.header.Get("Content-Encoding") != "" {
		t.Errorf("304 with gzip: %d %q %q", r.status, r.header.Get("Content-Encoding"), r.body)
	}
}

func TestETag(t *testing.T) {
	f := newFixture(t, Config{})
	for _, p := range []string{"/api/search?q=migration", "/api/suggest?q=mig", "/api/documents/" + idOf("/fr/a-propos"), "/search?q=atelier", "/", "/api/openapi.json", "/opensearch.xml"} {
		r := f.get(t, p)
		etag := r.header.Get("ETag")
		if r.status != 200 || !strings.HasPrefix(etag, `W/"`) {
			t.Fatalf("GET %s = %d, ETag %q", p, r.status, etag)
		}
		if cc := r.header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
			t.Errorf("GET %s: Cache-Control %q", p, cc)
		}
		if r2 := f.get(t, p); r2.header.Get("ETag") != etag {
			t.Errorf("GET %s twice: ETag %q then %q", p, etag, r2.header.Get("ETag"))
		}
		for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag, "*"} {
			r304 := f.get(t, p, "If-None-Match: "+inm)
			if r304.status != http.StatusNotModified || r304.body != "" || r304.header.Get("ETag") != etag {
				t.Errorf("GET %s If-None-Match %s = %d %q", p, inm, r304.status, r304.body)
			}
		}
		if r := f.get(t, p, `If-None-Match: W/"stale"`); r.status != 200 {
			t.Errorf("GET %s with a stale ETag = %d", p, r.status)
		}
	}
	a, b := f.get(t, "/api/search?q=migration"), f.get(t, "/api/search?q=atelier")
	if a.header.Get("ETag") == b.header.Get("ETag") {
		t.Errorf("two searches share ETag %s", a.header.Get("ETag"))
	}
	if r := f.get(t, "/api/search?size=500"); r.header.Get("ETag") != "" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("error response: ETag %q Cache-Control %q", r.header.Get("ETag"), r.header.Get("Cache-Control"))
	}
}

func TestCORS(t *testing.T) {
	f := newFixture(t, Config{CORSOrigins: []string{"https://mission.example.org"}})
	ok, bad := "https://mission.example.org", "https://evil.example.com"

	r := f.get(t, "/api/search?q=migration", "Origin: "+ok)
	if r.header.Get("Access-Control-Allow-Origin") != ok || !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Origin") {
		t.Errorf("allowed origin: ACAO %q, Vary %q", r.header.Get("Access-Control-Allow-Origin"), r.header.Values("Vary"))
	}
	r = f.get(t, "/api/search?q=migration", "Origin: "+bad)
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("denied origin: %d ACAO %q", r.status, r.header.Get("Access-Control-Allow-Origin"))
	}
	pre := func(origin string) response {
		return f.do(t, http.MethodOptions, "/api/search?q=x", "Origin: "+origin, "Access-Control-Request-Method: GET")
	}
	r = pre(ok)
	if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != ok ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "GET") || r.header.Get("Access-Control-Max-Age") == "" {
		t.Errorf("allowed preflight: %d %v", r.status, r.header)
	}
	r = pre(bad)
	if r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("denied preflight: %d %v", r.status, r.header)
	}
	// Without configured origins there are no CORS headers at all.
	g := newFixture(t, Config{})
	if r := g.get(t, "/api/search?q=migration", "Origin: "+ok); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no CORS configured: ACAO %q", r.header.Get("Access-Control-Allow-Origin"))
	}
	if r := g.do(t, http.MethodOptions, "/api/search", "Origin: "+ok, "Access-Control-Request-Method: GET"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("no CORS configured: preflight = %d", r.status)
	}
	// "*" allows any origin.
	h := newFixture(t, Config{CORSOrigins: []string{"*"}})
	if r := h.get(t, "/api/suggest?q=mig", "Origin: "+bad); r.header.Get("Access-Control-Allow-Origin") != bad {
		t.Errorf("CORS *: ACAO %q", r.header.Get("Access-Control-Allow-Origin"))
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, Config{RateLimit: 1, RateBurst: 3})
	from := func(ip, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = ip + ":1234"
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	for i := range 3 {
		if rec := from("192.0.2.1", "/api/search?q=mig"); rec.Code != 200 {
			t.Fatalf("request %d within the burst = %d", i+1, rec.Code)
		}
	}
	rec := from("192.0.2.1", "/api/search?q=mig")
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("request beyond the burst = %d", rec.Code)
	}
	if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After %q", rec.Header().Get("Retry-After"))
	}
	var e apiError
	response{body: rec.Body.String()}.decode(t, &e)
	if e.Error.Code != missionsearch.ETOOMANY {
		t.Errorf("429 body %s", rec.Body)
	}
	// A limited page is the page, with the message and Retry-After.
	rec = from("192.0.2.1", "/search?q=x")
	if rec.Code != http.StatusTooManyRequests || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(rec.Body.String(), "Trop de requêtes") || rec.Header().Get("Retry-After") == "" {
		t.Errorf("page beyond the limit = %d %s %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Retry-After"))
	}
	// Probes, static assets, suggestions (their own budget) and other
	// clients are not limited by it.
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/static/style.css", "/static/app.js"} {
		for range 5 {
			if rec := from("192.0.2.1", p); rec.Code != 200 {
				t.Errorf("GET %s of a limited client = %d", p, rec.Code)
			}
		}
	}
	for i := range 10 {
		if rec := from("192.0.2.1", "/api/suggest?q=mig"); rec.Code != 200 {
			t.Errorf("suggestion %d of a limited client = %d, want its own budget of 10", i+1, rec.Code)
		}
	}
	if rec := from("192.0.2.1", "/api/suggest?q=mig"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("suggestion beyond its own budget = %d", rec.Code)
	}
	if rec := from("192.0.2.2", "/api/search?q=mig"); rec.Code != 200 {
		t.Errorf("another client = %d", rec.Code)
	}
	// IPv6 clients are limited by /64.
	for i := range 3 {
		from("2001:db8::"+strconv.Itoa(i+1), "/healthz")
		from("2001:db8::"+strconv.Itoa(i+1), "/api/search?q=a")
	}
	if rec := from("2001:db8::ffff", "/api/search?q=a"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("fourth request from one /64 = %d", rec.Code)
	}
	if rec := from("2001:db8:0:1::1", "/api/search?q=a"); rec.Code != 200 {
		t.Errorf("another /64 = %d", rec.Code)
	}
	if !strings.Contains(f.get(t, "/metrics").body, "missionsearch_http_rate_limited_total 4") {
		t.Errorf("rate-limited requests not counted")
	}
}

// TestTrustedProxies checks that the client address comes from the
// forwarded headers of trusted proxies only: visitors behind the proxy are
// limited apart, a spoofed header from an untrusted peer changes nothing,
// and a chain of proxies gives the rightmost untrusted address.
func TestTrustedProxies(t *testing.T) {
	f := newFixture(t, Config{RateLimit: 1, RateBurst: 2, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	from := func(peer string, headers ...string) int {
		req := httptest.NewRequest(http.MethodGet, "/api/search?q=mig", nil)
		req.RemoteAddr = peer
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Add(k, v)
		}
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	// Two visitors behind the proxy: two buckets.
	for _, visitor := range []string{"203.0.113.1", "203.0.113.2"} {
		for i := range 2 {
			if c := from("10.0.0.5:80", "X-Forwarded-For: "+visitor); c != 200 {
				t.Errorf("visitor %s request %d through the proxy = %d", visitor, i+1, c)
			}
		}
		if c := from("10.0.0.5:80", "X-Forwarded-For: "+visitor); c != http.StatusTooManyRequests {
			t.Errorf("visitor %s beyond its burst = %d", visitor, c)
		}
	}
	// RFC 7239 Forwarded, through two trusted proxies, IPv6 peer.
	if c := from("[::1]:80", `Forwarded: for="[2001:db8::7]:4711", for=10.1.2.3`); c != 200 {
		t.Errorf("Forwarded visitor = %d", c)
	}
	// A spoofed header from an untrusted peer: the peer is the client.
	for i := range 2 {
		if c := from("198.51.100.9:5000", "X-Forwarded-For: 203.0.113."+strconv.Itoa(50+i)); c != 200 {
			t.Errorf("untrusted peer request %d = %d", i+1, c)
		}
	}
	if c := from("198.51.100.9:5000", "X-Forwarded-For: 203.0.113.99"); c != http.StatusTooManyRequests {
		t.Errorf("an untrusted peer escaped its limit with a spoofed header: %d", c)
	}
	// A spoofed leftmost address does not pick the bucket: the rightmost
	// untrusted one (what the proxy saw) does.
	if c := from("10.0.0.5:80", "X-Forwarded-For: 192.0.2.200, 203.0.113.1"); c != http.StatusTooManyRequests {
		t.Errorf("spoofed chain = %d, want the limited visitor 203.0.113.1", c)
	}
}

func TestLimiterEviction(t *testing.T) {
	l := newLimiter(1, 1, 2)
	now := time.Now()
	if _, ok := l.allow("a", now); !ok {
		t.Fatal("a refused")
	}
	if _, ok := l.allow("a", now); ok {
		t.Fatal("a allowed twice in a burst of 1")
	}
	l.allow("b", now)
	l.allow("c", now) // evicts a, the least recently seen
	if n := l.len(); n != 2 {
		t.Errorf("%d limiters kept, want 2", n)
	}
	if _, ok := l.allow("a", now); !ok {
		t.Errorf("a was not forgotten")
	}
	if _, ok := l.allow("c", now); ok {
		t.Errorf("c was forgotten")
	}
	if wait, ok := l.allow("c", now.Add(100*time.Millisecond)); ok || wait < 800*time.Millisecond || wait > time.Second {
		t.Errorf("c after 100 ms: ok %v, wait %v", ok, wait)
	}
	if _, ok := l.allow("c", now.Add(time.Second)); !ok {
		t.Errorf("c refused after a second")
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, Config{AdminToken: "t", Reindex: func(context.Context) error { return nil }})
	for _, tt := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/search?q=migration"}, {"GET", "/api/search?q=migration"}, {"GET", "/api/search?bad=1"},
		{"GET", "/static/app.js"}, {"GET", "/nowhere"}, {"GET", "/metrics"}, {"POST", "/api/admin/reindex"},
		{"GET", "/export?format=jsonl"}, {"DELETE", "/"}, {"GET", "/opensearch.xml"},
	} {
		r := f.do(t, tt.method, tt.path)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s %s: CSP %q lacks %s", tt.method, tt.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s %s: CSP %q allows inline code", tt.method, tt.path, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" || r.header.Get("X-Request-ID") == "" {
			t.Errorf("%s %s: headers %v", tt.method, tt.path, r.header)
		}
	}
}

func TestAdminReindex(t *testing.T) {
	var mu sync.Mutex
	started, release := make(chan struct{}), make(chan struct{})
	calls, fail := 0, false
	reindex := func(ctx context.Context) error {
		if !mu.TryLock() {
			return missionsearch.Errorf(missionsearch.ECONFLICT, "a reindex is already running")
		}
		defer mu.Unlock()
		calls++
		if calls == 2 {
			close(started)
			<-release
		}
		if fail {
			return errors.New("disk full at /secret/path")
		}
		return nil
	}
	f := newFixture(t, Config{AdminToken: "s3cret", Reindex: reindex, BuildID: func() string { return "b42" }})
	post := func(headers ...string) response { return f.do(t, http.MethodPost, "/api/admin/reindex", headers...) }
	tests := []struct {
		name   string
		header string
		status int
		code   string
	}{
		{"no header", "", 401, missionsearch.EUNAUTHORIZED},
		{"basic auth", "Authorization: Basic czNjcmV0", 401, missionsearch.EUNAUTHORIZED},
		{"bearer without token", "Authorization: Bearer", 401, missionsearch.EUNAUTHORIZED},
		{"bearer blank token", "Authorization: Bearer    ", 401, missionsearch.EUNAUTHORIZED},
		{"token without scheme", "Authorization: s3cret", 401, missionsearch.EUNAUTHORIZED},
		{"wrong token", "Authorization: Bearer s3cre", 403, missionsearch.EFORBIDDEN},
		{"longer token", "Authorization: Bearer s3cret2", 403, missionsearch.EFORBIDDEN},
		{"right token", "Authorization: Bearer s3cret", 200, ""},
		{"scheme case", "Authorization: bearer s3cret", 200, ""},
	}
	for _, tt := range tests {
		var r response
		if tt.header == "" {
			r = post()
		} else {
			r = post(tt.header)
		}
		if r.status != tt.status {
			t.Errorf("%s: status %d %s, want %d", tt.name, r.status, r.body, tt.status)
			continue
		}
		if tt.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", tt.name, r.header.Get("WWW-Authenticate"))
		}
		if tt.code != "" {
			var e apiError
			r.decode(t, &e)
			if e.Error.Code != tt.code {
				t.Errorf("%s: code %q, want %q", tt.name, e.Error.Code, tt.code)
			}
		} else if !strings.Contains(r.body, `"b42"`) {
			t.Errorf("%s: body %s", tt.name, r.body)
		}
		if tt.name == "right token" {
			// The second reindex blocks; a third one meanwhile is a 409.
			done := make(chan response)
			go func() { done <- post(tt.header) }()
			<-started
			if r := post(tt.header); r.status != http.StatusConflict {
				t.Errorf("reindex while one runs = %d %s, want 409", r.status, r.body)
			}
			close(release)
			if r := <-done; r.status != 200 {
				t.Errorf("blocked reindex = %d", r.status)
			}
		}
	}
	if calls != 3 {
		t.Fatalf("%d reindexes ran, want 3", calls)
	}
	// An internal failure is a 500 without its details.
	fail = true
	r := post("Authorization: Bearer s3cret")
	if r.status != 500 || strings.Contains(r.body, "secret") {
		t.Errorf("failed reindex = %d %s", r.status, r.body)
	}

	// Disabled: no token or no Reindex.
	for _, cfg := range []Config{{Reindex: reindex}, {AdminToken: "s3cret"}} {
		g := newFixture(t, cfg)
		if r := g.do(t, http.MethodPost, "/api/admin/reindex", "Authorization: Bearer s3cret"); r.status != 404 {
			t.Errorf("disabled admin = %d", r.status)
		}
		if r := g.do(t, http.MethodPost, "/api/admin/reindex", "Authorization: Bearer "); r.status != 404 {
			t.Errorf("disabled admin with empty token = %d", r.status)
		}
	}
}

func TestTimeout(t *testing.T) {
	f := newFixture(t, Config{Timeout: time.Nanosecond})
	for _, p := range []string{"/api/search?q=migration", "/api/search", "/api/suggest?q=mig"} {
		r := f.get(t, p)
		var e apiError
		r.decode(t, &e)
		if r.status != http.StatusServiceUnavailable || e.Error.Code != missionsearch.EUNAVAILABLE {
			t.Errorf("GET %s with a 1 ns timeout = %d %s, want 503", p, r.status, r.body)
		}
	}
	if r := f.get(t, "/search?q=migration"); r.status != http.StatusServiceUnavailable {
		t.Errorf("page with a 1 ns timeout = %d", r.status)
	}
	// The deadline reaches handlers that wait.
	g := newFixture(t, Config{Timeout: 20 * time.Millisecond})
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			g.srv.writeError(w, r, r.Context().Err())
		case <-time.After(5 * time.Second):
			w.WriteHeader(200)
		}
	}
	g.srv.router.Handle("/test/slow", g.srv.withTimeout(g.srv.cfg.Timeout, slow))
	start := time.Now()
	if r := g.get(t, "/test/slow"); r.status != 503 || time.Since(start) > 2*time.Second {
		t.Errorf("slow handler = %d after %v", r.status, time.Since(start))
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPanicRecovery(t *testing.T) {
	var logs syncBuffer
	f := newFixture(t, Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	f.srv.router.HandleFunc("/test/panic", func(w http.ResponseWriter, r *http.Request) {
		panic("boom: secret detail")
	}).Name("test_panic")
	f.srv.router.HandleFunc("/test/panic-late", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("partial"))
		panic("late boom")
	})
	r := f.get(t, "/test/panic")
	var e apiError
	r.decode(t, &e)
	if r.status != 500 || e.Error.Code != missionsearch.EINTERNAL || strings.Contains(r.body, "secret") {
		t.Errorf("panic = %d %s", r.status, r.body)
	}
	if r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("panic response lacks security headers")
	}
	if !strings.Contains(logs.String(), "boom: secret detail") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("panic not logged with its stack: %s", logs.String())
	}
	if !strings.Contains(f.get(t, "/metrics").body, `missionsearch_http_requests_total{code="500",method="GET",route="test_panic"} 1`) {
		t.Errorf("panic not counted as a 500")
	}
	// Through a real connection: a panic after the first bytes aborts the
	// response; the server survives.
	resp, err := http.Get(f.ts.URL + "/test/panic-late")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Errorf("panic after writing: the response looked complete")
	}
	if resp, err := http.Get(f.ts.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("server after panics: %v", err)
	} else {
		resp.Body.Close()
	}
}

func TestAccessLog(t *testing.T) {
	var logs syncBuffer
	f := newFixture(t, Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	f.get(t, "/api/search?q=secretword")
	out := logs.String()
	for _, want := range []string{`"msg":"request"`, `"route":"api_search"`, `"status":200`, `"path":"/api/search"`, `"request_id":`, `"duration_ms":`} {
		if !strings.Contains(out, want) {
			t.Errorf("access log lacks %s: %s", want, out)
		}
	}
	if strings.Contains(out, "secretword") {
		t.Errorf("access log holds the query: %s", out)
	}
}

func TestOpenClose(t *testing.T) {
	f := newFixture(t, Config{})
	srv := f.srv
	if srv.URL() != "" {
		t.Errorf("URL before Open = %q", srv.URL())
	}
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Open("127.0.0.1:0"); err == nil {
		t.Errorf("second Open succeeded")
	}
	base := srv.URL()
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("URL = %q", base)
	}
	resp, err := http.Get(base + "/api/search?q=migration")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET after Open: %v", err)
	}
	resp.Body.Close()

	// A request in flight finishes during Close.
	entered := make(chan struct{})
	srv.router.HandleFunc("/test/slow", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		time.Sleep(200 * time.Millisecond)
		w.Write([]byte("done"))
	})
	got := make(chan string)
	go func() {
		resp, err := http.Get(base + "/test/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-entered
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if s := <-got; s != "done" {
		t.Errorf("request in flight during Close: %q", s)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("server still answers after Close")
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	var never Server
	never.cancel = func() {}
	if err := never.Close(); err != nil {
		t.Errorf("Close of a server never opened: %v", err)
	}
}
