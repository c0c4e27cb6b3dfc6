package crawler

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// deepPath returns a path of n distinct segments.
func deepPath(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "s%d/", i)
	}
	return b.String()
}

func TestTrapReason(t *testing.T) {
	for raw, trap := range map[string]bool{
		"http://h/fr/news":                     false,
		"http://h/fr/news?page=3":              false,
		"http://h/search?a=1&b=2&c=3":          false,
		"http://h/search?a=1&b=2&c=3&d=4":      true,
		"http://h/fr/calendar?month=4":         true,
		"http://h/agenda?Mois=4":               true,
		"http://h/agenda?d=2024-05":            true,
		"http://h/agenda?d=20240531":           true,
		"http://h/fr/news?page=12":             false,
		"http://h/fr/tags/x?page=2&sort=title": false,
		"http://h/fr/actualites/2020/01/01":    false,
		"http://h/a/b/a/b/a/b":                 true,
		"http://h/fr/fr/fr/news":               true,
		"http://h/fr/fr/news":                  false,
		"http://h/fr/news;jsessionid=0A1B2C3D": true,
		"http://h/(S(abcdefghijklmnop12))/x":   true,
		"http://h/" + deepPath(21):             true,
		"http://h/" + deepPath(20):             false,
	} {
		u, _ := url.Parse(raw)
		if got := trapReason(u) != ""; got != trap {
			t.Errorf("trapReason(%s) = %q, want trap %v", raw, trapReason(u), trap)
		}
	}
}

func TestPattern(t *testing.T) {
	for raw, want := range map[string]string{
		"http://h/fr/news?page=3":        "h/fr/news?page=",
		"http://h/archive/2024/05":       "h/archive/0/0",
		"http://h/x?b=2&a=1":             "h/x?a=&b=",
		"http://h:8080/fr/node/123/edit": "h:8080/fr/node/0/edit",
	} {
		u, _ := url.Parse(raw)
		if got := pattern(u); got != want {
			t.Errorf("pattern(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"5":                             5 * time.Second,
		"-3":                            0,
		"soon":                          0,
		"Wed, 01 May 2024 12:00:30 GMT": 30 * time.Second,
		"Wed, 01 May 2024 11:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestRobotsTag(t *testing.T) {
	h := http.Header{}
	h.Add("X-Robots-Tag", "googlebot: noarchive, NoIndex")
	if !robotsTag(h, "noindex") || robotsTag(h, "nofollow") {
		t.Errorf("robotsTag misreads %v", h)
	}
	h = http.Header{"X-Robots-Tag": {"none"}}
	if !robotsTag(h, "noindex") || !robotsTag(h, "nofollow") {
		t.Errorf("none means noindex and nofollow")
	}
}
