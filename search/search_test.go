package search

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/google/go-cmp/cmp"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// mustBuildIndex builds an on-disk index of pages in a temporary directory,
// closed when the test ends.
func mustBuildIndex(tb testing.TB, pages ...*missionsearch.Page) bleve.Index {
	tb.Helper()
	m, err := index.NewMapping()
	if err != nil {
		tb.Fatalf("NewMapping: %v", err)
	}
	idx, err := bleve.NewUsing(filepath.Join(tb.TempDir(), "index"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		tb.Fatalf("bleve.NewUsing: %v", err)
	}
	tb.Cleanup(func() { idx.Close() })
	b := idx.NewBatch()
	for _, p := range pages {
		if p.ID == "" {
			p.ID = missionsearch.PageID(p.URL)
		}
		if err := b.Index(p.ID, index.Document(p)); err != nil {
			tb.Fatalf("index %s: %v", p.ID, err)
		}
		if b.Size() >= 1000 {
			if err := idx.Batch(b); err != nil {
				tb.Fatalf("batch: %v", err)
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		tb.Fatalf("batch: %v", err)
	}
	return idx
}

// searchCase is one entry of a searches.json file. Every expectation is
// optional; the request's keys are Request's field names (any case), dates
// in RFC 3339.
type searchCase struct {
	Name    string  `json:"name"`
	Request Request `json:"request"`

	IDs      []string    `json:"ids"`      // exactly these hits, in this order
	Set      []string    `json:"set"`      // exactly these hits, in any order
	First    []string    `json:"first"`    // the hits start with these, in order
	Includes []string    `json:"includes"` // these are among the hits
	Excludes []string    `json:"excludes"` // these are not
	Before   [][2]string `json:"before"`   // pairs: the first ranks above the second

	Total   *uint64 `json:"total"`
	Relaxed *bool   `json:"relaxed"`
	// Partial and Approximate are exactly the hits whose Match is
	// "partial", and those found only through typo alternatives.
	Partial     []string                `json:"partial"`
	Approximate []string                `json:"approximate"`
	DidYouMean  *string                 `json:"did_you_mean"`
	Facets      map[string][]FacetValue `json:"facets"`
	// Snippets maps a hit id to texts its snippet must contain, or must
	// not contain when prefixed by "!".
	Snippets map[string][]string `json:"snippets"`
	// Snippet maps a hit id to its exact snippet.
	Snippet map[string]string `json:"snippet"`
	// Walk follows Result.Next from the request and lists every hit id.
	Walk []string `json:"walk"`
	// Error is the expected error code.
	Error string `json:"error"`

	// Suggest runs Searcher.Suggest instead of Search.
	Suggest *struct {
		Prefix string   `json:"prefix"`
		N      int      `json:"n"`
		Want   []string `json:"want"`
	} `json:"suggest"`
	// Document runs Searcher.Document instead of Search.
	Document *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"document"`
}

// TestCases runs the declarative search cases of testdata/cases: one real
// index per directory, built from its pages.json, and the searches of its
// searches.json.
func TestCases(t *testing.T) {
	dirs, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var pages []*missionsearch.Page
			readJSON(t, filepath.Join(dir, "pages.json"), &pages)
			var cases []searchCase
			readJSON(t, filepath.Join(dir, "searches.json"), &cases)
			s := New(mustBuildIndex(t, pages...))
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) { c.run(t, s) })
			}
		})
	}
}

func readJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

func (c *searchCase) run(t *testing.T, s *Searcher) {
	ctx := t.Context()
	switch {
	case c.Suggest != nil:
		got, err := s.Suggest(ctx, c.Suggest.Prefix, c.Suggest.N)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", c.Suggest.Prefix, err)
		}
		if diff := cmp.Diff(c.Suggest.Want, got); diff != "" {
			t.Errorf("Suggest(%q) (-want +got):\n%s", c.Suggest.Prefix, diff)
		}
		return
	case c.Document != nil:
		p, err := s.Document(ctx, c.Document.ID)
		if c.Error != "" {
			if got := missionsearch.ErrorCode(err); got != c.Error {
				t.Errorf("Document(%q) error code %q (%v), want %q", c.Document.ID, got, err, c.Error)
			}
			return
		}
		if err != nil {
			t.Fatalf("Document(%q): %v", c.Document.ID, err)
		}
		if p.ID != c.Document.ID || p.Title != c.Document.Title {
			t.Errorf("Document(%q) = %q %q, want title %q", c.Document.ID, p.ID, p.Title, c.Document.Title)
		}
		return
	}

	res, err := s.Search(ctx, c.Request)
	if c.Error != "" {
		if got := missionsearch.ErrorCode(err); got != c.Error {
			t.Errorf("Search error code %q (%v), want %q", got, err, c.Error)
		}
		if err != nil && missionsearch.ErrorMessage(err) == "" {
			t.Errorf("Search error %v has no message", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Search(%+v): %v", c.Request, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	show := func() string {
		var b strings.Builder
		for _, h := range res.Hits {
			b.WriteString("\n  " + h.ID + " " + strings.Repeat(" ", max(0, 10-len(h.ID))) + h.Title)
			b.WriteString(" (" + strings.TrimRight(strings.TrimRight(jsonString(h.Score), "0"), ".") + ")")
		}
		return b.String()
	}
	if c.IDs != nil && !slices.Equal(ids, c.IDs) {
		t.Errorf("hits %q, want %q%s", ids, c.IDs, show())
	}
	if c.Set != nil {
		got, want := slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(c.Set))
		if !slices.Equal(got, want) {
			t.Errorf("hits %q, want (any order) %q%s", ids, c.Set, show())
		}
	}
	if len(c.First) > 0 && (len(ids) < len(c.First) || !slices.Equal(ids[:len(c.First)], c.First)) {
		t.Errorf("hits %q, want them to start with %q%s", ids, c.First, show())
	}
	for _, id := range c.Includes {
		if !slices.Contains(ids, id) {
			t.Errorf("hits %q, want %q among them%s", ids, id, show())
		}
	}
	for _, id := range c.Excludes {
		if slices.Contains(ids, id) {
			t.Errorf("hits %q, want no %q%s", ids, id, show())
		}
	}
	for _, pair := range c.Before {
		i, j := slices.Index(ids, pair[0]), slices.Index(ids, pair[1])
		if i < 0 || j < 0 || i > j {
			t.Errorf("hits %q, want %q before %q%s", ids, pair[0], pair[1], show())
		}
	}
	if c.Total != nil && res.Total != *c.Total {
		t.Errorf("Total = %d, want %d", res.Total, *c.Total)
	}
	if c.Relaxed != nil && res.Relaxed != *c.Relaxed {
		t.Errorf("Relaxed = %v, want %v", res.Relaxed, *c.Relaxed)
	}
	var partial, approx []string
	for _, h := range res.Hits {
		if h.Match == MatchPartial {
			partial = append(partial, h.ID)
		}
		if h.Approximate {
			approx = append(approx, h.ID)
		}
	}
	if c.Partial != nil && !slices.Equal(partial, c.Partial) {
		t.Errorf("partial hits %q, want %q%s", partial, c.Partial, show())
	}
	if c.Approximate != nil && !slices.Equal(approx, c.Approximate) {
		t.Errorf("approximate hits %q, want %q%s", approx, c.Approximate, show())
	}
	if c.DidYouMean != nil && res.DidYouMean != *c.DidYouMean {
		t.Errorf("DidYouMean = %q, want %q", res.DidYouMean, *c.DidYouMean)
	}
	for name, want := range c.Facets {
		if diff := cmp.Diff(want, res.Facets[name]); diff != "" {
			t.Errorf("facet %s (-want +got):\n%s", name, diff)
		}
	}
	snippets := map[string]string{}
	for _, h := range res.Hits {
		snippets[h.ID] = h.Snippet
	}
	for id, needles := range c.Snippets {
		got, ok := snippets[id]
		if !ok {
			t.Errorf("no hit %q to check the snippet of", id)
			continue
		}
		for _, n := range needles {
			if not, ok := strings.CutPrefix(n, "!"); ok {
				if strings.Contains(got, not) {
					t.Errorf("snippet of %s = %q, want no %q", id, got, not)
				}
			} else if !strings.Contains(got, n) {
				t.Errorf("snippet of %s = %q, want %q in it", id, got, n)
			}
		}
	}
	for id, want := range c.Snippet {
		if got := snippets[id]; got != want {
			t.Errorf("snippet of %s = %q, want %q", id, got, want)
		}
	}
	if c.Walk != nil {
		var walked []string
		r := c.Request
		for range 100 {
			page, err := s.Search(ctx, r)
			if err != nil {
				t.Fatalf("walk: %v", err)
			}
			for _, h := range page.Hits {
				walked = append(walked, h.ID)
			}
			if page.Next == "" {
				break
			}
			r.SearchAfter, r.Page = page.Next, 0
		}
		if !slices.Equal(walked, c.Walk) {
			t.Errorf("walk %q, want %q", walked, c.Walk)
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
