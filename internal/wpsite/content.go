package wpsite

import (
	"fmt"
	"html"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Post is the ground truth of one post page of the site: what a perfect
// crawler and extractor would find on it. Tests compare extracted records
// against it.
type Post struct {
	// Path is the permalink: "/<slug>/" for French posts, "/en/<slug>/"
	// and "/ar/<slug>/" for English and Arabic ones.
	Path string
	// Title is the post title, without the " – <site name>" suffix of the
	// <title> element.
	Title string
	// Lang is "fr", "en" or "ar".
	Lang string
	// Category is the slug of the post's only category: "actualites",
	// "evenements", "communiques" or "publications" in French, "news" in
	// English, "akhbar" in Arabic. Its archive is
	// "<lang prefix>/category/<slug>/".
	Category string
	// Author is the display name of the author, whose archive the byline
	// links to.
	Author string
	// Published is the publication instant, in Tunis time (UTC+1, no
	// summer time). Sources "prose", "numeric" and "teaser" give only its
	// day: compare them with Published's calendar day.
	Published time.Time
	// Updated is the last modification instant, or the zero time when the
	// post was never updated. Only posts whose DateSource is "time",
	// "jsonld" or "meta" are ever updated, and their page gives Updated
	// the same way it gives Published.
	Updated time.Time
	// DateSource says how the post page gives Published, the only way it
	// does (except in ConflictingDatesPath and MalformedJSONLDPath):
	//   - "time": <time class="entry-date published" datetime="…+01:00">
	//     in the entry header, with <time class="updated"> when updated;
	//   - "jsonld": datePublished (and dateModified) of the Article and
	//     WebPage nodes of the Yoast JSON-LD @graph, written in UTC;
	//   - "meta": <meta property="article:published_time"> (and
	//     article:modified_time) in the head;
	//   - "prose": a French byline "Publié le 5 octobre 2021", "Publié le
	//     1er mars 2020" or "5 oct. 2021" (English: "Posted on October 5,
	//     2021");
	//   - "numeric": a byline "05/10/2021", day first;
	//   - "teaser": nowhere on the post page; only the teasers of the
	//     listings that link to it show the day.
	DateSource string
	// Tags are the display names of the post's tags, in page order.
	Tags []string
	// Description is <meta name="description"> and the excerpt of the
	// teasers: the first block, cut at about 200 characters with " […]"
	// when longer.
	Description string
	// Body holds the text blocks of the entry content in order:
	// paragraphs, subheadings and list items as plain text (links reduced
	// to their text). Body[0] is the lead paragraph.
	Body []string
	// Headings are the <h2> and <h3> subheadings of the body, in order;
	// each is also a block of Body.
	Headings []string
	// Translations maps a language to the path of the post's version in
	// that language, the post itself included; nil when the post has no
	// translation. The page links each one with <link rel="alternate"
	// hreflang> (plus x-default, the French version) and from the
	// language switcher.
	Translations map[string]string
	// PDFs are the paths of the PDF files the body links to, in order.
	PDFs []string
}

// post is a Post with what the site needs to render it.
type post struct {
	Post
	id       int       // WordPress post id, in the post-N class
	tagSlugs []string  // parallel to Tags
	bodyHTML string    // the rendered entry content
	byline   string    // prose byline style: "long" (default) or "abbr"; numeric: "bare" or "publie"
	shown    time.Time // ConflictingDatesPath: the wrong day its <time> shows
	older    *post     // previous post in the same language
	newer    *post     // next post in the same language
	author   string    // author slug
	header   map[string]string
}

// staticPage is a WordPress page: no date, no tags.
type staticPage struct {
	path, title string
	id          int
	ogWebsite   bool // og:type website (missing when false)
	bodyHTML    string
	body        []string
}

// entry is one parsed record of a content file.
type entry struct {
	file, path string
	header     map[string]string
	blocks     []string // raw blocks separated by blank lines
}

// parseContent reads every content/*.txt file. A record starts with a line
// "%% /path/", followed by "key: value" header lines, a blank line and the
// body, whose blocks are separated by blank lines. Lines starting with "#"
// before the first record are comments.
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

// rendered is the result of renderBlocks.
type rendered struct {
	html     string
	text     []string // Body
	headings []string
	links    []string // hrefs, in order
}

// renderBlocks turns raw blocks into entry-content HTML and plain text. A
// block starting with "## " or "### " is a subheading; a block whose lines
// start with "- " is a list, one item per line; any other block is a
// paragraph whose lines are joined by spaces, the first one with the
// class "lead". "[text](href)" is a link.
func renderBlocks(raw []string) rendered {
	var r rendered
	var b strings.Builder
	inline := func(s string) (string, string) {
		var h strings.Builder
		last := 0
		for _, m := range inlineLink.FindAllStringSubmatchIndex(s, -1) {
			h.WriteString(html.EscapeString(s[last:m[0]]))
			href := s[m[4]:m[5]]
			r.links = append(r.links, href)
			fmt.Fprintf(&h, `<a href="%s">%s</a>`, html.EscapeString(href), html.EscapeString(s[m[2]:m[3]]))
			last = m[1]
		}
		h.WriteString(html.EscapeString(s[last:]))
		return h.String(), inlineLink.ReplaceAllString(s, "$1")
	}
	paras := 0
	for _, blk := range raw {
		lines := strings.Split(blk, "\n")
		joined := strings.Join(lines, " ")
		switch {
		case strings.HasPrefix(blk, "## "), strings.HasPrefix(blk, "### "):
			level, txt, _ := strings.Cut(joined, " ")
			h, t := inline(txt)
			fmt.Fprintf(&b, "<h%d class=\"wp-block-heading\">%s</h%d>\n", len(level), h, len(level))
			r.text = append(r.text, t)
			r.headings = append(r.headings, t)
		case strings.HasPrefix(blk, "- "):
			b.WriteString("<ul class=\"wp-block-list\">\n")
			for _, l := range lines {
				h, t := inline(strings.TrimPrefix(l, "- "))
				fmt.Fprintf(&b, "<li>%s</li>\n", h)
				r.text = append(r.text, t)
			}
			b.WriteString("</ul>\n")
		default:
			h, t := inline(joined)
			if paras == 0 {
				fmt.Fprintf(&b, "<p class=\"lead\"><strong>%s</strong></p>\n", h)
			} else {
				fmt.Fprintf(&b, "<p>%s</p>\n", h)
			}
			paras++
			r.text = append(r.text, t)
		}
	}
	r.html = b.String()
	return r
}

// excerpt cuts the first block to at most about 200 characters, on a word
// boundary, with " […]" when cut, as WordPress excerpts end.
func excerpt(body []string) string {
	if len(body) == 0 {
		return ""
	}
	s := body[0]
	const max = 200
	if len([]rune(s)) <= max {
		return s
	}
	r := string([]rune(s)[:max])
	if cut := strings.LastIndex(r, " "); cut > 0 {
		r = r[:cut]
	}
	return strings.TrimRight(r, " ,;:.–-") + " […]"
}

// slugify makes a URL slug of a French or English name: lower case,
// accents removed, runs of other characters turned into one hyphen. Names
// in other scripts must give their slug explicitly ("name=slug").
func slugify(s string) string {
	repl := strings.NewReplacer("à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
		"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "œ", "oe", "æ", "ae", "'", "-", "’", "-")
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

// tunis is the fixed UTC+1 offset of the site's clock.
var tunis = time.FixedZone("CET", 3600)

// postPath matches the permalink of a post.
var postPath = regexp.MustCompile(`^/(?:(en|ar)/)?([a-z0-9-]+)/$`)

// dateSources are the valid DateSource values.
var dateSources = []string{"time", "jsonld", "meta", "prose", "numeric", "teaser"}

// loadContent parses the embedded content into posts (newest first, ids
// assigned in publication order) and static pages.
func loadContent(fsys fs.FS) ([]*post, map[string]*staticPage, error) {
	entries, err := parseContent(fsys)
	if err != nil {
		return nil, nil, err
	}
	var posts []*post
	pages := map[string]*staticPage{}
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
		r := renderBlocks(e.blocks)
		if e.header["type"] == "page" {
			pages[e.path] = &staticPage{path: e.path, title: title, ogWebsite: e.header["og"] == "website", bodyHTML: r.html, body: r.text}
			continue
		}
		m := postPath.FindStringSubmatch(e.path)
		if m == nil {
			return nil, nil, fmt.Errorf("%s: %s: not a permalink", e.file, e.path)
		}
		p := &post{header: e.header}
		p.Path, p.Title, p.Lang = e.path, title, m[1]
		if p.Lang == "" {
			p.Lang = "fr"
		}
		p.Category = e.header["category"]
		if !slices.Contains(categories[p.Lang], p.Category) {
			return nil, nil, fmt.Errorf("%s: %s: category %q is not one of %v", e.file, e.path, p.Category, categories[p.Lang])
		}
		p.author = e.header["author"]
		if authors[p.author] == "" {
			return nil, nil, fmt.Errorf("%s: %s: unknown author %q", e.file, e.path, p.author)
		}
		p.Author = authors[p.author]
		if p.Published, err = time.ParseInLocation("2006-01-02 15:04", e.header["date"], tunis); err != nil {
			return nil, nil, fmt.Errorf("%s: %s: date: %v", e.file, e.path, err)
		}
		if u := e.header["updated"]; u != "" {
			if p.Updated, err = time.ParseInLocation("2006-01-02 15:04", u, tunis); err != nil {
				return nil, nil, fmt.Errorf("%s: %s: updated: %v", e.file, e.path, err)
			}
		}
		if u := e.header["shown"]; u != "" {
			if p.shown, err = time.ParseInLocation("2006-01-02 15:04", u, tunis); err != nil {
				return nil, nil, fmt.Errorf("%s: %s: shown: %v", e.file, e.path, err)
			}
		}
		p.DateSource = e.header["source"]
		if !slices.Contains(dateSources, p.DateSource) {
			return nil, nil, fmt.Errorf("%s: %s: source %q is not one of %v", e.file, e.path, p.DateSource, dateSources)
		}
		if !p.Updated.IsZero() && !slices.Contains([]string{"time", "jsonld", "meta"}, p.DateSource) {
			return nil, nil, fmt.Errorf("%s: %s: source %s cannot give an update", e.file, e.path, p.DateSource)
		}
		p.byline = e.header["byline"]
		for _, t := range strings.Split(e.header["tags"], ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			name, slug, ok := strings.Cut(t, "=")
			if !ok {
				slug = slugify(name)
			}
			p.Tags = append(p.Tags, strings.TrimSpace(name))
			p.tagSlugs = append(p.tagSlugs, strings.TrimSpace(slug))
		}
		p.bodyHTML, p.Body, p.Headings = r.html, r.text, r.headings
		for _, l := range r.links {
			if strings.HasSuffix(l, ".pdf") {
				p.PDFs = append(p.PDFs, l)
			}
		}
		p.Description = excerpt(p.Body)
		posts = append(posts, p)
	}
	// Ids follow publication order, with the gaps that drafts, pages and
	// attachments leave in a WordPress database.
	slices.SortStableFunc(posts, func(x, y *post) int { return x.Published.Compare(y.Published) })
	for i, p := range posts {
		p.id = 40 + 7*i + i%3
	}
	slices.Reverse(posts)
	ids := 2
	for _, k := range slices.Sorted(maps.Keys(pages)) {
		pages[k].id = ids
		ids += 3
	}
	return posts, pages, nil
}
