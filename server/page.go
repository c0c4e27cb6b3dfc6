package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/search"
	"github.com/missionsearch/missionsearch/server/ui"
)

// staffSize is the number of rows of the staff list view.
const staffSize = 50

// view is what the page template shows.
type view struct {
	// Base is the base path ("" or "/recherche"): every link of the page
	// starts with it. Brand is the site's branding.
	Base          string
	Brand         Branding
	Query         string
	Staff         bool
	ErrorTitle    string
	Error         string
	Searched      bool // a search ran: show the count, results and filters
	Total         int
	TookMS        int64
	Relaxed       bool
	DidYouMean    string
	DidYouMeanURL string
	Hits          []hitView
	Start         int // rank of the first hit
	Facets        []facetView
	From, To      string
	Sort          string
	Chips         []chip
	ClearURL      string
	Pages         *pagination
	ExportCSV     string
	ExportExcel   string // CSV for French Excel: ';' and French headers
	ExportJSONL   string
	ListURL       string
	ResultsURL    string
}

type hitView struct {
	Title, URL, Section, Lang string
	LangAttr, Dir             string // lang and dir attributes for non-French hits
	Date                      time.Time
	// Snippet is the search package's safe HTML: escaped text with <mark>.
	Snippet template.HTML
	Tags    []tagLabel
	// Type is the page type; CitedBy the pages a document is an annex of;
	// Translations the page in the site's other languages.
	Type         missionsearch.PageType
	CitedBy      []missionsearch.Link
	Translations []missionsearch.Link
}

// tagLabel is a theme of a hit, with the lang attribute of its script (as
// facetOpt.LangAttr).
type tagLabel struct {
	Text, LangAttr string
}

type facetView struct {
	Name, Label string
	Values      []facetOpt
}

type facetOpt struct {
	ID, Value, Label string
	// LangAttr marks a label that is not French, such as an Arabic theme,
	// so that screen readers pronounce it right; the template isolates it
	// (<bdi>) so that its direction does not move the count around it.
	LangAttr string
	Count    int
	Selected bool
}

// chip is an active filter, shown as a link that removes it.
type chip struct {
	Kind, Label, URL string
	LangAttr         string // as in facetOpt
}

type pagination struct {
	Prev, Next    string
	Current, Last int
	Items         []pageItem
}

type pageItem struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// facetOrder lists the facets of the page; staff ones only in the staff
// view (the page type: listings are left out unless staff ask for them).
var facetOrder = []struct {
	name, label string
	staff       bool
}{
	{search.FacetSection, "Rubrique", false},
	{search.FacetTag, "Thème", false},
	{search.FacetYear, "Année", false},
	{search.FacetLang, "Langue", false},
	{search.FacetType, "Type de page", true},
}

// handlePage renders the French search page for GET / and GET /search.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	v, err := query(r, pageParams, ignoredPageParam)
	if err != nil {
		// Keep what can be kept of the form, so the visitor can fix it.
		partial, _ := url.ParseQuery(r.URL.RawQuery)
		keep := url.Values{}
		for _, k := range []string{"q", "from", "to", "sort", "view"} {
			if x := partial.Get(k); utf8.ValidString(x) {
				keep.Set(k, x)
			}
		}
		s.renderPageError(w, r, keep, err)
		return
	}
	vw := &view{Query: v.Get("q"), From: v.Get("from"), To: v.Get("to"), Sort: v.Get("sort")}
	switch v.Get("view") {
	case "":
	case "liste":
		vw.Staff = true
	default:
		s.renderPageError(w, r, v, invalid("The parameter \"view\" must be \"liste\" or absent."))
		return
	}
	req, err := searchRequest(v)
	if err != nil {
		s.renderPageError(w, r, v, err)
		return
	}
	if vw.Staff {
		if req.Sort == "" {
			req.Sort = search.SortDate
		}
		if req.Size == 0 {
			req.Size = staffSize
			if req.Page*req.Size > search.MaxWindow {
				req.Size = search.DefaultSize
			}
		}
	}
	res, err := s.search(r.Context(), req)
	if err != nil {
		s.renderPageError(w, r, v, err)
		return
	}
	s.fill(vw, v, req, res)
	setResultETag(r, res, []byte(ui.Version()))
	s.render(w, r, http.StatusOK, vw)
}

