package store

import (
	"path/filepath"
	"testing"

	"github.com/missionsearch/missionsearch"
)

// BenchmarkPutPage measures one durable PutPage of a 2 KB page, a new URL
// each time, under synchronous=FULL (what Open uses) and NORMAL (for
// comparison). Compare runs with
//
//	go test -run '^$' -bench PutPage -count 6 -benchmem ./store/ | benchstat -
func BenchmarkPutPage(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("sync="+sync, func(b *testing.B) {
			s := mustOpenAt(b, filepath.Join(b.TempDir(), "store.db"), options{synchronous: sync})
			ctx := b.Context()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := s.PutPage(ctx, testPage(i), testState(i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkPages streams 10,000 stored pages of about 2 KB each, as a
// reindex does.
//
//	go test -run '^$' -bench Pages -count 6 -benchmem ./store/ | benchstat -
func BenchmarkPages(b *testing.B) {
	const n = 10_000
	s := mustOpenAt(b, filepath.Join(b.TempDir(), "store.db"), options{synchronous: "OFF"})
	ctx := b.Context()
	var size int64
	for i := range n {
		p := testPage(i)
		size += int64(len(p.Body))
		if err := s.PutPage(ctx, p, testState(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		got := 0
		if err := s.Pages(ctx, func(*missionsearch.Page) error { got++; return nil }); err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("Pages streamed %d pages, want %d", got, n)
		}
	}
}
