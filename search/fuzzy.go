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
// (prefix 0) with its candidates kept per snapshot: the same terms, edit
// distances and searcher, hence the same matches and scores.

// maxFuzzyCached bounds the candidates kept for one snapshot; the cache
// starts over when it is full.
const maxFuzzyCached = 4096

type fuzzyKey struct {
	field, term string
	fuzziness   int
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

// candidates returns the terms of field within fuzziness edits of term
// in the index r reads, with their edit distances, as bleve's fuzzy
// searcher finds them.
func (c *fuzzyCache) candidates(r bindex.IndexReader, field, term string, fuzziness int) (fuzzyEntry, error) {
	key := fuzzyKey{field, term, fuzziness}
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
	fd, err := fr.FieldDictFuzzy(field, term, fuzziness, "")
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

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r || len(c.m) >= maxFuzzyCached {
		c.snap, c.m = r, map[fuzzyKey]fuzzyEntry{}
	}
	c.m[key] = e
	return e, nil
}

// fuzzyQuery matches the terms of field within Fuzziness edits of Term,
// like bleve's FuzzyQuery with no prefix, with its candidates from cache.
type fuzzyQuery struct {
	cache     *fuzzyCache
	Field     string  `json:"field"`
	Term      string  `json:"term"`
	Fuzziness int     `json:"fuzziness"`
	Boost     float64 `json:"boost"`
}

func (q *fuzzyQuery) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if q.Fuzziness == 0 {
		return searcher.NewTermSearcher(ctx, r, q.Term, q.Field, q.Boost, opts)
	}
	e, err := q.cache.candidates(r, q.Field, q.Term, q.Fuzziness)
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
