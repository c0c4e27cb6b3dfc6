package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
)

// The configuration file: one TOML file, given as --config FILE (env
// MISSIONSEARCH_CONFIG) to any command. A setting comes from, in this
// order: its flag, its environment variable, the file, the built-in
// default. Unknown keys are errors, with their line.

// fileConfig is the schema of the configuration file.
type fileConfig struct {
	Data             string   `toml:"data"`
	Addr             string   `toml:"addr"`
	BasePath         string   `toml:"base_path"`
	PublicURL        string   `toml:"public_url"`
	TrustedProxies   []string `toml:"trusted_proxies"`
	RateLimit        *float64 `toml:"rate_limit"`
	RateBurst        *int     `toml:"rate_burst"`
	SuggestRateLimit *float64 `toml:"suggest_rate_limit"`
	AdminToken       string   `toml:"admin_token"`
	CORS             []string `toml:"cors"`
	CacheMB          *int     `toml:"cache_mb"`
	Timeout          string   `toml:"timeout"`
	UserAgent        string   `toml:"user_agent"`
	LogFormat        string   `toml:"log_format"`
	LogLevel         string   `toml:"log_level"`
	OutcomeFile      string   `toml:"outcome_file"`
	Synonyms         string   `toml:"synonyms"`
	Analytics        *bool    `toml:"analytics"`
	AnalyticsDays    *int     `toml:"analytics_retention_days"`

	Crawl    crawlConfig    `toml:"crawl"`
	Branding brandingConfig `toml:"branding"`
	Sites    []siteConfig   `toml:"sites"`
}

// crawlConfig are the crawl's settings of the file ([crawl]).
type crawlConfig struct {
	Delay       string   `toml:"delay"`
	Concurrency *int     `toml:"concurrency"`
	MaxPages    *int     `toml:"max_pages"`
	MaxDepth    *int     `toml:"max_depth"`
	MaxPDFMB    *int     `toml:"max_pdf_mb"`
	MaxAge      string   `toml:"max_age"`
	Gazetteer   string   `toml:"gazetteer"`
	NoIndex     []string `toml:"no_index"`
	IndexOnly   []string `toml:"index_only"`
	Include     []string `toml:"include"`
	Exclude     []string `toml:"exclude"`
}

// brandingConfig is [branding]: server.Branding.
type brandingConfig struct {
	SiteName      string            `toml:"site_name"`
	SiteURL       string            `toml:"site_url"`
	LogoURL       string            `toml:"logo_url"`
	PrimaryColor  string            `toml:"primary_color"`
	AccentColor   string            `toml:"accent_color"`
	Footer        string            `toml:"footer"`
	SectionLabels map[string]string `toml:"section_labels"`
	TagLabels     map[string]string `toml:"tag_labels"`
	// Lang holds the texts of one UI language: [branding.lang.en].
	Lang map[string]labelsConfig `toml:"lang"`
}

// labelsConfig is [branding.lang.XX]: the site's texts in one language.
type labelsConfig struct {
	SiteName      string            `toml:"site_name"`
	Footer        string            `toml:"footer"`
	SectionLabels map[string]string `toml:"section_labels"`
	TagLabels     map[string]string `toml:"tag_labels"`
}

// siteConfig is one [[sites]] entry: a site the crawl command crawls when
// it is given no start URL.
type siteConfig struct {
	Name      string   `toml:"name"`
	Label     string   `toml:"label"` // shown on the page (the site facet, each hit); default the name
	StartURLs []string `toml:"start_urls"`
	Include   []string `toml:"include"`
	Exclude   []string `toml:"exclude"`
	Delay     string   `toml:"delay"`
	Languages []string `toml:"languages"`
}

// loadedConfig is a configuration file read and checked: its schema
// values, and every value by dotted key ("crawl.delay") as flag text.
type loadedConfig struct {
	path   string
	file   fileConfig
	values map[string][]string
}

// configError is a problem of a configuration file at a line.
type configError struct {
	path string
	line int
	msg  string
}

func (e configError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.path, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.path, e.msg)
}

// configErrors are all the problems of one file.
type configErrors []configError

