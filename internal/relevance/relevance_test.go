package relevance

import (
	"math"
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	judged := map[string]int{"a": 2, "b": 1, "c": 0}
	tests := []struct {
		name string
		got  []string
		want Scores
	}{
		{"ideal", []string{"a", "b", "x"}, Scores{1, 1, 1}},
		{"nothing", []string{"x", "y"}, Scores{0, 0, 0}},
		{"swapped", []string{"b", "a"}, Scores{
			NDCG: (1 + 3/math.Log2(3)) / (3 + 1/math.Log2(3)), MRR: 1, Recall: 1}},
		{"second place", []string{"c", "a"}, Scores{
			NDCG: (3 / math.Log2(3)) / (3 + 1/math.Log2(3)), MRR: 0.5, Recall: 0.5}},
		{"cut at k", []string{"x", "x", "a"}, Scores{0, 0, 0}},
	}
	for _, tt := range tests {
		got := Score(tt.got, judged, 2)
		if math.Abs(got.NDCG-tt.want.NDCG) > 1e-9 || got.MRR != tt.want.MRR || got.Recall != tt.want.Recall {
			t.Errorf("%s: Score(%q) = %+v, want %+v", tt.name, tt.got, got, tt.want)
		}
	}
}

func TestRead(t *testing.T) {
	qs, err := ReadQueries(strings.NewReader("query_id\tquery\nq1\tmot de passe\n"))
	if err != nil || len(qs) != 1 || qs[0] != (Query{"q1", "mot de passe"}) {
		t.Fatalf("ReadQueries = %v, %v", qs, err)
	}
	qr, err := ReadQrels(strings.NewReader("query_id\tquery\trelpath\tgrade\nq1\tx\ta.html\t2\n"))
	if err != nil || qr["q1"]["a.html"] != 2 {
		t.Fatalf("ReadQrels = %v, %v", qr, err)
	}
	if _, err := ReadQrels(strings.NewReader("h\nq1\tx\ta.html\tdeux\n")); err == nil {
		t.Error("ReadQrels accepted a non-numeric grade")
	}
}
