package search

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler/extract"
)

// corpusPages returns up to n pages of the real French corpora of
// MISSIONSEARCH_CORPORA, extracted as the crawler does, taken evenly from
// the sorted list of HTML files.
func corpusPages(tb testing.TB, n int) []*missionsearch.Page {
	tb.Helper()
	root := os.Getenv("MISSIONSEARCH_CORPORA")
	if root == "" {
		tb.Skip("MISSIONSEARCH_CORPORA is not set: no real pages")
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err == nil && !de.IsDir() && strings.HasSuffix(path, ".html") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(files)
	step := max(1, len(files)/n)
	var pages []*missionsearch.Page
	for i := 0; i < len(files) && len(pages) < n; i += step {
		data, err := os.ReadFile(files[i])
		if err != nil {
			tb.Fatal(err)
		}
		rel, _ := filepath.Rel(root, files[i])
		u, _ := url.Parse("http://127.0.0.1/" + filepath.ToSlash(rel))
		res, err := extract.Extract(strings.NewReader(string(data)), u, "text/html; charset=utf-8", extract.Options{})
		if err != nil {
			continue
		}
		p := res.Page
		pages = append(pages, &p)
	}
	return pages
}

// TestSnippetScanEqualsAnalysis checks the candidate scan of matches
// against the analysis of the whole text, on real French pages (and
// English and Arabic text) and queries made of their own words, with typos
// past the first two letters and with elided articles.
func TestSnippetScanEqualsAnalysis(t *testing.T) {
	pages := corpusPages(t, 250)
	extra := []*missionsearch.Page{
		{URL: "https://mission.example/en/1", Lang: missionsearch.LangEN, Title: "Refugees",
			Body: "The mission's refugees programme: running workshops, studies and the partners' meetings in Rabat's centres. Children's rights, 3.5 million, e-mail."},
		{URL: "https://mission.example/ar/1", Lang: missionsearch.LangAR, Title: "الهجرة",
			Body: "تعاون جديد بالمغرب في مجال التعليم والهجرة، وللمهاجرين حقوق. الأطفال والمدارس والجامعات؛ مؤتمر الهجرة والتنمية بالرباط."},
		{URL: "https://mission.example/fr/soft", Lang: missionsearch.LangFR, Title: "Césure",
			Body: "Le dévelop\u00adpement durable, l’État, aujourd'hui, coopé\u00adration; 10,5 % des étudiants — jusqu’à l'Œuvre d'Ædouard, naïveté, fin.Début, ÉVÈNEMENT."},
	}
	pages = append(pages, extra...)
	s := New(mustBuildIndex(t, pages...))
	r := rand.New(rand.NewPCG(7, 7))
	typo := func(w string) string {
		rs := []rune(w)
		if len(rs) < 6 {
			return w
		}
		i := 2 + r.IntN(len(rs)-3)
		rs[i], rs[i+1] = rs[i+1], rs[i]
		return string(rs)
	}
	checked, matched := 0, 0
	for pi, p := range pages {
		words := strings.FieldsFunc(p.Body, func(r rune) bool { return !inWord(r) })
		if len(words) == 0 {
			continue
		}
		var queries []string
		for range 4 {
			w := words[r.IntN(len(words))]
			w2 := words[r.IntN(len(words))]
			queries = append(queries, w, w+" "+w2, typo(w))
		}
		if pi < len(extra)+len(pages)-len(extra) && pi%10 == 0 {
			queries = append(queries, "développement", "l'état", "coopération sécurité", "migrants réfugiés")
		}
		for _, qs := range queries {
			q, err := ParseQuery(qs)
			if err != nil {
				continue
			}
			v, err := s.open()
			if err != nil {
				t.Fatal(err)
			}
			pl, err := s.plan(t.Context(), v, q)
			if err != nil {
				v.Close()
				t.Fatalf("plan %q: %v", qs, err)
			}
			m := pl.matcher(p.Lang)
			for _, text := range []string{p.Body, p.Description} {
				got, want := scanMatches(text, m), analysedMatches(text, m)
				checked++
				if len(want) > 0 {
					matched++
				}
				if !slices.Equal(got, want) {
					t.Errorf("page %s, query %q: the scan finds %s, the analysis %s", p.URL, qs, spansText(text, got), spansText(text, want))
				}
			}
			v.Close()
		}
	}
	t.Logf("%d texts × queries checked, %d with matches", checked, matched)
	if matched < checked/4 {
		t.Errorf("only %d of %d checks had matches: the test queries do not exercise the scan", matched, checked)
	}
}

func spansText(text string, spans []span) string {
	var parts []string
	for _, sp := range spans {
		parts = append(parts, fmt.Sprintf("%q@%d", text[sp.start:sp.end], sp.start))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// BenchmarkSnippet measures the snippet of one hit on a 1 KB and a 300 KB
// page, with the query's word near the start, near the end of the scanned
// part, and absent: the cost must not grow with the page beyond the
// scanned part (maxAnalyzedBytes).
//
//	go test -run '^$' -bench Snippet -benchmem ./search
func BenchmarkSnippet(b *testing.B) {
	filler := "Les partenaires de la mission ont présenté le bilan des projets de l'année dans plusieurs régions. "
	page := func(size int, at float64) string {
		var sb strings.Builder
		for sb.Len() < size {
			if at >= 0 && sb.Len() >= int(at*float64(min(size, maxAnalyzedBytes)-200)) {
				sb.WriteString("Un atelier sur la coopération migratoire s'est tenu à Rabat. ")
				at = -1
			}
			sb.WriteString(filler)
		}
		return sb.String()
	}
	s := New(mustBuildIndex(b, &missionsearch.Page{URL: "https://mission.example/fr/a", Title: "Atelier", Body: page(2000, 0.5)}))
	q, err := ParseQuery("atelier coopération")
	if err != nil {
		b.Fatal(err)
	}
	v, err := s.open()
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	p, err := s.plan(b.Context(), v, q)
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []struct {
		name string
		n    int
	}{{"1KB", 1 << 10}, {"300KB", 300 << 10}} {
		for _, where := range []struct {
			name string
			at   float64
		}{{"early", 0.05}, {"late", 0.95}, {"absent", -1}} {
			body := page(size.n, where.at)
			b.Run(size.name+"/"+where.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					p.marks = [3]*matcher{} // each hit of a new search
					if sn := snippet(body, "", p.matcher(missionsearch.LangFR)); (where.at >= 0) != strings.Contains(sn, "<mark>") {
						b.Fatalf("snippet %q", sn)
					}
				}
			})
		}
	}
}
