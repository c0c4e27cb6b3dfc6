package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser tests drive the French search page in a real headless
// Chromium, over the demo site crawled and indexed by the real pipeline
// (crawl → store → index → serve). They check what a visitor sees after
// each action: results, facets, pagination, sort, suggestions, the staff
// list, the exports, the page without JavaScript and at phone width, and
// they run axe-core on the main pages.
//
// Chromium comes from $MISSIONSEARCH_CHROMIUM, else `chromium` on PATH; the
// tests skip when there is none. axe.min.js comes from $MISSIONSEARCH_AXE
// (.ci/run installs it); the accessibility check skips when it is unset.
// Screenshots go to $MISSIONSEARCH_ARTEFACTS, else to a temporary directory.
//
//	go test -race -run Browser ./cmd/missionsearch -v

// stepTimeout bounds one navigation or wait inside a scenario, so that a
// broken page fails fast instead of eating the scenario's minute.
const stepTimeout = 15 * time.Second

// browser is the shared state of the browser tests: the demo search server
// and one Chromium, whose tabs the scenarios open.
type browser struct {
	base string          // URL of the search server
	ctx  context.Context // the browser's first tab; scenarios open others
}

// chromiumPath returns the Chromium to drive, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MISSIONSEARCH_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("MISSIONSEARCH_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("browser tests skipped: no Chromium (set MISSIONSEARCH_CHROMIUM or put `chromium` on PATH; .ci/run installs it)")
	}
	return p
}

// startBrowser crawls the demo site, serves search over it and starts one
// headless Chromium for every scenario of t.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	chromium := chromiumPath(t)
	_, _, data := crawledDemo(t)
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Logger: discardLogger()}
	srv, err := startServer(context.Background(), env, serveConfig{data: data, addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.close)
	return startBrowserAt(t, chromium, srv.url)
}

// startBrowserAt starts Chromium for a search served at base.
func startBrowserAt(t *testing.T, chromium, base string) *browser {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "fr-FR"),
		// The page speaks the visitor's language: ask for French whatever
		// the machine's locale.
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// Start the browser with no deadline: its life is the test's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", chromium, err)
	}
	return &browser{base: base, ctx: ctx}
}

// tab opens a new tab for the scenario t, with a one-minute deadline, and
// fails t if the page throws a JavaScript error or logs a console error
// (a CSP violation, for one).
func (b *browser) tab(t *testing.T, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	tabCtx, cancel := chromedp.NewContext(b.ctx, opts...)
	t.Cleanup(cancel)
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(tabCtx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			problems = append(problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *cdplog.EventEntryAdded:
			if e := ev.Entry; e.Level == cdplog.EntryLevelError && e.Source != cdplog.EntrySourceNetwork {
				problems = append(problems, fmt.Sprintf("console %s error: %s (%s)", e.Source, e.Text, e.URL))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("page: %s", p)
		}
	})
	ctx, cancelTimeout := context.WithTimeout(tabCtx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// do runs steps that return nothing.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// run runs one action and returns its value.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// js evaluates expr in the page and decodes its value.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[T](expr))
}

// open loads path of the search server and checks the status.
func (b *browser) open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	resp := run(t, ctx, chromedp.NavigateResponse(b.base+path))
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.Status)
	}
}

// follow runs steps that load a new page (a click on a link, a key that
// submits the form) and waits for it.
func follow(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, steps...)
	if err != nil {
		t.Fatalf("no new page: %v", err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d", resp.URL, resp.Status)
	}
}

// waitFor evaluates the JavaScript condition cond until it is true. It
// retries through navigations, when the page's context comes and goes.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	var last error
	for time.Now().Before(deadline) && ctx.Err() == nil {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: %v", cond, last)
}

