package missionsearch

import (
	"slices"
	"testing"
	"time"
)

func TestDiff(t *testing.T) {
	old := &Page{Title: "Atelier à Rabat", Body: "La mission a réuni ses partenaires à Rabat le 3 mai.", Tags: []string{"migration"},
		Published: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)}
	p := *old
	p.Body = "La mission a réuni ses partenaires à Rabat et à Fès le 4 mai."
	c := Diff(old, &p)
	if !slices.Equal(c.Fields, []string{"body"}) || c.WordsAdded != 4 || c.WordsRemoved != 1 {
		t.Errorf("body edit: %+v, want body with 4 words added (et à Fès 4) and 1 removed (3)", c)
	}
	q := *old
	q.Title, q.Tags = "Atelier reporté", []string{"migration", "jeunesse"}
	c = Diff(old, &q)
	if !slices.Equal(c.Fields, []string{"title", "tags"}) || c.WordsAdded+c.WordsRemoved != 0 {
		t.Errorf("title and tags: %+v", c)
	}
	if c := Diff(old, old); len(c.Fields) != 0 || c.Fields == nil {
		t.Errorf("no change: %+v, want no field (an empty list)", c)
	}
}
