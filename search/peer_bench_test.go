package search

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/indexer"
	"github.com/missionsearch/missionsearch/store"
)

// The peer benchmark: missionsearch against a stock bleve index of the
// same real pages, in one run, so that their ratio means something on a
// shared, noisy machine.
//
//	MISSIONSEARCH_CORPORA=../shared/corpora go test -run '^$' -bench PeerCorpora -benchtime 400x ./search
//
// A "page" is what a results page needs: the top 10 with a snippet each,
// the total and the facets. Stock bleve: default mapping (standard
// analyzer, _all field), a match query, the default highlighter on the
// body, one terms facet (section). missionsearch: a full Search, result
// cache off, over a build made by indexer.Rebuild (as reindex makes it).

// peerQueries returns the French queries of the development sets of
// MISSIONSEARCH_EVAL (default: ../shared/eval beside the corpora), at most
// 40.
func peerQueries(tb testing.TB) []string {
	dir := os.Getenv("MISSIONSEARCH_EVAL")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(filepath.Clean(os.Getenv("MISSIONSEARCH_CORPORA"))), "eval")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*-queries.tsv"))
	slices.Sort(files)
	var qs []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for first := true; sc.Scan(); first = false {
			_, q, ok := strings.Cut(sc.Text(), "\t")
			if !first && ok && q != "" {
				qs = append(qs, q)
			}
		}
		fh.Close()
	}
	if len(qs) == 0 {
		tb.Skipf("no queries in %s/*-queries.tsv (set MISSIONSEARCH_EVAL)", dir)
	}
	// Both sets, alternately, up to 40.
	if len(qs) > 40 {
		step := float64(len(qs)) / 40
		var out []string
		for i := range 40 {
			out = append(out, qs[int(float64(i)*step)])
		}
		qs = out
	}
	return qs
}

type peerIndexes struct {
	dir   string // holds both, removed by peerCleanup
	live  *index.Live
	pages []*missionsearch.Page
	ms    *Searcher
	stock bleve.Index
	err   error
}

var (
	peerOnce sync.Once
	peer     peerIndexes
	// peerP50 holds the page p50 and p99 of each engine measured in this
	// run, for the ratio.
	peerMu  sync.Mutex
	peerFig = map[string][2]time.Duration{}
)

// peerCleanup closes the peer indexes and removes their directory.
func peerCleanup() {
	if peer.stock != nil {
		peer.stock.Close()
	}
	if peer.live != nil {
		peer.live.Close()
	}
	if peer.dir != "" {
		os.RemoveAll(peer.dir)
	}
}

// peerSetup builds both indexes of every page of the corpora, once.
func peerSetup(b testing.TB) *peerIndexes {
	peerOnce.Do(func() {
		pages := corpusPages(b, 1<<30)
		dir, err := os.MkdirTemp("", "missionsearch-peer-")
		if err != nil {
			peer.err = err
			return
		}
		peer.dir = dir
		st, err := store.Open(b.Context(), filepath.Join(dir, "store.db"))
		if err != nil {
			peer.err = err
			return
		}
		defer st.Close()
		for _, p := range pages {
			p.FetchedAt = time.Now()
			if err := st.PutPage(b.Context(), p, missionsearch.CrawlState{URL: p.URL, LastSeen: p.FetchedAt}); err != nil {
				peer.err = err
				return
			}
		}
		d, err := index.OpenDir(dir)
		if err != nil {
			peer.err = err
			return
		}
		if _, err := indexer.Rebuild(b.Context(), st, d, indexer.Options{Force: true}); err != nil {
			peer.err = err
			return
		}
		live, err := index.OpenLive(d, nil)
		if err != nil {
			peer.err = err
			return
		}
		peer.live = live
		peer.ms = NewLive(live)
		peer.ms.SetCacheBytes(0)

		stock, err := bleve.New(filepath.Join(dir, "stock"), bleve.NewIndexMapping())
		if err != nil {
			peer.err = err
			return
		}
		batch := stock.NewBatch()
		for _, p := range pages {
			batch.Index(p.ID, map[string]any{"title": p.Title, "body": p.Body, "section": p.Section, "lang": string(p.Lang), "url": p.URL})
			if batch.Size() >= 500 {
				if peer.err = stock.Batch(batch); peer.err != nil {
					return
				}
				batch.Reset()
			}
		}
		if peer.err = stock.Batch(batch); peer.err != nil {
			return
		}
		peer.stock, peer.pages = stock, pages
	})
	if peer.err != nil {
		b.Fatal(peer.err)
	}
	return &peer
}

