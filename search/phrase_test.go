package search

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// TestPhraseDocsEqualBleve checks that the documents phraseQuery finds from
// the postings are exactly those bleve's phrase query matches, for random
// phrases of two to four words (stop words included, which leave gaps)
// taken from the pages, over an index of several segments.
func TestPhraseDocsEqualBleve(t *testing.T) {
	idx, pages := fastTestIndex(t, 1200)
	s := New(idx)
	if s.err != nil {
		t.Fatal(s.err)
	}
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	snap := rd.(*scorch.IndexSnapshot)
	if len(snap.Segments()) < 2 {
		t.Logf("only %d segment(s)", len(snap.Segments()))
	}
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	nonEmpty := 0
	for i := range 150 {
		p := pages[r.IntN(len(pages))]
		li := langIndex(p.Lang)
		field := index.BodyField(missionsearch.Langs[li])
		ws := strings.Fields(p.Body)
		n := 2 + r.IntN(3)
		if len(ws) <= n {
			continue
		}
		k := r.IntN(len(ws) - n)
		text := strings.Join(ws[k:k+n], " ")
		if i%5 == 0 { // a phrase that may be nowhere: words of two pages
			text = ws[k] + " " + strings.Fields(pages[r.IntN(len(pages))].Body)[0]
		}
		pq := bleve.NewMatchPhraseQuery(text)
		pq.SetField(field)
		pq.Analyzer = index.AnalyzerFor(missionsearch.Langs[li])
		req := bleve.NewSearchRequestOptions(pq, 10000, 0, false)
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want := map[uint32]bool{}
		for _, h := range res.Hits {
			want[uint32(h.IndexInternalID.Value())] = true
		}
		q := &phraseQuery{Field: field, Text: text, an: s.an.lang[li], inner: pq}
		got, err := q.docs(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		if int(got.GetCardinality()) != len(want) {
			t.Fatalf("phrase %q in %s: %d documents from the postings, bleve %d", text, field, got.GetCardinality(), len(want))
		}
		for _, d := range got.ToArray() {
			if !want[d] {
				t.Fatalf("phrase %q in %s: document %d found, not by bleve", text, field, d)
			}
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 50 {
		t.Fatalf("only %d phrases found anywhere: the test checks too little", nonEmpty)
	}
}
