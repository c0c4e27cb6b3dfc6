package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
)

// maxFuzzyEntries bounds the dictionary entries read for one word's
// corrections.
const maxFuzzyEntries = 1000

// vocabulary answers questions about the terms of the index: whether a
// term exists and which known words are close to an unknown one. It holds
// an index reader (a snapshot) and must be closed.
type vocabulary struct {
	r  bindex.IndexReader
	fz bindex.IndexReaderFuzzy
}

// vocabulary returns the vocabulary of the snapshot v reads, or nil when
// the index cannot provide one (not a scorch index, or an alias of several
// indexes): spelling help is then simply off.
func (v *view) vocabulary() *vocabulary {
	fz, ok := v.r.(bindex.IndexReaderFuzzy)
	if !ok {
		return nil
	}
	return &vocabulary{r: v.r, fz: fz}
}

// count returns the number of documents with term in field.
func (v *vocabulary) count(ctx context.Context, field, term string) (uint64, error) {
	tfr, err := v.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// pages returns about how many pages have word ti: the most pages with
// its unstemmed form in a title, or with all its stems in one of the
// title, body, tags or headings fields of some language. 0: the index
// does not know the word.
func (v *vocabulary) pages(ctx context.Context, ti *termInfo) (uint64, error) {
	var most uint64
	for _, t := range ti.fold {
		n, err := v.count(ctx, index.FieldTitleExact, t)
		if err != nil {
			return 0, err
		}
		most = max(most, n)
	}
	for i, l := range missionsearch.Langs {
		for _, f := range []string{index.TitleField(l), index.BodyField(l), index.TagTextField(l), index.HeadingsField(l)} {
			// All the stems of the word must be in the field: the
			// fewest pages of one of them.
			var fewest uint64
			for j, t := range ti.stems[i] {
				c, err := v.count(ctx, f, t)
				if err != nil {
					return 0, err
				}
				if j == 0 || c < fewest {
					fewest = c
				}
			}
			most = max(most, fewest)
		}
	}
	return most, nil
}

// Typo alternatives are for the words the index lacks or barely knows. A
// word on knownPages pages or more is a word of the site, searched as
// typed; a rarer one (perhaps itself a typo on a page) gets alternatives
// on at least rareFactor times its pages.
const (
	knownPages = 3
	rareFactor = 5
)

// candidate is a known word close to an unknown one.
type candidate struct {
	term  string
	dist  uint8
	count uint64
}

// candidates returns up to n words of the unstemmed titles within
// fuzziness edits of term that keep its first letters (typoPrefix) and are
// in at least minCount titles, the closest first, then the most frequent.
func (v *vocabulary) candidates(ctx context.Context, term string, fuzziness, n int, minCount uint64) ([]string, error) {
	prefix := typoPrefix(term, utf8.RuneCountInString(term))
	fd, auto, err := v.fz.FieldDictFuzzyAutomaton(index.FieldTitleExact, term, fuzziness, prefix)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	var cs []candidate
	for i := 0; i < maxFuzzyEntries; i++ {
		e, err := fd.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		if e.Term == term {
			continue
		}
		_, d := auto.MatchAndDistance(e.Term)
		c := candidate{term: e.Term, dist: d, count: e.Count}
		if c.count == 0 { // some segment types do not report counts
			if c.count, err = v.count(ctx, index.FieldTitleExact, e.Term); err != nil {
				return nil, err
			}
		}
		if c.count >= minCount {
			cs = append(cs, c)
		}
	}
	slices.SortFunc(cs, func(a, b candidate) int {
		if a.dist != b.dist {
			return int(a.dist) - int(b.dist)
		}
		if a.count != b.count {
			if a.count > b.count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.term, b.term)
	})
	out := make([]string, 0, min(n, len(cs)))
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.term)
	}
	return out, nil
}

// checkVocabulary marks the unknown words of p, gives them corrections
// from the titles' vocabulary, and records the spelling correction of the
// query. Words of fewer than 4 letters, phrases and words the analyzers
// split are left alone.
func (s *Searcher) checkVocabulary(ctx context.Context, vw *view, p *plan) error {
	var words []*termInfo
	for _, alts := range p.clauses {
		for _, ti := range alts {
			if !ti.Phrase && !ti.synonym && len(ti.fold) == 1 && utf8.RuneCountInString(ti.fold[0]) >= 4 {
				words = append(words, ti)
			}
		}
	}
	if len(words) == 0 {
		return nil
	}
	v := vw.vocabulary()
	if v == nil {
		return nil
	}
	for _, ti := range words {
		n, err := v.pages(ctx, ti)
		if err != nil {
			return fmt.Errorf("search: vocabulary: %w", err)
		}
		if n >= knownPages {
			ti.fuzz = 0
			continue
		}
		ti.unknown = n == 0
		if !ti.unknown {
			ti.minCount = n * rareFactor
		}
		f := max(1, fuzziness(utf8.RuneCountInString(ti.fold[0])))
		if ti.cands, err = v.candidates(ctx, ti.fold[0], f, maxCandidates, ti.minCount); err != nil {
			return fmt.Errorf("search: vocabulary: %w", err)
		}
		if ti.unknown && len(ti.cands) == 0 {
			// No title has a word close to it: the bodies may (a name
			// in a report).
			w, err := s.bodyCandidate(ctx, vw, ti)
			if err != nil {
				return fmt.Errorf("search: vocabulary: %w", err)
			}
			if w != "" {
				ti.cands = []string{w}
			}
		}
		if ti.unknown && len(ti.cands) > 0 {
			if p.correction == nil {
				p.correction = map[string]string{}
			}
			p.correction[ti.Text] = ti.cands[0]
		}
	}
	return nil
}

