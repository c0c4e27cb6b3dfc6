package main

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch/export"
)

// TestExportCSV checks the command line CSV: the web export's columns, a
// byte order mark, dates as days, formulas defused, and --excel with
// French headers.
func TestExportCSV(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Write([]byte(`<html><head><title>Accueil</title></head><body><a href="/a">a</a><a href="/b">b</a></body></html>`))
		case "/a":
			w.Write([]byte(`<html><head><title>=HYPERLINK("http://evil","cliquez")</title><meta property="article:published_time" content="2021-10-05T09:00:00Z"></head>` +
				`<body><h1>=HYPERLINK("http://evil","cliquez")</h1><p>Un rapport d'atelier de la mission sur la coopération régionale.</p></body></html>`))
		case "/b":
			w.Write([]byte(`<html><head><title>Atelier de Rabat</title></head><body><h1>Atelier</h1><p>Le rapport de l'atelier régional de Rabat sur la coopération.</p></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	data := t.TempDir()
	if code, _, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", site.URL+"/"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, stderr)
	}
	read := func(out string, comma rune) [][]string {
		t.Helper()
		body, ok := strings.CutPrefix(out, "\uFEFF")
		if !ok {
			t.Errorf("csv without byte order mark: %.40q", out)
		}
		r := csv.NewReader(strings.NewReader(body))
		r.Comma = comma
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("csv: %v\n%s", err, out)
		}
		return rows
	}
	code, out, stderr := runMain(t, t.Context(), "export", "--data", data, "--format", "csv", "rapport")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	rows := read(out, ',')
	if !slices.Equal(rows[0], export.Columns) || len(rows) != 3 {
		t.Fatalf("export csv: header %q, %d rows, want the web export's columns and 2 pages", rows[0], len(rows)-1)
	}
	found := false
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[2], "=") {
			t.Errorf("export csv: formula cell %q", row[2])
		}
		if strings.Contains(row[2], "HYPERLINK") {
			found = true
			if row[3] != "2021-10-05" {
				t.Errorf("export csv: published %q, want 2021-10-05", row[3])
			}
		}
	}
	if !found {
		t.Error("export csv: the page with a formula title is missing")
	}
	code, out, stderr = runMain(t, t.Context(), "export", "--data", data, "--format", "csv", "--excel", "--headers", "fr", "rapport")
	if code != 0 {
		t.Fatalf("export --excel: exit %d\n%s", code, stderr)
	}
	if rows := read(out, ';'); !slices.Equal(rows[0], export.FrenchColumns) || len(rows) != 3 {
		t.Errorf("export --excel --headers fr: header %q, %d rows", rows[0], len(rows)-1)
	}
	for _, bad := range []string{"--headers=de", "--format=xlsx"} {
		if code, _, _ := runMain(t, t.Context(), "export", "--data", data, bad); code != 2 {
			t.Errorf("export %s: exit %d, want 2", bad, code)
		}
	}
}
