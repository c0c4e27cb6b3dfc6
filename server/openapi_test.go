package server

import (
	"encoding/json"
	"encoding/xml"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/missionsearch/missionsearch/server/ui"
)

type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Paths   map[string]map[string]struct {
		Parameters []struct {
			Name string `json:"name"`
			In   string `json:"in"`
		} `json:"parameters"`
		Responses map[string]any `json:"responses"`
	} `json:"paths"`
}

// TestOpenAPICoversRoutes walks the router: every route and method is in
// /api/openapi.json, every documented operation is a route, and the
// documented query parameters are the accepted ones.
func TestOpenAPICoversRoutes(t *testing.T) {
	f := newFixture(t, Config{})
	r := f.get(t, "/api/openapi.json")
	if r.status != 200 {
		t.Fatalf("GET /api/openapi.json = %d", r.status)
	}
	var doc openAPIDoc
	r.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	varRE := regexp.MustCompile(`\{([^}:]+)(:[^}]*)?\}`)
	routes := map[string]bool{} // "get /path"
	err := f.srv.router.Walk(func(rt *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := rt.GetPathTemplate()
		if err != nil {
			return err
		}
		tpl = varRE.ReplaceAllString(tpl, "{$1}")
		methods, err := rt.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range methods {
			if m == "HEAD" {
				continue
			}
			routes[strings.ToLower(m)+" "+tpl] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			documented[m+" "+p] = true
			if len(op.Responses) == 0 {
				t.Errorf("%s %s: no responses documented", m, p)
			}
		}
	}
	for k := range routes {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !routes[k] {
			t.Errorf("openapi.json documents %s, which is not a route", k)
		}
	}
	if len(routes) < 13 {
		t.Errorf("only %d routes walked", len(routes))
	}
	// Query parameters match the handlers' lists.
	for path, ps := range map[string]params{"/api/search": searchParams, "/api/suggest": suggestParams,
		"/export": exportParams, "/search": pageParams, "/": pageParams} {
		var got []string
		for _, p := range doc.Paths[path]["get"].Parameters {
			if p.In == "query" {
				got = append(got, p.Name)
			}
		}
		slices.Sort(got)
		want := slices.Sorted(maps.Keys(ps))
		if !slices.Equal(got, want) {
			t.Errorf("%s: documented query parameters %q, accepted %q", path, got, want)
		}
	}
	// The embedded file is valid JSON object with components.
	var raw map[string]any
	if err := json.Unmarshal(openAPI, &raw); err != nil || raw["components"] == nil {
		t.Errorf("openapi.json: %v", err)
	}
}

func TestOpenSearch(t *testing.T) {
	f := newFixture(t, Config{})
	r := f.get(t, "/opensearch.xml")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/opensearchdescription+xml") {
		t.Fatalf("GET /opensearch.xml = %d %s", r.status, r.header.Get("Content-Type"))
	}
	var d struct {
		ShortName string `xml:"ShortName"`
		URLs      []struct {
			Type     string `xml:"type,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Url"`
	}
	if err := xml.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatal(err)
	}
	if d.ShortName == "" || len(d.URLs) == 0 || d.URLs[0].Template != "http://example.com/search?q={searchTerms}" || d.URLs[0].Type != "text/html" {
		t.Errorf("opensearch %+v", d)
	}
	if r := f.get(t, "/opensearch.xml?x=1"); r.status != 400 {
		t.Errorf("opensearch with a parameter = %d", r.status)
	}
}

func TestStatic(t *testing.T) {
	f := newFixture(t, Config{})
	for _, name := range []string{"app.js", "style.css"} {
		a := ui.LookupAsset(name)
		r := f.get(t, "/static/"+name)
		if r.status != 200 || r.body != string(a.Data) {
			t.Fatalf("GET /static/%s = %d", name, r.status)
		}
		if ct := r.header.Get("Content-Type"); !strings.Contains(ct, map[string]string{"app.js": "javascript", "style.css": "text/css"}[name]) {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		etag := r.header.Get("ETag")
		if etag != `"`+a.Hash+`"` || r.header.Get("Cache-Control") != "public, max-age=3600" {
			t.Errorf("%s: ETag %q Cache-Control %q", name, etag, r.header.Get("Cache-Control"))
		}
		if r := f.get(t, "/static/"+name, "If-None-Match: "+etag); r.status != 304 || r.body != "" {
			t.Errorf("%s If-None-Match = %d", name, r.status)
		}
		if r := f.get(t, ui.AssetURL(name)); !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s versioned: Cache-Control %q", name, r.header.Get("Cache-Control"))
		}
	}
	for _, p := range []string{"/static/nope.js", "/static/../ui.go", "/static/", "/static/templates/page.html"} {
		if r := f.get(t, p); r.status != 404 && r.status != 301 {
			t.Errorf("GET %s = %d", p, r.status)
		}
	}
	// The script never injects HTML from suggestions.
	js := string(ui.LookupAsset("app.js").Data)
	if strings.Contains(js, "innerHTML") || strings.Contains(js, "eval(") {
		t.Errorf("app.js uses innerHTML or eval")
	}
}
