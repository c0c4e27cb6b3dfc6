package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// response is an answer of the handler.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request straight to the server's handler (no network), with
// the given header lines ("Name: value").
func (f *fixture) do(t testing.TB, method, target string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (f *fixture) get(t testing.TB, target string, headers ...string) response {
	t.Helper()
	return f.do(t, http.MethodGet, target, headers...)
}

// decode decodes the JSON body of r into v.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// apiError is the JSON of an error response.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// searchJSON is the JSON of GET /api/search.
type searchJSON struct {
	Query  string `json:"query"`
	Total  int    `json:"total"`
	TookMS *int   `json:"took_ms"`
	Hits   []struct {
		ID, URL, Title, Snippet, Section, Lang string
		Published                              string
		Tags                                   []string
		Score                                  float64
	} `json:"hits"`
	Facets map[string][]struct {
		Value    string `json:"value"`
		Count    int    `json:"count"`
		Selected bool   `json:"selected"`
	} `json:"facets"`
	DidYouMean string `json:"did_you_mean"`
	Relaxed    bool   `json:"relaxed"`
	Next       string `json:"next"`
}

func (s searchJSON) ids() []string {
	var ids []string
	for _, h := range s.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func (s searchJSON) facetCount(facet, value string) (count int, selected, ok bool) {
	for _, v := range s.Facets[facet] {
		if v.Value == value {
			return v.Count, v.Selected, true
		}
	}
	return 0, false, false
}
