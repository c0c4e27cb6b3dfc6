package indexer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/synth"
)

// Child modes: the test binary re-executes itself with childEnv set to one
// of these to play a second process.
const (
	childEnv     = "MISSIONSEARCH_INDEXER_CHILD"
	childDataEnv = "MISSIONSEARCH_INDEXER_DATA"
	modeHoldLock = "hold-lock"    // lock the dir, print "locked", wait for stdin to close
	modeRebuild  = "slow-rebuild" // rebuild in small batches, printing progress
)

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case modeHoldLock:
		d, err := index.OpenDir(os.Getenv(childDataEnv))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		unlock, err := d.Lock()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		unlock()
		os.Exit(0)
	case modeRebuild:
		os.Exit(childRebuild())
	}
	os.Exit(2)
}

func childRebuild() int {
	data := os.Getenv(childDataEnv)
	st, err := openStoreNoPut(data)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	d, err := index.OpenDir(data)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	_, err = Rebuild(context.Background(), st, d, Options{BatchSize: 20, Force: true, Progress: func(done, total int) {
		fmt.Printf("progress %d %d\n", done, total)
		time.Sleep(20 * time.Millisecond)
	}})
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// child starts the test binary as a child process in mode on dataDir and
// returns it with its stdin and a reader of its stdout lines.
func child(t *testing.T, mode, dataDir string) (*exec.Cmd, io.WriteCloser, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childDataEnv+"="+dataDir)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, in, bufio.NewScanner(out)
}

