package indexer

import (
	"os"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/synth"
)

// TestUpdateLossGuard checks that an incremental update (a crawl's) that
// would remove more than MaxLoss of the live pages is refused with the live
// build kept and nothing left behind, and that Force publishes it.
func TestUpdateLossGuard(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 100, 1)
	d := mustOpenDir(t, data)
	live := mustRebuild(t, st, d, Options{}).BuildID

	var gone []string
	for i := range 20 { // 20% of the site vanishes in one crawl
		p := synth.Page(i, 1)
		if err := st.PutState(t.Context(), missionsearch.CrawlState{URL: p.URL, Gone: true, Status: 404}); err != nil {
			t.Fatal(err)
		}
		gone = append(gone, p.ID)
	}
	_, err := Update(t.Context(), st, d, nil, gone, Options{})
	if missionsearch.ErrorCode(err) != missionsearch.EINVALID {
		t.Fatalf("Update removing 20%% of the pages: %v, want an EINVALID refusal", err)
	}
	assertOnlyBuild(t, d.Path(), live)
	if cur, _ := d.Current(); cur != live {
		t.Errorf("CURRENT = %q after a refused update, want %q", cur, live)
	}
	s, err := Update(t.Context(), st, d, nil, gone, Options{Force: true})
	if err != nil {
		t.Fatalf("Update with Force: %v", err)
	}
	if s.Deleted != 20 {
		t.Errorf("forced update deleted %d pages, want 20", s.Deleted)
	}
	// Within the limit, no Force is needed.
	small := []string{synth.Page(50, 1).ID}
	if err := st.PutState(t.Context(), missionsearch.CrawlState{URL: synth.Page(50, 1).URL, Gone: true, Status: 410}); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(t.Context(), st, d, nil, small, Options{}); err != nil {
		t.Errorf("Update removing 1 of 80 pages: %v", err)
	}
}

// TestUpdateSameTextGuard checks that an update in which many pages changed
// to one same text (a maintenance page answered with 200) is refused.
func TestUpdateSameTextGuard(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 100, 1)
	d := mustOpenDir(t, data)
	live := mustRebuild(t, st, d, Options{}).BuildID

	var updated []string
	for i := range 15 {
		p := synth.Page(i, 1)
		p.Title = "Maintenance"
		p.Body = "Le site est en maintenance. Merci de revenir plus tard."
		if err := st.PutPage(t.Context(), p, missionsearch.CrawlState{URL: p.URL, Status: 200}); err != nil {
			t.Fatal(err)
		}
		updated = append(updated, p.ID)
	}
	_, err := Update(t.Context(), st, d, updated, nil, Options{})
	if missionsearch.ErrorCode(err) != missionsearch.EINVALID {
		t.Fatalf("Update with 15 pages of one same text: %v, want an EINVALID refusal", err)
	}
	assertOnlyBuild(t, d.Path(), live)

	// The refused changes stay pending in the store: the next update
	// applies them, here forced, though it is given no change itself.
	s, err := Update(t.Context(), st, d, nil, nil, Options{Force: true})
	if err != nil {
		t.Fatalf("forced update after a refused one: %v", err)
	}
	if s.Docs != len(updated) {
		t.Errorf("forced update indexed %d pages, want the %d pending ones", s.Docs, len(updated))
	}

	// Ordinary changes (distinct texts) pass.
	var changed []string
	for i := 20; i < 35; i++ {
		p := synth.Page(i, 1)
		p.Body += " Mise à jour."
		if err := st.PutPage(t.Context(), p, missionsearch.CrawlState{URL: p.URL, Status: 200}); err != nil {
			t.Fatal(err)
		}
		changed = append(changed, p.ID)
	}
	if _, err := Update(t.Context(), st, d, changed, nil, Options{}); err != nil {
		t.Errorf("Update of 15 distinct changed pages: %v", err)
	}
}

// TestRebuildEmptyStore checks that a first build of an empty store (a
// crawl that reached nothing, a --data at the wrong path) publishes nothing.
func TestRebuildEmptyStore(t *testing.T) {
	data := t.TempDir()
	st := mustOpenStore(t, data, 0, 1)
	d := mustOpenDir(t, data)
	_, err := Rebuild(t.Context(), st, d, Options{})
	if missionsearch.ErrorCode(err) != missionsearch.EINVALID {
		t.Fatalf("Rebuild of an empty store: %v, want an EINVALID refusal", err)
	}
	if cur, err := d.Current(); err == nil {
		t.Errorf("CURRENT = %q after refusing an empty build, want none", cur)
	}
	assertOnlyBuild(t, d.Path(), "")
}

// assertOnlyBuild checks that the indexes directory holds the build want
// and no other (none when want is "").
func assertOnlyBuild(t *testing.T, dir, want string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() && e.Name() != want {
			t.Errorf("build %s left in %s, want only %q", e.Name(), dir, want)
		}
	}
}
