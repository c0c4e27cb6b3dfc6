package crawler

import (
	"time"

	"github.com/missionsearch/missionsearch"
)

// SamplePage is one page of a boilerplate learning sample: its language
// ("" when unknown) and the text blocks of its main content.
type SamplePage struct {
	Lang   missionsearch.Lang
	Blocks []string
}

// LearnBoilerplate runs the boilerplate learning rule on sample and
// reports whether a block was learned.
func LearnBoilerplate(sample []SamplePage) func(block string) bool {
	pages := make([]*pageFetch, len(sample))
	for i, p := range sample {
		pages[i] = &pageFetch{lang: p.Lang, blocks: p.Blocks}
	}
	set := learnBoilerplate(pages)
	return func(b string) bool {
		_, ok := set[blockHash(b)]
		return ok
	}
}

// SetClock makes c read the time of its schedule from now.
func SetClock(c *Crawler, now func() time.Time) { c.now = now }