func mustRebuild(tb testing.TB, st storeT, d *index.Dir, opts Options) Stats {
	tb.Helper()
	s, err := Rebuild(context.Background(), st, d, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// search runs a match query on the French body through idx and returns
// the total.
func search(tb testing.TB, idx bleve.Index, field, text string) uint64 {
	tb.Helper()
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	res, err := idx.Search(bleve.NewSearchRequest(q))
	if err != nil {
		tb.Fatal(err)
	}
	return res.Total
}

func TestRebuildPublishesAndCleans(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 300, 1)
	d := mustOpenDir(t, data)
	var calls, last atomic.Int64
	s1 := mustRebuild(t, st, d, Options{BatchSize: 100, Progress: func(done, total int) {
		calls.Add(1)
		last.Store(int64(done))
		if total != 300 {
			t.Errorf("Progress total = %d, want 300", total)
		}
	}})
	if s1.Docs != 300 || s1.BuildID == "" || s1.Bytes <= 0 || s1.Elapsed <= 0 {
		t.Errorf("Rebuild stats = %+v", s1)
	}
	if calls.Load() < 3 || last.Load() != 300 {
		t.Errorf("Progress called %d times, last done %d; want >= 3 calls ending at 300", calls.Load(), last.Load())
	}
	if cur, _ := d.Current(); cur != s1.BuildID {
		t.Errorf("Current() = %q, want %q", cur, s1.BuildID)
	}
	info, err := d.Info(s1.BuildID)
	if err != nil || info.Docs != 300 || !info.Complete {
		t.Errorf("Info = %+v, %v", info, err)
	}
	_, idx, err := d.OpenCurrent(true)
	if err != nil {
		t.Fatal(err)
	}
	if n := search(t, idx, index.BodyField(missionsearch.LangFR), "coopération"); n == 0 {
		t.Errorf("no hit for coopération")
	}
	// Three batches made several segments; the rebuild merged them.
	if n := zapFiles(t, d.BuildPath(s1.BuildID)); n != 1 {
		t.Errorf("the build has %d segment files, want 1 (compacted)", n)
	}
	want := synth.Page(17, 1)
	if got := storedPage(t, idx, codecOf(t, d, s1.BuildID).Page, want.ID); got.Body != want.Body || got.Description != want.Description || got.Title != want.Title {
		t.Errorf("page 17 stored as %q / %.30q / %.30q, want %q / %.30q / %.30q",
			got.Title, got.Description, got.Body, want.Title, want.Description, want.Body)
	}
	idx.Close()

	s2 := mustRebuild(t, st, d, Options{})
	if s2.BuildID == s1.BuildID {
		t.Fatalf("second rebuild reused id %s", s1.BuildID)
	}
	if ids, _ := d.Builds(); len(ids) != 1 || ids[0] != s2.BuildID {
		t.Errorf("builds after second rebuild = %v, want only %s", ids, s2.BuildID)
	}
}

func TestRebuildRemovesHalfBuilt(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 50, 1)
	d := mustOpenDir(t, data)
	live := mustRebuild(t, st, d, Options{}).BuildID
	// A crashed reindex left a build without build.json.
	half, idx, err := d.NewBuild()
	if err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if cur, _ := d.Current(); cur != live {
		t.Fatalf("Current() = %q, want %q", cur, live)
	}
	l, err := index.OpenLive(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.BuildID() != live {
		t.Errorf("Live opened %q, want %q", l.BuildID(), live)
	}
	l.Close()
	s := mustRebuild(t, st, d, Options{})
	if _, err := os.Stat(d.BuildPath(half)); !os.IsNotExist(err) {
		t.Errorf("half-built %s survived the next rebuild", half)
	}
	if ids, _ := d.Builds(); len(ids) != 1 || ids[0] != s.BuildID {
		t.Errorf("builds = %v, want [%s]", ids, s.BuildID)
	}
}

func TestMappingVersionNeedsRebuild(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 20, 1)
	d := mustOpenDir(t, data)
	if _, err := Update(t.Context(), st, d, []string{"x"}, nil, Options{}); !errors.Is(err, ErrNeedsRebuild) {
		t.Errorf("Update with no build: err = %v, want ErrNeedsRebuild", err)
	}
	id := mustRebuild(t, st, d, Options{}).BuildID
	p := filepath.Join(d.BuildPath(id), index.InfoFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	old := fmt.Sprintf(`"mapping_version": %d`, index.MappingVersion)
	if !strings.Contains(string(b), old) {
		t.Fatalf("build.json lacks %s: %s", old, b)
	}
	b = []byte(strings.Replace(string(b), old, `"mapping_version": 0`, 1))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.OpenCurrent(true); !errors.Is(err, index.ErrMappingVersion) {
		t.Errorf("OpenCurrent err = %v, want ErrMappingVersion", err)
	}
	if _, err := Update(t.Context(), st, d, []string{synth.Page(0, 1).ID}, nil, Options{}); !errors.Is(err, ErrNeedsRebuild) {
		t.Errorf("Update on an old mapping: err = %v, want ErrNeedsRebuild", err)
	}
	// The old build is no reference for MaxLoss: a rebuild replaces it.
	s := mustRebuild(t, st, d, Options{})
	if _, _, err := d.OpenCurrent(true); err != nil {
		t.Errorf("after rebuild, OpenCurrent: %v", err)
	}
	if s.Docs != 20 {
		t.Errorf("rebuild Docs = %d, want 20", s.Docs)
	}
}

func TestLockRefusesSecondReindex(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 10, 1)
	d := mustOpenDir(t, data)

	t.Run("same process", func(t *testing.T) {
		unlock, err := d.Lock()
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		_, err = Rebuild(t.Context(), st, d, Options{})
		if missionsearch.ErrorCode(err) != missionsearch.ECONFLICT {
			t.Errorf("Rebuild while locked: err = %v, want ECONFLICT", err)
		}
		if !strings.Contains(missionsearch.ErrorMessage(err), "another reindex is running") {
			t.Errorf("message = %q", missionsearch.ErrorMessage(err))
		}
		_, err = Update(t.Context(), st, d, []string{"x"}, nil, Options{})
		if missionsearch.ErrorCode(err) != missionsearch.ECONFLICT {
			t.Errorf("Update while locked: err = %v, want ECONFLICT", err)
		}
	})

	t.Run("other process", func(t *testing.T) {
		cmd, in, out := child(t, modeHoldLock, data)
		if !out.Scan() || out.Text() != "locked" {
			t.Fatalf("child said %q, want locked", out.Text())
		}
		_, err := Rebuild(t.Context(), st, d, Options{})
		if missionsearch.ErrorCode(err) != missionsearch.ECONFLICT {
			t.Errorf("Rebuild while another process holds the lock: err = %v, want ECONFLICT", err)
		}
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
		if _, err := Rebuild(t.Context(), st, d, Options{}); err != nil {
			t.Errorf("Rebuild after the other process released the lock: %v", err)
		}
	})
}

