package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/search"
)

// filterFlags are the search filters shared by the search and export
// commands, mirroring the parameters of GET /api/search.
type filterFlags struct {
	sections, years, langs, tags, types stringList
	from, to, sort                      *string
}

func addFilterFlags(fs *flag.FlagSet) *filterFlags {
	f := &filterFlags{}
	fs.Var(&f.sections, "section", "only pages of this section (repeatable: OR)")
	fs.Var(&f.years, "year", "only pages of this year (repeatable: OR)")
	fs.Var(&f.langs, "lang", "only pages in this language: fr, en or ar (repeatable: OR)")
	fs.Var(&f.tags, "tag", "only pages with this tag (repeatable: OR)")
	fs.Var(&f.types, "type", "only pages of this type: article, listing, static or document (repeatable: OR; default: all but listings)")
	f.from = fs.String("from", "", "only pages dated on or after this day (YYYY-MM-DD)")
	f.to = fs.String("to", "", "only pages dated on or before this day (YYYY-MM-DD)")
	f.sort = fs.String("sort", "", "relevance or date (default: relevance with words, date without)")
	return f
}

// request builds the search request of the flags and query words.
func (f *filterFlags) request(query string) (search.Request, error) {
	r := search.Request{
		Query:    query,
		Sections: f.sections,
		Years:    f.years,
		Langs:    f.langs,
		Tags:     f.tags,
		Types:    f.types,
		Sort:     *f.sort,
	}
	var err error
	if r.From, err = parseDay("--from", *f.from); err != nil {
		return r, err
	}
	if r.To, err = parseDay("--to", *f.to); err != nil {
		return r, err
	}
	return r, nil
}

// requestError makes an EINVALID error of a search (a bad filter value,
// such as --year abc) a usage error, exit 2 like any other bad flag.
func requestError(err error) error {
	if missionsearch.ErrorCode(err) == missionsearch.EINVALID {
		return usageError{missionsearch.ErrorMessage(err)}
	}
	return err
}

func parseDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, usageError{fmt.Sprintf("%s %q: want a day as YYYY-MM-DD", name, s)}
	}
	return t, nil
}

// openSearcher opens the live build of the data directory for reading.
func openSearcher(env *Env, data string) (*search.Searcher, func(), error) {
	noIndex := fmt.Errorf("no index in %s yet: run 'missionsearch crawl URL' or 'missionsearch reindex' first (or check --data)", data)
	d, err := index.FindDir(data) // a reader creates nothing
	if missionsearch.ErrorCode(err) == missionsearch.ENOTFOUND {
		return nil, nil, noIndex
	} else if err != nil {
		return nil, nil, err
	}
	live, err := index.OpenLive(d, env.Logger.With("component", "index"))
	if err != nil {
		return nil, nil, err
	}
	if !live.Ready() {
		live.Close()
		return nil, nil, noIndex
	}
	return search.NewLive(live), func() { live.Close() }, nil
}

// synonymsFlag adds --synonyms to fs.
func synonymsFlag(fs *flag.FlagSet) *string {
	return fs.String("synonyms", "", "file of the site's synonyms, one group per line, terms separated by | (added to the shipped French-English ones; env MISSIONSEARCH_SYNONYMS)")
}

// loadSynonyms reads the synonyms file at path; none for "".
func loadSynonyms(path string) ([][]string, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("synonyms: %w", err)
	}
	defer f.Close()
	return search.ParseSynonyms(path, f)
}

func runSearch(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "search", "QUERY...",
		"Searches the live index like the web page does: words must all match (then any),\n"+
			"\"quoted phrases\", -excluded words, OR; accents and case do not matter.")
	data := dataFlag(env, fs)
	asJSON := fs.Bool("json", false, "print the result as the JSON of GET /api/search")
	page := fs.Int("page", 1, "result page")
	size := fs.Int("size", 10, "results per page (1-100)")
	filters := addFilterFlags(fs)
	synonyms := synonymsFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	groups, err := loadSynonyms(*synonyms)
	if err != nil {
		return err
	}
	req, err := filters.request(strings.Join(fs.Args(), " "))
	if err != nil {
		return err
	}
	req.Page, req.Size = *page, *size
	s, closeIndex, err := openSearcher(env, *data)
	if err != nil {
		return err
	}
	defer closeIndex()
	s.SetSynonyms(groups)
	res, err := s.Search(ctx, req)
	if err != nil {
		return requestError(err)
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	fmt.Fprintf(env.Stdout, "%d résultats (%d ms)\n", res.Total, res.Took.Milliseconds())
	if res.DidYouMean != "" {
		fmt.Fprintf(env.Stdout, "Essayez avec cette orthographe : %s\n", res.DidYouMean)
	}
	for i, h := range res.Hits {
		date := ""
		if !h.Published.IsZero() {
			date = h.Published.Format("2006-01-02")
		}
		fmt.Fprintf(env.Stdout, "\n%d. %s\n   %s  [%s %s %s]\n   %s\n", (req.Page-1)*req.Size+i+1,
			h.Title, h.URL, h.Section, h.Lang, date, plainSnippet(h.Snippet))
	}
	return nil
}

var markTags = regexp.MustCompile(`</?mark>`)

// plainSnippet turns a safe-HTML snippet into terminal text, matches in
// upper-case brackets.
func plainSnippet(s string) string {
	s = strings.ReplaceAll(s, "<mark>", "[")
	s = strings.ReplaceAll(s, "</mark>", "]")
	return html.UnescapeString(markTags.ReplaceAllString(s, ""))
}
