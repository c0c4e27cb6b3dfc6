package index

import (
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/klauspost/compress/zstd"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/synth"
)

func samplePages(n int) (texts []string, pages []*missionsearch.Page) {
	for i := range n {
		p := synth.Page(i, 7)
		pages = append(pages, p)
		texts = append(texts, p.Body)
	}
	return texts, pages
}

func TestTextCodecRoundTrip(t *testing.T) {
	texts, pages := samplePages(300)
	c, err := TrainTextCodec(texts[:200])
	if err != nil {
		t.Fatal(err)
	}
	if c.id == 0 || len(c.dict) == 0 || len(c.dict) > textDictSize {
		t.Fatalf("codec id %d with a %d-byte dictionary, want a dictionary of at most %d bytes", c.id, len(c.dict), textDictSize)
	}
	cases := []struct{ desc, body string }{
		{"", ""},
		{"Une description.", ""},
		{"", "Un corps sans description."},
		{"L’été à Fès : « cœur » et œuvre", "Texte arabe المغرب et emoji 🇲🇦, NUL \x00 inclus."},
		{pages[250].Description, pages[250].Body},
		{strings.Repeat("d", 70000), strings.Repeat("Très long corps. ", 20000)},
	}
	for _, tc := range cases {
		stored := c.encode(tc.desc, tc.body)
		var h zstd.Header
		if err := h.Decode([]byte(stored)); err != nil {
			t.Fatal(err)
		}
		if h.DictionaryID != c.id {
			t.Errorf("frame names dictionary %d, want %d", h.DictionaryID, c.id)
		}
		desc, body, err := c.decode(stored)
		if err != nil {
			t.Fatalf("decode %q: %v", tc.desc, err)
		}
		if desc != tc.desc || body != tc.body {
			t.Errorf("round trip of (%.20q, %.20q) gave (%.20q, %.20q)", tc.desc, tc.body, desc, body)
		}
	}

	// The dictionary is what makes short texts small: pages it was not
	// drawn from take much less room than without it.
	var with, without, raw int
	for _, p := range pages[200:] {
		raw += len(p.Description) + len(p.Body)
		with += len(c.encode(p.Description, p.Body))
		without += len(plainText.encode(p.Description, p.Body))
	}
	if float64(with) > 0.9*float64(without) || float64(with) > 0.5*float64(raw) {
		t.Errorf("100 pages: %d bytes with the dictionary, %d without, %d raw", with, without, raw)
	}
}

func TestTextCodecErrors(t *testing.T) {
	texts, _ := samplePages(50)
	c, err := TrainTextCodec(texts)
	if err != nil {
		t.Fatal(err)
	}
	stored := c.encode("d", "corps")
	for name, bad := range map[string]string{
		"empty":     "",
		"not zstd":  "bonjour, pas du zstd",
		"truncated": stored[:len(stored)/2],
	} {
		if _, _, err := c.decode(bad); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}

	// The codec of another build (another dictionary, or none) cannot
	// read the page: a clear error, not garbage.
	other, err := TrainTextCodec(texts[10:])
	if err != nil {
		t.Fatal(err)
	}
	for name, wrong := range map[string]*TextCodec{"another dictionary": other, "no dictionary": plainText} {
		if _, _, err := wrong.decode(stored); err == nil || !strings.Contains(err.Error(), "another build") {
			t.Errorf("decode with %s: err = %v", name, err)
		}
	}
	// Two builds that drew the same dictionary id still read their own
	// pages: each decodes with its own codec.
	twin, err := newTextCodec(c.id, append([]byte("autre dictionnaire "), c.dict...))
	if err != nil {
		t.Fatal(err)
	}
	if d, b, err := twin.decode(twin.encode("d2", "corps 2")); err != nil || d != "d2" || b != "corps 2" {
		t.Errorf("twin id: (%q, %q, %v)", d, b, err)
	}
	if d, b, err := c.decode(stored); err != nil || d != "d" || b != "corps" {
		t.Errorf("after the twin: (%q, %q, %v)", d, b, err)
	}

	// No sample text: no dictionary, and text still round-trips.
	c0, err := TrainTextCodec(nil)
	if err != nil {
		t.Fatal(err)
	}
	if d, b, err := c0.decode(c0.encode("a", "b")); err != nil || d != "a" || b != "b" {
		t.Errorf("codec without samples: (%q, %q, %v)", d, b, err)
	}
}

// TestBuildTextDictionary follows a build's dictionary: saved in the build,
// loaded with it (LoadTextCodec) by a process that has never seen it,
// copied by CloneBuild so that an incremental build decodes and encodes
// with it.
func TestBuildTextDictionary(t *testing.T) {
	d := mustOpenDir(t)
	texts, pages := samplePages(120)
	c, err := TrainTextCodec(texts)
	if err != nil {
		t.Fatal(err)
	}
	id, idx, err := d.NewBuild()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(d.BuildPath(id)); err != nil {
		t.Fatal(err)
	}
	b := idx.NewBatch()
	for _, p := range pages[:100] {
		if err := b.Index(p.ID, c.Document(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Finish(id, idx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := d.Publish(id); err != nil {
		t.Fatal(err)
	}

	idx, err = d.OpenBuild(id, true)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadTextCodec(d.BuildPath(id))
	if err != nil {
		t.Fatal(err)
	}
	checkStoredPage(t, idx, loaded, pages[42])
	idx.Close()

	// The incremental build adds a page with the same dictionary.
	cid, cidx, err := d.CloneBuild(id)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := LoadTextCodec(d.BuildPath(cid))
	if err != nil {
		t.Fatal(err)
	}
	if cc.id != c.id {
		t.Fatalf("the clone's dictionary is %d, want its parent's %d", cc.id, c.id)
	}
	if err := cidx.Index(pages[110].ID, cc.Document(pages[110])); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Finish(cid, cidx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	cidx, err = d.OpenBuild(cid, true)
	if err != nil {
		t.Fatal(err)
	}
	defer cidx.Close()
	cloaded, err := LoadTextCodec(d.BuildPath(cid))
	if err != nil {
		t.Fatal(err)
	}
	checkStoredPage(t, cidx, cloaded, pages[42])
	checkStoredPage(t, cidx, cloaded, pages[110])
}

// checkStoredPage reads page want back from idx with codec c.
func checkStoredPage(t *testing.T, idx bleve.Index, c *TextCodec, want *missionsearch.Page) {
	t.Helper()
	req := bleve.NewSearchRequest(bleve.NewDocIDQuery([]string{want.ID}))
	req.Fields = StoredFields()
	res, err := idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("page %s: %d hits", want.ID, len(res.Hits))
	}
	got, err := c.Page(want.ID, res.Hits[0].Fields)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != want.Title || got.Description != want.Description || got.Body != want.Body || got.URL != want.URL {
		t.Errorf("page %s read back as %q / %.30q / %.30q, want %q / %.30q / %.30q",
			want.ID, got.Title, got.Description, got.Body, want.Title, want.Description, want.Body)
	}
}
