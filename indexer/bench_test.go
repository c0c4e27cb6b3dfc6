package indexer

import (
	"os"
	"strconv"
	"testing"

	"missionsearch"
	"missionsearch/internal/synth"
)

// BenchmarkRebuild rebuilds the index from a store of synthetic pages
// (about 400 words each; MISSIONSEARCH_BENCH_PAGES pages, default 5000)
// and reports pages/s and the bytes on disk per byte of raw text (title,
// description and body):
//
//	go test -run '^$' -bench Rebuild -benchtime 3x -count 6 ./indexer
func BenchmarkRebuild(b *testing.B) {
	n := 5000
	if s := os.Getenv("MISSIONSEARCH_BENCH_PAGES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	data := b.TempDir()
	st := mustOpenStore(b, data, n, 1)
	d := mustOpenDir(b, data)
	var raw int64
	synth.Pages(n, 1, func(p *missionsearch.Page) error {
		raw += int64(len(p.Title) + len(p.Description) + len(p.Body))
		return nil
	})
	b.SetBytes(raw)
	b.ReportAllocs()
	var s Stats
	var err error
	for b.Loop() {
		s, err = Rebuild(b.Context(), st, d, Options{Force: true})
		if err != nil {
			b.Fatal(err)
		}
		if s.Docs != n {
			b.Fatalf("Rebuild indexed %d pages, want %d", s.Docs, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(s.Bytes)/float64(raw), "disk/raw")
	b.ReportMetric(float64(raw)/float64(n), "rawB/page")
}
