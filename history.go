package missionsearch

import (
	"slices"
	"strings"
	"time"
)

// A Change is one re-crawl that changed a page's record: when it was
// stored, the content hashes before and after, which fields changed, and
// how many words of the body came and went. The store keeps the last
// changes of every page (its history).
type Change struct {
	At           time.Time `json:"changed_at"`
	PreviousHash string    `json:"previous_hash"`
	Hash         string    `json:"hash"`
	// Fields are the fields that changed, of "title", "body", "published",
	// "updated", "section", "tags", "description", "type", in that order;
	// empty when only fields outside the list did (headings, links).
	Fields []string `json:"fields"`
	// WordsAdded and WordsRemoved count the words of the body (as a
	// multiset: a word twice more counts two) that the new version has
	// and the old one had not, and the reverse.
	WordsAdded   int `json:"words_added"`
	WordsRemoved int `json:"words_removed"`
}

// A PageChange is a change with the page it changed (its current URL and
// title): a line of the staff page of changes.
type PageChange struct {
	ID, URL, Title string
	Change
}

// Diff returns the change from old to p (At and the hashes left to the
// caller).
func Diff(old, p *Page) Change {
	c := Change{Fields: []string{}}
	add := func(changed bool, field string) {
		if changed {
			c.Fields = append(c.Fields, field)
		}
	}
	add(old.Title != p.Title, "title")
	add(old.Body != p.Body, "body")
	add(!old.Published.Equal(p.Published), "published")
	add(!old.Updated.Equal(p.Updated), "updated")
	add(old.Section != p.Section, "section")
	add(!slices.Equal(old.Tags, p.Tags), "tags")
	add(old.Description != p.Description, "description")
	add(old.Type != p.Type, "type")
	if old.Body != p.Body {
		count := map[string]int{}
		for w := range strings.FieldsSeq(strings.ToLower(old.Body)) {
			count[w]++
		}
		for w := range strings.FieldsSeq(strings.ToLower(p.Body)) {
			if count[w] > 0 {
				count[w]--
			} else {
				c.WordsAdded++
			}
		}
		for _, n := range count {
			c.WordsRemoved += n
		}
	}
	return c
}
