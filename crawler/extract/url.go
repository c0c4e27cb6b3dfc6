package extract

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// MaxURLBytes is the longest URL NormalizeURL accepts, in bytes, before and
// after resolution.
const MaxURLBytes = 2048

// droppedParams are query parameters that never change what a page shows:
// session identifiers and click trackers. Every utm_* parameter is dropped
// as well.
var droppedParams = map[string]bool{
	"jsessionid": true, "phpsessid": true, "sid": true, "sessionid": true,
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true,
}

// NormalizeURL resolves raw against base (which may be nil when raw is
// absolute) and returns the normal form used as crawl key and canonical
// URL:
//
//   - leading and trailing spaces, and tabs and newlines anywhere, are
//     removed; "&amp;" left in an attribute or a sitemap is decoded to "&";
//   - the scheme must be http or https, the host must be non-empty and free
//     of control characters and spaces; any other URL (javascript:,
//     mailto:, tel:, data:, relative without base) is an error;
//   - scheme and host are lower-cased, a trailing dot of the host and the
//     default port (:80, :443) are dropped, user information is dropped;
//   - the fragment is dropped; dot segments are resolved; an empty path
//     becomes "/", any other path is kept as is (a trailing slash is kept
//     or left absent), except that a ";jsessionid=…" path parameter is
//     removed and percent-escapes are upper-cased;
//   - the query loses empty parameters, utm_* parameters and session or
//     click-tracking parameters (jsessionid, phpsessid, sid, sessionid,
//     fbclid, gclid, dclid, msclkid, yclid, mc_cid, mc_eid, case-insensitive),
//     is re-encoded canonically and sorted by key then value; an empty
//     query leaves no "?".
//
// URLs longer than MaxURLBytes are rejected. The error says which rule
// failed; it is never an *missionsearch.Error since the caller decides how
// to classify a bad link.
func NormalizeURL(raw string, base *url.URL) (string, error) {
	if len(raw) > MaxURLBytes {
		return "", fmt.Errorf("extract: normalize URL: %d bytes, longer than %d", len(raw), MaxURLBytes)
	}
	s := strings.TrimSpace(raw)
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	}
	if strings.Contains(s, "&") {
		s = strings.NewReplacer("&amp;", "&", "&AMP;", "&", "&#38;", "&", "&#x26;", "&").Replace(s)
	}
	if s == "" && base == nil {
		return "", fmt.Errorf("extract: normalize URL: empty URL without a base")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return "", fmt.Errorf("extract: normalize URL %.80q: control character 0x%02x", s, c)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("extract: normalize URL %.80q: %w", s, err)
	}
	if base != nil {
		u = base.ResolveReference(u)
	} else {
		if !u.IsAbs() {
			return "", fmt.Errorf("extract: normalize URL %.80q: relative URL without a base", s)
		}
		u = u.ResolveReference(u) // removes dot segments
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("extract: normalize URL %.80q: scheme %q is not http or https", s, u.Scheme)
	}
	if u.Opaque != "" {
		return "", fmt.Errorf("extract: normalize URL %.80q: opaque URL (no // after the scheme)", s)
	}
	host, err := normalizeHost(u)
	if err != nil {
		return "", fmt.Errorf("extract: normalize URL %.80q: %w", s, err)
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	normalizePath(u)
	u.RawQuery = normalizeQuery(u.RawQuery)
	u.ForceQuery = false
	out := u.String()
	if len(out) > MaxURLBytes {
		return "", fmt.Errorf("extract: normalize URL: %d bytes once resolved, longer than %d", len(out), MaxURLBytes)
	}
	return out, nil
}

// normalizeHost returns u's host lower-cased, without a trailing dot or a
// default port, or an error when it is empty or holds forbidden bytes.
func normalizeHost(u *url.URL) (string, error) {
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if h == "" {
		return "", fmt.Errorf("empty host")
	}
	for _, r := range h {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "", fmt.Errorf("host has a control character %U", r)
		}
		if strings.ContainsRune(" <>\"{}|\\^`%/?#@", r) {
			return "", fmt.Errorf("host has a forbidden character %q", r)
		}
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	for _, r := range port {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("bad port %q", port)
		}
	}
	if strings.Contains(h, ":") { // IPv6 literal
		h = "[" + h + "]"
	}
	if port != "" {
		h += ":" + port
	}
	return h, nil
}

// normalizePath sets "" to "/", drops ;jsessionid= path parameters and
// upper-cases percent-escapes.
func normalizePath(u *url.URL) {
	if i := strings.Index(strings.ToLower(u.Path), ";jsessionid="); i >= 0 {
		rest := u.Path[i+1:]
		end := strings.IndexAny(rest, ";/")
		if end < 0 {
			u.Path = u.Path[:i]
		} else {
			u.Path = u.Path[:i] + rest[end:]
		}
		u.RawPath = ""
	}
	if u.Path == "" {
		u.Path = "/"
		u.RawPath = ""
	}
	if u.RawPath != "" {
		// Keep RawPath only when it says more than Path (an escaped "/");
		// otherwise let net/url escape Path in its canonical way.
		c := url.URL{Path: u.Path}
		if strings.EqualFold(c.EscapedPath(), u.RawPath) {
			u.RawPath = ""
		} else {
			u.RawPath = upperEscapes(u.RawPath)
		}
	}
}

// upperEscapes upper-cases the hex digits of percent-escapes in s.
func upperEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = upperHex(b[i+1])
			b[i+2] = upperHex(b[i+2])
		}
	}
	return string(b)
}

func upperHex(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// normalizeQuery drops empty, tracking and session parameters, re-encodes
// the rest canonically and sorts it.
func normalizeQuery(q string) string {
	if q == "" {
		return ""
	}
	type kv struct{ k, v, raw string }
	var kept []kv
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			kept = append(kept, kv{k, v, part}) // keep what we cannot decode, as is
			continue
		}
		lk := strings.ToLower(dk)
		if dk == "" || strings.HasPrefix(lk, "utm_") || droppedParams[lk] {
			continue
		}
		raw := url.QueryEscape(dk)
		if strings.Contains(part, "=") {
			raw += "=" + url.QueryEscape(dv)
		}
		kept = append(kept, kv{dk, dv, raw})
	}
	slices.SortStableFunc(kept, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range kept {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.raw)
	}
	return b.String()
}
