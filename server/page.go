package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/search"
	"github.com/missionsearch/missionsearch/server/ui"
)

// staffSize is the number of rows of the staff list view.
const staffSize = 50

// view is what the page template shows.
type view struct {
	// Base is the base path ("" or "/recherche"): every link of the page
	// starts with it; Home is the search's home link. Brand is the site's
	// branding and SiteName its name in the page's language. T is the page
	// in its language; UILangs link to the page in the others; Hint is the
	// search box's help.
	Base, Home    string
	Brand         Branding
	SiteName      string
	T             *ui.Tr
	HL            string // the language asked for (hl, or the path), kept by the form; "" when negotiated
	UILangs       []uiLang
	Hint          template.HTML
	Query         string
	Staff         bool
	ErrorTitle    string
	Error         string
	Searched      bool // a search ran: show the count, results and filters
	Total         int
	TookMS        int64
	Relaxed       bool
	TotalAll      int    // pages with every word (when Relaxed)
	Approximate   string // the words found through their typo alternatives, quoted
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

// uiLang is a link to the page in one UI language.
type uiLang struct {
	Lang, Name, URL string
	Current         bool
}

type hitView struct {
	// SectionLabel, LangLabel and TypeLabel name the hit's section,
	// language and type in the page's language.
	SectionLabel, LangLabel, TypeLabel string
	// SiteLabel names the hit's site when the index holds several.
	SiteLabel                 string
	Title, URL, Section, Lang string
	// Open is the link of the title: URL, or GET /clic when the search
	// is recorded.
	Open          string
	LangAttr, Dir string // lang and dir attributes for non-French hits
	Date          time.Time
	// Snippet is the search package's safe HTML: escaped text with <mark>.
	Snippet template.HTML
	Tags    []tagLabel
	// Type is the page type; CitedBy the pages a document is an annex of;
	// Translations the page in the site's other languages.
	Type         missionsearch.PageType
	CitedBy      []missionsearch.Link
	Translations []missionsearch.Link
	// Partial marks a page lacking some of the words; Approximate one found
	// only through typo alternatives.
	Partial, Approximate bool
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
	{search.FacetSite, "Site", false},
	{search.FacetSection, "Rubrique", false},
	{search.FacetTag, "Thème", false},
	{search.FacetYear, "Année", false},
	{search.FacetLang, "Langue", false},
	{search.FacetPartner, "Partenaires", false},
	{search.FacetPerson, "Personnes", false},
	{search.FacetPlace, "Lieux", false},
	{search.FacetType, "Type de page", true},
}

// handlePage renders the French search page for GET / and GET /search.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	v, err := query(r, pageParams, ignoredPageParam)
	if err == nil {
		if hl := mux.Vars(r)["hl"]; hl != "" && v.Get("hl") == "" {
			v.Set("hl", hl) // /en/search: the links keep the language
		}
	}
	if err != nil {
		// Keep what can be kept of the form, so the visitor can fix it.
		partial, _ := url.ParseQuery(r.URL.RawQuery)
		keep := url.Values{}
		for _, k := range []string{"q", "from", "to", "sort", "view", "hl"} {
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
	vw.T = ui.For(s.uiLang(r, v))
	searchID := s.record(r, v, req, res, "page", vw.T.Lang)
	s.fill(vw, v, req, res, searchID)
	// A recorded page holds its search's id in its links: a 304 would
	// show an older page whose opens count for an older search.
	setResultETag(r, res, []byte(ui.Version()), []byte(searchID))
	s.render(w, r, http.StatusOK, vw)
}

// fill sets the results part of vw from res.
func (s *Server) fill(vw *view, v url.Values, req search.Request, res *search.Result, searchID string) {
	vw.Searched = true
	vw.Total = int(min(res.Total, uint64(1<<31-1)))
	vw.TookMS = res.Took.Milliseconds()
	vw.Relaxed = res.Relaxed
	vw.TotalAll = int(min(res.TotalAll, uint64(1<<31-1)))
	if len(res.Approximate) > 0 {
		vw.Approximate = strings.Join(res.Approximate, " ")
	}
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
	for i, h := range res.Hits {
		hv := hitView{Title: h.Title, URL: h.URL, Open: s.openLink(searchID, h, vw.Start+i), Section: h.Section, Lang: string(h.Lang),
			Date: h.Published, Snippet: template.HTML(h.Snippet), Type: h.Type, CitedBy: h.CitedBy,
			Translations: h.Translations, Partial: h.Match == search.MatchPartial, Approximate: h.Approximate}
		for _, t := range h.Tags {
			l := s.tagLabel(vw.T, t)
			hv.Tags = append(hv.Tags, tagLabel{Text: l, LangAttr: scriptLang(l)})
		}
		if hv.Date.IsZero() {
			hv.Date = h.Updated
		}
		if string(h.Lang) != vw.T.Lang && h.Lang.Valid() {
			hv.LangAttr, hv.Dir = string(h.Lang), "ltr"
			if h.Lang == missionsearch.LangAR {
				hv.Dir = "rtl"
			}
		}
		hv.SectionLabel = s.sectionLabel(vw.T, h.Section)
		if len(res.Facets[search.FacetSite]) > 1 && h.Site != "" {
			hv.SiteLabel = s.siteLabel(h.Site)
		}
		hv.LangLabel = vw.T.LangName(string(h.Lang))
		hv.TypeLabel = vw.T.Type(string(h.Type))
		vw.Hits = append(vw.Hits, hv)
	}
	for _, f := range facetOrder {
		if f.staff && !vw.Staff {
			continue
		}
		if f.name == search.FacetSite && len(res.Facets[f.name]) < 2 && len(v["site"]) == 0 {
			continue // a store of one site: nothing to choose
		}
		fv := facetView{Name: f.name, Label: vw.T.S(f.label)}
		for i, val := range res.Facets[f.name] {
			label := val.Value
			switch f.name {
			case search.FacetSite:
				label = s.siteLabel(val.Value)
			case search.FacetSection:
				label = s.sectionLabel(vw.T, val.Value)
			case search.FacetLang:
				label = vw.T.LangName(val.Value)
			case search.FacetType:
				label = vw.T.Type(val.Value)
			case search.FacetTag:
				label = s.tagLabel(vw.T, val.Value)
			}
			o := facetOpt{ID: fmt.Sprintf("f-%s-%d", f.name, i), Value: val.Value,
				Label: label, Count: val.Count, Selected: val.Selected}
			o.LangAttr = scriptLang(label)
			fv.Values = append(fv.Values, o)
		}
		vw.Facets = append(vw.Facets, fv)
	}
	vw.Chips = s.chips(vw.T, v)
	if d := res.QueryDate; d != nil {
		// The date typed in the query, removable like a filter.
		vw.Chips = append(vw.Chips, chip{Kind: vw.T.S("Date dans la recherche"), Label: vw.T.MonthYear(d.Year, d.Month),
			URL: s.link("/search", v, func(u url.Values) { u.Set("q", d.Without) })})
	}
	vw.ClearURL = s.link("/search", v, func(u url.Values) {
		for _, k := range []string{"section", "year", "lang", "tag", "type", "partner", "person", "place", "from", "to"} {
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
func (s *Server) chips(tr *ui.Tr, v url.Values) []chip {
	var cs []chip
	kinds := []struct{ param, kind string }{{"site", "Site"}, {"section", "Rubrique"}, {"tag", "Thème"}, {"year", "Année"}, {"lang", "Langue"}, {"type", "Type"},
		{"partner", "Partenaire"}, {"person", "Personne"}, {"place", "Lieu"}}
	for _, k := range kinds {
		for _, val := range v[k.param] {
			if val == "" {
				continue
			}
			label := val
			switch k.param {
			case "site":
				label = s.siteLabel(val)
			case "section":
				label = s.sectionLabel(tr, val)
			case "lang":
				label = tr.LangName(val)
			case "type":
				label = tr.Type(val)
			case "tag":
				label = s.tagLabel(tr, val)
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
	tr := ui.For(s.uiLang(r, v))
	title := tr.S("Votre recherche n'a pas pu aboutir")
	switch code {
	case missionsearch.EINVALID:
		// The search package's message is English: French and Arabic
		// visitors get the advice in their language, English ones the
		// detail too.
		title = tr.S("Votre recherche n'est pas valide")
		if tr.Lang != "en" {
			msg = tr.S("Vérifiez les mots et les filtres de la recherche, puis réessayez.")
		}
	case missionsearch.EUNAVAILABLE:
		title = tr.S("La recherche est momentanément indisponible")
		msg = tr.S("Veuillez réessayer dans un instant.")
	case missionsearch.ETOOMANY:
		title = tr.S("Trop de requêtes")
		secs, _ := strconv.Atoi(w.Header().Get("Retry-After"))
		msg = tr.S("Trop de requêtes. Veuillez patienter %d s et réessayer.", max(secs, 1))
	default:
		msg = tr.S("Une erreur interne s'est produite. Veuillez réessayer plus tard.")
	}
	vw := &view{Query: v.Get("q"), From: v.Get("from"), To: v.Get("to"), Sort: v.Get("sort"),
		Staff: v.Get("view") == "liste", ErrorTitle: title, Error: msg, T: tr}
	s.render(w, r, statusOf(code), vw)
}

// renderError shows the page with an error and no form state; title and
// msg are French messages of the catalog.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	v, _ := url.ParseQuery(r.URL.RawQuery)
	tr := ui.For(s.uiLang(r, v))
	s.render(w, r, status, &view{ErrorTitle: tr.S(title), Error: tr.S(msg), T: tr})
}

// render executes the page template into a buffer, then answers with it.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, vw *view) {
	vw.Base, vw.Home, vw.Brand = s.base, s.base, s.cfg.Branding
	v, _ := url.ParseQuery(r.URL.RawQuery)
	if hl := mux.Vars(r)["hl"]; hl != "" && v.Get("hl") == "" {
		v.Set("hl", hl)
	}
	if vw.T == nil {
		vw.T = ui.For(s.uiLang(r, v))
	}
	if hl := v.Get("hl"); ui.IsLanguage(hl) {
		vw.HL = hl
	}
	vw.SiteName = s.cfg.Branding.SiteName
	if l := s.cfg.Branding.ByLang[vw.T.Lang]; l.SiteName != "" {
		vw.SiteName = l.SiteName
	}
	if l := s.cfg.Branding.ByLang[vw.T.Lang]; l.Footer != "" {
		vw.Brand.Footer = l.Footer
	}
	if vw.SiteName == "" {
		vw.SiteName = vw.T.S("le site de la mission")
	}
	vw.Hint = template.HTML(vw.T.S("Astuces : « expression exacte », %s pour exclure, %s entre deux mots.",
		"<kbd>"+template.HTMLEscapeString(vw.T.S("-mot"))+"</kbd>", "<kbd>"+template.HTMLEscapeString(vw.T.S("OU"))+"</kbd>"))
	here := "/"
	if strings.HasSuffix(r.URL.Path, "/search") {
		here = "/search"
	}
	for _, l := range ui.Languages {
		lt := ui.For(l)
		vw.UILangs = append(vw.UILangs, uiLang{Lang: l, Name: lt.LangName(l), Current: l == vw.T.Lang,
			URL: s.link(here, v, func(u url.Values) { u.Set("hl", l) })})
	}
	w.Header().Add("Vary", "Accept-Language")
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