func (es configErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// loadConfig reads, decodes and checks the configuration file at path.
// Every problem is reported, each with its line.
func loadConfig(path string) (*loadedConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c := &loadedConfig{path: path, values: map[string][]string{}}
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&c.file); err != nil {
		var strict *toml.StrictMissingError
		var de *toml.DecodeError
		switch {
		case errors.As(err, &strict):
			var es configErrors
			for _, e := range strict.Errors {
				row, _ := e.Position()
				es = append(es, configError{path, row, fmt.Sprintf("unknown key %q", strings.Join(e.Key(), "."))})
			}
			return nil, es
		case errors.As(err, &de):
			row, _ := de.Position()
			return nil, configErrors{{path, row, de.Error()}}
		}
		return nil, configErrors{{path, 0, err.Error()}}
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, configErrors{{path, 0, err.Error()}}
	}
	flatten("", raw, c.values)
	if es := c.check(data); len(es) > 0 {
		return nil, es
	}
	return c, nil
}

// flatten records every scalar or list of scalars of m under its dotted
// key, as text a flag can parse.
func flatten(prefix string, m map[string]any, out map[string][]string) {
	for k, v := range m {
		key := prefix + k
		switch x := v.(type) {
		case map[string]any:
			flatten(key+".", x, out)
		case []any:
			for _, e := range x {
				if _, ok := e.(map[string]any); ok {
					break // an array of tables ([[sites]]): read from the schema
				}
				out[key] = append(out[key], scalarText(e))
			}
		default:
			out[key] = []string{scalarText(x)}
		}
	}
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// lineOf returns the line of data where key (its last part) is set, 0
// when not found.
func lineOf(data []byte, key string) int {
	last := key[strings.LastIndexByte(key, '.')+1:]
	re := regexp.MustCompile(`(?m)^\s*"?` + regexp.QuoteMeta(last) + `"?\s*=`)
	if loc := re.FindIndex(data); loc != nil {
		return bytes.Count(data[:loc[0]], []byte("\n")) + 1
	}
	return 0
}

var colourRE = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// check validates the values of the file beyond their types.
func (c *loadedConfig) check(data []byte) configErrors {
	var es configErrors
	bad := func(key, format string, args ...any) {
		es = append(es, configError{c.path, lineOf(data, key), key + ": " + fmt.Sprintf(format, args...)})
	}
	f := &c.file
	for _, p := range f.TrustedProxies {
		if _, err := parsePrefix(p); err != nil {
			bad("trusted_proxies", "%q is not an address or a network (CIDR)", p)
		}
	}
	if f.PublicURL != "" {
		if u, err := url.Parse(f.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			bad("public_url", "%q is not an absolute http(s) URL without query", f.PublicURL)
		}
	}
	if f.BasePath != "" && !strings.HasPrefix(f.BasePath, "/") {
		bad("base_path", "%q must start with /", f.BasePath)
	}
	for _, v := range []struct {
		key string
		f   *float64
	}{{"rate_limit", f.RateLimit}, {"suggest_rate_limit", f.SuggestRateLimit}} {
		if v.f != nil && *v.f < 0 {
			bad(v.key, "must be 0 (no limit) or more")
		}
	}
	for _, v := range []struct {
		key string
		n   *int
	}{{"rate_burst", f.RateBurst}, {"cache_mb", f.CacheMB}, {"crawl.max_pages", f.Crawl.MaxPages}} {
		if v.n != nil && *v.n < 0 {
			bad(v.key, "must be 0 or more")
		}
	}
	for _, v := range []struct {
		key string
		n   *int
	}{{"analytics_retention_days", f.AnalyticsDays}, {"crawl.concurrency", f.Crawl.Concurrency}, {"crawl.max_depth", f.Crawl.MaxDepth}, {"crawl.max_pdf_mb", f.Crawl.MaxPDFMB}} {
		if v.n != nil && *v.n <= 0 {
			bad(v.key, "must be a positive number")
		}
	}
	for _, v := range []struct{ key, d string }{{"timeout", f.Timeout}, {"crawl.delay", f.Crawl.Delay}, {"crawl.max_age", f.Crawl.MaxAge}} {
		if v.d != "" {
			if d, err := time.ParseDuration(v.d); err != nil || d < 0 {
				bad(v.key, "%q is not a duration such as 250ms or 5s", v.d)
			}
		}
	}
	for _, v := range []struct{ key, c string }{{"branding.primary_color", f.Branding.PrimaryColor}, {"branding.accent_color", f.Branding.AccentColor}} {
		if v.c != "" && !colourRE.MatchString(v.c) {
			bad(v.key, "%q is not a colour #rgb or #rrggbb", v.c)
		}
	}
	if u := f.Branding.SiteURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		bad("branding.site_url", "%q is not an http(s) URL", u)
	}
	for l := range f.Branding.Lang {
		if l != "fr" && l != "en" && l != "ar" {
			bad("lang", "[branding.lang.%s]: the page's languages are fr, en and ar", l)
		}
	}
	switch f.LogFormat {
	case "", "text", "json":
	default:
		bad("log_format", "%q is not text or json", f.LogFormat)
	}
	for _, list := range []struct {
		key string
		res []string
	}{{"crawl.no_index", f.Crawl.NoIndex}, {"crawl.index_only", f.Crawl.IndexOnly}, {"crawl.include", f.Crawl.Include}, {"crawl.exclude", f.Crawl.Exclude}} {
		for _, re := range list.res {
			if _, err := regexp.Compile(re); err != nil {
				bad(list.key, "%q: %v", re, err)
			}
		}
	}
	names := map[string]bool{}
	for i, s := range f.Sites {
		where := fmt.Sprintf("sites[%d]", i)
		if s.Name == "" {
			bad("name", "%s has no name", where)
		} else if names[s.Name] {
			bad("name", "%s: the name %q is used twice", where, s.Name)
		}
		names[s.Name] = true
		if len(s.StartURLs) == 0 {
			bad("start_urls", "%s (%s) has no start URL", where, s.Name)
		}
		for _, u := range s.StartURLs {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				bad("start_urls", "%s: %q is not an http(s) URL", where, u)
			}
		}
		if s.Delay != "" {
			if d, err := time.ParseDuration(s.Delay); err != nil || d < 0 {
				bad("delay", "%s: %q is not a duration of 0 or more", where, s.Delay)
			}
		}
		for _, re := range append(append([]string{}, s.Include...), s.Exclude...) {
			if _, err := regexp.Compile(re); err != nil {
				bad("include", "%s: %q: %v", where, re, err)
			}
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].line < es[j].line })
	return es
}