// maxSurfaceScan bounds the text of a page read to find how a body word
// is written, in bytes.
const maxSurfaceScan = 64 << 10

// bodyCandidate returns the most common word of the bodies close to the
// unknown word ti, as written on a page (lower-cased), or "" when
// none is: the closest stem of a body field within the typo distance of
// ti's stem (only for a stem that is nearly the typed word, see stemFuzz),
// keeping its first letters, then the one on the most pages.
func (s *Searcher) bodyCandidate(ctx context.Context, v *view, ti *termInfo) (string, error) {
	type cand struct {
		lang  int
		term  string
		dist  uint8
		count uint64
	}
	var best *cand
	for i, l := range missionsearch.Langs {
		if !ti.stemIsWord(i) {
			continue
		}
		stem := ti.stems[i][0]
		f := max(1, fuzziness(utf8.RuneCountInString(stem)))
		e, err := v.st.fuzz.candidates(v.r, index.BodyField(l), stem, typoPrefix(stem, utf8.RuneCountInString(ti.fold[0])), f, 0)
		if err != nil {
			return "", err
		}
		for j, t := range e.terms {
			if t == stem {
				continue
			}
			n, err := docCount(v.r, index.BodyField(l), t)
			if err != nil {
				return "", err
			}
			c := cand{i, t, e.distances[j], n}
			if best == nil || c.dist < best.dist || c.dist == best.dist && c.count > best.count {
				best = &c
			}
		}
	}
	if best == nil {
		return "", nil
	}
	l := missionsearch.Langs[best.lang]
	tq := bleve.NewTermQuery(best.term)
	tq.SetField(index.BodyField(l))
	req := bleve.NewSearchRequestOptions(tq, 1, 0, false)
	req.Score = bleve.ScoreNone
	req.Fields = index.StoredFields()
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return "", wrapErr("search: did you mean", err)
	}
	if len(res.Hits) == 0 {
		return "", nil
	}
	pg, err := v.b.Page(res.Hits[0].ID, res.Hits[0].Fields)
	if err != nil {
		return "", wrapErr("search: did you mean", err)
	}
	text := pg.Body
	if len(text) > maxSurfaceScan {
		text = text[:maxSurfaceScan]
	}
	for _, tok := range s.an.lang[best.lang].Analyze([]byte(text)) {
		if string(tok.Term) == best.term {
			word := text[tok.Start:tok.End]
			if i := strings.LastIndexAny(word, "'’"); i >= 0 {
				_, n := utf8.DecodeRuneInString(word[i:])
				word = word[i+n:]
			}
			if len(terms(s.an.fold, word)) == 1 {
				return strings.ToLower(word), nil
			}
		}
	}
	return "", nil
}

// didYouMean returns the query with its unknown words corrected when that
// query finds pages under the filters of r, else "".
func (s *Searcher) didYouMean(ctx context.Context, v *view, r *Request, p *plan) (string, error) {
	var q Query
	for _, c := range p.q.Clauses {
		var nc Clause
		for _, t := range c {
			if w, ok := p.correction[t.Text]; ok && !t.Phrase {
				sf, err := s.surface(ctx, v, w)
				if err != nil {
					return "", err
				}
				t.Text = sf
			}
			nc = append(nc, t)
		}
		q.Clauses = append(q.Clauses, nc)
	}
	q.Excluded = p.q.Excluded
	cp, err := s.plan(ctx, v, q)
	if err != nil {
		return "", err
	}
	req := bleve.NewSearchRequestOptions(filtered(cp.textQuery(0), filterQuery(r, "")), 0, 0, false)
	req.Score = bleve.ScoreNone
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return "", wrapErr("search: did you mean", err)
	}
	if res.Total == 0 {
		return "", nil
	}
	return q.String(), nil
}

// surface returns the written form of folded word w as it appears in a
// title ("evenements" → "événements"), lower-cased; w itself when none is
// found.
func (s *Searcher) surface(ctx context.Context, v *view, w string) (string, error) {
	tq := bleve.NewTermQuery(w)
	tq.SetField(index.FieldTitleExact)
	req := bleve.NewSearchRequestOptions(tq, 1, 0, false)
	req.Score = bleve.ScoreNone
	for _, l := range missionsearch.Langs {
		req.Fields = append(req.Fields, index.TitleField(l))
	}
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return "", wrapErr("search: did you mean", err)
	}
	for _, h := range res.Hits {
		for _, f := range h.Fields {
			title, _ := f.(string)
			for _, tok := range s.an.fold.Analyze([]byte(title)) {
				if string(tok.Term) == w {
					word := title[tok.Start:tok.End]
					if i := strings.LastIndexAny(word, "'’"); i >= 0 { // l'événement
						_, n := utf8.DecodeRuneInString(word[i:])
						word = word[i+n:]
					}
					return strings.ToLower(word), nil
				}
			}
		}
	}
	return w, nil
}
