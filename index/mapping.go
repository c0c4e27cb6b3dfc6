package index

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/missionsearch/missionsearch"
)

// MappingVersion identifies the document mapping and analysis chain. It is
// stored in every build; a build whose version differs from this constant
// was made by an incompatible binary and must be rebuilt, never read.
// Bump it whenever NewMapping, Document or the analyzers change.
const MappingVersion = 7

// Field names of the index documents. Text fields carry the page's language
// as a suffix so that no field name is ever analysed two ways.
const (
	FieldTitlePrefix = "title_" // + lang: analysed title with positions, stored
	FieldBodyPrefix  = "body_"  // + lang: analysed body with positions (for phrases), not stored
	FieldText        = "text"   // description and body, compressed (see TextCodec): stored only
	FieldTitleExact  = "title_exact"
	FieldID          = "id" // the page ID again, as a doc value: the tie-break of the date order
	FieldSuggest     = "title_suggest"
	FieldSection     = "section"
	FieldSite        = "site" // the configured site's name (Page.Site), keyword
	FieldLang        = "lang"
	FieldTags        = "tags"
	FieldYear        = "year"
	FieldDate        = "date"
	FieldURL         = "url"
	FieldPublished   = "published"
	FieldUpdated     = "updated"
	FieldFetchedAt   = "fetched_at"
	// FieldType is the page type (missionsearch.PageType; "article" for
	// records without one), a keyword with doc values: filter and facet.
	FieldType = "type"
	// FieldHeadingsPrefix, FieldLeadPrefix and FieldTagTextPrefix + lang
	// are the page's h2–h4 headings, its lead (Page.Lead) and its tags as
	// analysed text (the tags field is their keyword form, for facets).
	FieldHeadingsPrefix = "headings_"
	FieldLeadPrefix     = "lead_"
	FieldTagTextPrefix  = "tagtext_"
	// FieldPartner, FieldPerson and FieldPlace are the canonical names of
	// the page's partners, the names of its people and the canonical
	// names of its places (Page.Partners, People, Places), keywords with
	// doc values: filters and facets. The names are also searchable text,
	// in the tags' analysed field.
	FieldPartner = "partner"
	FieldPerson  = "person"
	FieldPlace   = "place"
	// FieldMeta is the rest of the record, stored only: JSON of its date
	// source, headings, translations, citing pages and people with their
	// roles (pageMeta).
	FieldMeta = "meta"
)

// HeadingsField, LeadField and TagTextField return the analysed fields of
// headings, lead and tags for a language.
func HeadingsField(l missionsearch.Lang) string { return FieldHeadingsPrefix + string(l) }
func LeadField(l missionsearch.Lang) string     { return FieldLeadPrefix + string(l) }
func TagTextField(l missionsearch.Lang) string  { return FieldTagTextPrefix + string(l) }

// pageMeta is the JSON of FieldMeta.
type pageMeta struct {
	Source       string                 `json:"s,omitempty"`
	Headings     []string               `json:"h,omitempty"`
	Translations []missionsearch.Link   `json:"t,omitempty"`
	CitedBy      []missionsearch.Link   `json:"c,omitempty"`
	People       []missionsearch.Person `json:"p,omitempty"`
}

// TitleField and BodyField return the analysed title and body field names
// for pages in language l.
func TitleField(l missionsearch.Lang) string { return FieldTitlePrefix + string(l) }

// BodyField: see TitleField.
func BodyField(l missionsearch.Lang) string { return FieldBodyPrefix + string(l) }

// AnalyzerFor returns the analyzer of the text of language l: the one that
// finds a query's terms, and a snippet's words with their offsets.
func AnalyzerFor(l missionsearch.Lang) string {
	switch l {
	case missionsearch.LangEN:
		return AnalyzerEnglish
	case missionsearch.LangAR:
		return AnalyzerArabic
	default:
		return AnalyzerFrench
	}
}