func TestMaxLoss(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 100, 1)
	d := mustOpenDir(t, data)
	live := mustRebuild(t, st, d, Options{}).BuildID
	// 20 pages go: a rebuild would drop 20% of the live pages.
	for i := range 20 {
		p := synth.Page(i, 1)
		if err := st.PutState(t.Context(), missionsearch.CrawlState{URL: p.URL, Gone: true, Status: 404}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Rebuild(t.Context(), st, d, Options{})
	if missionsearch.ErrorCode(err) != missionsearch.EINVALID {
		t.Fatalf("Rebuild dropping 20%%: err = %v, want EINVALID", err)
	}
	msg := missionsearch.ErrorMessage(err)
	for _, want := range []string{"80", "100", "--force"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not mention %q", msg, want)
		}
	}
	if cur, _ := d.Current(); cur != live {
		t.Errorf("Current() = %q after refusal, want %q", cur, live)
	}
	if ids, _ := d.Builds(); len(ids) != 1 {
		t.Errorf("builds after refusal = %v, want only the live one", ids)
	}
	// A larger MaxLoss lets it through; so does Force.
	if _, err := Rebuild(t.Context(), st, d, Options{MaxLoss: 0.25}); err != nil {
		t.Errorf("Rebuild with MaxLoss 0.25: %v", err)
	}
	for i := 20; i < 60; i++ {
		p := synth.Page(i, 1)
		if err := st.PutState(t.Context(), missionsearch.CrawlState{URL: p.URL, Gone: true, Status: 410}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Rebuild(t.Context(), st, d, Options{Force: true})
	if err != nil || s.Docs != 40 {
		t.Errorf("Rebuild with Force = %+v, %v; want 40 docs", s, err)
	}
}

func TestUpdate(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 200, 1)
	d := mustOpenDir(t, data)
	mustRebuild(t, st, d, Options{})

	// A server holds the live build open read-only throughout.
	l, err := index.OpenLive(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	changed := synth.Page(5, 1)
	changed.Lang = missionsearch.LangFR
	changed.Title = "Inauguration du zorglubarium de Tanger"
	if err := st.PutPage(t.Context(), changed, missionsearch.CrawlState{URL: changed.URL, Status: 200}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, st, 200, 210, 1)
	goneP := synth.Page(7, 1)
	if err := st.PutState(t.Context(), missionsearch.CrawlState{URL: goneP.URL, Gone: true, Status: 404}); err != nil {
		t.Fatal(err)
	}
	laterGone := synth.Page(8, 1) // listed as updated, then gone before the update ran
	if err := st.PutState(t.Context(), missionsearch.CrawlState{URL: laterGone.URL, Gone: true, Status: 404}); err != nil {
		t.Fatal(err)
	}
	updated := []string{changed.ID, laterGone.ID}
	for i := 200; i < 210; i++ {
		updated = append(updated, synth.Page(i, 1).ID)
	}
	old := l.BuildID()
	s, err := Update(t.Context(), st, d, updated, []string{goneP.ID}, Options{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if s.Docs != 11 || s.Deleted != 2 || s.BuildID == old {
		t.Errorf("Update stats = %+v, want 11 indexed, 2 deleted, a new build", s)
	}
	// The server still answers from the old build until it reloads.
	if n := liveDocCount(t, l); n != 200 {
		t.Errorf("old build DocCount = %d, want 200", n)
	}
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	if l.BuildID() != s.BuildID {
		t.Errorf("Live build = %q, want %q", l.BuildID(), s.BuildID)
	}
	b, err := l.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	idx := b.Index()
	if n := docCount(t, idx); n != 208 {
		t.Errorf("DocCount = %d after update, want 208 (200 + 10 - 2)", n)
	}
	if n := search(t, idx, index.TitleField(missionsearch.LangFR), "zorglubarium"); n != 1 {
		t.Errorf("changed title found %d times, want 1", n)
	}
	// Old and new pages of the incremental build read back, with the
	// dictionary of the build it was cloned from.
	for _, want := range []*missionsearch.Page{changed, synth.Page(3, 1), synth.Page(205, 1)} {
		if got := storedPage(t, idx, b.Page, want.ID); got.Body != want.Body || got.Title != want.Title {
			t.Errorf("page %s stored as %q / %.30q, want %q / %.30q", want.ID, got.Title, got.Body, want.Title, want.Body)
		}
	}
	for _, id := range []string{goneP.ID, laterGone.ID} {
		if doc, _ := idx.Document(id); doc != nil {
			t.Errorf("gone page %s still indexed", id)
		}
	}
	if doc, _ := idx.Document(synth.Page(209, 1).ID); doc == nil {
		t.Errorf("new page 209 not indexed")
	}
	if ids, _ := d.Builds(); len(ids) != 1 {
		t.Errorf("builds after update = %v, want one", ids)
	}
	// Nothing to do: no new build.
	s2, err := Update(t.Context(), st, d, nil, nil, Options{})
	if err != nil || s2.BuildID != s.BuildID {
		t.Errorf("empty Update = %+v, %v; want build %s kept", s2, err, s.BuildID)
	}
}

// liveDocCount returns the number of documents of l's live build.
func liveDocCount(tb testing.TB, l *index.Live) uint64 {
	tb.Helper()
	b, err := l.Acquire()
	if err != nil {
		tb.Fatal(err)
	}
	defer b.Release()
	return docCount(tb, b.Index())
}

func docCount(tb testing.TB, idx bleve.Index) uint64 {
	tb.Helper()
	n, err := idx.DocCount()
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestLiveSwapUnderLoad rebuilds three times while 8 goroutines search
// through the live alias: no search may fail or come back empty.
func TestLiveSwapUnderLoad(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 300, 1)
	d := mustOpenDir(t, data)
	mustRebuild(t, st, d, Options{})
	l, err := index.OpenLive(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(t.Context())
	go l.Watch(ctx, 5*time.Millisecond)

	var searches, failures, empty atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	words := []string{"coopération", "développement", "projet", "migration"}
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := bleve.NewMatchQuery(words[(g+i)%len(words)])
				q.SetField(index.BodyField(missionsearch.LangFR))
				req := bleve.NewSearchRequest(q)
				req.Fields = []string{index.FieldURL}
				// As the search package does: pin the live build, search
				// it and read its snapshot, release it.
				b, err := l.Acquire()
				if err != nil {
					failures.Add(1)
					t.Errorf("acquire failed: %v", err)
					continue
				}
				res, err := b.Index().SearchInContext(ctx, req)
				searches.Add(1)
				switch {
				case err != nil:
					failures.Add(1)
					t.Errorf("search failed: %v", err)
				case res.Total == 0 || len(res.Hits) == 0:
					empty.Add(1)
				}
				if g%2 == 0 { // the search package's reader path
					adv, err := b.Index().Advanced()
					if err != nil {
						failures.Add(1)
					} else if r, err := adv.Reader(); err != nil || r == nil {
						failures.Add(1)
					} else {
						r.Close()
					}
				}
				b.Release()
			}
		})
	}
	builds := map[string]bool{l.BuildID(): true}
	for range 3 {
		s := mustRebuild(t, st, d, Options{})
		builds[s.BuildID] = true
		deadline := time.Now().Add(5 * time.Second)
		for l.BuildID() != s.BuildID && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if l.BuildID() != s.BuildID {
			t.Errorf("Watch did not swap to %s", s.BuildID)
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	cancel()
	t.Logf("%d searches over %d builds", searches.Load(), len(builds))
	if failures.Load() != 0 || empty.Load() != 0 {
		t.Errorf("%d failed and %d empty searches out of %d", failures.Load(), empty.Load(), searches.Load())
	}
	if len(builds) != 4 {
		t.Errorf("saw %d builds, want 4", len(builds))
	}
}

// TestKillMidRebuild kills -9 a process in the middle of a rebuild: the
// old build must still be live and answer, and the next rebuild must
// succeed and remove the debris.
func TestKillMidRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kills a rebuilding child process")
	}
	data := t.TempDir()
	st := mustOpenStore(t, data, 1500, 1)
	d := mustOpenDir(t, data)
	live := mustRebuild(t, st, d, Options{}).BuildID

	cmd, _, out := child(t, modeRebuild, data)
	killed := false
	for out.Scan() {
		line := out.Text()
		if strings.HasPrefix(line, "error") || line == "done" {
			t.Fatalf("child finished before the kill: %s", line)
		}
		var done, total int
		if _, err := fmt.Sscanf(line, "progress %d %d", &done, &total); err == nil && done >= 400 {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	if !killed {
		t.Fatal("child ended without progress")
	}
	cmd.Wait()
	ids, _ := d.Builds()
	if len(ids) != 2 {
		t.Errorf("builds after the kill = %v, want the live one and the half-built one", ids)
	}
	if cur, _ := d.Current(); cur != live {
		t.Fatalf("Current() = %q after the kill, want %q", cur, live)
	}
	_, idx, err := d.OpenCurrent(true)
	if err != nil {
		t.Fatalf("live build does not open after the kill: %v", err)
	}
	if n := docCount(t, idx); n != 1500 {
		t.Errorf("live DocCount = %d, want 1500", n)
	}
	if n := search(t, idx, index.BodyField(missionsearch.LangFR), "développement"); n == 0 {
		t.Errorf("live build answers nothing after the kill")
	}
	idx.Close()
	s := mustRebuild(t, st, d, Options{})
	if ids, _ := d.Builds(); len(ids) != 1 || ids[0] != s.BuildID {
		t.Errorf("builds after the next rebuild = %v, want [%s]", ids, s.BuildID)
	}
	if s.Docs != 1500 {
		t.Errorf("next rebuild Docs = %d, want 1500", s.Docs)
	}
}

var _ = strconv.Itoa

// zapFiles counts the segment files of the build directory path.
func zapFiles(t *testing.T, path string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(path, func(p string, _ fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".zap") {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// pageReader rebuilds a page from its stored fields: the Page method of a
// build's text codec or of an index.Build.
type pageReader func(id string, fields map[string]any) (*missionsearch.Page, error)

// codecOf returns the text codec of build id of d.
func codecOf(t *testing.T, d *index.Dir, id string) *index.TextCodec {
	t.Helper()
	c, err := index.LoadTextCodec(d.BuildPath(id))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// storedPage reads page id back from the stored fields of idx with read.
func storedPage(t *testing.T, idx bleve.Index, read pageReader, id string) *missionsearch.Page {
	t.Helper()
	req := bleve.NewSearchRequest(bleve.NewDocIDQuery([]string{id}))
	req.Fields = index.StoredFields()
	res, err := idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("page %s: %d hits", id, len(res.Hits))
	}
	p, err := read(id, res.Hits[0].Fields)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// hugePage returns a French page whose title and description are n bytes
// of words and whose body is 2n bytes, as an older crawl without field
// limits could have stored from an unclosed <title>.
func hugePage(n int) *missionsearch.Page {
	words := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString("réseau migration développement ")
		}
		return b.String()
	}
	tags := make([]string, 300)
	for i := range tags {
		tags[i] = fmt.Sprintf("étiquette %d %s", i, strings.Repeat("é", 300))
	}
	u := "https://maroc.example.org/fr/news/titre-enorme"
	return &missionsearch.Page{
		ID: missionsearch.PageID(u), URL: u, Lang: missionsearch.LangFR, Section: "news",
		Title: "Titre énorme " + words(n), Description: words(n), Body: words(2 * n), Tags: tags,
		FetchedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	}
}

// TestRebuildBoundsHugeFields checks that a page stored with megabytes of
// title, description, body and tags is indexed and stored in the index cut
// to index's ceilings, still found, and left whole in the store.
func TestRebuildBoundsHugeFields(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 20, 1)
	p := hugePage(4 << 20)
	if err := st.PutPage(t.Context(), p, missionsearch.CrawlState{URL: p.URL, Status: 200}); err != nil {
		t.Fatal(err)
	}
	d := mustOpenDir(t, data)
	mustRebuild(t, st, d, Options{})
	cur, idx, err := d.OpenCurrent(true)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	got := storedPage(t, idx, codecOf(t, d, cur).Page, p.ID)
	if n := utf8.RuneCountInString(got.Title); n > index.MaxTitleRunes || !strings.HasPrefix(got.Title, "Titre énorme réseau") {
		t.Errorf("indexed title has %d runes (%.40q), want at most %d, starting as the stored one", n, got.Title, index.MaxTitleRunes)
	}
	if n := utf8.RuneCountInString(got.Description); n > index.MaxDescriptionRunes {
		t.Errorf("indexed description has %d runes, want at most %d", n, index.MaxDescriptionRunes)
	}
	if len(got.Body) > index.MaxBodyBytes || !utf8.ValidString(got.Body) {
		t.Errorf("indexed body has %d bytes (valid UTF-8: %t), want at most %d", len(got.Body), utf8.ValidString(got.Body), index.MaxBodyBytes)
	}
	if len(got.Tags) > index.MaxTags {
		t.Errorf("%d indexed tags, want at most %d", len(got.Tags), index.MaxTags)
	}
	for _, tag := range got.Tags {
		if n := utf8.RuneCountInString(tag); n > index.MaxTagRunes {
			t.Errorf("indexed tag of %d runes, want at most %d", n, index.MaxTagRunes)
		}
	}
	if n := search(t, idx, index.TitleField(missionsearch.LangFR), "énorme"); n != 1 {
		t.Errorf("title search énorme: %d hits, want 1", n)
	}
	stored, err := st.Page(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Title != p.Title || stored.Body != p.Body {
		t.Errorf("the store lost the page's full title or body (%d, %d bytes; want %d, %d)", len(stored.Title), len(stored.Body), len(p.Title), len(p.Body))
	}
}
