package extract

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/ (checked in); the
// fixtures of testdata/*.txtar are added as seeds too. Run one target with
//
//	go test -run '^$' -fuzz FuzzExtract -fuzztime 60s ./crawler/extract

func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		ar := parseTxtar(data)
		f.Add(ar.files["input.html"], ar.header("content-type"))
	}
	u, _ := url.Parse("https://maroc.example.org/fr/news/page")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		res, err := Extract(bytes.NewReader(data), u, ct, Options{})
		if err != nil {
			return
		}
		checkInvariants(t, res)
		// Decoding can grow a byte to at most 3 bytes (windows-1252 → UTF-8)
		// and an entity to a few more bytes than itself.
		limit := 4*len(data) + 64
		if len(res.Page.Body) > limit || len(res.Page.Title) > limit || len(res.Page.Description) > limit {
			t.Errorf("output larger than %d bytes for %d bytes of input", limit, len(data))
		}
		if len(res.Links) > len(data)/4+1 {
			t.Errorf("%d links from %d bytes", len(res.Links), len(data))
		}
	})
}

func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{"https://maroc.example.org/fr/news?utm_source=x#top", "../a/./b?b=1&a=2", "//x.org",
		"javascript:alert(1)", "http://[::1]:80/", "https://a.org/%zz", "http://a.org:/?&&", "HTTP://A.ORG./x;jsessionid=1"} {
		f.Add(s, "https://maroc.example.org/fr/news/x")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, raw, baseStr string) {
		var base *url.URL
		if baseStr != "" {
			b, err := url.Parse(baseStr)
			if err != nil || !b.IsAbs() {
				return
			}
			base = b
		}
		got, err := NormalizeURL(raw, base)
		if err != nil {
			return
		}
		if len(got) > MaxURLBytes {
			t.Fatalf("NormalizeURL(%q) = %d bytes, more than %d", raw, len(got), MaxURLBytes)
		}
		if !strings.HasPrefix(got, "http://") && !strings.HasPrefix(got, "https://") {
			t.Fatalf("NormalizeURL(%q) = %q, not http(s)", raw, got)
		}
		if strings.Contains(got, "#") {
			t.Fatalf("NormalizeURL(%q) = %q keeps a fragment", raw, got)
		}
		again, err := NormalizeURL(got, nil)
		if err != nil || again != got {
			t.Fatalf("NormalizeURL(%q) = %q, but NormalizeURL of that = %q, %v", raw, got, again, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1er juin 2024", "les 10 et 11 avril 2018", "du 30 avril au 2 mai 2022", "07/30/2016",
		"2024-06-01T00:00:00Z", "June 1st, 2024", "Tanger – 01 aout 2024 –", "31 février 2024", "٥ نوفمبر ٢٠٢٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v, false; want the zero time", s, d)
			}
			return
		}
		if d.Year() < minYear || d.Year() > maxYear || d.Location() != time.UTC || !d.Equal(d.Truncate(24*time.Hour)) {
			t.Fatalf("ParseDate(%q) = %v: out of range or not midnight UTC", s, d)
		}
		if again, ok := ParseDate(d.Format(time.DateOnly)); !ok || !again.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v does not round-trip through ISO", s, d)
		}
	})
}
