package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/export"
)

// manyPages returns n generated pages, more than one page of MaxSize hits.
func manyPages(n int) []missionsearch.Page {
	sections := []string{"news", "stories", "events", "press-releases"}
	var ps []missionsearch.Page
	for i := range n {
		ps = append(ps, missionsearch.Page{
			URL:       fmt.Sprintf("%s/fr/%s/rapport-%d", site, sections[i%4], i),
			Title:     fmt.Sprintf("Rapport d'activité numéro %d", i),
			Lang:      missionsearch.LangFR,
			Section:   sections[i%4],
			Published: mustDay("2020-01-01").AddDate(0, 0, i*3),
			Tags:      []string{"rapport", fmt.Sprintf("lot-%d", i%7)},
			Body:      fmt.Sprintf("Le rapport %d décrit les activités de la mission, ateliers et formations.", i),
			FetchedAt: mustDay("2025-01-15"),
		})
	}
	// A title written to run as a spreadsheet formula.
	ps[0].Title = "=HYPERLINK(\"http://evil\",\"cliquez\")"
	return ps
}

func TestExport(t *testing.T) {
	const n = 250
	f := newFixtureWith(t, Config{}, searcherOf(t, manyPages(n)), nil)
	tests := []struct {
		query string
		want  int
	}{
		{"", n},
		{"q=rapport", n},
		{"section=news", (n + 3) / 4},
		{"section=news&section=events&sort=date", (n+3)/4 + (n+1)/4},
		{"tag=lot-3&from=2020-06-01", -1}, // checked against the API's total
		{"q=zzzzqqq", 0},
	}
	for _, tt := range tests {
		var api searchJSON
		f.get(t, "/api/search?size=1&"+tt.query).decode(t, &api)
		want := tt.want
		if want < 0 {
			want = api.Total
		} else if api.Total != want {
			t.Fatalf("API total for %q = %d, want %d", tt.query, api.Total, want)
		}

		// CSV
		r := f.get(t, "/export?format=csv&"+tt.query)
		if r.status != 200 {
			t.Fatalf("export csv %q = %d %s", tt.query, r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("csv headers %v", r.header)
		}
		if r.header.Get("X-Total-Count") != strconv.Itoa(want) {
			t.Errorf("X-Total-Count %q, want %d", r.header.Get("X-Total-Count"), want)
		}
		body, ok := strings.CutPrefix(r.body, "\uFEFF")
		if !ok {
			t.Errorf("csv without byte order mark")
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("csv %q: %v", tt.query, err)
		}
		if !slices.Equal(rows[0], export.Columns) {
			t.Errorf("csv header %q", rows[0])
		}
		if got := len(rows) - 1; got != want {
			t.Errorf("export csv %q: %d rows, want %d", tt.query, got, want)
		}
		ids := map[string]bool{}
		for _, row := range rows[1:] {
			if ids[row[0]] {
				t.Errorf("csv: id %s twice", row[0])
			}
			ids[row[0]] = true
			if strings.HasPrefix(row[2], "=") {
				t.Errorf("csv: formula cell %q", row[2])
			}
		}

		// JSONL
		r = f.get(t, "/export?format=jsonl&"+tt.query)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/x-ndjson") {
			t.Fatalf("export jsonl %q = %d %v", tt.query, r.status, r.header)
		}
		lines := 0
		sc := bufio.NewScanner(strings.NewReader(r.body))
		for sc.Scan() {
			var rec export.Record
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.ID == "" || rec.URL == "" || rec.Tags == nil {
				t.Fatalf("jsonl line %q: %v", sc.Text(), err)
			}
			if !ids[rec.ID] {
				t.Errorf("jsonl id %s not in the csv", rec.ID)
			}
			lines++
		}
		if lines != want {
			t.Errorf("export jsonl %q: %d lines, want %d", tt.query, lines, want)
		}
	}
	// Sorted by date: newest first across the cursor pages.
	r := f.get(t, "/export?format=csv&sort=date")
	rows, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
	for i := 2; i < len(rows); i++ {
		if rows[i-1][3] < rows[i][3] {
			t.Fatalf("export by date: %s before %s", rows[i-1][3], rows[i][3])
		}
	}
	// Dates are days; excel=1 separates cells by ';' and headers=fr gives
	// the French header.
	for _, row := range rows[1:] {
		if _, err := time.Parse(time.DateOnly, row[3]); err != nil {
			t.Fatalf("export csv: published %q is not YYYY-MM-DD", row[3])
		}
	}
	r = f.get(t, "/export?format=csv&excel=1&headers=fr&q=rapport")
	xl, err := func() ([][]string, error) {
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF")))
		cr.Comma = ';'
		return cr.ReadAll()
	}()
	if err != nil || !strings.HasPrefix(r.body, "\uFEFF") || !slices.Equal(xl[0], export.FrenchColumns) || len(xl) != n+1 {
		t.Errorf("export excel=1&headers=fr: %v, %d rows, header %q", err, len(xl), xl[0])
	}
	// Default format is CSV; errors are JSON 400s.
	if r := f.get(t, "/export"); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Errorf("export without format = %d %s", r.status, r.header.Get("Content-Type"))
	}
	for _, q := range []string{"format=xml", "format=csv&page=2", "format=csv&size=10", "format=csv&after=x", "format=csv&sort=x", "format=csv&from=hier", "format=csv&format=jsonl", "excel=yes", "headers=de"} {
		if r := f.get(t, "/export?"+q); r.status != 400 || !strings.Contains(r.body, `"invalid"`) {
			t.Errorf("export %s = %d %s", q, r.status, r.body)
		}
	}
}

// TestExportStreams reads an export through a real connection, gzipped.
func TestExportStreams(t *testing.T) {
	f := newFixtureWith(t, Config{}, searcherOf(t, manyPages(230)), nil)
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/export?format=jsonl", nil)
	resp, err := http.DefaultClient.Do(req) // asks for gzip and decodes it
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if !resp.Uncompressed {
		t.Errorf("export not gzipped")
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 230 {
		t.Errorf("%d lines, want 230", n)
	}
}