// parsePrefix reads a trusted proxy: a network (10.0.0.0/8) or one
// address (127.0.0.1, ::1).
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// setting ties a flag to its environment variable and its key in the
// configuration file.
type setting struct {
	flag, env, key string
}

// settings are the flags that the environment and the file can set, for
// every command that has them.
var settings = []setting{
	{"data", "MISSIONSEARCH_DATA", "data"},
	{"addr", "MISSIONSEARCH_ADDR", "addr"},
	{"base-path", "MISSIONSEARCH_BASE_PATH", "base_path"},
	{"public-url", "MISSIONSEARCH_PUBLIC_URL", "public_url"},
	{"trusted-proxies", "MISSIONSEARCH_TRUSTED_PROXIES", "trusted_proxies"},
	{"rate-limit", "MISSIONSEARCH_RATE_LIMIT", "rate_limit"},
	{"rate-burst", "MISSIONSEARCH_RATE_BURST", "rate_burst"},
	{"suggest-rate-limit", "MISSIONSEARCH_SUGGEST_RATE_LIMIT", "suggest_rate_limit"},
	{"cors", "MISSIONSEARCH_CORS", "cors"},
	{"cache-mb", "MISSIONSEARCH_CACHE_MB", "cache_mb"},
	{"timeout", "MISSIONSEARCH_TIMEOUT", "timeout"},
	{"user-agent", "MISSIONSEARCH_USER_AGENT", "user_agent"},
	{"outcome-file", "MISSIONSEARCH_OUTCOME_FILE", "outcome_file"},
	{"synonyms", "MISSIONSEARCH_SYNONYMS", "synonyms"},
	{"analytics", "MISSIONSEARCH_ANALYTICS", "analytics"},
	{"analytics-retention-days", "MISSIONSEARCH_ANALYTICS_RETENTION_DAYS", "analytics_retention_days"},
	{"delay", "MISSIONSEARCH_DELAY", "crawl.delay"},
	{"concurrency", "MISSIONSEARCH_CONCURRENCY", "crawl.concurrency"},
	{"max-pages", "MISSIONSEARCH_MAX_PAGES", "crawl.max_pages"},
	{"max-depth", "MISSIONSEARCH_MAX_DEPTH", "crawl.max_depth"},
	{"max-pdf-mb", "MISSIONSEARCH_MAX_PDF_MB", "crawl.max_pdf_mb"},
	{"max-age", "MISSIONSEARCH_MAX_AGE", "crawl.max_age"},
	{"gazetteer", "MISSIONSEARCH_GAZETTEER", "crawl.gazetteer"},
	{"site-name", "MISSIONSEARCH_SITE_NAME", "branding.site_name"},
	{"site-url", "MISSIONSEARCH_SITE_URL", "branding.site_url"},
	{"logo-url", "MISSIONSEARCH_LOGO_URL", "branding.logo_url"},
	{"primary-color", "MISSIONSEARCH_PRIMARY_COLOR", "branding.primary_color"},
	{"accent-color", "MISSIONSEARCH_ACCENT_COLOR", "branding.accent_color"},
	{"footer", "MISSIONSEARCH_FOOTER", "branding.footer"},
	{"no-index", "", "crawl.no_index"},
	{"index-only", "", "crawl.index_only"},
	{"include", "", "crawl.include"},
	{"exclude", "", "crawl.exclude"},
}

