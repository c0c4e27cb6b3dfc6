package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/demosite"
	"github.com/missionsearch/missionsearch/store"
)

// faultChildEnv, set to 1, makes the test binary run the missionsearch
// command line of its arguments instead of the tests: the fault tests start
// real crawl, reindex and serve processes this way and kill them.
const faultChildEnv = "MISSIONSEARCH_FAULT_CHILD"

func init() {
	if os.Getenv(faultChildEnv) != "1" {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for a child's output copier and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// child is a missionsearch process started by the fault tests.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{}
	err            error // of Wait, once done is closed
}

// startChild starts missionsearch with args in a new process (this test
// binary, see faultChildEnv).
func startChild(tb testing.TB, args ...string) *child {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	return startProcess(tb, exe, []string{faultChildEnv + "=1"}, args...)
}

// startProcess starts the missionsearch binary exe with args, in the
// environment of the test plus env, with MISSIONSEARCH_DATA, _ADDR and
// _ADMIN_TOKEN cleared; it is killed at the end of the test.
func startProcess(tb testing.TB, exe string, env []string, args ...string) *child {
	tb.Helper()
	c := &child{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command(exe, args...)
	c.cmd.Env = append(append(os.Environ(), env...), "MISSIONSEARCH_DATA=", "MISSIONSEARCH_ADDR=", "MISSIONSEARCH_ADMIN_TOKEN=")
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	tb.Cleanup(func() { c.kill() })
	return c
}

// kill sends SIGKILL, unless the process has ended, and waits for it. It
// reports whether the process was still running.
func (c *child) kill() bool {
	select {
	case <-c.done:
		return false
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true
		}
	}
	return false
}

// wait waits for the process to end, for at most d, and returns its exit
// code (-1 on timeout, after killing it).
func (c *child) wait(d time.Duration) int {
	select {
	case <-c.done:
	default:
		select {
		case <-c.done:
		case <-time.After(d):
			c.kill()
			return -1
		}
	}
	if c.err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

var servingRE = regexp.MustCompile(`serving search at (http://\S+)`)

// serveURL waits until a serve child prints its address and returns it.
func (c *child) serveURL(tb testing.TB, timeout time.Duration) string {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if m := servingRE.FindStringSubmatch(c.stdout.String()); m != nil {
			return m[1]
		}
		select {
		case <-c.done:
			tb.Fatalf("serve exited (%v) before listening; stderr:\n%s", c.err, c.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	tb.Fatalf("serve did not listen within %s; stderr:\n%s", timeout, c.stderr.String())
	return ""
}

// slowSite serves the demo site with a pause before each answer, so that
// a crawl lasts long enough on loopback to be killed in its middle.
func slowSite(tb testing.TB, pause time.Duration) *httptest.Server {
	site := demosite.New()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(pause)
		site.ServeHTTP(w, r)
	}))
	tb.Cleanup(ts.Close)
	return ts
}

// storeSnapshot checks the store of data after a crash: it opens, and every
// live page is complete (URL, ID = PageID(URL), title, body) and has its
// crawl state with a content hash (page and state are written in one
// transaction). It returns the live page count and whether a page
// mentions "réseau".
func storeSnapshot(tb testing.TB, data string) (count int, reseau bool) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, "store.db"))
	if err != nil {
		tb.Fatalf("store does not open after the crash: %v", err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		tb.Errorf("after the crash: %v", err)
	}
	n := 0
	err = st.Pages(ctx, func(p *missionsearch.Page) error {
		n++
		if p.URL == "" || p.ID != missionsearch.PageID(p.URL) || p.Title == "" || p.Body == "" {
			tb.Errorf("incomplete page after the crash: id %q url %q title %q body %d bytes", p.ID, p.URL, p.Title, len(p.Body))
		}
		s, ok, err := st.State(ctx, p.URL)
		if err != nil || !ok || s.ContentHash == "" {
			tb.Errorf("page %s stored without its crawl state (ok %v, err %v)", p.URL, ok, err)
		}
		// Listings are not results: only another page makes "reseau" find
		// something.
		if p.Type != missionsearch.TypeListing && strings.Contains(strings.ToLower(p.Title+" "+p.Body), "réseau") {
			reseau = true
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("read the pages: %v", err)
	}
	count, err = st.Count(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if count != n {
		tb.Errorf("Count %d, but Pages gave %d", count, n)
	}
	return count, reseau
}

// liveBuild returns the build CURRENT names and its info, checking that it
// is complete; "" when there is none yet.
func liveBuild(tb testing.TB, data string) (string, index.BuildInfo) {
	tb.Helper()
	d, err := index.OpenDir(data)
	if err != nil {
		tb.Fatal(err)
	}
	id, err := d.Current()
	if missionsearch.ErrorCode(err) == missionsearch.ENOTFOUND {
		return "", index.BuildInfo{}
	}
	if err != nil {
		tb.Fatalf("CURRENT: %v", err)
	}
	info, err := d.Info(id)
	if err != nil {
		tb.Fatalf("CURRENT names build %s, which is not usable: %v", id, err)
	}
	return id, info
}

// checkServe starts serve on data and checks that it is ready on the live
// build and finds "reseau" when the store has such pages; then kills it.
func checkServe(tb testing.TB, data, wantBuild string, wantHits bool) {
	tb.Helper()
	srv := startChild(tb, "serve", "--data", data, "--addr", "127.0.0.1:0", "--rate-limit", "0")
	u := srv.serveURL(tb, 20*time.Second)
	var ready struct{ Status, Build string }
	getJSON(tb, u+"/readyz", &ready)
	if ready.Build != wantBuild {
		tb.Errorf("serve is ready on build %q, want the live build %q", ready.Build, wantBuild)
	}
	var res struct {
		Total int               `json:"total"`
		Hits  []json.RawMessage `json:"hits"`
	}
	getJSON(tb, u+"/api/search?q=reseau", &res)
	if wantHits && (res.Total == 0 || len(res.Hits) == 0) {
		tb.Errorf("serve: search reseau: no hits")
	}
	srv.kill()
}

// faultRounds is the number of kill rounds: 30 by default (ten kills of
// each command), MISSIONSEARCH_FAULT_ROUNDS for a longer run.
func faultRounds(tb testing.TB) int {
	if s := os.Getenv("MISSIONSEARCH_FAULT_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			tb.Fatalf("MISSIONSEARCH_FAULT_ROUNDS=%q: want a positive number", s)
		}
		return n
	}
	return 30
}

// faultSeed returns the seed of the kill moments: MISSIONSEARCH_FAULT_SEED
// to replay a run, else the clock.
func faultSeed(tb testing.TB) uint64 {
	if s := os.Getenv("MISSIONSEARCH_FAULT_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			tb.Fatalf("MISSIONSEARCH_FAULT_SEED=%q: %v", s, err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// TestKillLoop kills crawl, reindex and serve processes with SIGKILL at
// random moments, in turn, on one data directory, and after each kill
// checks that nothing acknowledged is lost and that the service recovers:
//   - the store opens, every live page in it is complete, and the page count
//     never decreases from one round to the next;
//   - CURRENT, when present, names a complete build;
//   - a reindex then succeeds, and its build holds exactly the store's live
//     pages;
//   - a serve started on the data directory is ready on that build and finds
//     "reseau".
//
// The kill moments come from a seeded generator; the seed is logged, and
// MISSIONSEARCH_FAULT_SEED replays it. MISSIONSEARCH_FAULT_ROUNDS sets the
// number of rounds (30 by default, about 15s on 2 cores).
func TestKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("kill loop: skipped in -short mode")
	}
	rounds := faultRounds(t)
	seed := faultSeed(t)
	t.Logf("seed %d (MISSIONSEARCH_FAULT_SEED=%d replays it), %d rounds", seed, seed, rounds)
	rng := rand.New(rand.NewPCG(seed, 0))

	ts := slowSite(t, 3*time.Millisecond)
	data := t.TempDir()
	// The longest random wait before each kind of kill: about a first crawl
	// of the slowed demo site with one fetch at a time (so that the first
	// crawls are mostly killed on the way and the store grows over several
	// rounds), a reindex, a serve start. A command that ends before its
	// kill sets its window to the time it took.
	maxWait := map[string]time.Duration{"crawl": 1000 * time.Millisecond, "reindex": 500 * time.Millisecond, "serve": 500 * time.Millisecond}
	kinds := []string{"crawl", "reindex", "serve"}
	prevCount, killed, finished := 0, 0, 0
	start := time.Now()
	for r := range rounds {
		kind := kinds[r%len(kinds)]
		var args []string
		switch kind {
		case "crawl":
			args = []string{"crawl", "--data", data, "--delay", "0", "--concurrency", "1", ts.URL + "/"}
		case "reindex":
			args = []string{"reindex", "--data", data}
		case "serve":
			args = []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--rate-limit", "0"}
		}
		wait := time.Duration(rng.Int64N(int64(maxWait[kind]) + 1))
		began := time.Now()
		c := startChild(t, args...)
		select {
		case <-c.done:
		case <-time.After(wait):
		}
		wasRunning := c.kill()
		ran := time.Since(began)
		if wasRunning {
			killed++
		} else {
			finished++
			emptyRefused := kind == "reindex" && prevCount == 0 && c.wait(0) == 1 // nothing to index yet
			if code := c.wait(0); code != 0 && !emptyRefused || kind == "serve" {
				t.Errorf("round %d: %s exited %d before its kill; stderr:\n%s", r, kind, code, c.stderr.String())
			}
			// It ended before the kill: kill earlier next time.
			maxWait[kind] = max(ran, 50*time.Millisecond)
		}

		count, reseau := storeSnapshot(t, data)
		if kind == "crawl" && count == 0 && wasRunning {
			// Killed before its first page (a slow, loaded machine):
			// give the next crawls more time.
			maxWait["crawl"] = min(2*maxWait["crawl"], 16*time.Second)
		}
		if count < prevCount {
			t.Errorf("round %d (%s killed after %s): the store has %d pages, it had %d", r, kind, wait, count, prevCount)
		}
		prevCount = count
		liveBuild(t, data)

		// Recovery: a reindex succeeds and indexes every live page; on a
		// store still empty (the first crawl killed before its first page)
		// it refuses, exit 1, and publishes nothing.
		ri := startChild(t, "reindex", "--data", data)
		riStart := time.Now()
		code := ri.wait(60 * time.Second)
		if count == 0 {
			if id, _ := liveBuild(t, data); code != 1 || id != "" || !strings.Contains(ri.stderr.String(), "no page to index") {
				t.Fatalf("round %d (%s killed after %s): reindex of an empty store: exit %d, build %q; stderr:\n%s", r, kind, wait, code, id, ri.stderr.String())
			}
			t.Logf("round %2d: %-7s killed after %-6s (running: %v); store empty, reindex refused", r, kind, ran.Round(time.Millisecond), wasRunning)
			continue
		}
		if code != 0 {
			t.Fatalf("round %d (%s killed after %s): reindex afterwards exited %d; stderr:\n%s", r, kind, wait, code, ri.stderr.String())
		}
		if kind == "reindex" {
			// Aim the next reindex kills inside a whole reindex.
			maxWait["reindex"] = max(maxWait["reindex"], time.Since(riStart)*5/4)
		}
		id, info := liveBuild(t, data)
		if id == "" {
			t.Fatalf("round %d: no live build after a successful reindex", r)
		}
		if int(info.Docs) != count {
			t.Errorf("round %d: the new build %s has %d documents, the store %d live pages", r, id, info.Docs, count)
		}
		checkServe(t, data, id, reseau)
		t.Logf("round %2d: %-7s killed after %-6s (running: %v); store %d pages; build %s of %d docs",
			r, kind, ran.Round(time.Millisecond), wasRunning, count, id, info.Docs)
		if t.Failed() {
			t.Fatalf("stopping after round %d (seed %d)", r, seed)
		}
	}
	t.Logf("%d rounds in %s: %d processes killed while running, %d had finished; store ends with %d pages",
		rounds, time.Since(start).Round(time.Millisecond), killed, finished, prevCount)
	if prevCount == 0 {
		t.Errorf("no page was ever stored: the crawls were all killed too early")
	}
}

// storedURLs returns the URLs of the live pages of the store of data.
func storedURLs(tb testing.TB, data string) map[string]bool {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, "store.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	out := map[string]bool{}
	if err := st.Pages(ctx, func(p *missionsearch.Page) error { out[p.URL] = true; return nil }); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestCrawlResumesAfterKill kills a crawl once it has stored part of the
// site, lets a second crawl run to the end, and checks the package
// documentation's promise that "the next crawl resumes": every page of the
// site (every page an uninterrupted crawl stores, every article among
// them) is in the store afterwards, although the pages stored before the
// kill answer 304 to the second crawl and only their stored links lead it
// to the pages linked from them alone (the tag pages).
func TestCrawlResumesAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("crawl resume after kill: skipped in -short mode")
	}
	ts := slowSite(t, 3*time.Millisecond)
	full := t.TempDir()
	c := startChild(t, "crawl", "--data", full, "--delay", "0", "--concurrency", "1", "--crawl-only", ts.URL+"/")
	if code := c.wait(time.Minute); code != 0 {
		t.Fatalf("uninterrupted crawl: exit %d\n%s", code, c.stderr.String())
	}
	want := storedURLs(t, full)
	for _, a := range demosite.New().Articles() {
		if !want[ts.URL+a.Path] {
			t.Fatalf("the uninterrupted crawl did not store the article %s: no reference to compare with", a.Path)
		}
	}

	data := t.TempDir()
	c = startChild(t, "crawl", "--data", data, "--delay", "0", "--concurrency", "1", "--crawl-only", ts.URL+"/")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if n := len(storedURLs(t, data)); n >= len(want)/2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first crawl stored too little in 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !c.kill() {
		t.Fatal("the first crawl ended before its kill: nothing to resume")
	}
	before := len(storedURLs(t, data))
	if before >= len(want) {
		t.Fatalf("the killed crawl had already stored all %d pages: nothing to resume", before)
	}
	c = startChild(t, "crawl", "--data", data, "--delay", "0", "--concurrency", "1", "--crawl-only", ts.URL+"/")
	if code := c.wait(time.Minute); code != 0 {
		t.Fatalf("resumed crawl: exit %d\n%s", code, c.stderr.String())
	}
	got := storedURLs(t, data)
	var missing []string
	for u := range want {
		if !got[u] {
			missing = append(missing, strings.TrimPrefix(u, ts.URL))
		}
	}
	slices.Sort(missing)
	t.Logf("uninterrupted crawl: %d pages; killed crawl: %d; after the resumed crawl: %d (%s)",
		len(want), before, len(got), strings.TrimSpace(c.stdout.String()))
	if len(missing) != 0 {
		t.Errorf("%d pages of the uninterrupted crawl are missing after kill + complete crawl: %q", len(missing), missing)
	}
}

// TestReindexDiskFull runs a reindex on a full disk: a data directory on a
// small tmpfs (so the test needs root and mount(8); it skips otherwise),
// filled to leave less room than a build needs. The reindex must fail with
// a clear error and exit code 1, CURRENT must still name the old build, and
// both a serve started before and one started after must answer from it.
// Once room is freed, the next reindex must succeed and leave no trace of
// the half-written build.
func TestReindexDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("full disk: skipped in -short mode")
	}
	if os.Geteuid() != 0 {
		t.Skip("full disk: needs root to mount a size-limited tmpfs for the data directory")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("full disk: cannot mount a tmpfs on %s (%v: %s)", mnt, err, bytes.TrimSpace(out))
	}
	// Cleanups run last-in first-out: the children (registered later) are
	// killed before the unmount, which comes before the removal of mnt.
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	data := filepath.Join(mnt, "data")
	site := demosite.New()
	ts := httptest.NewServer(site)
	t.Cleanup(ts.Close)
	if code, stdout, stderr := runMain(t, t.Context(), "crawl", "--data", data, "--delay", "0", ts.URL+"/"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s\n%s", code, stdout, stderr)
	}
	old, oldInfo := liveBuild(t, data)
	if old == "" {
		t.Fatal("no live build after the crawl")
	}
	d, err := index.OpenDir(data)
	if err != nil {
		t.Fatal(err)
	}
	buildSize, err := d.Size(old)
	if err != nil {
		t.Fatal(err)
	}
	before := startChild(t, "serve", "--data", data, "--addr", "127.0.0.1:0", "--rate-limit", "0")
	beforeURL := before.serveURL(t, 20*time.Second)
	searchHits := func(u string) int {
		var res struct {
			Total int `json:"total"`
		}
		getJSON(t, u+"/api/search?q=reseau", &res)
		return res.Total
	}
	wantTotal := searchHits(beforeURL)
	if wantTotal == 0 {
		t.Fatal("search reseau: no hits before the reindex")
	}

	// Fill the disk, leaving half a build free: the reindex starts, then
	// fails while it writes its segments.
	var fs syscall.Statfs_t
	if err := syscall.Statfs(mnt, &fs); err != nil {
		t.Fatal(err)
	}
	free := int64(fs.Bavail) * int64(fs.Bsize)
	leave := max(buildSize/2, 64<<10)
	filler := filepath.Join(mnt, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.CopyN(f, zeroReader{}, free-leave)
	f.Close()
	if err != nil {
		t.Fatalf("fill the disk: %v", err)
	}
	syscall.Statfs(mnt, &fs)
	t.Logf("build %s: %d docs, %d bytes; disk filled, %d bytes left", old, oldInfo.Docs, buildSize, int64(fs.Bavail)*int64(fs.Bsize))

	ri := startChild(t, "reindex", "--data", data)
	code := ri.wait(time.Minute)
	stderr := ri.stderr.String()
	lastLine := stderr
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) > 0 {
		lastLine = lines[len(lines)-1]
	}
	t.Logf("reindex on a full disk: exit %d: %s", code, lastLine)
	if code != 1 {
		t.Errorf("reindex on a full disk: exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(lastLine, "missionsearch reindex:") || !strings.Contains(lastLine, "no space left on device") {
		t.Errorf("reindex on a full disk: the error does not say the disk is full: %q", lastLine)
	}
	if cur, _ := liveBuild(t, data); cur != old {
		t.Errorf("after the failed reindex CURRENT names %q, want the old build %q", cur, old)
	}
	builds, err := d.Builds()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("builds left after the failed reindex: %q", builds)
	if got := searchHits(beforeURL); got != wantTotal {
		t.Errorf("running serve after the failed reindex: %d hits, want %d", got, wantTotal)
	}
	// A serve started now, on the full disk, answers from the old build.
	checkServe(t, data, old, true)

	// Free the room: the next reindex succeeds and removes the leftovers.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	ri = startChild(t, "reindex", "--data", data)
	if code := ri.wait(time.Minute); code != 0 {
		t.Fatalf("reindex after freeing room: exit %d\n%s", code, ri.stderr.String())
	}
	cur, info := liveBuild(t, data)
	if cur == old || int(info.Docs) != int(oldInfo.Docs) {
		t.Errorf("after the second reindex: live build %s with %d docs, want a new build with %d", cur, info.Docs, oldInfo.Docs)
	}
	builds, err = d.Builds()
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 1 || builds[0] != cur {
		t.Errorf("builds after the second reindex: %q, want only the live %s", builds, cur)
	}
	entries, _ := os.ReadDir(d.Path())
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Logf("indexes/ after the second reindex: %q", names)
	for _, n := range names {
		if n != cur && n != index.CurrentFile && n != index.LockFile {
			t.Errorf("indexes/ still holds %q after the second reindex", n)
		}
	}
	// The serve started before swaps to the new build (it checks every 2s).
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ready struct{ Build string }
		getJSON(t, beforeURL+"/readyz", &ready)
		if ready.Build == cur {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("the running serve still answers from %s, 15s after %s went live", ready.Build, cur)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := searchHits(beforeURL); got != wantTotal {
		t.Errorf("running serve on the new build: %d hits, want %d", got, wantTotal)
	}
}

// zeroReader reads zeros for ever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestReindexFillingDisk runs reindexes of a synthetic store (2,000 pages:
// two batches, so two segments to merge) on a small
// tmpfs filled to leave less and less room than a build and its merge
// need, so that the disk is full while the reindex writes its segments or
// while it merges them (scorch retried such a merge for ever: 14.5 min,
// the lock held). Each reindex must end within 60 s: exit 0 when the build
// fits, else exit 1 saying the disk is full, the old build live and the
// lock released (the next reindex, with room, succeeds).
func TestReindexFillingDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("full disk: skipped in -short mode")
	}
	if os.Geteuid() != 0 {
		t.Skip("full disk: needs root to mount a size-limited tmpfs for the data directory")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("full disk: cannot mount a tmpfs on %s (%v: %s)", mnt, err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	data := filepath.Join(mnt, "data")
	if code, _, stderr := runMain(t, t.Context(), "synth", "--data", data, "--pages", "2000"); code != 0 {
		t.Fatalf("synth: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runMain(t, t.Context(), "reindex", "--data", data); code != 0 {
		t.Fatalf("first reindex: exit %d\n%s", code, stderr)
	}
	old, _ := liveBuild(t, data)
	d, err := index.OpenDir(data)
	if err != nil {
		t.Fatal(err)
	}
	size, err := d.Size(old)
	if err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(mnt, "filler")
	failed := 0
	for _, share := range []float64{0.5, 1.2, 1.6, 2.2} {
		os.Remove(filler)
		var fs syscall.Statfs_t
		if err := syscall.Statfs(mnt, &fs); err != nil {
			t.Fatal(err)
		}
		free := int64(fs.Bavail) * int64(fs.Bsize)
		leave := int64(share * float64(size))
		f, err := os.Create(filler)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.CopyN(f, zeroReader{}, max(0, free-leave))
		f.Close()
		if err != nil && !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("fill the disk: %v", err)
		}
		start := time.Now()
		ri := startChild(t, "reindex", "--data", data)
		code := ri.wait(time.Minute)
		took := time.Since(start)
		stderr := strings.TrimSpace(ri.stderr.String())
		last := stderr[strings.LastIndex(stderr, "\n")+1:]
		t.Logf("%.1f× the build (%d KiB) free: exit %d after %v: %s", share, leave>>10, code, took.Round(time.Millisecond), last)
		switch code {
		case 0:
			old, _ = liveBuild(t, data) // it fitted: the new build is live
		case 1:
			failed++
			if !strings.Contains(last, "no space left") {
				t.Errorf("%.1f×: the error does not say the disk is full: %q", share, last)
			}
			if cur, _ := liveBuild(t, data); cur != old {
				t.Errorf("%.1f×: after the failed reindex CURRENT names %q, want %q", share, cur, old)
			}
			if builds, _ := d.Builds(); len(builds) != 1 {
				t.Errorf("%.1f×: builds left after the failed reindex: %q", share, builds)
			}
		default:
			t.Fatalf("%.1f×: reindex did not end within a minute (exit %d); stderr:\n%s", share, code, stderr)
		}
	}
	if failed == 0 {
		t.Error("no reindex ran out of room: the test does not exercise a full disk")
	}
	os.Remove(filler)
	if code, _, stderr := runMain(t, t.Context(), "reindex", "--data", data); code != 0 {
		t.Fatalf("reindex with room again (is the lock released?): exit %d\n%s", code, stderr)
	}
	cur, _ := liveBuild(t, data)
	checkServe(t, data, cur, false)
}
