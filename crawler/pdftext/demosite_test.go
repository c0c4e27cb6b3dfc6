package pdftext_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch/crawler/pdftext"
	"github.com/missionsearch/missionsearch/internal/demosite"
)

// TestExtractDemoSiteReports extracts the demo site's PDF reports as
// served and compares them with their ground truth.
func TestExtractDemoSiteReports(t *testing.T) {
	needPoppler(t)
	ds := demosite.New()
	ts := httptest.NewServer(ds)
	defer ts.Close()
	var e pdftext.Extractor
	for _, r := range ds.Reports() {
		resp, err := http.Get(ts.URL + r.Path)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		doc, err := e.Extract(t.Context(), data)
		if err != nil {
			t.Fatalf("Extract(%s) = %v", r.Path, err)
		}
		if doc.Title != r.Title || doc.Author != r.Author || !doc.Created.Equal(r.Created) || doc.Lang != r.Lang || doc.Pages != r.Pages {
			t.Errorf("Extract(%s) = %q %q %v %q %d pages, want %q %q %v %q %d", r.Path,
				doc.Title, doc.Author, doc.Created, doc.Lang, doc.Pages, r.Title, r.Author, r.Created, r.Lang, r.Pages)
		}
		if got := strings.Split(doc.Text, "\n\n"); !slicesEqual(got, r.Paragraphs) {
			t.Errorf("Extract(%s).Text paragraphs:\n%q\nwant\n%q", r.Path, got, r.Paragraphs)
		}
		if !strings.Contains(doc.Text, r.Word) {
			t.Errorf("Extract(%s).Text lacks %q", r.Path, r.Word)
		}
	}
}
