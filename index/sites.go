package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// maxSiteCounts bounds the sites SiteCounts counts: a network's sites.
const maxSiteCounts = 1000

// SiteCounts returns the number of documents of idx per site (FieldSite,
// Page.Site); the documents without a site count under "". A build of one
// site has the single key "".
func SiteCounts(idx bleve.Index) (map[string]uint64, error) {
	n, err := idx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("index: site counts: %w", err)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 0, 0, false)
	req.AddFacet(FieldSite, bleve.NewFacetRequest(FieldSite, maxSiteCounts))
	res, err := idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("index: site counts: %w", err)
	}
	out := map[string]uint64{}
	var named uint64
	if f := res.Facets[FieldSite]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			out[t.Term] = uint64(t.Count)
			named += uint64(t.Count)
		}
	}
	if n > named {
		out[""] = n - named
	}
	return out, nil
}
