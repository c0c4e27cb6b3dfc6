package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/crawler/extract"
	"github.com/missionsearch/missionsearch/crawler/pdftext"
	"github.com/missionsearch/missionsearch/entity"
	"github.com/missionsearch/missionsearch/indexer"
	"github.com/missionsearch/missionsearch/store"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func runCrawl(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "crawl", "URL...",
		"Crawls the site from the start URLs (same host by default), stores every page in the\n"+
			"crawl store as it is fetched, then brings the index up to date. Interrupting keeps\n"+
			"every page already stored; the next crawl resumes with conditional requests.")
	data := dataFlag(env, fs)
	maxPages := fs.Int("max-pages", 0, "stop after fetching this many pages (0 = no limit)")
	delay := fs.Duration("delay", 250*time.Millisecond, "minimum delay between two requests to one host (robots.txt Crawl-delay can raise it)")
	concurrency := fs.Int("concurrency", 4, "parallel fetches")
	maxDepth := fs.Int("max-depth", 50, "maximum link depth from the start URLs")
	maxAge := fs.Duration("max-age", crawler.DefaultMaxAge, "longest time a stored page goes unchecked: the cap of its adaptive recrawl interval; older ones are fetched again even when no link leads to them (a deleted page then leaves the index), and dead links are checked again only after it; 0 = check every page on every crawl")
	var include, exclude, hosts, noIndexRE, indexOnlyRE stringList
	fs.Var(&include, "include", "only crawl URLs matching this regexp (repeatable)")
	fs.Var(&exclude, "exclude", "never crawl URLs matching this regexp (repeatable)")
	fs.Var(&noIndexRE, "no-index", "follow the links of pages whose URL matches this regexp but never index them (repeatable)")
	fs.Var(&indexOnlyRE, "index-only", "index only pages whose URL matches this regexp, as results even when they look like listings; follow the others (repeatable)")
	fs.Var(&hosts, "allow-host", "also crawl this host (repeatable; the start URLs' hosts are always allowed)")
	crawlOnly := fs.Bool("crawl-only", false, "only crawl; leave the index as it is")
	noPDF := fs.Bool("no-pdf", false, "do not index PDF documents (they are indexed when pdftotext and pdfinfo, Debian's poppler-utils, are installed)")
	maxPDFMB := fs.Int("max-pdf-mb", crawler.DefaultMaxDocumentBytes>>20, "largest PDF document fetched, in MiB; a larger one is skipped")
	force := fs.Bool("force", false, "update the index even if the crawl drops more than --max-loss of its pages")
	maxLoss := fs.Float64("max-loss", indexer.DefaultMaxLoss, "largest share of the live index's pages one crawl may remove, or change to one same text (0..1)")
	maxPerPattern := fs.Int("max-per-pattern", crawler.DefaultMaxPerPattern, "most URLs crawled per URL pattern (digits abstracted), sitemap URLs exempt; -1 = no limit")
	maxLinks := fs.Int("max-links-per-page", crawler.DefaultMaxLinksPerPage, "most links followed from one page; -1 = no limit")
	trapPages := fs.Int("trap-pages", crawler.DefaultTrapPages, "pages without new content after which a growing URL family stops being expanded; -1 = off")
	maxPageMB := fs.Int("max-page-mb", crawler.DefaultMaxBodyBytes>>20, "largest page fetched, in MiB (decompressed); a larger one is skipped")
	maxTitle := fs.Int("max-title", extract.DefaultLimits.Title, "longest title kept, in characters; a longer one is cut")
	maxBodyKB := fs.Int("max-body-kb", extract.DefaultLimits.Body>>10, "longest text kept of a page, in KiB; the rest is not indexed")
	userAgent := fs.String("user-agent", envOr(env, "MISSIONSEARCH_USER_AGENT", crawler.DefaultUserAgent),
		"User-Agent sent to the site, with the operator's contact, e.g. \"missionsearch/0.1 (+https://www.example.org/contact)\"; robots.txt groups are matched against it (env MISSIONSEARCH_USER_AGENT)")
	var only stringList
	fs.Var(&only, "site", "crawl only this site of the configuration file's [[sites]] (repeatable; default: every site, one after the other)")
	gazetteer := fs.String("gazetteer", "", "file of the site's organisations and places, one per line: \"kind | canonical name | other form …\" (added to the shipped gazetteer, its forms first; env MISSIONSEARCH_GAZETTEER)")
	outcome := outcomeFlag(env, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	gaz, err := loadGazetteer(*gazetteer)
	if err != nil {
		return err
	}
	seeds := fs.Args()
	var sites []siteConfig
	if len(seeds) == 0 && env.Config != nil {
		sites = env.Config.file.Sites
	}
	if len(only) > 0 {
		if len(seeds) > 0 {
			return usageError{"--site crawls a site of the configuration file: give no start URL with it"}
		}
		var picked []siteConfig
		for _, name := range only {
			i := slices.IndexFunc(sites, func(s siteConfig) bool { return s.Name == name })
			if i < 0 {
				var names []string
				for _, s := range sites {
					names = append(names, s.Name)
				}
				return usageError{fmt.Sprintf("--site %q: no such site in the configuration file (sites: %s)", name, strings.Join(names, ", "))}
			}
			picked = append(picked, sites[i])
		}
		sites = picked
	}
	if len(seeds) == 0 && len(sites) == 0 {
		return usageError{"at least one start URL is required (or sites in the configuration file)"}
	}
	// A site's own delay yields only to --delay on the command line, not
	// to [crawl] delay or MISSIONSEARCH_DELAY (which parseFlags applies).
	delaySet := slices.ContainsFunc(args, func(a string) bool {
		a = strings.TrimLeft(a, "-")
		return a == "delay" || strings.HasPrefix(a, "delay=")
	})
	if *maxLoss < 0 || *maxLoss > 1 {
		return usageError{"--max-loss must be between 0 and 1"}
	}
	for name, v := range map[string]int{"--max-per-pattern": *maxPerPattern, "--max-links-per-page": *maxLinks, "--trap-pages": *trapPages} {
		if v == 0 || v < -1 {
			return usageError{name + " must be a positive number, or -1 for no limit"}
		}
	}
	for name, v := range map[string]int{"--max-page-mb": *maxPageMB, "--max-pdf-mb": *maxPDFMB, "--max-title": *maxTitle, "--max-body-kb": *maxBodyKB} {
		if v <= 0 {
			return usageError{name + " must be a positive number"}
		}
	}
	cfg := crawler.Config{
		MaxPerPattern:    *maxPerPattern,
		MaxLinksPerPage:  *maxLinks,
		TrapPages:        *trapPages,
		MaxBodyBytes:     int64(*maxPageMB) << 20,
		MaxDocumentBytes: int64(*maxPDFMB) << 20,
		UserAgent:        *userAgent,
		Extract:          extract.Options{Limits: extract.Limits{Title: *maxTitle, Body: *maxBodyKB << 10}, Entities: gaz},
		Seeds:            seeds,
		AllowedHosts:     hosts,
		MaxPages:         *maxPages,
		MaxDepth:         *maxDepth,
		MaxAge:           max(*maxAge, time.Nanosecond),
		Delay:            *delay,
		Concurrency:      *concurrency,
		Logger:           env.Logger.With("component", "crawler"),
	}
	for _, f := range []struct {
		name string
		pats stringList
		dst  *[]*regexp.Regexp
	}{{"--include", include, &cfg.Include}, {"--exclude", exclude, &cfg.Exclude},
		{"--no-index", noIndexRE, &cfg.NoIndex}, {"--index-only", indexOnlyRE, &cfg.IndexOnly}} {
		for _, p := range f.pats {
			re, err := regexp.Compile(p)
			if err != nil {
				return usageError{fmt.Sprintf("%s %q: %v", f.name, p, err)}
			}
			*f.dst = append(*f.dst, re)
		}
	}
	if !*noPDF {
		cfg.PDF = pdfExtractor(env)
	}
	job := startJob("crawl", *outcome)
	opts := indexer.Options{Force: *force, MaxLoss: *maxLoss}
	if len(sites) == 0 {
		err := crawlAndIndex(ctx, env, *data, cfg, !*crawlOnly, opts, job)
		return job.finish(env, err)
	}
	// The sites of the configuration file, one after the other, each with
	// its own start URLs, scope and delay, its pages named after it, and
	// its own loss guard; one site's failure leaves the others' pages and
	// crawls as they are, and the command fails at the end.
	var failed []string
	var firstErr error
	for _, site := range sites {
		sc := cfg
		sc.Site, sc.Seeds = site.Name, site.StartURLs
		sc.Include, sc.Exclude = slices.Clone(cfg.Include), slices.Clone(cfg.Exclude)
		for _, f := range []struct {
			pats []string
			dst  *[]*regexp.Regexp
		}{{site.Include, &sc.Include}, {site.Exclude, &sc.Exclude}} {
			for _, p := range f.pats {
				*f.dst = append(*f.dst, regexp.MustCompile(p)) // checked with the file
			}
		}
		if d, err := time.ParseDuration(site.Delay); err == nil && !delaySet {
			sc.Delay = d
		}
		sc.Logger = cfg.Logger.With("site", site.Name)
		if err := crawlAndIndex(ctx, env, *data, sc, !*crawlOnly, opts, job); err != nil {
			env.Logger.Error("crawl of a site failed", "site", site.Name, "err", err)
			fmt.Fprintf(env.Stderr, "crawl %s: %v\n", site.Name, err)
			failed = append(failed, site.Name)
			if firstErr == nil {
				firstErr = err
			}
			if ctx.Err() != nil {
				break
			}
		}
	}
	err = nil
	if len(failed) > 0 {
		err = fmt.Errorf("the crawl of %d of the %d sites failed (%s); the others are up to date: %w",
			len(failed), len(sites), strings.Join(failed, ", "), firstErr)
	}
	return job.finish(env, err)
}

