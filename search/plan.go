package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// Boosts of the parts of a word's query. bleve's tf-idf already weighs a
// match in a short field by its length norm (a six-word title counts about
// twenty times a 2,000-word body), so the stemmed titles get a small boost
// on top of it: more and they swamp the bodies, and long pages that cover a
// topic in depth lose to short pages that name it (measured on the judged
// sets in shared/eval: 0.922 → 0.935 and 0.774 → 0.792 nDCG@10). The
// unstemmed title rewards the exact form typed; typo-tolerant alternatives
// weigh little, so that exact matches rank first; the whole query found as
// a phrase adds to the words' scores. bleve applies a boost only to leaf
// queries (terms, phrases), so each is set on the leaves of its group.
// They are variables for the tests that check each one's effect.
var (
	boostTitle      = 0.02
	boostBody       = 1.0
	boostTitleExact = 1.0
	boostFuzzy      = 0.2 // the whole typo-tolerant group of a word
	boostPhrase     = 2.0 // the whole-query phrase bonus
	// boostPhraseHeadings is added to the phrase bonus of a page whose
	// headings have the whole query as a phrase (a section on it): added
	// to the bonus's score, not beside it in a disjunction, whose
	// coordination factor would double the bonus whatever its weight
	// (bonusQuery). Measured on shared/eval, installation-fr: 0.830 →
	// 0.851 nDCG@10 (0.850 to 0.849 from 0.4 to 1.0 of boostPhrase).
	boostPhraseHeadings = 0.6
	// The fields between title and body: section headings, the lead and
	// the tags (a tag names what the page is about even when its text
	// does not say the word). Short fields, so small boosts, as titles.
	boostHeadings = 0.05
	boostLead     = 0.05
	boostTags     = 0.05
	// boostTitleCoverage weighs the titles by the share of the query's
	// words they have (titleCoverage): a title with every word adds about
	// what one word in a short exact title does. The words' own title
	// scores do not tell a title with all the words from one with one of
	// them, the exact title of a single word outweighing the rest.
	// Measured on shared/eval, installation-fr: 0.851 → 0.854 nDCG@10
	// (0.851 at 0.75, 0.854 up to 1.5; reference-fr 0.994 throughout).
	boostTitleCoverage = 1.0
	// boostProximity weighs the bodies with the words of a query of
	// proximityWords words or more close together (proximity), in any
	// order: the phrase bonus needs them all in the query's order.
	// Measured on shared/eval, installation-fr: 0.854 → 0.857 nDCG@10
	// (0.856 at 0.03, 0.857 from 0.1 to 1; reference-fr 0.993
	// throughout; from two words, 0.858).
	boostProximity = 0.1
	// boostSynonym weighs a synonym of a word (synonyms.txt) against the
	// word typed.
	boostSynonym = 0.5
	// boostYear weighs a page dated the year typed beside other words
	// ("atelier 2019") above a page that only writes the year.
	boostYear = 2.0
	// sharedIDF gives a word one idf across languages (sharedTermQuery),
	// so that a passage in another language than its page's does not
	// make a common word rare. Measured on shared/eval: installation-fr
	// 0.854 either way, reference-fr 0.994 → 0.993 nDCG@10 (French sets:
	// it is there for the mixed pages they hardly have).
	sharedIDF = true
)

// proximityWords is the fewest words of a query whose proximity in the
// bodies counts (the phrase bonus ranks two adjacent words first).
const proximityWords = 3

// maxMissing is the most words a page of the fill may lack (see
// Searcher.fill).
const maxMissing = 2

// Suggestions from the vocabulary: at most this many corrections of an
// unknown word are searched for it.
const maxCandidates = 3

// analyzers are the index's analyzers, built from index.NewMapping: the
// query is analysed exactly as the pages were.
type analyzers struct {
	lang [3]analysis.Analyzer // in the order of missionsearch.Langs
	fold analysis.Analyzer
}

