package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyTree copies the regular files of src into dst, keeping modes. Like
// rsync, it writes each file under a temporary name then renames it.
func copyTree(tb testing.TB, src, dst string, skip func(rel string) bool) {
	tb.Helper()
	err := filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if skip != nil && skip(rel) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		buf, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		tmp := filepath.Join(filepath.Dir(target), "."+e.Name()+".tmp")
		if err := os.WriteFile(tmp, buf, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, target)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// treeState lists every file under dir with its size and modification time.
func treeState(tb testing.TB, dir string) string {
	tb.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !e.IsDir() {
			fmt.Fprintf(&b, "%s %d %s\n", rel, fi.Size(), fi.ModTime())
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// readyBuild returns the build a server answers from (/readyz).
func readyBuild(tb testing.TB, u string) string {
	tb.Helper()
	var ready struct{ Status, Build string }
	getJSON(tb, u+"/readyz", &ready)
	return ready.Build
}

// TestReadOnlyReplicas ships the index of a crawl to a replica directory
// (DATA/indexes copied, no store.db), serves it with two read-only
// processes at once (one child process, one in this process), checks both
// answer searches and refuse the admin reindex even with a token, and that
// nothing is written to the copy. Then it ships a new build the documented
// way (build directory first, CURRENT last) and checks both swap to it.
func TestReadOnlyReplicas(t *testing.T) {
	_, _, data := crawledDemo(t)
	replica := t.TempDir()
	noLock := func(rel string) bool { return rel == "LOCK" }
	copyTree(t, filepath.Join(data, "indexes"), filepath.Join(replica, "indexes"), noLock)
	first, _ := liveBuild(t, data)
	before := treeState(t, replica)

	child := startChild(t, "serve", "--read-only", "--data", replica, "--addr", "127.0.0.1:0", "--rate-limit", "0")
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Logger: discardLogger()}
	inproc, err := startServer(t.Context(), env, serveConfig{data: replica, addr: "127.0.0.1:0", readOnly: true, adminToken: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer inproc.close()
	urls := []string{child.serveURL(t, 20*time.Second), inproc.url}

	for _, u := range urls {
		if got := readyBuild(t, u); got != first {
			t.Errorf("%s serves build %q, want %q", u, got, first)
		}
		var res struct{ Total int }
		getJSON(t, u+"/api/search?q=reseau", &res)
		if res.Total == 0 {
			t.Errorf("%s: search reseau: no hits", u)
		}
		req, _ := http.NewRequest(http.MethodPost, u+"/api/admin/reindex", nil)
		req.Header.Set("Authorization", "Bearer secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || !bytes.Contains(body, []byte("disabled")) {
			t.Errorf("%s: admin reindex on a replica = %s %s, want 404 disabled", u, resp.Status, body)
		}
	}
	for _, f := range []string{"store.db", "analytics.db"} {
		if _, err := os.Stat(filepath.Join(replica, f)); !os.IsNotExist(err) {
			t.Errorf("a read-only serve created %s (stat: %v)", f, err)
		}
	}

	// Ship a new build: rebuild on the indexing node, copy the build
	// directory, then CURRENT last.
	if code, stdout, stderr := runMain(t, t.Context(), "reindex", "--data", data); code != 0 {
		t.Fatalf("reindex: exit %d\n%s\n%s", code, stdout, stderr)
	}
	second, _ := liveBuild(t, data)
	if second == first {
		t.Fatalf("reindex kept build %s", first)
	}
	copyTree(t, filepath.Join(data, "indexes"), filepath.Join(replica, "indexes"), func(rel string) bool {
		return rel == "LOCK" || rel == "CURRENT"
	})
	copyTree(t, filepath.Join(data, "indexes"), filepath.Join(replica, "indexes"), func(rel string) bool {
		return rel != "." && rel != "CURRENT"
	})
	for _, u := range urls {
		deadline := time.Now().Add(15 * time.Second)
		for readyBuild(t, u) != second && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if got := readyBuild(t, u); got != second {
			t.Errorf("%s still serves build %q after the new one was shipped, want %q", u, got, second)
		}
		var res struct{ Total int }
		getJSON(t, u+"/api/search?q=reseau", &res)
		if res.Total == 0 {
			t.Errorf("%s: search reseau after the swap: no hits", u)
		}
	}
	child.kill()
	inproc.close()
	// The servers wrote nothing into the files of the first build.
	after := treeState(t, replica)
	for _, line := range strings.Split(before, "\n") {
		if line != "" && !strings.HasPrefix(line, filepath.Join("indexes", "CURRENT")+" ") && !strings.Contains(after, line) {
			t.Errorf("replica file changed while served read-only: %s", line)
		}
	}
}

// TestReadOnlyNeedsIndexes checks that serve --read-only creates nothing: a
// data directory without indexes/ is refused.
func TestReadOnlyNeedsIndexes(t *testing.T) {
	data := filepath.Join(t.TempDir(), "replica")
	code, _, stderr := runMain(t, t.Context(), "serve", "--read-only", "--data", data, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "not an indexes directory") {
		t.Errorf("serve --read-only on an empty directory: exit %d, stderr %q; want 1 and a clear refusal", code, stderr)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("serve --read-only created %s (stat: %v)", data, err)
	}
}
