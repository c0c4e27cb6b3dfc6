package indexer

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler/extract"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/synth"
	"github.com/missionsearch/missionsearch/store"
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
	benchRebuild(b, st, d, n, raw)
}

// BenchmarkRebuildCorpora rebuilds the index of every HTML page of the
// French corpora of MISSIONSEARCH_CORPORA (extracted as the crawler does,
// without boilerplate learning) and reports pages/s and the bytes on disk
// per byte of extracted text:
//
//	MISSIONSEARCH_CORPORA=../shared/corpora go test -run '^$' -bench RebuildCorpora -benchtime 3x ./indexer
func BenchmarkRebuildCorpora(b *testing.B) {
	root := os.Getenv("MISSIONSEARCH_CORPORA")
	if root == "" {
		b.Skip("MISSIONSEARCH_CORPORA is not set: no corpora to index")
	}
	data := b.TempDir()
	st, err := store.Open(b.Context(), filepath.Join(data, "store.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var raw int64
	n := 0
	err = filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		u, _ := url.Parse("http://127.0.0.1/" + filepath.ToSlash(rel))
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := extract.Extract(f, u, "text/html; charset=utf-8", extract.Options{})
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		p := res.Page
		p.FetchedAt = time.Now()
		raw += int64(len(p.Title) + len(p.Description) + len(p.Body))
		n++
		return st.PutPage(b.Context(), &p, missionsearch.CrawlState{URL: p.URL, LastSeen: p.FetchedAt})
	})
	if err != nil {
		b.Fatal(err)
	}
	d := mustOpenDir(b, data)
	benchRebuild(b, st, d, n, raw)
}

// benchRebuild measures Rebuild of the n pages of st, raw bytes of text in
// all, into d, and reports pages/s and the bytes on disk per byte of text.
func benchRebuild(b *testing.B, st *store.Store, d *index.Dir, n int, raw int64) {
	b.SetBytes(raw)
	b.ReportAllocs()
	var s Stats
	for b.Loop() {
		var err error
		if s, err = Rebuild(b.Context(), st, d, Options{Force: true}); err != nil {
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
