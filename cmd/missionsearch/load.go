package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func runLoad(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "load", "",
		"Load-tests a running serve over HTTP: --connections clients send requests back to back\n"+
			"for --duration, mixing the query types of the search page in equal shares (word,\n"+
			"two-words, phrase, typo, word-4-facets, empty-facets, date-sort, deep-page, suggest),\n"+
			"then prints requests/s and p50/p90/p99 latency per type. Words and facet values suit\n"+
			"the synthetic corpus (synth) and French mission sites; facet values are read from the\n"+
			"server first. --queries replays a file instead: one query text or /path a line.\n"+
			"Any transport error or non-2xx answer is an error, and errors give exit code 1.\n"+
			"Start the server with --rate-limit 0, or most requests are refused with 429.")
	base := fs.String("url", "http://127.0.0.1:8080", "base URL of the server")
	duration := fs.Duration("duration", 30*time.Second, "how long to send requests")
	conns := fs.Int("connections", 64, "concurrent clients, each with one keep-alive connection")
	queries := fs.String("queries", "", "file of requests to replay instead of the built-in mix: a query text (sent to /api/search?q=) or a path starting with / a line; # comments")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout of one request (a timeout is an error)")
	seed := fs.Uint64("seed", 1, "seed of the query choice")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	reportFile := fs.String("report", "", "also write the JSON report to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *conns <= 0 || *duration <= 0 || *timeout <= 0 {
		return usageError{"--connections, --duration and --timeout must be positive"}
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("--url %q is not an http(s) URL", *base)}
	}
	baseURL := strings.TrimSuffix(u.String(), "/")

	client := &http.Client{
		Timeout: *timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        *conns,
			MaxIdleConnsPerHost: *conns,
			MaxConnsPerHost:     *conns,
			IdleConnTimeout:     time.Minute,
		},
	}
	defer client.CloseIdleConnections()

	var mix []loadType
	if *queries != "" {
		if mix, err = loadQueryFile(*queries); err != nil {
			return err
		}
	} else {
		facets, err := discoverFacets(ctx, client, baseURL)
		if err != nil {
			return err
		}
		mix = builtinMix(facets)
	}
	if !*asJSON {
		fmt.Fprintf(env.Stderr, "load: %d connections for %s against %s, %d query types\n", *conns, *duration, baseURL, len(mix))
	}
	rep := runLoadTest(ctx, client, baseURL, mix, *conns, *duration, *seed)
	rep.URL, rep.Connections = baseURL, *conns
	if *reportFile != "" {
		buf, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*reportFile, append(buf, '\n'), 0o644); err != nil {
			return fmt.Errorf("load: %w", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.print(env.Stdout)
	}
	if rep.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed (first: %s)", rep.Errors, rep.Requests+rep.Errors, rep.FirstError)
	}
	if rep.Requests == 0 {
		return errors.New("no request completed")
	}
	return nil
}

// loadType is one query type of the mix: its name and the request paths
// it draws from.
type loadType struct {
	name  string
	paths []string
}

// loadFacets are the facet values the server reports for the empty query.
type loadFacets struct {
	sections, years, langs, tags []string
}

