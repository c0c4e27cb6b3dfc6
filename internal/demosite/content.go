package demosite

import (
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Article is the ground truth of one article page of the site: what a
// perfect crawler and extractor would find on it. Tests compare extracted
// records against it.
type Article struct {
	// Path is the canonical path of the page, "/<lang>/<section>/<slug>".
	Path string
	// Title is the article title, without the " | AIM Maroc" suffix of
	// the <title> element.
	Title string
	// Lang is "fr", "en" or "ar": the first segment of Path.
	Lang string
	// Section is the second segment of Path: "news", "stories",
	// "press-releases" or "events".
	Section string
	// Published is the publication day at 00:00 UTC. Every date the page
	// gives for it denotes that instant or that day: the <time datetime>
	// ("2016-07-30T00:00:00Z", or "2016-07-30" on a few pages), the
	// article:published_time meta (written at UTC+1:
	// "2016-07-30T01:00:00+01:00"), the listing date ("07/30/2016") and,
	// on pages without <time>, the French dateline that starts the first
	// paragraph ("Tanger – 01 aout 2024 –", "Beni Mellal, 1er juin 2021 –",
	// "Fès, les 10 et 11 avril 2018 –": the first day).
	Published time.Time
	// Updated is the last modification day at 00:00 UTC, or the zero time
	// when the article was never updated. When set, the page carries an
	// article:modified_time meta and the header shows it.
	Updated time.Time
	// Tags are the display names of the article's tags, in page order.
	Tags []string
	// Description is the content of <meta name="description">, also the
	// teaser shown in listings: the first block, cut at about 200
	// characters with "…" when longer.
	Description string
	// Body holds the text blocks of the article body in order: paragraphs,
	// subheadings and list items, as plain text (links reduced to their
	// text). The dateline, when there is one, is part of the first block.
	// An empty trailing <p>&nbsp;</p> is not a block. Body never contains
	// a Boilerplate phrase.
	Body []string

	// HasTime reports whether the page has a <time datetime> element for
	// the publication date. When false the date is only in the text
	// (a dateline at the start of the first paragraph) and perhaps in a
	// meta element.
	HasTime bool
	// HasMetaDate reports whether the page has
	// <meta property="article:published_time">.
	HasMetaDate bool
	// HasLangAttr reports whether <html> carries a lang attribute. Two
	// Arabic pages omit it, so their language must be found in the text.
	HasLangAttr bool
}

// article is an Article with what the site needs to render it.
type article struct {
	Article
	node     int           // Drupal node id, served at /<lang>/node/<node>
	tagSlugs []string      // parallel to Tags
	bodyHTML template.HTML // the rendered body field
	dateOnly bool          // <time datetime="2006-01-02"> instead of RFC 3339
	trailing bool          // an empty <p>&nbsp;</p> after the last paragraph, as WYSIWYG editors leave
}

// basicPage is a page that is neither an article nor a listing: the pages
// of the menus, the resources page, the broken page.
type basicPage struct {
	path     string
	lang     string
	title    string
	bodyHTML template.HTML // rendered (raw for the broken page)
	raw      bool          // body is literal HTML, broken on purpose
}

// entry is one parsed record of a content file.
type entry struct {
	file, path string
	header     map[string]string
	blocks     []string // raw blocks separated by blank lines
}

// parseContent reads every content/*.txt file. A record starts with a line
// "%% /path", followed by "key: value" header lines, a blank line and the
// body, whose blocks are separated by blank lines.
func parseContent(fsys fs.FS) ([]entry, error) {
	names, err := fs.Glob(fsys, "content/*.txt")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []entry
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var cur *entry
		inHeader := false
		var block []string
		flush := func() {
			if cur != nil && len(block) > 0 {
				cur.blocks = append(cur.blocks, strings.Join(block, "\n"))
			}
			block = nil
		}
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimRight(line, " \r\t")
			switch {
			case strings.HasPrefix(line, "%% "):
				flush()
				out = append(out, entry{file: name, path: strings.TrimSpace(line[3:]), header: map[string]string{}})
				cur = &out[len(out)-1]
				inHeader = true
			case cur == nil:
				if line != "" && !strings.HasPrefix(line, "#") {
					return nil, fmt.Errorf("%s:%d: text before the first record", name, i+1)
				}
			case inHeader && line == "":
				inHeader = false
			case inHeader:
				k, v, ok := strings.Cut(line, ":")
				if !ok {
					return nil, fmt.Errorf("%s:%d: header line without colon: %q", name, i+1, line)
				}
				cur.header[strings.TrimSpace(k)] = strings.TrimSpace(v)
			case line == "":
				flush()
			default:
				block = append(block, line)
			}
		}
		flush()
	}
	return out, nil
}

var inlineLink = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)

