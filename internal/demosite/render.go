package demosite

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"time"
)

// pageData is what the layout template renders: one page of the site.
type pageData struct {
	L            *labels
	LangAttr     string // "" omits the lang attribute of <html>
	Title        string // <title> without the site suffix
	Heading      string // <h1>
	Description  string
	Canonical    string
	ShareURL     string
	NoIndex      bool
	Broken       bool // leave </body></html> out
	BodyClass    string
	Crumbs       []link
	CrumbCurrent string
	Article      *articleView
	Listing      *listingView
	Home         *homeView
	Main         template.HTML // body of a basic page
	Related      []link
	Recent       []link
}

type articleView struct {
	Path, Lang, NodeType        string
	Node                        int
	MetaPublished, MetaModified template.HTMLAttr // content="…", unescaped '+'
	Tags                        []string
	TimeAttr, DateText          string
	UpdatedText                 string
	Body                        template.HTML
	TagLinks                    []link
}

type listingView struct {
	View, Intro string
	Items       []itemView
	Pages       []pagerLink
	Prev, Next  string
}

type itemView struct {
	Href, Lang, Title, Date, Teaser string
}

type pagerLink struct {
	Href    string
	N       int
	Current bool
}

type homeView struct {
	Items   []itemView
	Rubrics []link
}

// nodeTypes maps a section to its Drupal content type, as used in the
// node--type-* class.
var nodeTypes = map[string]string{"news": "news", "stories": "story", "press-releases": "press-release", "events": "event"}

// usDate is the date format of the listings: 07/30/2016.
const usDate = "01/02/2006"

// moroccoTime is the fixed UTC+1 offset the meta elements are written in.
var moroccoTime = time.FixedZone("+01", 3600)

// execute renders d with the layout into a buffer.
func (s *Site) execute(d *pageData) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "layout", d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write renders d and sends it with the given status.
func (s *Site) write(w http.ResponseWriter, status int, d *pageData) {
	body, err := s.execute(d)
	if err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// newPage starts the data of a page in lang with the sidebar filled.
func (s *Site) newPage(lang, title string) *pageData {
	l, ok := siteLabels[lang]
	if !ok {
		l = siteLabels["fr"]
	}
	return &pageData{L: l, LangAttr: l.Lang, Title: title, Heading: title, Recent: s.recent(l.Lang)}
}

// recent returns links to the five newest articles in lang.
func (s *Site) recent(lang string) []link {
	var out []link
	for _, a := range s.articles {
		if a.Lang == lang && len(out) < 5 {
			out = append(out, link{a.Path, a.Title})
		}
	}
	return out
}

// related returns up to three other articles in a's language, those
// sharing the most tags first, then the newest.
func (s *Site) related(a *article) []link {
	type cand struct {
		a     *article
		score int
	}
	var cs []cand
	for _, b := range s.articles {
		if b == a || b.Lang != a.Lang {
			continue
		}
		n := 0
		for _, t := range a.tagSlugs {
			for _, u := range b.tagSlugs {
				if t == u {
					n++
				}
			}
		}
		cs = append(cs, cand{b, n})
	}
	// s.articles is newest first, so a stable sort on score keeps the newest first.
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].score > cs[j-1].score; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
	var out []link
	for _, c := range cs {
		if len(out) == 3 {
			break
		}
		out = append(out, link{c.a.Path, c.a.Title})
	}
	return out
}

// articlePage builds the page of a, whose canonical URL is base+a.Path.
func (s *Site) articlePage(a *article, base string) *pageData {
	l := siteLabels[a.Lang]
	d := s.newPage(a.Lang, a.Title)
	if !a.HasLangAttr {
		d.LangAttr = ""
	}
	d.Description = a.Description
	d.Canonical = base + a.Path
	d.ShareURL = d.Canonical
	d.BodyClass = "path-node page-node-type-" + nodeTypes[a.Section]
	d.Crumbs = []link{{"/" + a.Lang + "/" + a.Section, l.Sections[a.Section]}}
	d.CrumbCurrent = a.Title
	d.Related = s.related(a)
	v := &articleView{Path: a.Path, Lang: a.Lang, NodeType: nodeTypes[a.Section], Node: a.node, Tags: a.Tags, Body: a.bodyHTML}
	if a.trailing {
		v.Body += "<p>&nbsp;</p>\n"
	}
	if a.HasTime {
		v.TimeAttr = a.Published.UTC().Format(time.RFC3339)
		if a.dateOnly {
			v.TimeAttr = a.Published.Format(time.DateOnly)
		}
		v.DateText = l.formatDate(a.Published)
	}
	if a.HasMetaDate {
		v.MetaPublished = contentAttr(a.Published.In(moroccoTime).Format(time.RFC3339))
	}
	if !a.Updated.IsZero() {
		v.MetaModified = contentAttr(a.Updated.In(moroccoTime).Format(time.RFC3339))
		v.UpdatedText = l.formatDate(a.Updated)
	}
	for i, t := range a.Tags {
		v.TagLinks = append(v.TagLinks, link{"/" + a.Lang + "/tags/" + a.tagSlugs[i], t})
	}
	d.Article = v
	return d
}

// item is a listing row for a.
func item(a *article, href string) itemView {
	return itemView{Href: href, Lang: a.Lang, Title: a.Title, Date: a.Published.Format(usDate), Teaser: a.Description}
}

// contentAttr is a content="…" attribute for an RFC 3339 time, written
// as Drupal writes it (html/template would turn '+' into &#43;).
func contentAttr(rfc3339 string) template.HTMLAttr {
	return template.HTMLAttr(`content="` + template.HTMLEscapeString(rfc3339) + `"`)
}