// applySettings gives each flag of fs that args did not set the value of
// its environment variable, else of the configuration file (see settings).
// List keys of the file set a repeatable flag once per element, and a
// comma-separated one joined.
func applySettings(env *Env, fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, st := range settings {
		f := fs.Lookup(st.flag)
		if f == nil || set[st.flag] {
			continue
		}
		if st.env != "" {
			if v := env.Getenv(st.env); v != "" {
				if err := fs.Set(st.flag, v); err != nil {
					return usageError{fmt.Sprintf("%s=%q: %v", st.env, v, err)}
				}
				continue
			}
		}
		if env.Config == nil {
			continue
		}
		vals, ok := env.Config.values[st.key]
		if !ok {
			continue
		}
		if _, repeatable := f.Value.(*stringList); !repeatable {
			vals = []string{strings.Join(vals, ",")}
		}
		for _, v := range vals {
			if err := fs.Set(st.flag, v); err != nil {
				return usageError{fmt.Sprintf("%s: %s = %q: %v", env.Config.path, st.key, v, err)}
			}
		}
	}
	return nil
}

// configFlag removes a global --config FILE (or --config=FILE) from args
// and returns the file to read: the flag's, else MISSIONSEARCH_CONFIG's,
// else "".
func configFlag(args []string, getenv func(string) string) ([]string, string, error) {
	path := getenv("MISSIONSEARCH_CONFIG")
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "config" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, "", usageError{"--config needs a file"}
			}
			i++
			value = args[i]
		}
		path = value
	}
	return rest, path, nil
}

// runConfig runs `missionsearch config check FILE`: it reads the file as
// every command would and reports each problem with its line; exit 1 when
// there is one.
func runConfig(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "config", "check FILE",
		"Checks a configuration file: TOML syntax, unknown keys, and the values (networks,\n"+
			"URLs, colours, durations, regular expressions, sites), each problem with its line.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "check" {
		return usageError{"usage: missionsearch config check FILE"}
	}
	c, err := loadConfig(fs.Arg(1))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: ok (%d settings, %d sites)\n", c.path, len(c.values), len(c.file.Sites))
	return nil
}

// getenv returns getenv with the file's log_format and log_level as the
// values of MISSIONSEARCH_LOG_FORMAT and MISSIONSEARCH_LOG_LEVEL when the
// environment has none.
func (c *loadedConfig) getenv(getenv func(string) string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		switch k {
		case "MISSIONSEARCH_LOG_FORMAT":
			return c.file.LogFormat
		case "MISSIONSEARCH_LOG_LEVEL":
			return c.file.LogLevel
		}
		return ""
	}
}