// stockPage runs query q on the stock bleve index as a results page of
// size hits.
func stockPage(b testing.TB, idx bleve.Index, q string, size int) uint64 {
	req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q), size, 0, false)
	req.Fields = []string{"title", "url"}
	req.Highlight = bleve.NewHighlight()
	req.Highlight.AddField("body")
	req.AddFacet("section", bleve.NewFacetRequest("section", 10))
	res, err := idx.SearchInContext(b.Context(), req)
	if err != nil {
		b.Fatal(err)
	}
	return res.Total
}

// BenchmarkPeerCorpora measures a results page of each engine over the
// real French corpora, with the same queries in the same order, and
// reports p50 and p99; once both engines ran, "ratio" gives
// missionsearch / stock bleve.
func BenchmarkPeerCorpora(b *testing.B) {
	if os.Getenv("MISSIONSEARCH_CORPORA") == "" {
		b.Skip("MISSIONSEARCH_CORPORA is not set: no real pages")
	}
	qs := peerQueries(b)
	p := peerSetup(b)
	peerComparable(b, p, qs)
	engines := []struct {
		name string
		page func(q string, size int) uint64
	}{
		{"stock-bleve", func(q string, size int) uint64 { return stockPage(b, p.stock, q, size) }},
		{"missionsearch", func(q string, size int) uint64 {
			res, err := p.ms.Search(b.Context(), Request{Query: q, Size: size})
			if err != nil {
				b.Fatal(err)
			}
			return res.Total
		}},
	}
	for _, size := range []int{10, 1} {
		for _, e := range engines {
			name := fmt.Sprintf("%s/size%d", e.name, size)
			b.Run(name, func(b *testing.B) {
				for _, q := range qs { // warm: first searches of a build
					e.page(q, size)
				}
				var took []time.Duration
				i := 0
				for b.Loop() {
					start := time.Now()
					e.page(qs[i%len(qs)], size)
					took = append(took, time.Since(start))
					i++
				}
				slices.Sort(took)
				p50, p99 := took[len(took)/2], took[min(len(took)-1, len(took)*99/100)]
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
				peerMu.Lock()
				peerFig[name] = [2]time.Duration{p50, p99}
				peerMu.Unlock()
			})
		}
		b.Run(fmt.Sprintf("ratio/size%d", size), func(b *testing.B) {
			peerMu.Lock()
			s, m := peerFig[fmt.Sprintf("stock-bleve/size%d", size)], peerFig[fmt.Sprintf("missionsearch/size%d", size)]
			peerMu.Unlock()
			if s[0] == 0 || m[0] == 0 {
				b.Skip("run both engines for the ratio")
			}
			for b.Loop() {
			}
			b.ReportMetric(float64(m[0])/float64(s[0]), "p50-ratio")
			b.ReportMetric(float64(m[1])/float64(s[1]), "p99-ratio")
		})
	}
}

// peerComparable fails tb unless both engines find pages for most of the
// queries, so that a broken loader cannot make a meaningless ratio.
func peerComparable(tb testing.TB, p *peerIndexes, qs []string) {
	stockFound, msFound := 0, 0
	for _, q := range qs {
		if stockPage(tb, p.stock, q, 10) > 0 {
			stockFound++
		}
		res, err := p.ms.Search(tb.Context(), Request{Query: q, Size: 10})
		if err != nil {
			tb.Fatal(err)
		}
		if res.Total > 0 {
			msFound++
		}
	}
	tb.Logf("%d pages, %d queries: stock bleve finds pages for %d, missionsearch for %d", len(p.pages), len(qs), stockFound, msFound)
	if len(p.pages) < 1000 || stockFound < len(qs)*8/10 || msFound < len(qs)*8/10 {
		tb.Fatalf("the engines are not comparable: %d pages; %d and %d of %d queries find pages", len(p.pages), stockFound, msFound, len(qs))
	}
}
