package extract

import (
	"net/url"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"
)

// Document is the text and metadata of a document that is not HTML (a PDF
// report), as its text extractor gives them.
type Document struct {
	Title, Subject, Keywords string
	// Lang is the document's declared language tag ("fr-FR"), "" when
	// none.
	Lang              string
	Created, Modified time.Time
	// Text has paragraphs separated by blank lines.
	Text string
}

// ExtractDocument returns the page of a document fetched from docURL: type
// document, its title from the metadata (the crawler gives an untitled one
// the text of the link citing it), its language from the declared tag or
// its text, its date from its creation date (DatePDF), its subject as the
// description, its keywords as tags, its paragraphs as the body, all
// within opts.Limits, and the section of its URL. docURL must be an
// absolute http(s) URL.
func ExtractDocument(docURL *url.URL, d Document, opts Options) (*Result, error) {
	if docURL == nil {
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "extract: no document URL")
	}
	norm, err := NormalizeURL(docURL.String(), nil)
	if err != nil {
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "extract: document URL %q is not a crawlable URL: %v", docURL.String(), err)
	}
	lim := opts.Limits.withDefaults()
	res := &Result{Canonical: norm, Links: []string{}}
	p := &res.Page
	p.URL, p.ID, p.Type = norm, missionsearch.PageID(norm), missionsearch.TypeDocument
	p.Title = missionsearch.TruncateRunes(collapse(d.Title), lim.Title)
	if looksGenerated(p.Title) {
		p.Title = ""
	}
	var blocks []string
	for b := range strings.SplitSeq(d.Text, "\n\n") {
		if b = collapse(b); b != "" {
			blocks = append(blocks, b)
		}
	}
	blocks = capBlocks(blocks, lim.Body)
	res.Blocks = blocks
	p.Body = strings.Join(blocks, "\n\n")
	p.Lang = langFromTag(d.Lang)
	if p.Lang == "" {
		p.Lang = chooseLang(&docMeta{}, p.Title, p.Body, opts)
	}
	if !d.Created.IsZero() {
		p.Published, p.PublishedSource = d.Created.UTC(), missionsearch.DatePDF
	}
	if !d.Modified.IsZero() && !d.Modified.Equal(d.Created) {
		p.Updated = d.Modified.UTC()
	}
	p.Description = missionsearch.TruncateRunes(collapse(d.Subject), lim.Description)
	var tags []string
	for k := range strings.FieldsFuncSeq(d.Keywords, func(r rune) bool { return r == ',' || r == ';' }) {
		if k = collapse(k); k != "" {
			tags = append(tags, k)
		}
	}
	p.Tags = capTags(tags, lim.Tags, lim.Tag)
	u, _ := url.Parse(norm)
	p.Section = strings.TrimRight(missionsearch.TruncateRunes(chooseSection(u, nil), lim.Section), "-")
	setEntities(p, opts)
	return res, nil
}

// looksGenerated reports whether a PDF title is what a word processor
// wrote, not a title: "Microsoft Word - rapport_final.docx", "untitled",
// a file name.
func looksGenerated(t string) bool {
	l := strings.ToLower(t)
	for _, p := range []string{"microsoft word", "untitled", "sans titre", "document1", "powerpoint presentation"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	for _, ext := range []string{".doc", ".docx", ".pdf", ".odt", ".indd", ".ppt", ".pptx"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}