// fill sets the results part of vw from res.
func (s *Server) fill(vw *view, v url.Values, req search.Request, res *search.Result) {
	vw.Searched = true
	vw.Total = int(min(res.Total, uint64(1<<31-1)))
	vw.TookMS = res.Took.Milliseconds()
	vw.Relaxed = res.Relaxed
	if vw.Sort == "" {
		vw.Sort = search.SortRelevance
		if req.Query == "" || vw.Staff {
			vw.Sort = search.SortDate
		}
	}
	if res.DidYouMean != "" {
		vw.DidYouMean = res.DidYouMean
		vw.DidYouMeanURL = s.link("/search", v, func(u url.Values) { u.Set("q", res.DidYouMean) })
	}
	page, size := max(req.Page, 1), req.Size
	if size == 0 {
		size = search.DefaultSize
	}
	vw.Start = (page-1)*size + 1
	for _, h := range res.Hits {
		hv := hitView{Title: h.Title, URL: h.URL, Section: h.Section, Lang: string(h.Lang),
			Date: h.Published, Snippet: template.HTML(h.Snippet), Type: h.Type, CitedBy: h.CitedBy,
			Translations: h.Translations}
		for _, t := range h.Tags {
			l := s.tagLabel(t)
			hv.Tags = append(hv.Tags, tagLabel{Text: l, LangAttr: scriptLang(l)})
		}
		if hv.Date.IsZero() {
			hv.Date = h.Updated
		}
		switch h.Lang {
		case missionsearch.LangAR:
			hv.LangAttr, hv.Dir = "ar", "rtl"
		case missionsearch.LangEN:
			hv.LangAttr, hv.Dir = "en", "ltr"
		}
		vw.Hits = append(vw.Hits, hv)
	}
	for _, f := range facetOrder {
		if f.staff && !vw.Staff {
			continue
		}
		fv := facetView{Name: f.name, Label: f.label}
		for i, val := range res.Facets[f.name] {
			label := val.Value
			switch f.name {
			case search.FacetSection:
				label = s.sectionLabel(val.Value)
			case search.FacetLang:
				label = ui.LangLabel(val.Value)
			case search.FacetType:
				label = ui.TypeLabel(val.Value)
			case search.FacetTag:
				label = s.tagLabel(val.Value)
			}
			o := facetOpt{ID: fmt.Sprintf("f-%s-%d", f.name, i), Value: val.Value,
				Label: label, Count: val.Count, Selected: val.Selected}
			o.LangAttr = scriptLang(label)
			fv.Values = append(fv.Values, o)
		}
		vw.Facets = append(vw.Facets, fv)
	}
	vw.Chips = s.chips(v)
	vw.ClearURL = s.link("/search", v, func(u url.Values) {
		for _, k := range []string{"section", "year", "lang", "tag", "type", "from", "to"} {
			u.Del(k)
		}
	})
	vw.Pages = s.paginate(v, page, size, res.Total)
	export := func(format string, extra ...string) string {
		return s.link("/export", v, func(u url.Values) {
			u.Del("page")
			u.Del("size")
			u.Del("view")
			u.Set("format", format)
			for i := 0; i+1 < len(extra); i += 2 {
				u.Set(extra[i], extra[i+1])
			}
			if vw.Staff && u.Get("sort") == "" {
				u.Set("sort", search.SortDate)
			}
		})
	}
	vw.ExportCSV, vw.ExportJSONL = export("csv"), export("jsonl")
	vw.ExportExcel = export("csv", "excel", "1", "headers", "fr")
	vw.ListURL = s.link("/search", v, func(u url.Values) { u.Set("view", "liste"); u.Del("size") })
	vw.ResultsURL = s.link("/search", v, func(u url.Values) { u.Del("view"); u.Del("size") })
}

