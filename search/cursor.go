package search

import (
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/missionsearch/missionsearch"
)

// maxCursorLen bounds the length of Request.SearchAfter.
const maxCursorLen = 2048

// cursor is the decoded form of Request.SearchAfter and Result.Next: the
// sort keys of the last hit delivered, for bleve's search-after paging.
type cursor struct {
	V    int      `json:"v"`
	Sort string   `json:"s"`
	Hash uint64   `json:"h"` // of the request the cursor belongs to
	Keys [][]byte `json:"k"` // raw sort keys, in the order of sortOrder
	N    int      `json:"n"` // hits delivered up to and including the last
}

// keys returns the cursor's keys for bleve's SearchRequest.SearchAfter.
func (c *cursor) keys() []string {
	ks := make([]string, len(c.Keys))
	for i, k := range c.Keys {
		ks[i] = string(k)
	}
	return ks
}

// requestHash identifies the query, filters and sort of r, so that a cursor
// is not used with another request.
func requestHash(r *Request, q Query) uint64 {
	h := fnv.New64a()
	w := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	w(q.String())
	w(r.Sort)
	for _, vs := range [][]string{r.Sections, r.Years, r.Langs, r.Tags, r.Sites, r.Partners, r.People, r.Places} {
		w(strings.Join(vs, "\x01"))
	}
	for _, t := range []time.Time{r.From, r.To} {
		if !t.IsZero() {
			w(dayStart(t).Format(time.DateOnly))
		} else {
			w("")
		}
	}
	return h.Sum64()
}

// encodeCursor returns the cursor after hit h, the delivered-th hit of r.
func encodeCursor(r *Request, q Query, h *bsearch.DocumentMatch, delivered int) string {
	c := cursor{V: 1, Sort: r.Sort, Hash: requestHash(r, q), N: delivered}
	for i, k := range h.Sort {
		if i == 0 && r.Sort == SortRelevance {
			k = strconv.FormatFloat(h.Score, 'g', -1, 64)
		}
		c.Keys = append(c.Keys, []byte(k))
	}
	b, _ := json.Marshal(c) // cannot fail: plain types
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor decodes Request.SearchAfter and checks that it belongs to r.
func decodeCursor(s string, r *Request, q Query) (*cursor, error) {
	invalid := missionsearch.Errorf(missionsearch.EINVALID,
		"The page cursor is not valid for this search. Please start again from the first page.")
	if len(s) > maxCursorLen {
		return nil, invalid
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, invalid
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, invalid
	}
	if c.V != 1 || c.Sort != r.Sort || c.Hash != requestHash(r, q) || c.N < 0 || len(c.Keys) != len(sortOrder(r.Sort)) {
		return nil, invalid
	}
	if r.Sort == SortRelevance {
		if _, err := strconv.ParseFloat(string(c.Keys[0]), 64); err != nil {
			return nil, invalid
		}
	}
	return &c, nil
}