func newAnalyzers() (analyzers, error) {
	var a analyzers
	m, err := index.NewMapping()
	if err != nil {
		return a, fmt.Errorf("search: mapping: %w", err)
	}
	for i, l := range missionsearch.Langs {
		if a.lang[i] = m.AnalyzerNamed(index.AnalyzerFor(l)); a.lang[i] == nil {
			return a, fmt.Errorf("search: no analyzer %s", index.AnalyzerFor(l))
		}
	}
	if a.fold = m.AnalyzerNamed(index.AnalyzerFold); a.fold == nil {
		return a, fmt.Errorf("search: no analyzer %s", index.AnalyzerFold)
	}
	return a, nil
}

// terms returns the terms a produces for text.
func terms(a analysis.Analyzer, text string) []string {
	ts := a.Analyze([]byte(text))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

// termInfo is a query term with its analysis.
type termInfo struct {
	Term
	stems [3][]string // terms per language, in the order of missionsearch.Langs
	fold  []string    // unstemmed, folded terms (index.AnalyzerFold)
	stop  bool        // a stop word (no terms) in some language
	fuzz  int         // edit distance of the typo-tolerant alternative; 0 for none
	// minCount is the fewest pages a typo alternative must be on (0: any):
	// a rare word's alternatives must be much more common than it.
	minCount uint64
	// unknown is true for a word found nowhere in the index; cands are
	// known words close to it, the closest and most frequent first.
	unknown bool
	cands   []string
	// year is set for a four-digit year typed beside other words
	// ("atelier 2019"): pages dated that year match it too, and rank
	// above those that only write it; month (1-12) when a month's name
	// came before it ("octobre 2021"): pages dated that month, then.
	year  string
	month int
	// weight scales the alternative's score (0: 1): a synonym weighs
	// less than the words typed. synonym marks an alternative from the
	// synonyms, not typed.
	weight  float64
	synonym bool
}

// noTerms reports whether t analyses to nothing in every language.
func (t *termInfo) noTerms() bool {
	for _, s := range t.stems {
		if len(s) > 0 {
			return false
		}
	}
	return len(t.fold) == 0
}

// stemFuzz returns the edit distance allowed on the stem of t in the
// language of index i. Typos are on the word as typed, and fuzzy matching
// runs on stems: only a stem that is nearly the word (at most one letter
// cut) stands for it; a short stem ("even" for événements, "ordin" for
// ordinateur, which is one edit from "ordon", ordonnées) would match
// unrelated words. Those words get their alternatives from the titles'
// words (termInfo.cands) only.
func (t *termInfo) stemFuzz(i int) int {
	if t.fuzz == 0 || !t.stemIsWord(i) {
		return 0
	}
	return min(t.fuzz, fuzziness(utf8.RuneCountInString(t.stems[i][0])))
}

// stemIsWord reports whether t's stem in the language of index i is
// nearly the word as typed: one stem, at most one letter shorter.
func (t *termInfo) stemIsWord(i int) bool {
	return len(t.stems[i]) == 1 && len(t.fold) == 1 &&
		utf8.RuneCountInString(t.stems[i][0]) >= utf8.RuneCountInString(t.fold[0])-1
}

// typoPrefix returns the start of term (a word or its stem) that a typo
// alternative must keep: its first letter, its first two from 8 letters on
// (the length of the typed word, n runes). Typos are rarely on the first
// letters, and the words that differ there are other words: ordinateur is
// not coordination, apiculture not agriculture, Hollande not Roland.
func typoPrefix(term string, n int) string {
	keep := 1
	if n >= 8 {
		keep = 2
	}
	for i := range term {
		if keep == 0 {
			return term[:i]
		}
		keep--
	}
	return term
}

// fuzziness returns the edit distance allowed for a typo in a word of n
// runes.
func fuzziness(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// plan is a parsed query analysed against the index: everything needed to
// build its bleve queries, highlight its hits and correct its spelling.
type plan struct {
	s        *Searcher
	v        *view         // the build the search pinned
	clauses  [][]*termInfo // required clauses, stop words removed (see plan)
	excluded []*termInfo
	phrase   string // the whole query as a phrase, for the phrase bonus; "" for none
	// correction maps the unknown words to their closest known word (nil
	// when no word needs it).
	correction map[string]string
	q          Query
	marks      [3]*matcher // per language, built on first use
	// date is the year (and month) typed beside other words, nil for none.
	date *QueryDate
}

// QueryDate is a date typed in the query beside other words: "atelier
// 2019", "formation octobre 2021". Pages dated then rank first.
type QueryDate struct {
	Year  int `json:"year"`
	Month int `json:"month,omitempty"` // 1-12; 0 for the whole year
	// Without is the query without the date's words (to remove it).
	Without string `json:"without"`
}

// months maps the folded French and English month names to their numbers.
var months = map[string]int{
	"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
	"septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
}

// plan analyses q. Words that are stop words in any language (de, la, the,
// في) do not have to match, unless the query has nothing else; words found
// nowhere in the index get typo corrections from the titles' vocabulary.
func (s *Searcher) plan(ctx context.Context, v *view, q Query) (*plan, error) {
	p := &plan{s: s, v: v, q: q}
	info := func(t Term) *termInfo {
		ti := &termInfo{Term: t}
		for i := range missionsearch.Langs {
			ti.stems[i] = terms(s.an.lang[i], t.Text)
			if len(ti.stems[i]) == 0 {
				ti.stop = true
			}
		}
		ti.fold = terms(s.an.fold, t.Text)
		if !t.Phrase && len(ti.fold) == 1 {
			ti.fuzz = fuzziness(utf8.RuneCountInString(ti.fold[0]))
		}
		return ti
	}
	q = p.joinSynonymRuns(q)
	var all [][]*termInfo
	hasContent := false
	var src []int // the index in q.Clauses of each of all
	for ci, c := range q.Clauses {
		var alts []*termInfo
		for _, t := range c {
			ti := info(t)
			if ti.noTerms() {
				continue
			}
			hasContent = hasContent || !ti.stop
			alts = append(alts, ti)
			// A term also finds its synonyms, as phrases.
			for _, other := range s.syn.of(strings.Join(ti.fold, " ")) {
				// A one-word synonym is searched as a word, in the
				// titles and bodies only, with no typo alternatives.
				oi := info(Term{Text: other, Phrase: strings.Contains(other, " ")})
				if !oi.noTerms() {
					oi.weight, oi.synonym, oi.fuzz = boostSynonym, true, 0
					alts = append(alts, oi)
				}
			}
			// An acronym also finds the names it stands for.
			if !t.Phrase && !ti.stop && len(ti.fold) == 1 {
				for _, name := range acronyms[ti.fold[0]] {
					if ni := info(Term{Text: name, Phrase: true}); !ni.noTerms() {
						alts = append(alts, ni)
					}
				}
			}
		}
		if len(alts) > 0 {
			all = append(all, alts)
			src = append(src, ci)
		}
	}
	var dateClauses []int // the clauses of q that are p.date
	if len(all) >= 2 {
		drop := -1
		for k, alts := range all {
			if len(alts) != 1 || alts[0].Phrase || !yearRE.MatchString(alts[0].Text) || p.date != nil {
				continue
			}
			y, _ := strconv.Atoi(alts[0].Text)
			if y < 1990 || y > 2100 {
				continue
			}
			alts[0].year = alts[0].Text
			p.date = &QueryDate{Year: y}
			used := []int{src[k]}
			if k > 0 && len(all[k-1]) == 1 && !all[k-1][0].Phrase && len(all[k-1][0].fold) == 1 {
				if m := months[all[k-1][0].fold[0]]; m != 0 {
					// "octobre 2021": the month is a date, not a word.
					alts[0].month, p.date.Month = m, m
					used = append(used, src[k-1])
					drop = k - 1
				}
			}
			p.date.Without = q.without(used).String()
			dateClauses = used
		}
		if drop >= 0 {
			all = slices.Delete(all, drop, drop+1)
		}
	}
	for _, alts := range all {
		if hasContent {
			var kept []*termInfo
			for _, ti := range alts {
				if !ti.stop {
					kept = append(kept, ti)
				}
			}
			alts = kept
		}
		if len(alts) > 0 {
			p.clauses = append(p.clauses, alts)
		}
	}
	for _, t := range q.Excluded {
		if ti := info(t); !ti.stop && !ti.noTerms() {
			p.excluded = append(p.excluded, ti)
		}
	}
	// The phrase bonus: the query's words in order, when there is no OR;
	// a date typed in the query is not part of it.
	words, simple := 0, true
	for _, c := range q.Clauses {
		if len(c) > 1 {
			simple = false
		}
	}
	if simple && len(p.clauses) > 0 {
		text := ""
		for i, c := range q.Clauses {
			if slices.Contains(dateClauses, i) {
				continue
			}
			if text != "" {
				text += " "
			}
			text += c[0].Text
			words += len(terms(s.an.fold, c[0].Text))
		}
		onlyPhrase := len(q.Clauses) == 1 && q.Clauses[0][0].Phrase
		if words >= 2 && !onlyPhrase {
			p.phrase = text
		}
	}
	if err := s.checkVocabulary(ctx, v, p); err != nil {
		return nil, err
	}
	return p, nil
}

// joinSynonymRuns returns q with each run of single words that is a
// synonym term ("voluntary return") made one clause: the run as a phrase
// (its synonyms are added with the other alternatives).
func (p *plan) joinSynonymRuns(q Query) Query {
	if p.s.syn == nil || p.s.syn.words < 2 || len(q.Clauses) < 2 {
		return q
	}
	single := func(c Clause) bool { return len(c) == 1 && !c[0].Phrase }
	var out Query
	out.Excluded = q.Excluded
	for i := 0; i < len(q.Clauses); i++ {
		joined := false
		for n := min(p.s.syn.words, len(q.Clauses)-i); n >= 2 && !joined; n-- {
			words := make([]string, 0, n)
			for _, c := range q.Clauses[i : i+n] {
				if !single(c) {
					break
				}
				words = append(words, c[0].Text)
			}
			if len(words) < n {
				continue
			}
			text := strings.Join(words, " ")
			if len(p.s.syn.of(p.s.foldKey(text))) > 0 {
				out.Clauses = append(out.Clauses, Clause{{Text: text, Phrase: true}})
				i += n - 1
				joined = true
			}
		}
		if !joined {
			out.Clauses = append(out.Clauses, q.Clauses[i])
		}
	}
	return out
}

// relaxable reports whether the query can be relaxed from all words to
// some of them.
func (p *plan) relaxable() bool { return len(p.clauses) >= 2 }

// withoutTypos returns p with the typo alternatives of its words removed,
// and the words that had some; nil when none had.
func (p *plan) withoutTypos() (*plan, []string) {
	var words []string
	cp := *p
	cp.clauses = make([][]*termInfo, len(p.clauses))
	for i, alts := range p.clauses {
		cp.clauses[i] = make([]*termInfo, len(alts))
		for j, ti := range alts {
			cp.clauses[i][j] = ti
			if ti.Phrase || (len(ti.cands) == 0 && ti.fuzz == 0) {
				continue
			}
			words = append(words, ti.Text)
			plain := *ti
			plain.fuzz, plain.cands = 0, nil
			cp.clauses[i][j] = &plain
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	cp.marks = [3]*matcher{}
	return &cp, words
}

// textQuery returns the bleve query of the words: every clause must match
// but missing of them (at least one must), and, when some may be missing,
// pages with every word score the conjunction again, so they rank first;
// the phrase bonus is optional, exclusions must not match. The empty query
// matches every page.
func (p *plan) textQuery(missing int) query.Query {
	if len(p.clauses) == 0 && len(p.q.Clauses) > 0 {
		// Words, but none the analyzers keep: nothing can match. (A
		// conjunction, because BooleanQuery drops a bare "match none".)
		return bleve.NewConjunctionQuery(bleve.NewMatchNoneQuery())
	}
	if len(p.clauses) == 0 && len(p.excluded) == 0 {
		return bleve.NewMatchAllQuery()
	}
	bq := bleve.NewBooleanQuery()
	if len(p.clauses) == 0 {
		bq.AddMust(bleve.NewMatchAllQuery())
	} else {
		cs := make([]query.Query, len(p.clauses))
		for i, alts := range p.clauses {
			cs[i] = p.clauseQuery(alts)
		}
		var must query.Query
		if missing > 0 {
			d := bleve.NewDisjunctionQuery(cs...)
			d.SetMin(float64(max(1, len(cs)-missing)))
			// A conjunction of one never collapses to bleve's "match
			// none" searcher, which BooleanQuery would drop, turning the
			// exclusions into a match-all.
			must = bleve.NewConjunctionQuery(d)
			bq.AddShould(bleve.NewConjunctionQuery(cs...))
		} else {
			must = bleve.NewConjunctionQuery(cs...)
		}
		if cov := p.titleCoverage(); cov != nil {
			must = &bonusQuery{Main: must, Bonus: cov}
		}
		for _, prox := range p.proximity() {
			must = &bonusQuery{Main: must, Bonus: prox}
		}
		bq.AddMust(must)
	}
	if p.phrase != "" {
		if pq := p.phraseQuery(p.phrase, boostPhrase); pq != nil {
			// Also found in a heading: the page has a section on it.
			if hq := p.headingsPhrase(p.phrase, boostPhraseHeadings); hq != nil {
				pq = &bonusQuery{Main: pq, Bonus: hq}
			}
			bq.AddShould(pq)
		}
	}
	for _, ti := range p.excluded {
		if ti.Phrase {
			if pq := p.phraseQuery(ti.Text, 1); pq != nil {
				bq.AddMustNot(pq)
			}
			continue
		}
		bq.AddMustNot(p.exactQuery(ti.stems, ti.fold, 1))
	}
	return bq
}

// titleCoverage returns the bonus of the titles by the share of the
// query's words they have (coverageQuery), nil for a query of one word or
// when boostTitleCoverage is 0. A word is in a title when any of its
// alternatives is, stemmed in a title field of some language or exact in
// the unstemmed one (all the words of a phrase, in any order).
func (p *plan) titleCoverage() query.Query {
	if len(p.clauses) < 2 || boostTitleCoverage == 0 {
		return nil
	}
	words := make([]query.Query, 0, len(p.clauses))
	for _, alts := range p.clauses {
		var qs []query.Query
		for _, ti := range alts {
			for i, l := range missionsearch.Langs {
				if len(ti.stems[i]) > 0 {
					qs = append(qs, allTerms(index.TitleField(l), ti.stems[i], 1))
				}
			}
			if len(ti.fold) > 0 {
				qs = append(qs, allTerms(index.FieldTitleExact, ti.fold, 1))
			}
			// The corrections of a word found nowhere stand for it.
			for _, c := range ti.cands {
				qs = append(qs, allTerms(index.FieldTitleExact, []string{c}, 1))
				for i, l := range missionsearch.Langs {
					if st := terms(p.s.an.lang[i], c); len(st) > 0 {
						qs = append(qs, allTerms(index.TitleField(l), st, 1))
					}
				}
			}
		}
		words = append(words, bleve.NewDisjunctionQuery(qs...))
	}
	return &coverageQuery{Words: words, Boost: boostTitleCoverage}
}

// proximity returns the bonus of the bodies with the query's words close
// together (proximityQuery), one per language where every word has a
// term; none for a query of fewer than proximityWords words, or when
// boostProximity is 0. A word's alternatives of one term are its terms.
func (p *plan) proximity() []query.Query {
	if len(p.clauses) < proximityWords || boostProximity == 0 {
		return nil
	}
	var out []query.Query
	for i, l := range missionsearch.Langs {
		slots := make([][]string, 0, len(p.clauses))
		for _, alts := range p.clauses {
			var slot []string
			for _, ti := range alts {
				if !ti.Phrase && len(ti.stems[i]) == 1 && !slices.Contains(slot, ti.stems[i][0]) {
					slot = append(slot, ti.stems[i][0])
				}
			}
			if len(slot) == 0 {
				break
			}
			slots = append(slots, slot)
		}
		if len(slots) == len(p.clauses) {
			out = append(out, &proximityQuery{Field: index.BodyField(l), Slots: slots, Boost: boostProximity})
		}
	}
	return out
}

// clauseQuery matches any of the alternatives of a clause.
func (p *plan) clauseQuery(alts []*termInfo) query.Query {
	qs := make([]query.Query, 0, len(alts))
	for _, ti := range alts {
		if ti.Phrase {
			w := ti.weight
			if w == 0 {
				w = 1
			}
			if pq := p.phraseQuery(ti.Text, w); pq != nil {
				qs = append(qs, pq)
			}
			continue
		}
		qs = append(qs, p.wordQuery(ti))
		if ti.year != "" && ti.month != 0 {
			y, _ := strconv.Atoi(ti.year)
			from := time.Date(y, time.Month(ti.month), 1, 0, 0, 0, 0, time.UTC)
			yes, no := true, false
			dq := bleve.NewDateRangeInclusiveQuery(from, from.AddDate(0, 1, 0), &yes, &no)
			dq.SetField(index.FieldDate)
			dq.SetBoost(boostYear)
			qs = append(qs, dq)
		} else if ti.year != "" {
			yq := bleve.NewTermQuery(ti.year)
			yq.SetField(index.FieldYear)
			yq.SetBoost(boostYear)
			qs = append(qs, yq)
		}
	}
	if len(qs) == 1 {
		return qs[0]
	}
	d := bleve.NewDisjunctionQuery(qs...)
	d.SetMin(1)
	return d
}

// wordQuery matches one word: its stems in the title and body fields of
// every language, its exact form in the unstemmed title, and, with a low
// weight, close spellings (typo tolerance).
func (p *plan) wordQuery(ti *termInfo) query.Query {
	if ti.synonym {
		var qs []query.Query
		for i, l := range missionsearch.Langs {
			if len(ti.stems[i]) > 0 {
				qs = append(qs, allTerms(index.TitleField(l), ti.stems[i], boostTitle*ti.weight),
					allTerms(index.BodyField(l), ti.stems[i], boostBody*ti.weight))
			}
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	exact := p.exactQuery(ti.stems, ti.fold, 1)
	if ti.fuzz == 0 && len(ti.cands) == 0 {
		return exact
	}
	var fuzzy []query.Query
	if ti.fuzz > 0 {
		for i, l := range missionsearch.Langs {
			if f := ti.stemFuzz(i); f > 0 {
				st := ti.stems[i][0]
				fuzzy = append(fuzzy,
					p.fuzzyTerm(ti, index.TitleField(l), st, f, boostTitle*boostFuzzy),
					p.fuzzyTerm(ti, index.BodyField(l), st, f, boostBody*boostFuzzy))
			}
		}
		fuzzy = append(fuzzy, p.fuzzyTerm(ti, index.FieldTitleExact, ti.fold[0], ti.fuzz, boostTitleExact*boostFuzzy))
	}
	// Known words close to an unknown one, found in the unstemmed titles
	// and searched like the word itself: "migratoin" → migration → migr.
	for _, c := range ti.cands {
		var stems [3][]string
		for i := range missionsearch.Langs {
			stems[i] = terms(p.s.an.lang[i], c)
		}
		fuzzy = append(fuzzy, p.exactQuery(stems, []string{c}, boostFuzzy))
	}
	// bleve applies a boost only to leaf queries: the typo group's weight
	// is in each of its leaves.
	return bleve.NewDisjunctionQuery(exact, bleve.NewDisjunctionQuery(fuzzy...))
}

// exactQuery matches the given terms in the title, body, headings, lead
// and tag fields of each language and in the unstemmed title. Several
// terms of one field must all match (a word the analyzer splits, such as
// COVID-19). A word of one term per language has one idf per kind of
// field across the languages (sharedIDF).
func (p *plan) exactQuery(stems [3][]string, fold []string, boost float64) query.Query {
	kinds := [...]struct {
		field func(missionsearch.Lang) string
		boost float64
	}{{index.TitleField, boostTitle}, {index.BodyField, boostBody}, {index.HeadingsField, boostHeadings},
		{index.LeadField, boostLead}, {index.TagTextField, boostTags}}
	var groups [len(kinds)]*sharedDF
	if sharedIDF {
		for k, kind := range kinds {
			g := &sharedDF{}
			for i, l := range missionsearch.Langs {
				if len(stems[i]) == 1 {
					g.terms = append(g.terms, fieldTerm{kind.field(l), stems[i][0]})
				}
			}
			if len(g.terms) > 1 {
				groups[k] = g
			}
		}
	}
	var qs []query.Query
	for i, l := range missionsearch.Langs {
		if len(stems[i]) == 0 {
			continue
		}
		for k, kind := range kinds {
			if groups[k] != nil && len(stems[i]) == 1 {
				qs = append(qs, &sharedTermQuery{fieldTerm: fieldTerm{kind.field(l), stems[i][0]}, Boost: kind.boost * boost, group: groups[k]})
			} else {
				qs = append(qs, allTerms(kind.field(l), stems[i], kind.boost*boost))
			}
		}
	}
	if len(fold) > 0 {
		qs = append(qs, allTerms(index.FieldTitleExact, fold, boostTitleExact*boost))
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// phraseQuery matches text as a phrase in the title and body fields of each
// language where it has terms; nil when it has none anywhere.
func (p *plan) phraseQuery(text string, boost float64) query.Query {
	var qs []query.Query
	for i, l := range missionsearch.Langs {
		if len(p.s.an.lang[i].Analyze([]byte(text))) == 0 {
			continue
		}
		for _, f := range []struct {
			field string
			boost float64
		}{{index.TitleField(l), boostTitle}, {index.BodyField(l), boostBody}} {
			pq := bleve.NewMatchPhraseQuery(text)
			pq.SetField(f.field)
			pq.Analyzer = index.AnalyzerFor(l)
			pq.SetBoost(f.boost * boost)
			qs = append(qs, &phraseQuery{Field: f.field, Text: text, Boost: f.boost * boost, an: p.s.an.lang[i], inner: pq})
		}
	}
	if len(qs) == 0 {
		return nil
	}
	// The boost is in each leaf: bleve ignores a disjunction's own.
	return bleve.NewDisjunctionQuery(qs...)
}

// headingsPhrase matches text as a phrase in the headings of each
// language where it has terms, with the given boost; nil when it has none
// anywhere, or boost is 0.
func (p *plan) headingsPhrase(text string, boost float64) query.Query {
	if boost == 0 {
		return nil
	}
	var qs []query.Query
	for i, l := range missionsearch.Langs {
		if len(p.s.an.lang[i].Analyze([]byte(text))) == 0 {
			continue
		}
		f := index.HeadingsField(l)
		pq := bleve.NewMatchPhraseQuery(text)
		pq.SetField(f)
		pq.Analyzer = index.AnalyzerFor(l)
		pq.SetBoost(boost)
		qs = append(qs, &phraseQuery{Field: f, Text: text, Boost: boost, an: p.s.an.lang[i], inner: pq})
	}
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// allTerms matches documents whose field has every one of terms.
func allTerms(field string, terms []string, boost float64) query.Query {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		tq := bleve.NewTermQuery(t)
		tq.SetField(field)
		tq.SetBoost(boost)
		qs[i] = tq
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewConjunctionQuery(qs...)
}

// fuzzyTerm matches the typo alternatives of term (ti's form or stem) in
// field: its first letters kept (typoPrefix), and as common as ti requires.
func (p *plan) fuzzyTerm(ti *termInfo, field, term string, fuzziness int, boost float64) query.Query {
	return &fuzzyQuery{cache: &p.v.st.fuzz, Field: field, Term: term, Fuzziness: fuzziness, Boost: boost,
		Prefix: typoPrefix(term, utf8.RuneCountInString(ti.fold[0])), MinCount: ti.minCount}
}

// hit converts a bleve hit, cutting its snippet.
func (p *plan) hit(h *bsearch.DocumentMatch, scored bool) (Hit, error) {
	pg, err := p.v.b.Page(h.ID, h.Fields)
	if err != nil {
		return Hit{}, err
	}
	out := Hit{
		ID:           h.ID,
		URL:          pg.URL,
		Title:        missionsearch.TruncateRunes(pg.Title, MaxHitTitleRunes),
		Published:    pg.Published,
		Updated:      pg.Updated,
		Section:      missionsearch.TruncateRunes(pg.Section, MaxHitSectionRunes),
		Site:         pg.Site,
		Lang:         pg.Lang,
		Tags:         pg.Tags[:min(len(pg.Tags), MaxHitTags)],
		Type:         pg.Type.OrArticle(),
		CitedBy:      pg.CitedBy[:min(len(pg.CitedBy), 3)],
		Translations: pg.Translations,
	}
	for i, t := range out.Tags {
		out.Tags[i] = missionsearch.TruncateRunes(t, MaxHitTagRunes)
	}
	if out.Title == "" {
		out.Title = pg.URL
	}
	if scored {
		out.Score = h.Score
	}
	out.Snippet = snippet(pg.Body, pg.Description, p.matcher(pg.Lang))
	return out, nil
}