// chips lists the active filters of v, each with the link that removes it.
func (s *Server) chips(v url.Values) []chip {
	var cs []chip
	kinds := []struct{ param, kind string }{{"section", "Rubrique"}, {"tag", "Thème"}, {"year", "Année"}, {"lang", "Langue"}, {"type", "Type"}}
	for _, k := range kinds {
		for _, val := range v[k.param] {
			if val == "" {
				continue
			}
			label := val
			switch k.param {
			case "section":
				label = s.sectionLabel(val)
			case "lang":
				label = ui.LangLabel(val)
			case "type":
				label = ui.TypeLabel(val)
			}
			cs = append(cs, chip{Kind: k.kind, Label: label, LangAttr: scriptLang(label), URL: s.link("/search", v, func(u url.Values) {
				var keep []string
				for _, x := range u[k.param] {
					if x != val {
						keep = append(keep, x)
					}
				}
				u[k.param] = keep
			})})
		}
	}
	for _, d := range []struct{ param, kind string }{{"from", "Depuis le"}, {"to", "Jusqu'au"}} {
		val := v.Get(d.param)
		if val == "" {
			continue
		}
		label := val
		if t, err := time.Parse(time.DateOnly, val); err == nil {
			label = ui.FormatDate(t)
		}
		cs = append(cs, chip{Kind: d.kind, Label: label, URL: s.link("/search", v, func(u url.Values) { u.Del(d.param) })})
	}
	return cs
}

// scriptLang returns the lang attribute of a label written in Arabic
// script, "ar"; other labels are taken as French (""). Facet values carry
// no language, so the script is the only clue.
func scriptLang(s string) string {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return "ar"
		}
	}
	return ""
}

// paginate returns the page links around page, or nil for a single page.
func (s *Server) paginate(v url.Values, page, size int, total uint64) *pagination {
	last := int(min((total+uint64(size)-1)/uint64(size), uint64(search.MaxWindow/size)))
	if last <= 1 {
		return nil
	}
	at := func(n int) string {
		return s.link("/search", v, func(u url.Values) {
			if n == 1 {
				u.Del("page")
			} else {
				u.Set("page", strconv.Itoa(n))
			}
		})
	}
	p := &pagination{Current: page, Last: last}
	if page > 1 {
		p.Prev = at(min(page-1, last))
	}
	if page < last {
		p.Next = at(page + 1)
	}
	prev := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < page-2 || n > page+2) {
			continue
		}
		if prev != 0 && n > prev+1 {
			p.Items = append(p.Items, pageItem{Gap: true})
		}
		p.Items = append(p.Items, pageItem{N: n, URL: at(n), Current: n == page})
		prev = n
	}
	return p
}

// link returns path with the query v changed by edit, without the page
// cursor and with the page number dropped unless edit sets it.
func (s *Server) link(path string, v url.Values, edit func(url.Values)) string {
	path = s.path(path)
	u := url.Values{}
	for k, vs := range v {
		if k == "after" || k == "page" {
			continue
		}
		for _, x := range vs {
			if x != "" {
				u.Add(k, x)
			}
		}
	}
	edit(u)
	if len(u) == 0 {
		return path
	}
	return path + "?" + u.Encode()
}

// renderPageError shows the page with the form filled from v and the
// message of err, with the status of err's code.
func (s *Server) renderPageError(w http.ResponseWriter, r *http.Request, v url.Values, err error) {
	code, msg, internal := classify(err)
	if internal {
		s.logger(r).ErrorContext(r.Context(), "page failed", "err", err)
	}
	title := "Votre recherche n'a pas pu aboutir"
	switch code {
	case missionsearch.EINVALID:
		title = "Votre recherche n'est pas valide"
	case missionsearch.EUNAVAILABLE:
		title = "La recherche est momentanément indisponible"
		msg = "Veuillez réessayer dans un instant. (" + msg + ")"
	case missionsearch.EINTERNAL:
		msg = "Une erreur interne s'est produite. Veuillez réessayer plus tard."
	}
	vw := &view{Query: v.Get("q"), From: v.Get("from"), To: v.Get("to"), Sort: v.Get("sort"),
		Staff: v.Get("view") == "liste", ErrorTitle: title, Error: msg}
	if code == missionsearch.ETOOMANY {
		vw.ErrorTitle = "Trop de requêtes"
		vw.Error = msg
	}
	s.render(w, r, statusOf(code), vw)
}

// renderError shows the page with an error and no form state.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.render(w, r, status, &view{ErrorTitle: title, Error: msg})
}

// render executes the page template into a buffer, then answers with it.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, vw *view) {
	vw.Base, vw.Brand = s.base, s.cfg.Branding
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "page", vw); err != nil {
		s.logger(r).ErrorContext(r.Context(), "render page", "err", err)
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if status != http.StatusOK {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}