// location returns the query of the page's URL.
func location(t *testing.T, ctx context.Context) url.Values {
	t.Helper()
	u, err := url.Parse(run(t, ctx, chromedp.Location()))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// texts returns the trimmed text of every element that matches sel.
func texts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	return js[[]string](t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.textContent.replace(/\s+/g, " ").trim())`, sel))
}

var countRE = regexp.MustCompile(`^([\d\x{202f}\x{a0} ]+) résultats?\b`)

// total reads the number of results from the count line ("22 résultats";
// "Aucun résultat" is 0).
func total(t *testing.T, ctx context.Context) int {
	t.Helper()
	line := run(t, ctx, chromedp.Text(chromedp.CSS(".count")))
	if strings.HasPrefix(line, "Aucun résultat") {
		return 0
	}
	m := countRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("count line %q: no number of results", line)
	}
	n, err := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// facetCounts returns value → count of the checkboxes of facet name.
func facetCounts(t *testing.T, ctx context.Context, name string) map[string]int {
	t.Helper()
	got := js[map[string]string](t, ctx, fmt.Sprintf(`Object.fromEntries(Array.from(
		document.querySelectorAll('input[type=checkbox][name=%s]'),
		i => [i.value, (document.querySelector('label[for="' + i.id + '"]') || {}).textContent || ""]))`, name))
	countIn := regexp.MustCompile(`\(([\d\x{202f}]+)\)`)
	out := map[string]int{}
	for v, label := range got {
		m := countIn.FindStringSubmatch(label)
		if m == nil {
			t.Errorf("facet %s=%s: label %q shows no count", name, v, label)
			continue
		}
		n, _ := strconv.Atoi(strings.ReplaceAll(m[1], "\u202f", ""))
		out[v] = n
	}
	return out
}

// artefacts is the directory of the screenshots.
func artefacts(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("MISSIONSEARCH_ARTEFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// noHorizontalScroll fails t when the page is wider than the viewport.
func noHorizontalScroll(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var w struct{ Scroll, Inner int }
	w = js[struct{ Scroll, Inner int }](t, ctx, `({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})`)
	if w.Scroll > w.Inner {
		wide := js[[]string](t, ctx, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className)`)
		t.Errorf("%s: page is %dpx wide in a %dpx viewport (horizontal scroll); too wide: %v", what, w.Scroll, w.Inner, wide)
	}
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	b := startBrowser(t)

	t.Run("search", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/")
		do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "reseau"))
		follow(t, ctx, chromedp.Click(chromedp.CSS(`#recherche button[type=submit]`)))
		if q := location(t, ctx).Get("q"); q != "reseau" {
			t.Errorf("URL q = %q, want reseau", q)
		}
		if n := total(t, ctx); n < 3 {
			t.Errorf("reseau: %d results, want ≥ 3", n)
		}
		titles := texts(t, ctx, ".hit-title")
		if len(titles) == 0 {
			t.Fatal("no result titles")
		}
		// The accent-free query finds the accented word: in the first title,
		// and in at least two of the first five.
		top := titles[:min(5, len(titles))]
		with := 0
		for _, ti := range top {
			if strings.Contains(strings.ToLower(ti), "réseau") {
				with++
			}
		}
		if !strings.Contains(strings.ToLower(titles[0]), "réseau") || with < 2 {
			t.Errorf("reseau: top titles %q, want the first and ≥ 2 of 5 with «réseau»", top)
		}
		if marks := texts(t, ctx, ".hit-snippet mark"); len(marks) == 0 {
			t.Errorf("no highlighted word in the snippets")
		}
		if v := run(t, ctx, chromedp.Value(chromedp.ID("q"))); v != "reseau" {
			t.Errorf("search box holds %q after the search, want reseau", v)
		}
		if title := run(t, ctx, chromedp.Title()); !strings.HasPrefix(title, "reseau") {
			t.Errorf("document title %q does not start with the query", title)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/search?q=reseau")
		// The first Tab reaches the skip link, which then shows.
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
		got := js[struct {
			Class string
			Top   float64
		}](t, ctx, `({class: document.activeElement.className, top: document.activeElement.getBoundingClientRect().top})`)
		if got.Class != "skip" || got.Top < 0 {
			t.Errorf("first Tab: focus on class %q at top %.0f, want the visible skip link", got.Class, got.Top)
		}
		do(t, ctx, chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, `document.activeElement && document.activeElement.id === "contenu"`)
		// Every focusable control shows a focus ring.
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
		if o := js[string](t, ctx, `getComputedStyle(document.activeElement).outlineStyle`); o == "none" {
			t.Errorf("the first link of the results has no visible focus")
		}
	})

	t.Run("facets", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/search?q=reseau")
		all := total(t, ctx)
		before := facetCounts(t, ctx, "section")
		if before["events"] == 0 || len(before) < 2 {
			t.Fatalf("section facet %v: want Événements and a sibling", before)
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(`input[name=section][value=events]`)))
		if got := location(t, ctx)["section"]; !slices.Equal(got, []string{"events"}) {
			t.Errorf("URL section = %q, want [events]", got)
		}
		if n := total(t, ctx); n != before["events"] {
			t.Errorf("%d results, but the facet said Événements (%d)", n, before["events"])
		}
		for i, s := range texts(t, ctx, ".hit-meta") {
			if !strings.HasPrefix(s, "Événements") {
				t.Errorf("hit %d is not in Événements: %q", i+1, s)
			}
		}
		if !run(t, ctx, chromedp.JavascriptAttribute[bool](chromedp.CSS(`input[name=section][value=events]`), "checked")) {
			t.Errorf("the ticked checkbox is not checked after the reload")
		}
		if id := js[string](t, ctx, `document.activeElement && (document.activeElement.name + "=" + document.activeElement.value)`); id != "section=events" {
			t.Errorf("focus after the reload is on %q, want back on the ticked checkbox", id)
		}
		// Multi-select: the siblings keep their counts.
		after := facetCounts(t, ctx, "section")
		for v, n := range before {
			if after[v] != n {
				t.Errorf("section %s: count %d after ticking events, want %d (multi-select)", v, after[v], n)
			}
		}
		// Tick a second section: OR within the facet.
		var other string
		for v := range before {
			if v != "events" {
				other = v
				break
			}
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(`input[name=section][value=`+other+`]`)))
		if n, want := total(t, ctx), before["events"]+before[other]; n != want {
			t.Errorf("events or %s: %d results, want %d", other, n, want)
		}
		// The chips remove one filter each.
		chips := texts(t, ctx, ".chips a.chip")
		if len(chips) != 2 || !strings.Contains(chips[0]+chips[1], "Événements") {
			t.Fatalf("chips %q, want two, one of them Événements", chips)
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(`a.chip[aria-label$="Événements"]`)))
		if got := location(t, ctx)["section"]; !slices.Equal(got, []string{other}) {
			t.Errorf("after removing the Événements chip, URL section = %q, want [%s]", got, other)
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(`.chips a.clear`)))
		if got := location(t, ctx); got.Has("section") || got.Get("q") != "reseau" {
			t.Errorf("after clearing the filters, URL query = %v, want only q=reseau", got)
		}
		if n := total(t, ctx); n != all {
			t.Errorf("after clearing the filters: %d results, want %d", n, all)
		}
	})

	t.Run("pagination", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/search?q=reseau")
		page1 := texts(t, ctx, ".hit-title")
		n := total(t, ctx)
		if n <= len(page1) {
			t.Fatalf("%d results on one page: nothing to paginate", n)
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(`.pagination a[rel=next]`)))
		if p := location(t, ctx).Get("page"); p != "2" {
			t.Errorf("after Suivant, URL page = %q, want 2", p)
		}
		page2 := texts(t, ctx, ".hit-title")
		if len(page2) == 0 || slices.Contains(page1, page2[0]) {
			t.Errorf("page 2 titles %q repeat page 1", page2)
		}
		if cur := run(t, ctx, chromedp.Text(chromedp.CSS(`.pagination [aria-current=page]`))); cur != "2" {
			t.Errorf("current page shown as %q, want 2", cur)
		}
		if start := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(`ol.results`), "start")); start.Value != strconv.Itoa(len(page1)+1) {
			t.Errorf("page 2 numbering starts at %q, want %d", start.Value, len(page1)+1)
		}
		if got := total(t, ctx); got != n {
			t.Errorf("page 2 count line says %d, page 1 said %d", got, n)
		}
		if line := run(t, ctx, chromedp.Text(chromedp.CSS(".count"))); !strings.Contains(line, "page 2") {
			t.Errorf("count line %q does not say which page this is", line)
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(`.pagination a[rel=prev]`)))
		if got := texts(t, ctx, ".hit-title"); !slices.Equal(got, page1) {
			t.Errorf("back on page 1 with Précédent: titles %q, want %q", got, page1)
		}
		// The browser's back button returns to page 2 (perhaps from the
		// back-forward cache, which fires no load event: poll the URL).
		back := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			h, err := cdp.Call(ctx, tg, page.GetNavigationHistory, cdp.Empty{})
			if err != nil || h.CurrentIndex < 1 {
				return fmt.Errorf("no history to go back to: %v", err)
			}
			_, err = cdp.Call(ctx, tg, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID})
			return err
		})
		do(t, ctx, back)
		waitFor(t, ctx, `location.search.includes("page=2") && document.readyState === "complete"`)
		if got := texts(t, ctx, ".hit-title"); !slices.Equal(got, page2) {
			t.Errorf("browser Back: titles %q, want page 2 %q", got, page2)
		}
	})

	t.Run("sort by date", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/search?q=migration")
		do(t, ctx, chromedp.Focus(chromedp.ID("sort")))
		follow(t, ctx, chromedp.KeyEvent(kb.ArrowDown)) // keyboard only: the select submits on change
		if s := location(t, ctx).Get("sort"); s != "date" {
			t.Fatalf("URL sort = %q, want date", s)
		}
		if v := run(t, ctx, chromedp.Value(chromedp.ID("sort"))); v != "date" {
			t.Errorf("sort menu shows %q after the reload, want date", v)
		}
		dates := js[[]string](t, ctx, `Array.from(document.querySelectorAll(".hit"), h => (h.querySelector("time[datetime]") || {}).dateTime || "")`)
		var dated []string
		for i, d := range dates {
			if d == "" {
				if i < len(dates)-1 && dates[i+1] != "" {
					t.Errorf("undated hit %d before dated ones: %q", i+1, dates)
				}
				continue
			}
			dated = append(dated, d)
		}
		if len(dated) < 5 {
			t.Fatalf("only %d dated hits: %q", len(dated), dates)
		}
		if !slices.IsSortedFunc(dated, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("dates not in descending order: %q", dated)
		}
	})

	t.Run("suggestions", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/")
		for _, r := range "migr" { // slowly, as a person types
			do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), string(r)), chromedp.Sleep(120*time.Millisecond))
		}
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#q-suggestions [role=option]`)))
		// Escape closes the list (and drops answers still on their way),
		// ArrowDown opens it again with the suggestions of "migr".
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(chromedp.ID("q-suggestions")))
		if e := run(t, ctx, chromedp.AttributeValue(chromedp.ID("q"), "aria-expanded")); e.Value != "false" {
			t.Errorf("combobox aria-expanded=%q with the list closed", e.Value)
		}
		do(t, ctx, chromedp.Sleep(300*time.Millisecond)) // a late answer must not reopen it
		if shown := js[bool](t, ctx, `!document.getElementById("q-suggestions").hidden`); shown {
			t.Errorf("the list reopened by itself after Escape")
		}
		do(t, ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.WaitVisible(chromedp.CSS(`#q-suggestions [role=option]`)))
		options := texts(t, ctx, `#q-suggestions [role=option]`)
		if len(options) == 0 {
			t.Fatal("no suggestion")
		}
		for _, o := range options {
			if !strings.Contains(strings.ToLower(o), "migr") {
				t.Errorf("suggestion %q does not contain «migr»", o)
			}
		}
		if e := run(t, ctx, chromedp.AttributeValue(chromedp.ID("q"), "aria-expanded")); e.Value != "true" {
			t.Errorf("combobox aria-expanded=%q with the list open", e.Value)
		}
		do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
		active := run(t, ctx, chromedp.AttributeValue(chromedp.ID("q"), "aria-activedescendant"))
		if !active.Exists {
			t.Fatal("ArrowDown selected no option")
		}
		chosen := run(t, ctx, chromedp.Text(chromedp.ID(active.Value)))
		if sel := run(t, ctx, chromedp.AttributeValue(chromedp.ID(active.Value), "aria-selected")); sel.Value != "true" {
			t.Errorf("active option %q has aria-selected=%q", chosen, sel.Value)
		}
		var submissions atomic.Int32
		if err := chromedp.Listen(ctx, func(ev any) {
			if nav, ok := ev.(*page.EventFrameRequestedNavigation); ok && nav.Reason == page.ClientNavigationReasonFormSubmissionGet {
				submissions.Add(1)
			}
		}); err != nil {
			t.Fatal(err)
		}
		follow(t, ctx, chromedp.KeyEvent(kb.Enter))
		if n := submissions.Load(); n != 1 {
			t.Errorf("Enter on a suggestion submitted the form %d times, want once", n)
		}
		if q := location(t, ctx).Get("q"); q != chosen {
			t.Errorf("Enter on %q searched for %q", chosen, q)
		}
		if n := total(t, ctx); n == 0 {
			t.Errorf("the suggestion %q finds nothing", chosen)
		}
	})

	t.Run("did you mean and no results", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/search?q=xqzvbn")
		if n := total(t, ctx); n != 0 {
			t.Errorf("xqzvbn: %d results, want none", n)
		}
		if h := run(t, ctx, chromedp.Text(chromedp.CSS(".empty h2"))); !strings.Contains(h, "Aucun résultat pour « xqzvbn »") {
			t.Errorf("no-results heading %q", h)
		}
		b.open(t, ctx, "/search?q=migratoin")
		link := run(t, ctx, chromedp.Text(chromedp.CSS(".didyoumean a")))
		if link != "migration" {
			t.Fatalf("did you mean %q, want migration", link)
		}
		follow(t, ctx, chromedp.Click(chromedp.CSS(".didyoumean a")))
		if q := location(t, ctx).Get("q"); q != "migration" {
			t.Errorf("following did-you-mean searched for %q", q)
		}
		if v := run(t, ctx, chromedp.Value(chromedp.ID("q"))); v != "migration" {
			t.Errorf("search box holds %q, want migration", v)
		}
		if n := total(t, ctx); n == 0 {
			t.Errorf("migration: no results")
		}
		if s := texts(t, ctx, ".didyoumean"); len(s) != 0 {
			t.Errorf("still suggesting a spelling after following it: %q", s)
		}
	})

	t.Run("staff list and export", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/search?q=migration&view=liste")
		n := total(t, ctx)
		rows := texts(t, ctx, "table.list tbody tr")
		if n == 0 || len(rows) != min(n, 50) {
			t.Errorf("staff list: %d rows for %d results, want %d", len(rows), n, min(n, 50))
		}
		if h := texts(t, ctx, "table.list th"); !slices.Equal(h, []string{"Date", "Titre", "Rubrique", "Langue", "Thèmes", "Type"}) {
			t.Errorf("staff list columns %q", h)
		}
		dates := js[[]string](t, ctx, `Array.from(document.querySelectorAll("table.list tbody tr"), r => (r.querySelector("time") || {}).dateTime || "")`)
		dates = slices.DeleteFunc(dates, func(s string) bool { return s == "" })
		if !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("staff list not newest first: %q", dates)
		}
		// Narrow it the way staff do, then export what is shown.
		follow(t, ctx, chromedp.Click(chromedp.CSS(`input[name=section][value=events]`)))
		if v := location(t, ctx).Get("view"); v != "liste" {
			t.Errorf("ticking a facet left the staff list (view=%q)", v)
		}
		n = total(t, ctx)
		if n == 0 {
			t.Fatal("migration in Événements: no results")
		}
		for _, format := range []string{"csv", "jsonl"} {
			href := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(`.views a[href^="/export?format=`+format+`"]`), "href"))
			if !href.Exists {
				t.Fatalf("no %s export link", format)
			}
			u, _ := url.Parse(href.Value)
			if u.Query().Get("section") != "events" || u.Query().Get("q") != "migration" {
				t.Errorf("export link %s does not keep the search", href.Value)
			}
			resp, err := http.Get(b.base + href.Value)
			if err != nil {
				t.Fatal(err)
			}
			body := new(bytes.Buffer)
			body.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %s", href.Value, resp.Status)
			}
			var records int
			if format == "csv" {
				all, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body.Bytes(), []byte("\uFEFF")))).ReadAll()
				if err != nil {
					t.Fatalf("CSV export: %v", err)
				}
				records = len(all) - 1
			} else {
				sc := bufio.NewScanner(body)
				for sc.Scan() {
					var rec struct{ Section string }
					if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.Section != "events" {
						t.Errorf("JSONL export line %q: %v", sc.Text(), err)
					}
					records++
				}
			}
			if records != n {
				t.Errorf("%s export has %d records, the page shows %d results", format, records, n)
			}
		}
	})

	t.Run("arabic result is right to left", func(t *testing.T) {
		ctx := b.tab(t)
		b.open(t, ctx, "/search?lang=ar")
		got := js[[]string](t, ctx, `Array.from(document.querySelectorAll(".hit article"), a => a.lang + "/" + a.dir + "/" + getComputedStyle(a.querySelector(".hit-title")).direction)`)
		if len(got) == 0 {
			t.Fatal("no Arabic result")
		}
		for i, g := range got {
			if g != "ar/rtl/rtl" {
				t.Errorf("Arabic hit %d: lang/dir/direction %s, want ar/rtl/rtl", i+1, g)
			}
		}
		if m := js[string](t, ctx, `getComputedStyle(document.querySelector(".hit-meta")).direction`); m != "ltr" {
			t.Errorf("the French meta line of an Arabic hit is %s", m)
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		ctx := b.tab(t, chromedp.WithNewBrowserContext())
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		b.open(t, ctx, "/fr/") // a new browser context asks for English pages
		if r := run(t, ctx, chromedp.AttributeValue(chromedp.ID("q"), "role")); r.Exists {
			t.Fatalf("the page script ran (role=%q): JavaScript is not off", r.Value)
		}
		do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "migration"))
		follow(t, ctx, chromedp.Click(chromedp.CSS(`#recherche button[type=submit]`)))
		n := total(t, ctx)
		if n == 0 {
			t.Fatal("no results without JavaScript")
		}
		news := facetCounts(t, ctx, "section")["news"]
		// A checkbox does not submit by itself: the Apply button does.
		do(t, ctx, chromedp.Click(chromedp.CSS(`input[name=section][value=news]`)))
		follow(t, ctx, chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)))
		if got := location(t, ctx); got.Get("section") != "news" || got.Get("q") != "migration" {
			t.Errorf("filter without JavaScript: URL query %v", got)
		}
		if got := total(t, ctx); got != news {
			t.Errorf("filter without JavaScript: %d results, facet said %d", got, news)
		}
		for i, s := range texts(t, ctx, ".hit-meta") {
			if !strings.HasPrefix(s, "Actualités") {
				t.Errorf("hit %d is not in Actualités: %q", i+1, s)
			}
		}
		do(t, ctx, chromedp.SetValue(chromedp.ID("sort"), "date"))
		follow(t, ctx, chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)))
		if s := location(t, ctx).Get("sort"); s != "date" {
			t.Errorf("sort without JavaScript: URL sort=%q", s)
		}
	})

	t.Run("screenshots and phone width", func(t *testing.T) {
		ctx := b.tab(t)
		dir := artefacts(t)
		sizes := []struct {
			name string
			w, h int64
		}{{"desktop", 1280, 900}, {"phone", 360, 740}}
		pages := []struct{ name, path string }{
			{"results", "/search?q=reseau&section=events&section=news"},
			{"staff", "/search?q=migration&view=liste"},
			{"noresults", "/search?q=" + url.QueryEscape("une recherche très longue qui ne trouve absolument rien du tout")},
		}
		for _, sz := range sizes {
			do(t, ctx, chromedp.EmulateViewport(sz.w, sz.h))
			for _, p := range pages {
				b.open(t, ctx, p.path)
				if sz.name == "phone" {
					noHorizontalScroll(t, ctx, p.name+" at 360px")
				}
				if p.name != "results" {
					continue
				}
				// The whole page, and the first screen a visitor sees.
				shots := map[string]chromedp.Action[[]byte]{"full": chromedp.FullScreenshot(100), "screen": chromedp.CaptureScreenshot()}
				for _, kind := range []string{"full", "screen"} {
					png := run(t, ctx, shots[kind])
					f := filepath.Join(dir, fmt.Sprintf("results-%s-%dx%d-%s.png", sz.name, sz.w, sz.h, kind))
					if err := os.WriteFile(f, png, 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("screenshot: %s", f)
				}
			}
		}
		// At phone width the filters come after the results: a link at the
		// top leads to them.
		b.open(t, ctx, "/search?q=reseau")
		if v := js[bool](t, ctx, `(() => { const a = document.querySelector('a[href="#filtres"]'); return !!a && a.getBoundingClientRect().width > 0 })()`); !v {
			t.Fatalf("at phone width, no visible link to the filters")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="#filtres"]`)))
		waitFor(t, ctx, `document.activeElement && document.activeElement.id === "filtres" && document.getElementById("filtres").getBoundingClientRect().top < 100`)
	})

	t.Run("accessibility", func(t *testing.T) {
		b.axe(t)
	})
}

// axeResult is the part of an axe-core violation the test reports.
type axeResult struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axe runs axe-core on the main pages and fails on serious or critical
// violations; it logs the others.
func (b *browser) axe(t *testing.T) {
	path := os.Getenv("MISSIONSEARCH_AXE")
	if path == "" {
		t.Skip("accessibility check skipped: MISSIONSEARCH_AXE is unset (the path of axe.min.js; .ci/run installs axe-core from npm)")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("MISSIONSEARCH_AXE: %v", err)
	}
	ctx := b.tab(t)
	pages := []struct {
		name, path string
		w, h       int64
		setup      []chromedp.Action[chromedp.Void] // run after loading path
	}{
		{"home", "/", 1280, 900, nil},
		{"results with facets", "/search?q=reseau", 1280, 900, nil},
		{"filtered, page 2", "/search?q=reseau&section=news&page=2&from=2018-01-01", 1280, 900, nil},
		{"no results", "/search?q=xqzvbn&section=news", 1280, 900, nil},
		{"did you mean", "/search?q=migratoin", 1280, 900, nil},
		{"staff view", "/search?q=migration&view=liste", 1280, 900, nil},
		{"arabic results", "/search?lang=ar", 1280, 900, nil},
		{"english page", "/en/search?q=migration", 1280, 900, nil},
		{"arabic page (rtl)", "/ar/search?q=migration", 1280, 900, nil},
		{"arabic page at phone width", "/ar/search?q=migration", 360, 740, nil},
		{"error", "/search?from=2024-02-30", 1280, 900, nil},
		{"results at phone width", "/search?q=reseau", 360, 740, nil},
		{"staff view at phone width", "/search?q=migration&view=liste", 360, 740, nil},
		{"suggestions open", "/", 1280, 900, []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.ID("q"), "migr"),
			chromedp.WaitVisible(chromedp.CSS(`#q-suggestions [role=option]`)),
			chromedp.KeyEvent(kb.ArrowDown),
		}},
	}
	byImpact := map[string]int{}
	for _, p := range pages {
		do(t, ctx, chromedp.EmulateViewport(p.w, p.h))
		resp := run(t, ctx, chromedp.NavigateResponse(b.base+p.path))
		if resp.Status >= 500 {
			t.Fatalf("GET %s: %d", p.path, resp.Status)
		}
		do(t, ctx, p.setup...)
		do(t, ctx, chromedp.Evaluate[chromedp.Void](string(src)))
		res := run(t, ctx, chromedp.Evaluate[struct {
			Violations []axeResult `json:"violations"`
			Passes     int         `json:"passes"`
			Incomplete []string    `json:"incomplete"`
		}](`axe.run(document, {resultTypes: ["violations"]}).then(r => ({
			violations: r.violations, passes: r.passes.length,
			incomplete: r.incomplete.map(i => i.id + " " + i.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "))}))`, chromedp.EvalAwaitPromise))
		if res.Passes == 0 {
			t.Fatalf("%s: axe ran no rule", p.name)
		}
		t.Logf("%s: axe: %d rules passed, %d violated, needs review: %v", p.name, res.Passes, len(res.Violations), res.Incomplete)
		for _, v := range res.Violations {
			byImpact[v.Impact] += len(v.Nodes)
			var where []string
			for _, n := range v.Nodes[:min(3, len(v.Nodes))] {
				where = append(where, fmt.Sprint(n.Target)+": "+strings.ReplaceAll(n.Summary, "\n", " "))
			}
			msg := fmt.Sprintf("%s: axe %s (%s, %d nodes): %s\n\t%s", p.name, v.ID, v.Impact, len(v.Nodes), v.Help, strings.Join(where, "\n\t"))
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Error(msg)
			} else {
				t.Log(msg)
			}
		}
	}
	t.Logf("axe violations (nodes) by impact over %d pages: critical %d, serious %d, moderate %d, minor %d",
		len(pages), byImpact["critical"], byImpact["serious"], byImpact["moderate"], byImpact["minor"])
}