// NewMapping returns the static index mapping of missionsearch documents
// (see Document). Only declared fields are indexed; nothing goes to _all.
func NewMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = AnalyzerFrench
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	doc := bleve.NewDocumentStaticMapping()
	text := func(analyzer string, store, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	for _, l := range missionsearch.Langs {
		doc.AddFieldMappingsAt(TitleField(l), text(indexAnalyzerFor(l), true, true))
		doc.AddFieldMappingsAt(BodyField(l), text(indexAnalyzerFor(l), false, true))
		doc.AddFieldMappingsAt(HeadingsField(l), text(indexAnalyzerFor(l), false, true))
		doc.AddFieldMappingsAt(LeadField(l), text(indexAnalyzerFor(l), false, true))
		doc.AddFieldMappingsAt(TagTextField(l), text(indexAnalyzerFor(l), false, true))
	}
	doc.AddFieldMappingsAt(FieldType, kw(true))
	doc.AddFieldMappingsAt(FieldTitleExact, text(AnalyzerFold, false, false))
	doc.AddFieldMappingsAt(FieldSuggest, text(AnalyzerSuggest, false, false))
	doc.AddFieldMappingsAt(FieldSection, kw(true))
	doc.AddFieldMappingsAt(FieldSite, kw(true))
	doc.AddFieldMappingsAt(FieldLang, kw(true))
	doc.AddFieldMappingsAt(FieldTags, kw(true))
	doc.AddFieldMappingsAt(FieldPartner, kw(true))
	doc.AddFieldMappingsAt(FieldPerson, kw(false))
	doc.AddFieldMappingsAt(FieldPlace, kw(true))
	doc.AddFieldMappingsAt(FieldYear, kw(false))
	doc.AddFieldMappingsAt(FieldID, kw(false))
	date := bleve.NewDateTimeFieldMapping()
	date.IncludeInAll = false
	date.Store = false
	date.DocValues = true
	doc.AddFieldMappingsAt(FieldDate, date)
	for _, f := range []string{FieldURL, FieldText, FieldPublished, FieldUpdated, FieldFetchedAt, FieldMeta} {
		doc.AddFieldMappingsAt(f, storedOnly())
	}
	im.DefaultMapping = doc
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// Document returns the bleve document of p under the mapping of NewMapping,
// to be indexed under the ID p.ID (missionsearch.PageID(p.URL) when empty),
// with its text compressed without a dictionary: for indexes made outside a
// Dir. Builds use their own codec's Document.
func Document(p *missionsearch.Page) map[string]any { return plainText.Document(p) }

// splitLang splits text, in blocks separated by blank lines, between page
// language l and the other language written in Latin script (French for
// English, English for French): a block goes to the other language when
// it has at least min stop words of it and more than twice as many as of
// l's. It returns l's text, the other language's ("" when no block is),
// and that language. Arabic pages are not split.
func splitLang(l missionsearch.Lang, text string, min int) (own, other string, otherLang missionsearch.Lang) {
	switch l {
	case missionsearch.LangFR:
		otherLang = missionsearch.LangEN
	case missionsearch.LangEN:
		otherLang = missionsearch.LangFR
	default:
		return text, "", ""
	}
	isOther := func(block string) bool {
		e := missionsearch.ScoreLang(block)
		mine, theirs := e.FR, e.EN
		if l == missionsearch.LangEN {
			mine, theirs = e.EN, e.FR
		}
		return theirs >= min && theirs > 2*mine
	}
	if !strings.Contains(text, "\n\n") {
		if isOther(text) {
			return "", text, otherLang
		}
		return text, "", otherLang
	}
	var mine, theirs []string
	for block := range strings.SplitSeq(text, "\n\n") {
		if isOther(block) {
			theirs = append(theirs, block)
		} else {
			mine = append(mine, block)
		}
	}
	if len(theirs) == 0 {
		return text, "", otherLang
	}
	return strings.Join(mine, "\n\n"), strings.Join(theirs, "\n\n"), otherLang
}

// Ceilings of the fields Document indexes. The crawler's extraction cuts
// fields well below them (crawler/extract.DefaultLimits), but a store may
// hold pages of an older crawl, or of a crawl with larger limits: Document
// cuts them again, at a word boundary and never inside a UTF-8 sequence
// (missionsearch.TruncateRunes, TruncateBytes), so that no page costs more
// than these to index, store and return. The page in the store is left
// whole.
const (
	MaxTitleRunes       = 1000    // title, in characters
	MaxDescriptionRunes = 2000    // description, in characters
	MaxSectionRunes     = 200     // section keyword, in characters
	MaxTagRunes         = 200     // each tag, in characters
	MaxTags             = 100     // number of tags; the first ones are kept
	MaxEntities         = 50      // partners, people, places each; the first ones are kept
	MaxBodyBytes        = 2 << 20 // body, in bytes
	MaxURLBytes         = 8 << 10 // stored URL, in bytes (the crawler keeps URLs under 2 KB)
)

// Document returns the bleve document of p under the mapping of NewMapping,
// to be indexed under the ID p.ID (missionsearch.PageID(p.URL) when empty),
// its description and body stored compressed by c. Pages of an unknown
// language are indexed as French. Fields longer than their ceiling
// (MaxTitleRunes...) are indexed and stored cut; p is not modified.
func (c *TextCodec) Document(p *missionsearch.Page) map[string]any {
	id := p.ID
	if id == "" {
		id = missionsearch.PageID(p.URL)
	}
	p = bounded(p)
	l := p.Lang
	if !l.Valid() {
		l = missionsearch.LangFR
	}
	title, otherTitle, other := splitLang(l, p.Title, 1)
	body, otherBody, _ := splitLang(l, p.Body, 3)
	d := map[string]any{
		TitleField(l):   title,
		BodyField(l):    body,
		FieldTitleExact: p.Title,
		FieldSuggest:    p.Title,
		FieldLang:       string(l),
		FieldURL:        p.URL,
		FieldText:       c.encode(p.Description, p.Body),
		FieldID:         id,
		FieldFetchedAt:  formatTime(p.FetchedAt),
		FieldType:       string(p.Type.OrArticle()),
	}
	// French passages of an English page (and the reverse) are analysed
	// as French: untranslated passages are common on mission sites and in
	// documentation.
	if otherTitle != "" {
		d[TitleField(other)] = otherTitle
	}
	if otherBody != "" {
		d[BodyField(other)] = otherBody
	}
	if len(p.Headings) > 0 {
		d[HeadingsField(l)] = strings.Join(p.Headings, "\n")
	}
	if lead := p.Lead(); lead != "" {
		d[LeadField(l)] = lead
	}
	names := slices.Concat(p.Tags, p.Partners, personNames(p.People), p.Places)
	if len(names) > 0 {
		d[TagTextField(l)] = strings.Join(names, "\n")
	}
	if m := (pageMeta{p.PublishedSource, p.Headings, p.Translations, p.CitedBy, p.People}); m.Source != "" || len(m.Headings)+len(m.Translations)+len(m.CitedBy)+len(m.People) > 0 {
		if b, err := json.Marshal(m); err == nil {
			d[FieldMeta] = string(b)
		}
	}
	if p.Section != "" {
		d[FieldSection] = p.Section
	}
	if p.Site != "" {
		d[FieldSite] = p.Site
	}
	if len(p.Tags) > 0 {
		d[FieldTags] = p.Tags
	}
	if len(p.Partners) > 0 {
		d[FieldPartner] = p.Partners
	}
	if n := personNames(p.People); len(n) > 0 {
		d[FieldPerson] = n
	}
	if len(p.Places) > 0 {
		d[FieldPlace] = p.Places
	}
	if !p.Published.IsZero() {
		d[FieldPublished] = formatTime(p.Published)
	}
	if !p.Updated.IsZero() {
		d[FieldUpdated] = formatTime(p.Updated)
	}
	if t := p.Date(); !t.IsZero() {
		d[FieldDate] = t.UTC()
		d[FieldYear] = strconv.Itoa(t.Year())
	}
	return d
}

// bounded returns p, or a copy of p with its fields cut to the ceilings
// of Document when one is longer.
func bounded(p *missionsearch.Page) *missionsearch.Page {
	title := missionsearch.TruncateRunes(p.Title, MaxTitleRunes)
	desc := missionsearch.TruncateRunes(p.Description, MaxDescriptionRunes)
	section := missionsearch.TruncateRunes(p.Section, MaxSectionRunes)
	body := missionsearch.TruncateBytes(p.Body, MaxBodyBytes)
	u := missionsearch.TruncateBytes(p.URL, MaxURLBytes)
	tagsOK := len(p.Tags) <= MaxTags
	for _, t := range p.Tags {
		tagsOK = tagsOK && len(t) <= MaxTagRunes // bytes ≥ runes
	}
	if len(title) == len(p.Title) && len(desc) == len(p.Description) && len(section) == len(p.Section) &&
		len(body) == len(p.Body) && len(u) == len(p.URL) && tagsOK &&
		max(len(p.Partners), len(p.People), len(p.Places)) <= MaxEntities {
		return p
	}
	q := *p
	q.Partners, q.People, q.Places = p.Partners[:min(len(p.Partners), MaxEntities)],
		p.People[:min(len(p.People), MaxEntities)], p.Places[:min(len(p.Places), MaxEntities)]
	q.Title, q.Description, q.Section, q.Body, q.URL = title, desc, section, body, u
	if !tagsOK {
		q.Tags = make([]string, 0, min(len(p.Tags), MaxTags))
		seen := map[string]bool{}
		for _, t := range p.Tags {
			if len(q.Tags) == MaxTags {
				break
			}
			if t = missionsearch.TruncateRunes(t, MaxTagRunes); !seen[t] {
				seen[t] = true
				q.Tags = append(q.Tags, t)
			}
		}
	}
	return &q
}

// StoredFields lists the fields to request (bleve SearchRequest.Fields) to
// rebuild a page record with TextCodec.Page (Build.Page).
func StoredFields() []string {
	fs := []string{FieldURL, FieldText, FieldPublished, FieldUpdated, FieldFetchedAt, FieldSection, FieldSite, FieldLang, FieldTags, FieldType, FieldMeta,
		FieldPartner, FieldPlace}
	for _, l := range missionsearch.Langs {
		fs = append(fs, TitleField(l))
	}
	return fs
}

// Page rebuilds the page record of document id from its stored
// fields, as bleve returns them in a hit's Fields or a document's fields,
// c being the codec of the document's build. It fails when the stored text
// cannot be decoded: it is of another build's dictionary, or corrupt.
func (c *TextCodec) Page(id string, fields map[string]any) (*missionsearch.Page, error) {
	str := func(k string) string { s, _ := fields[k].(string); return s }
	p := &missionsearch.Page{
		ID:        id,
		URL:       str(FieldURL),
		Lang:      missionsearch.Lang(str(FieldLang)),
		Section:   str(FieldSection),
		Site:      str(FieldSite),
		Published: parseTime(str(FieldPublished)),
		Updated:   parseTime(str(FieldUpdated)),
		FetchedAt: parseTime(str(FieldFetchedAt)),
		Tags:      []string{},
		Type:      missionsearch.PageType(str(FieldType)),
	}
	if m := str(FieldMeta); m != "" {
		var pm pageMeta
		if err := json.Unmarshal([]byte(m), &pm); err != nil {
			return nil, fmt.Errorf("page %s: meta: %w", id, err)
		}
		p.PublishedSource, p.Headings, p.Translations, p.CitedBy, p.People = pm.Source, pm.Headings, pm.Translations, pm.CitedBy, pm.People
	}
	p.Title = str(TitleField(p.Lang))
	if t := str(FieldText); t != "" {
		var err error
		if p.Description, p.Body, err = c.decode(t); err != nil {
			return nil, fmt.Errorf("page %s: %w", id, err)
		}
	}
	p.Tags = append(p.Tags, storedStrings(fields[FieldTags])...)
	p.Partners = storedStrings(fields[FieldPartner])
	p.Places = storedStrings(fields[FieldPlace])
	return p, nil
}

// storedStrings returns the values of a stored keyword field: one string
// or a list of them.
func storedStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, t := range v {
			if s, ok := t.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// personNames returns the names of people, at most MaxEntities.
func personNames(people []missionsearch.Person) []string {
	var out []string
	for _, pe := range people[:min(len(people), MaxEntities)] {
		out = append(out, pe.Name)
	}
	return out
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