// discoverFacets asks the server for the facet values of the whole index,
// so that the filter queries select values that exist.
func discoverFacets(ctx context.Context, client *http.Client, base string) (loadFacets, error) {
	var res struct {
		Total  int `json:"total"`
		Facets map[string][]struct {
			Value string `json:"value"`
		} `json:"facets"`
	}
	u := base + "/api/search?size=1"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return loadFacets{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return loadFacets{}, fmt.Errorf("load: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return loadFacets{}, fmt.Errorf("load: GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return loadFacets{}, fmt.Errorf("load: GET %s: %w", u, err)
	}
	values := func(name string) []string {
		var out []string
		for _, v := range res.Facets[name] {
			out = append(out, v.Value)
		}
		return out
	}
	f := loadFacets{sections: values("section"), years: values("year"), langs: values("lang"), tags: values("tag")}
	if res.Total == 0 || len(f.sections) == 0 || len(f.years) == 0 || len(f.langs) == 0 {
		return loadFacets{}, fmt.Errorf("load: the index at %s is empty or has no facets: nothing to measure", base)
	}
	if len(f.tags) == 0 {
		f.tags = []string{""}
	}
	return f, nil
}

// Words of the built-in mix: frequent, mid-frequency and folded (without
// accents) French words of mission sites, all in the synth vocabulary.
var (
	loadWords = []string{"coopération", "migration", "santé", "formation", "jeunes", "réfugiés",
		"environnement", "justice", "femmes", "education", "cooperation", "atelier", "projet", "sante"}
	loadTwoWords = []string{"atelier formation", "droits femmes", "migration santé", "coopération justice",
		"réfugiés protection", "jeunes emploi", "climat environnement", "education enfants"}
	loadPhrases = []string{`"société civile"`, `"union européenne"`, `"nations unies"`, `"table ronde"`,
		`"mise en œuvre"`, `"droits des femmes"`}
	loadTypos    = []string{"migratoin", "cooperatoin", "formaiton", "educaiton", "environement", "refugies", "justise"}
	loadPrefixes = []string{"c", "co", "coop", "migr", "sant", "form", "jeu", "dév", "envi", "ref", "l'ev"}
)

// builtinMix returns the query types of the search page; the filter values
// come from f.
func builtinMix(f loadFacets) []loadType {
	search := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				v.Set(kv[i], kv[i+1])
			}
		}
		return "/api/search?" + v.Encode()
	}
	var word, two, phrase, typo, facets4, empty, date, deep, suggest []string
	for _, w := range loadWords {
		word = append(word, search("q", w))
		date = append(date, search("q", w, "sort", "date"))
		deep = append(deep, search("q", w, "page", "100"))
	}
	for _, w := range loadTwoWords {
		two = append(two, search("q", w))
	}
	for _, w := range loadPhrases {
		phrase = append(phrase, search("q", w))
	}
	for _, w := range loadTypos {
		typo = append(typo, search("q", w))
	}
	for i, w := range loadWords {
		// Up to two values of each facet, spread over the words.
		sec, yr := f.sections[i%min(2, len(f.sections))], f.years[i%min(6, len(f.years))]
		lang, tag := f.langs[0], f.tags[i%min(4, len(f.tags))]
		facets4 = append(facets4, search("q", w, "section", sec, "year", yr, "lang", lang, "tag", tag))
		empty = append(empty, search("section", sec, "year", yr))
	}
	for _, p := range loadPrefixes {
		suggest = append(suggest, "/api/suggest?"+url.Values{"q": {p}}.Encode())
	}
	return []loadType{
		{"word", word}, {"two-words", two}, {"phrase", phrase}, {"typo", typo},
		{"word-4-facets", facets4}, {"empty-facets", empty}, {"date-sort", date},
		{"deep-page", deep}, {"suggest", suggest},
	}
}

// loadQueryFile reads a --queries file into one query type, "file".
func loadQueryFile(path string) ([]loadType, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	var paths []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "/"):
			paths = append(paths, line)
		default:
			paths = append(paths, "/api/search?"+url.Values{"q": {line}}.Encode())
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load: %s: %w", path, err)
	}
	if len(paths) == 0 {
		return nil, usageError{fmt.Sprintf("--queries %s holds no request", path)}
	}
	return []loadType{{"file", paths}}, nil
}

// loadReport is the outcome of a load test.
type loadReport struct {
	URL         string         `json:"url"`
	Connections int            `json:"connections"`
	Seconds     float64        `json:"seconds"`
	Requests    int            `json:"requests"` // successful (2xx) requests
	Errors      int            `json:"errors"`
	PerSecond   float64        `json:"requests_per_second"`
	FirstError  string         `json:"first_error,omitempty"`
	Types       []loadTypeStat `json:"types"`
}

