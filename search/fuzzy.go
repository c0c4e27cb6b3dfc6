package search

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Typo tolerance with the candidates of each word found once per index
// snapshot.
//
// bleve's FuzzyQuery finds the terms of the dictionary within the edit
// distance by building a Levenshtein automaton and walking every
// segment's dictionary with it, at every search and for every field: a
// word query has up to seven fuzzy clauses, and the automata were more
// than half of the bytes a search allocated. fuzzyQuery is FuzzyQuery
// with its candidates kept per snapshot: the same terms, edit
// distances and searcher, hence the same matches and scores.

// maxFuzzyCached bounds the candidates kept for one snapshot; the cache
// starts over when it is full.
const maxFuzzyCached = 4096

type fuzzyKey struct {
	field, term, prefix string
	fuzziness           int
	minCount            uint64
}

type fuzzyEntry struct {
	terms     []string
	distances []uint8
}

// fuzzyCache holds the fuzzy candidates of the last snapshot searched.
type fuzzyCache struct {
	mu   sync.Mutex
	snap bindex.IndexReader // identity only
	m    map[fuzzyKey]fuzzyEntry
}

// candidates returns the terms of field that start with prefix and are
// within fuzziness edits of term in the index r reads, with their edit
// distances, as bleve's fuzzy searcher finds them; with minCount > 0, only
// those on at least minCount pages (term itself is always kept).
func (c *fuzzyCache) candidates(r bindex.IndexReader, field, term, prefix string, fuzziness int, minCount uint64) (fuzzyEntry, error) {
	key := fuzzyKey{field, term, prefix, fuzziness, minCount}
	c.mu.Lock()
	if c.snap == r {
		if e, ok := c.m[key]; ok {
			c.mu.Unlock()
			return e, nil
		}
	}
	c.mu.Unlock()

	fr, ok := r.(bindex.IndexReaderFuzzy)
	if !ok {
		return fuzzyEntry{}, errUnsupported
	}
	fd, err := fr.FieldDictFuzzy(field, term, fuzziness, prefix)
	if err != nil {
		return fuzzyEntry{}, err
	}
	var e fuzzyEntry
	for {
		de, err := fd.Next()
		if err != nil {
			fd.Close()
			return fuzzyEntry{}, err
		}
		if de == nil {
			break
		}
		e.terms = append(e.terms, de.Term)
		e.distances = append(e.distances, de.EditDistance)
	}
	if err := fd.Close(); err != nil {
		return fuzzyEntry{}, err
	}
	if minCount > 0 {
		// The fuzzy dictionary does not count: each candidate's postings do.
		kept := 0
		for i, t := range e.terms {
			n := minCount
			if t != term {
				if n, err = docCount(r, field, t); err != nil {
					return fuzzyEntry{}, err
				}
			}
			if n >= minCount {
				e.terms[kept], e.distances[kept] = t, e.distances[i]
				kept++
			}
		}
		e.terms, e.distances = e.terms[:kept], e.distances[:kept]
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r || len(c.m) >= maxFuzzyCached {
		c.snap, c.m = r, map[fuzzyKey]fuzzyEntry{}
	}
	c.m[key] = e
	return e, nil
}

// docCount returns the number of documents with term in field.
func docCount(r bindex.IndexReader, field, term string) (uint64, error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// fuzzyQuery matches the terms of field that start with Prefix, are within
// Fuzziness edits of Term and, with MinCount, are on at least MinCount
// pages: bleve's FuzzyQuery with a prefix, with its candidates from cache.
type fuzzyQuery struct {
	cache     *fuzzyCache
	Field     string  `json:"field"`
	Term      string  `json:"term"`
	Prefix    string  `json:"prefix,omitempty"`
	Fuzziness int     `json:"fuzziness"`
	MinCount  uint64  `json:"min_count,omitempty"`
	Boost     float64 `json:"boost"`
}

func (q *fuzzyQuery) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if q.Fuzziness == 0 {
		return searcher.NewTermSearcher(ctx, r, q.Term, q.Field, q.Boost, opts)
	}
	e, err := q.cache.candidates(r, q.Field, q.Term, q.Prefix, q.Fuzziness, q.MinCount)
	if err != nil {
		return nil, err
	}
	if len(e.terms) == 0 || (len(e.terms) == 1 && e.terms[0] == q.Term) {
		return searcher.NewTermSearcher(ctx, r, q.Term, q.Field, q.Boost, opts)
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, e.terms, q.Field, q.Boost, e.distances, opts, true)
}

func (q *fuzzyQuery) MarshalJSON() ([]byte, error) {
	type plain fuzzyQuery
	return json.Marshal(map[string]any{"fuzzy": (*plain)(q)})
}
