package synth

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
)

func TestPageDeterministic(t *testing.T) {
	for i := range 50 {
		a, b := Page(i, 7), Page(i, 7)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("Page(%d, 7) differs between calls", i)
		}
	}
	if reflect.DeepEqual(Page(3, 7), Page(3, 8)) {
		t.Errorf("Page(3, 7) == Page(3, 8), want different seeds to differ")
	}
}

func TestCorpusShape(t *testing.T) {
	const n = 2000
	langs := map[missionsearch.Lang]int{}
	sections := map[string]int{}
	ids := map[string]bool{}
	words, elisions := 0, 0
	err := Pages(n, 1, func(p *missionsearch.Page) error {
		langs[p.Lang]++
		sections[p.Section]++
		if ids[p.ID] {
			t.Errorf("duplicate id %s (%s)", p.ID, p.URL)
		}
		ids[p.ID] = true
		if p.ID != missionsearch.PageID(p.URL) {
			t.Errorf("page %s: ID is not PageID(URL)", p.URL)
		}
		if p.Title == "" || p.Body == "" || p.Description == "" {
			t.Errorf("page %s: empty title, body or description", p.URL)
		}
		if !utf8.ValidString(p.Body) {
			t.Errorf("page %s: invalid UTF-8", p.URL)
		}
		d := p.Date()
		if !d.IsZero() && (d.Before(Start) || d.After(End.AddDate(0, 4, 0))) {
			t.Errorf("page %s: date %v out of range", p.URL, d)
		}
		words += len(strings.Fields(p.Body))
		if p.Lang == missionsearch.LangFR {
			elisions += strings.Count(p.Body, "l'") + strings.Count(p.Body, "l’")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if avg := words / n; avg < 330 || avg > 450 {
		t.Errorf("average body = %d words, want about 400", avg)
	}
	if fr := langs[missionsearch.LangFR]; fr < n*85/100 || fr > n*95/100 {
		t.Errorf("French pages = %d of %d, want about 90%%", fr, n)
	}
	for _, l := range []missionsearch.Lang{missionsearch.LangEN, missionsearch.LangAR} {
		if c := langs[l]; c < n*3/100 || c > n*7/100 {
			t.Errorf("%s pages = %d of %d, want about 5%%", l, c, n)
		}
	}
	for _, s := range []string{"news", "stories", "press-releases", "events"} {
		if sections[s] == 0 {
			t.Errorf("no page in section %s", s)
		}
	}
	if elisions == 0 {
		t.Errorf("no elided article in French bodies")
	}
}

// BenchmarkPage measures generation alone, to check it stays negligible
// next to indexing:
//
//	go test -run '^$' -bench Page -count 6 -benchmem ./internal/synth
func BenchmarkPage(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := Page(i, 1)
		b.SetBytes(int64(len(p.Body)))
		i++
	}
}