// loadTypeStat is the latency of one query type, in milliseconds, over its
// successful requests.
type loadTypeStat struct {
	Name      string  `json:"name"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	PerSecond float64 `json:"requests_per_second"`
	P50       float64 `json:"p50_ms"`
	P90       float64 `json:"p90_ms"`
	P99       float64 `json:"p99_ms"`
	Max       float64 `json:"max_ms"`
}

// loadWorker holds one client's samples, merged at the end.
type loadWorker struct {
	lat    [][]time.Duration // per type
	errs   []int             // per type
	first  string
	firstT time.Time
}

// runLoadTest runs conns clients against base for d, each picking the types
// of mix in turn (from a random start) and a random path of the type.
// Requests still in flight when d ends are not counted.
func runLoadTest(ctx context.Context, client *http.Client, base string, mix []loadType, conns int, d time.Duration, seed uint64) loadReport {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	workers := make([]*loadWorker, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		lw := &loadWorker{lat: make([][]time.Duration, len(mix)), errs: make([]int, len(mix))}
		workers[w] = lw
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for k := r.IntN(len(mix)); ctx.Err() == nil; k = (k + 1) % len(mix) {
				path := mix[k].paths[r.IntN(len(mix[k].paths))]
				t0 := time.Now()
				err := loadGet(ctx, client, base+path)
				if ctx.Err() != nil {
					return // cut by the end of the run: not a sample
				}
				if err != nil {
					lw.errs[k]++
					if lw.first == "" {
						lw.first, lw.firstT = err.Error(), t0
					}
					continue
				}
				lw.lat[k] = append(lw.lat[k], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	rep := loadReport{Seconds: elapsed.Seconds()}
	var firstT time.Time
	for _, lw := range workers {
		if lw.first != "" && (firstT.IsZero() || lw.firstT.Before(firstT)) {
			rep.FirstError, firstT = lw.first, lw.firstT
		}
	}
	for k, t := range mix {
		var lat []time.Duration
		st := loadTypeStat{Name: t.name}
		for _, lw := range workers {
			lat = append(lat, lw.lat[k]...)
			st.Errors += lw.errs[k]
		}
		slices.Sort(lat)
		st.Requests = len(lat)
		st.PerSecond = float64(len(lat)) / elapsed.Seconds()
		st.P50, st.P90, st.P99 = percentileMS(lat, 0.50), percentileMS(lat, 0.90), percentileMS(lat, 0.99)
		if len(lat) > 0 {
			st.Max = ms(lat[len(lat)-1])
		}
		rep.Requests += st.Requests
		rep.Errors += st.Errors
		rep.Types = append(rep.Types, st)
	}
	rep.PerSecond = float64(rep.Requests) / elapsed.Seconds()
	return rep
}

// loadGet sends one GET and reads the whole answer; a transport error or a
// non-2xx status is an error.
func loadGet(ctx context.Context, client *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("GET %s: reading the body: %w", u, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return nil
}

// percentileMS returns the q-quantile of the sorted durations (nearest
// rank), in milliseconds; 0 when there are none.
func percentileMS(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return ms(sorted[max(0, min(i, len(sorted)-1))])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (r loadReport) print(w io.Writer) {
	fmt.Fprintf(w, "%-14s %9s %9s %9s %9s %9s %9s %7s\n", "type", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors")
	for _, t := range r.Types {
		fmt.Fprintf(w, "%-14s %9d %9.1f %9.2f %9.2f %9.2f %9.2f %7d\n", t.Name, t.Requests, t.PerSecond, t.P50, t.P90, t.P99, t.Max, t.Errors)
	}
	fmt.Fprintf(w, "%-14s %9d %9.1f %49d\n", "total", r.Requests, r.PerSecond, r.Errors)
	fmt.Fprintf(w, "%d connections, %.1fs, %d requests ok, %d errors", r.Connections, r.Seconds, r.Requests, r.Errors)
	if r.FirstError != "" {
		fmt.Fprintf(w, " (first: %s)", r.FirstError)
	}
	fmt.Fprintln(w)
}