// renderBlocks turns raw blocks into body HTML and the plain-text blocks of
// the ground truth. A block starting with "## " is a subheading; a block
// whose lines start with "- " is a list, one item per line; any other block
// is a paragraph whose lines are joined by spaces. "[text](href)" is a link.
func renderBlocks(raw []string) (template.HTML, []string) {
	var b strings.Builder
	var text []string
	inline := func(s string) (string, string) {
		var h strings.Builder
		last := 0
		for _, m := range inlineLink.FindAllStringSubmatchIndex(s, -1) {
			h.WriteString(html.EscapeString(s[last:m[0]]))
			fmt.Fprintf(&h, `<a href="%s">%s</a>`, html.EscapeString(s[m[4]:m[5]]), html.EscapeString(s[m[2]:m[3]]))
			last = m[1]
		}
		h.WriteString(html.EscapeString(s[last:]))
		return h.String(), inlineLink.ReplaceAllString(s, "$1")
	}
	for _, blk := range raw {
		lines := strings.Split(blk, "\n")
		switch {
		case strings.HasPrefix(blk, "## "):
			h, t := inline(strings.TrimPrefix(strings.Join(lines, " "), "## "))
			fmt.Fprintf(&b, "<h2>%s</h2>\n", h)
			text = append(text, t)
		case strings.HasPrefix(blk, "- "):
			b.WriteString("<ul>\n")
			for _, l := range lines {
				h, t := inline(strings.TrimPrefix(l, "- "))
				fmt.Fprintf(&b, "<li>%s</li>\n", h)
				text = append(text, t)
			}
			b.WriteString("</ul>\n")
		default:
			h, t := inline(strings.Join(lines, " "))
			fmt.Fprintf(&b, "<p>%s</p>\n", h)
			text = append(text, t)
		}
	}
	return template.HTML(b.String()), text
}

// teaser cuts the first block to at most about 200 characters, on a word
// boundary, with an ellipsis when cut.
func teaser(body []string) string {
	if len(body) == 0 {
		return ""
	}
	s := body[0]
	const max = 200
	if len([]rune(s)) <= max {
		return s
	}
	r := []rune(s)[:max]
	cut := strings.LastIndex(string(r), " ")
	if cut <= 0 {
		cut = len(string(r))
	}
	return strings.TrimRight(string(r)[:cut], " ,;:.–-") + "…"
}

// slugify makes a URL slug of a French or English tag name: lower case,
// accents removed, runs of other characters turned into one hyphen.
func slugify(s string) string {
	repl := strings.NewReplacer("à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
		"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "œ", "oe", "æ", "ae")
	s = repl.Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// sectionPath matches the path of an article.
var sectionPath = regexp.MustCompile(`^/(fr|en|ar)/(news|stories|press-releases|events)/([a-z0-9-]+)$`)

// loadContent parses the embedded content into articles (newest first) and
// basic pages.
func loadContent(fsys fs.FS) ([]*article, map[string]*basicPage, error) {
	entries, err := parseContent(fsys)
	if err != nil {
		return nil, nil, err
	}
	var arts []*article
	pages := map[string]*basicPage{}
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.path] {
			return nil, nil, fmt.Errorf("%s: duplicate path %s", e.file, e.path)
		}
		seen[e.path] = true
		title := e.header["title"]
		if title == "" || len(e.blocks) == 0 {
			return nil, nil, fmt.Errorf("%s: %s: missing title or body", e.file, e.path)
		}
		m := sectionPath.FindStringSubmatch(e.path)
		if m == nil {
			lang, _, _ := strings.Cut(strings.TrimPrefix(e.path, "/"), "/")
			p := &basicPage{path: e.path, lang: lang, title: title}
			if e.header["raw"] == "yes" {
				p.raw = true
				p.bodyHTML = template.HTML(strings.Join(e.blocks, "\n"))
			} else {
				p.bodyHTML, _ = renderBlocks(e.blocks)
			}
			pages[e.path] = p
			continue
		}
		a := &article{}
		a.Path, a.Title, a.Lang, a.Section = e.path, title, m[1], m[2]
		if a.Published, err = time.Parse(time.DateOnly, e.header["date"]); err != nil {
			return nil, nil, fmt.Errorf("%s: %s: date: %v", e.file, e.path, err)
		}
		if u := e.header["updated"]; u != "" {
			if a.Updated, err = time.Parse(time.DateOnly, u); err != nil {
				return nil, nil, fmt.Errorf("%s: %s: updated: %v", e.file, e.path, err)
			}
		}
		for _, t := range strings.Split(e.header["tags"], ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			name, slug, ok := strings.Cut(t, "=")
			if !ok {
				slug = slugify(name)
			}
			a.Tags = append(a.Tags, strings.TrimSpace(name))
			a.tagSlugs = append(a.tagSlugs, strings.TrimSpace(slug))
		}
		a.HasTime, a.HasLangAttr = true, true
		for _, f := range strings.Split(e.header["markup"], ",") {
			switch strings.TrimSpace(f) {
			case "":
			case "notime":
				a.HasTime = false
			case "meta":
				a.HasMetaDate = true
			case "nolang":
				a.HasLangAttr = false
			case "dateonly":
				a.dateOnly = true
			default:
				return nil, nil, fmt.Errorf("%s: %s: unknown markup flag %q", e.file, e.path, f)
			}
		}
		a.bodyHTML, a.Body = renderBlocks(e.blocks)
		a.Description = teaser(a.Body)
		arts = append(arts, a)
	}
	// Node ids follow publication order, as in a Drupal site fed over the years.
	slices.SortStableFunc(arts, func(x, y *article) int { return x.Published.Compare(y.Published) })
	for i, a := range arts {
		a.node = 100 + 3*i
		a.trailing = i%4 == 1
	}
	slices.Reverse(arts)
	return arts, pages, nil
}