// crawlAndIndex crawls with cfg into the store of the data directory, then,
// unless index is false, updates the index with opts: a full build when
// there is none yet, else an incremental update of the pages the crawl
// changed. A crawl that reached no page of the site (unreachable, robots.txt
// forbidding everything) fails and leaves the index as it is, and so does
// an update refused by the loss guard (see indexer.Update).
//
// What it did is recorded in job (its outcome file).
func crawlAndIndex(ctx context.Context, env *Env, data string, cfg crawler.Config, index bool, opts indexer.Options, job *job) error {
	st, err := store.Open(ctx, filepath.Join(data, "store.db"))
	if err != nil {
		return err
	}
	defer st.Close()

	prog := newProgress(env.Stderr, "crawl")
	cfg.Progress = func(s crawler.Stats) {
		line := fmt.Sprintf("%d fetched, %d stored, %d unchanged, %d not due, %d errors, %d queued",
			s.Fetched, s.Stored, s.Unchanged, s.Fresh, s.Errors, s.Queued)
		if r := pageRate(s.Fetched, s.Elapsed, rateAfter); r != "" {
			line += ", " + r
		}
		prog.update(line)
	}
	c, err := crawler.New(cfg, st)
	if err != nil {
		return usageError{err.Error()}
	}
	stats, err := c.Run(ctx)
	prog.done()
	name := "crawl"
	if cfg.Site != "" {
		name = "crawl " + cfg.Site
	}
	fmt.Fprintf(env.Stdout, name+": %d pages fetched, %d stored, %d unchanged, %d not due (not fetched), %d gone, %d skipped, %d errors in %s\n",
		stats.Fetched, stats.Stored, stats.Unchanged, stats.Fresh, stats.Gone, stats.Skipped, stats.Errors, stats.Elapsed.Round(time.Millisecond))
	printDocuments(env, stats)
	if stats.SoftErrors > 0 {
		fmt.Fprintf(env.Stdout, "crawl: %d pages answered an error page with status 200 (%d maintenance or login pages, their stored pages kept; %d 'not found', gone)\n",
			stats.SoftErrors, stats.ErrorPages, stats.SoftErrors-stats.ErrorPages)
	}
	printCuts(env, stats)
	job.recordCrawl(cfg.Site, stats)
	if err != nil {
		return fmt.Errorf("crawl interrupted (pages already stored are kept): %w", err)
	}
	if stats.ErrorPages > 0 && float64(stats.ErrorPages) > opts.MaxLoss*float64(max(stats.Fetched, 1)) && !opts.Force {
		return fmt.Errorf("%d of the %d pages fetched answered a maintenance or login page: the stored pages are kept and the index is left as it is (--force to update it with the rest)",
			stats.ErrorPages, stats.Fetched)
	}
	if stats.Stored+stats.Unchanged == 0 {
		return fmt.Errorf("no page of %s could be fetched (%d errors, %d skipped): the index is left as it is",
			strings.Join(cfg.Seeds, " "), stats.Errors, stats.Skipped)
	}
	if !index {
		return nil
	}
	updated, gone := c.Changed()
	d, err := openDir(data)
	if err != nil {
		return err
	}
	if _, err := d.Current(); err != nil {
		return rebuild(ctx, env, st, d, opts, job)
	}
	upd := opts
	upd.Logger = env.Logger
	is, err := indexer.Update(ctx, st, d, updated, gone, upd)
	if errors.Is(err, indexer.ErrNeedsRebuild) {
		return rebuild(ctx, env, st, d, opts, job)
	}
	if err != nil {
		return err
	}
	job.recordDocs(is.Docs)
	fmt.Fprintf(env.Stdout, "index: %d pages updated, %d removed (build %s)\n", is.Docs, is.Deleted, is.BuildID)
	return nil
}