// TestBrowserLanguages opens the page in English and Arabic in Chromium:
// the language and direction of the document, its texts, the language
// links that keep the search, a right-to-left layout without horizontal
// scrolling at phone width, and the suggestions announced in the page's
// language.
func TestBrowserLanguages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	b := startBrowser(t)
	for _, c := range []struct {
		path, lang, dir, button, count, announce string
	}{
		{"/en/search?q=migration", "en", "ltr", "Search", "results", "suggestion"},
		{"/ar/search?q=migration", "ar", "rtl", "بحث", "نتيجة", "اقتراح"},
		{"/search?q=migration&hl=fr", "fr", "ltr", "Rechercher", "résultats", "disponible"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			ctx := b.tab(t)
			b.open(t, ctx, c.path)
			got := js[struct {
				Lang, Dir, Button, Count, MainDir string
				Langs                             []string
			}](t, ctx, `({
				lang: document.documentElement.lang, dir: document.documentElement.dir,
				button: document.querySelector("#recherche button[type=submit]").textContent,
				count: document.querySelector(".count").textContent,
				mainDir: getComputedStyle(document.querySelector("main")).direction,
				langs: Array.from(document.querySelectorAll(".ui-langs a")).map(a => a.getAttribute("href")),
			})`)
			if got.Lang != c.lang || got.Dir != c.dir || got.MainDir != c.dir {
				t.Errorf("lang %q dir %q (computed %q), want %s %s", got.Lang, got.Dir, got.MainDir, c.lang, c.dir)
			}
			if got.Button != c.button || !strings.Contains(got.Count, c.count) {
				t.Errorf("button %q, count %q: not in %s", got.Button, got.Count, c.lang)
			}
			if len(got.Langs) != 3 {
				t.Errorf("language links %q", got.Langs)
			}
			for _, l := range got.Langs {
				if !strings.Contains(l, "q=migration") {
					t.Errorf("language link %q drops the search", l)
				}
			}
			do(t, ctx, chromedp.EmulateViewport(360, 740))
			noHorizontalScroll(t, ctx, c.lang+" at phone width")
			do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Clear(chromedp.ID("q")), chromedp.SendKeys(chromedp.ID("q"), "migr"))
			waitFor(t, ctx, `document.querySelectorAll("#q-suggestions li").length > 0`)
			waitFor(t, ctx, `Array.from(document.querySelectorAll("[role=status]")).some(e => e.textContent.includes(`+"`"+c.announce+"`"+`))`)
		})
	}
}
