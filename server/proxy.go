package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Behind a reverse proxy: who the client is, and under which address and
// path the visitor sees the search.
//
// The client address, scheme and host come from the forwarded headers
// (Forwarded, RFC 7239, else X-Forwarded-For, -Proto and -Host) only when
// the peer that sent the request is one of Config.TrustedProxies; from an
// untrusted peer they are ignored, so that nobody can pick the address the
// rate limit sees. In a chain of proxies the client is the rightmost
// address that is not a trusted proxy.

// visitor is what the server knows of the visitor of one request.
type visitor struct {
	addr   netip.Addr // the visitor's address (invalid when unknown)
	scheme string     // "http" or "https", as the visitor sees the site
	host   string     // the host the visitor asked for
}

type visitorKey struct{}

// visitorOf returns the visitor of r, resolved by the forwarded middleware
// (or from r itself when the middleware did not run: tests).
func visitorOf(r *http.Request) visitor {
	if c, ok := r.Context().Value(visitorKey{}).(visitor); ok {
		return c
	}
	return visitor{addr: peerAddr(r), scheme: schemeOf(r), host: r.Host}
}

// peerAddr is the address of the TCP peer of r.
func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

func schemeOf(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// trusted reports whether a is one of the trusted proxies.
func (s *Server) trusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwarded resolves the client of each request (see above) and, when the
// public path has a base (Config.PublicURL, Config.BasePath), strips it
// from request paths: a proxy may pass /recherche/search on or strip the
// prefix itself; both reach the same route.
func (s *Server) forwarded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := visitor{addr: peerAddr(r), scheme: schemeOf(r), host: r.Host}
		if s.trusted(c.addr) {
			s.readForwarded(r, &c)
		}
		r = r.WithContext(context.WithValue(r.Context(), visitorKey{}, c))
		if b := s.base; b != "" {
			switch p := r.URL.Path; {
			case p == b:
				http.Redirect(w, r, b+"/", http.StatusMovedPermanently)
				return
			case strings.HasPrefix(p, b+"/"):
				r2 := r.Clone(r.Context())
				r2.URL.Path = p[len(b):]
				r2.URL.RawPath = ""
				r = r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

// readForwarded fills c from the forwarded headers of r, sent by a trusted
// proxy.
func (s *Server) readForwarded(r *http.Request, c *visitor) {
	var fors []string
	proto, host := "", ""
	if fw := r.Header.Values("Forwarded"); len(fw) > 0 {
		for _, v := range fw {
			for elem := range strings.SplitSeq(v, ",") {
				for pair := range strings.SplitSeq(elem, ";") {
					k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
					if !ok {
						continue
					}
					val = strings.Trim(strings.TrimSpace(val), `"`)
					switch strings.ToLower(k) {
					case "for":
						fors = append(fors, val)
					case "proto":
						proto = val
					case "host":
						host = val
					}
				}
			}
		}
	} else {
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for a := range strings.SplitSeq(v, ",") {
				fors = append(fors, strings.TrimSpace(a))
			}
		}
		proto = strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])
		host = strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Host"), ",")[0])
	}
	// The rightmost address that is not a trusted proxy is the client.
	for i := len(fors) - 1; i >= 0; i-- {
		a, ok := parseForwardedAddr(fors[i])
		if !ok {
			break // unknown or obfuscated: stop at what the proxies vouch for
		}
		c.addr = a
		if !s.trusted(a) {
			break
		}
	}
	if p := strings.ToLower(proto); p == "http" || p == "https" {
		c.scheme = p
	}
	if host != "" && !strings.ContainsAny(host, "/\\ @") {
		c.host = host
	}
}

// parseForwardedAddr reads one address of X-Forwarded-For or of a
// Forwarded for= parameter: "203.0.113.7", "203.0.113.7:4711",
// "[2001:db8::1]:4711", "2001:db8::1".
func parseForwardedAddr(v string) (netip.Addr, bool) {
	v = strings.TrimSpace(v)
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap(), true
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// publicBase returns the scheme, host and base path under which the
// visitor of r sees the search, without a trailing slash:
// Config.PublicURL when set, else the client's scheme and host with the
// base path.
func (s *Server) publicBase(r *http.Request) string {
	if s.public != nil {
		return strings.TrimSuffix(s.public.String(), "/")
	}
	c := visitorOf(r)
	return c.scheme + "://" + c.host + s.base
}

// path returns p (root-absolute, "/search") under the base path.
func (s *Server) path(p string) string { return s.base + p }

// basePath normalises a base path: "" or "/" give "", "recherche/" gives
// "/recherche". It reports false for a path with a query, a fragment, "..",
// or characters that need escaping.
func basePath(p string) (string, bool) {
	p = strings.TrimSpace(p)
	if p == "" || p == "/" {
		return "", true
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	p = strings.TrimRight(p, "/")
	u, err := url.Parse(p)
	if err != nil || u.RawQuery != "" || u.Fragment != "" || u.EscapedPath() != p || strings.Contains(p, "..") || strings.Contains(p, "//") {
		return "", false
	}
	return p, true
}