// pdfExtractor returns the PDF extractor of a crawl, or nil (with a
// warning) when its tools are not installed.
func pdfExtractor(env *Env) *pdftext.Extractor {
	x := &pdftext.Extractor{}
	if err := x.Available(); err != nil {
		env.Logger.Warn("PDF documents are not indexed: install poppler-utils (pdftotext, pdfinfo), or pass --no-pdf", "err", err)
		return nil
	}
	return x
}

// printDocuments tells how many PDF documents were stored and why others
// were not.
func printDocuments(env *Env, s crawler.Stats) {
	if s.Documents == 0 && len(s.DocumentsSkipped) == 0 {
		return
	}
	line := fmt.Sprintf("crawl: %d PDF documents stored", s.Documents)
	if len(s.DocumentsSkipped) > 0 {
		var parts []string
		for _, r := range slices.Sorted(maps.Keys(s.DocumentsSkipped)) {
			parts = append(parts, fmt.Sprintf("%s %d", r, s.DocumentsSkipped[r]))
		}
		line += ", not indexed: " + strings.Join(parts, ", ")
	}
	fmt.Fprintln(env.Stdout, line)
}

// maxCutLines is the number of cut patterns, pages and families the
// summary names; the rest are counted.
const maxCutLines = 5

// printCuts tells what the crawl budgets left out: a total per rule and
// the largest cuts, so that an operator sees a budget that is too small
// (a 40,000-URL section cut to 1,000) without reading the logs.
func printCuts(env *Env, s crawler.Stats) {
	if s.PatternCut+s.LinksCut+s.TrapCut+s.ShapeCut == 0 {
		return
	}
	fmt.Fprintf(env.Stdout, "crawl: budgets left out %d URLs of full patterns (--max-per-pattern), %d links of %d crowded pages (--max-links-per-page), %d URLs of %d trap families (--trap-pages), %d links shaped like traps\n",
		s.PatternCut, s.LinksCut, s.LinksCutPages, s.TrapCut, s.TrapFamilies, s.ShapeCut)
	for i, ct := range s.Cuts {
		if i == maxCutLines {
			fmt.Fprintf(env.Stdout, "  … and %d more\n", len(s.Cuts)-i)
			break
		}
		fmt.Fprintf(env.Stdout, "  %s %s: %d left out\n", ct.Rule, ct.Key, ct.Dropped)
	}
}

// loadGazetteer reads the site's gazetteer file at path and returns the
// shipped gazetteer with its entries; the shipped one alone for "".
func loadGazetteer(path string) (*entity.Gazetteer, error) {
	if path == "" {
		return entity.Default(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	defer f.Close()
	entries, err := entity.Parse(path, f)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return entity.New(entries), nil
}
