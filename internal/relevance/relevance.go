// Package relevance reads hand-judged query sets and computes the ranking
// metrics the project reports: nDCG@k (gain 2^grade − 1, log2 discount), MRR
// (reciprocal rank of the first document of grade ≥ 1) and recall@k (share
// of the documents of grade ≥ 1 found in the top k).
//
// It knows nothing of search: the caller runs the queries and passes the
// ranked document keys of each.
package relevance

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Query is one judged query.
type Query struct {
	ID, Text string
}

// Qrels maps a query ID to the grade of each judged document key.
// Unlisted documents have grade 0.
type Qrels map[string]map[string]int

// ReadQueries reads a TSV file of `query_id<TAB>query` lines with a header.
func ReadQueries(r io.Reader) ([]Query, error) {
	var qs []Query
	err := readTSV(r, 2, func(f []string) error {
		qs = append(qs, Query{ID: f[0], Text: f[1]})
		return nil
	})
	return qs, err
}

// ReadQrels reads a TSV file of `query_id<TAB>query<TAB>doc<TAB>grade` lines
// with a header.
func ReadQrels(r io.Reader) (Qrels, error) {
	q := Qrels{}
	err := readTSV(r, 4, func(f []string) error {
		g, err := strconv.Atoi(f[3])
		if err != nil {
			return fmt.Errorf("grade %q: %w", f[3], err)
		}
		if q[f[0]] == nil {
			q[f[0]] = map[string]int{}
		}
		q[f[0]][f[2]] = g
		return nil
	})
	return q, err
}

func readTSV(r io.Reader, fields int, fn func([]string) error) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 || strings.TrimSpace(sc.Text()) == "" {
			continue // header
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) < fields {
			return fmt.Errorf("relevance: line %d: %d fields, want %d", line, len(f), fields)
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("relevance: line %d: %w", line, err)
		}
	}
	return sc.Err()
}

// Scores are the metrics of one query, or their means over a query set.
type Scores struct {
	NDCG, MRR, Recall float64
}

// Score computes the metrics at cut-off k of the ranked document keys got
// against the judgements of one query.
func Score(got []string, judged map[string]int, k int) Scores {
	var s Scores
	if len(got) > k {
		got = got[:k]
	}
	var dcg float64
	found := 0
	for i, d := range got {
		g := judged[d]
		if g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
			found++
			if s.MRR == 0 {
				s.MRR = 1 / float64(i+1)
			}
		}
	}
	var grades []int
	relevant := 0
	for _, g := range judged {
		if g > 0 {
			grades = append(grades, g)
			relevant++
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	var idcg float64
	for i, g := range grades {
		if i >= k {
			break
		}
		idcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg > 0 {
		s.NDCG = dcg / idcg
	}
	if relevant > 0 {
		s.Recall = float64(found) / float64(relevant)
	}
	return s
}

// Mean returns the arithmetic mean of each metric.
func Mean(all []Scores) Scores {
	var m Scores
	if len(all) == 0 {
		return m
	}
	for _, s := range all {
		m.NDCG += s.NDCG
		m.MRR += s.MRR
		m.Recall += s.Recall
	}
	n := float64(len(all))
	return Scores{m.NDCG / n, m.MRR / n, m.Recall / n}
}
