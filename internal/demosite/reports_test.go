package demosite

import (
	"bytes"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestReports checks the PDF reports as served: real PDFs, the same bytes
// from every Site, linked from the pages CitedBy names, and a Word that no
// HTML page of the site holds. crawler/pdftext's tests check their text.
func TestReports(t *testing.T) {
	s, ts := newServer(t)
	rs := s.Reports()
	if len(rs) != 2 || rs[0].Path != PDFPath || rs[1].Path != Report2023Path {
		t.Fatalf("Reports() paths: %v, want %s and %s", rs, PDFPath, Report2023Path)
	}
	other := New()
	for _, r := range rs {
		resp, body := get(t, ts, r.Path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("GET %s: %s %s %q", r.Path, resp.Status, resp.Header.Get("Content-Type"), body[:min(len(body), 8)])
		}
		if resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) || len(body) < 2000 {
			t.Errorf("GET %s: Content-Length %s, body %d bytes", r.Path, resp.Header.Get("Content-Length"), len(body))
		}
		if !bytes.Equal(other.files[r.Path], []byte(body)) {
			t.Errorf("%s: two Sites serve different bytes", r.Path)
		}
		if r.Title == "" || r.Created.IsZero() || r.Pages < 2 || len(r.Paragraphs) < 2*r.Pages || r.Word == "" {
			t.Errorf("%s: incomplete ground truth %+v", r.Path, r)
		}
		if !slices.ContainsFunc(r.Paragraphs, func(p string) bool { return strings.Contains(p, r.Word) }) {
			t.Errorf("%s: Word %q is in no paragraph", r.Path, r.Word)
		}
		if len(r.CitedBy) == 0 || !slices.Contains(r.CitedBy, ResourcesPath) {
			t.Errorf("%s: CitedBy %v, want ResourcesPath among them", r.Path, r.CitedBy)
		}
		for _, p := range r.CitedBy {
			if _, page := get(t, ts, p); !slices.Contains(links(page), r.Path) {
				t.Errorf("%s is CitedBy %s, which does not link to it", r.Path, p)
			}
		}
	}
	// No HTML page holds a report's Word, and only CitedBy pages link to it.
	for _, p := range s.Paths() {
		_, page := get(t, ts, p)
		text := html.UnescapeString(page)
		for _, r := range rs {
			if strings.Contains(strings.ToLower(text), strings.ToLower(r.Word)) {
				t.Errorf("%s holds %q, the word of %s", p, r.Word, r.Path)
			}
			path, _, _ := strings.Cut(p, "?")
			if slices.Contains(links(page), r.Path) && !slices.Contains(r.CitedBy, path) {
				t.Errorf("%s links to %s but is not in its CitedBy %v", p, r.Path, r.CitedBy)
			}
		}
	}
}
