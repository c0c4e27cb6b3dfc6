package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

var update = flag.Bool("update", false, "rewrite the page.json and links.txt sections of testdata/*.txtar")

// archive is a txtar file: a comment, then named files.
type archive struct {
	comment []byte
	names   []string
	files   map[string][]byte
}

// parseTxtar reads the txtar format of golang.org/x/tools/txtar: lines
// "-- name --" start files; what comes before the first is the comment.
func parseTxtar(data []byte) *archive {
	a := &archive{files: map[string][]byte{}}
	cur := "" // "" is the comment
	for len(data) > 0 {
		line, rest, found := bytes.Cut(data, []byte("\n"))
		data = rest
		if s := string(line); strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			cur = strings.TrimSpace(s[3 : len(s)-3])
			a.names = append(a.names, cur)
			a.files[cur] = []byte{}
			continue
		}
		if found {
			line = append(line, '\n')
		}
		if cur == "" {
			a.comment = append(a.comment, line...)
		} else {
			a.files[cur] = append(a.files[cur], line...)
		}
	}
	return a
}

func (a *archive) format() []byte {
	var b bytes.Buffer
	b.Write(a.comment)
	for _, n := range a.names {
		fmt.Fprintf(&b, "-- %s --\n", n)
		b.Write(a.files[n])
	}
	return b.Bytes()
}

func (a *archive) set(name string, data []byte) {
	if _, ok := a.files[name]; !ok {
		a.names = append(a.names, name)
	}
	a.files[name] = data
}

// header returns the value of a "key: value" line of the comment.
func (a *archive) header(key string) string {
	for line := range strings.SplitSeq(string(a.comment), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// fixture is one testdata/*.txtar page.
type fixture struct {
	path string
	ar   *archive
	url  *url.URL
	ct   string
}

func loadFixture(tb testing.TB, name string) *fixture {
	tb.Helper()
	path := filepath.Join("testdata", name+".txtar")
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{path: path, ar: parseTxtar(data), ct: ""}
	f.ct = f.ar.header("content-type")
	if f.url, err = url.Parse(f.ar.header("url")); err != nil {
		tb.Fatalf("%s: url: %v", path, err)
	}
	if _, ok := f.ar.files["input.html"]; !ok {
		tb.Fatalf("%s: no input.html", path)
	}
	return f
}

func (f *fixture) extract(tb testing.TB, opts Options) *Result {
	tb.Helper()
	res, err := Extract(bytes.NewReader(f.ar.files["input.html"]), f.url, f.ct, opts)
	if err != nil {
		tb.Fatalf("Extract(%s): %v", f.path, err)
	}
	return res
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestExtractFixtures checks the fields of each hand-written page.
func TestExtractFixtures(t *testing.T) {
	tests := []struct {
		name            string
		opts            Options
		title           string
		lang            missionsearch.Lang
		published       time.Time
		updated         time.Time
		section         string
		tags            []string
		description     string
		canonical       string
		noIndex         bool
		firstBlock      string
		contains        []string
		notContains     []string
		links, notLinks []string
	}{
		{
			name:        "drupal-fr",
			title:       "Atelier sur la protection des enfants en mobilité",
			lang:        missionsearch.LangFR,
			published:   day(2024, time.June, 1), // dateline; the sidebar's <time> must not win
			section:     "news",
			tags:        []string{"Protection", "Enfance"},
			description: "Un atelier de deux jours a réuni à Oujda les acteurs de la protection de l'enfance.",
			canonical:   "https://maroc.example.org/fr/news/atelier-protection-enfants",
			firstBlock:  "Oujda – 1er juin 2024 – Un atelier de deux jours a réuni à Oujda les acteurs de la protection de l'enfance autour des enfants en mobilité non accompagnés.",
			contains:    []string{"Trois recommandations", "Former les éducateurs à l’écoute active ;", "l'accueil de jour et sur", "Participants\n\n42"},
			notContains: []string{"Aller au contenu", "cookies", "Qui sommes-nous", "méga-menu", "Fil d'Ariane", "Accueil",
				"Partager cette page", "Facebook", "Articles similaires", "Articles récents", "Nador", "Lettre d'information",
				"Mentions légales", "Tous droits réservés", "Thématiques", "Rechercher", "Menu principal", "color: red"},
			links: []string{"https://maroc.example.org/fr", "https://maroc.example.org/fr/a-propos", "https://www.example.org/",
				"https://maroc.example.org/fr/news/recent-1", "https://maroc.example.org/fr/mentions-legales",
				"https://maroc.example.org/fr/news/atelier-protection-enfants"},
			notLinks: []string{"mailto:?subject=Atelier", "javascript:window.print()"},
		},
		{
			name:        "english",
			title:       "A school by the river",
			lang:        missionsearch.LangEN,
			published:   day(2023, time.March, 14).Add(7*time.Hour + 30*time.Minute),
			section:     "stories",
			tags:        []string{"Education", "Integration"},
			description: "How a river town opened a school for newcomers.",
			canonical:   "https://www.example.net/en/stories/river-school/", // the canonical link is on another host
			noIndex:     true,
			firstBlock:  "The town of Riverside opened its first school for newcomer children this spring, with the support of the local council and of the mission.",
			contains:    []string{"Twenty children now attend", "What comes next"},
			notContains: []string{"About us", "Recent posts", "harbour", "Share this", "Proudly powered", "Tagged", "Posted on"},
			links:       []string{"https://www.example.net/", "https://www.example.net/en/tag/education/", "https://x.example.com/share"},
		},
		{
			name:        "arabic-nolang",
			title:       "منتدى الشباب حول الهجرة",
			lang:        missionsearch.LangAR,
			published:   day(2022, time.November, 5),
			updated:     day(2022, time.November, 7),
			section:     "news",
			tags:        []string{"الشباب", "الهجرة"},
			canonical:   "http://maroc.example.org/ar/news/youth-forum",
			firstBlock:  "نظمت البعثة في مدينة الرباط منتدى للشباب حول قضايا الهجرة والتنقل، بمشاركة أكثر من مئة شاب وشابة من مختلف جهات المملكة.",
			notContains: []string{"آخر المقالات", "جميع الحقوق", "الرئيسية"},
		},
		{
			name:      "arabic-nolang/default-lang-en", // text decides, whatever the default
			opts:      Options{DefaultLang: missionsearch.LangEN},
			title:     "منتدى الشباب حول الهجرة",
			lang:      missionsearch.LangAR,
			published: day(2022, time.November, 5),
			updated:   day(2022, time.November, 7),
			section:   "news",
			tags:      []string{"الشباب", "الهجرة"},
			canonical: "http://maroc.example.org/ar/news/youth-forum",
		},
		{
			name:        "latin1-meta",
			title:       "Journée d'étude à Fès – été 2015",
			lang:        missionsearch.LangFR,
			published:   day(2015, time.July, 3),
			section:     "events",
			tags:        []string{},
			canonical:   "https://maroc.example.org/fr/events/journee-etude-fes",
			firstBlock:  "Fès, le 3 juillet 2015 – Une journée d'étude consacrée à l'accès aux soins des étrangers s'est tenue à la faculté de médecine.",
			contains:    []string{"30 € par consultation", "personnes âgées"},
			notContains: []string{"Accueil du site", "\uFFFD"},
			links:       []string{"https://maroc.example.org/fr/r%C3%A9sum%C3%A9"},
		},
		{
			name:       "latin1-header",
			title:      "Journée d'étude à Fès – été 2015",
			lang:       missionsearch.LangFR,
			published:  day(2015, time.July, 3),
			section:    "events",
			tags:       []string{},
			canonical:  "https://maroc.example.org/fr/events/journee-etude-fes",
			firstBlock: "Fès, le 3 juillet 2015 – Une journée d'étude consacrée à l'accès aux soins des étrangers s'est tenue à la faculté de médecine.",
			contains:   []string{"30 € par consultation"},
		},
		{
			name:       "broken",
			title:      "Ancienne page & archives",
			lang:       missionsearch.LangFR,
			section:    "",
			tags:       []string{},
			canonical:  "https://maroc.example.org/fr/pages/ancienne",
			firstBlock: "Cette page reprend le contenu de l'ancien site, mis en ligne en 2012 & archivé depuis.",
			contains:   []string{"Communiqués de presse\n\nOffres d'emploi", "2012\n\nOuverture du bureau de Tanger"},
			links:      []string{"https://maroc.example.org/fr/archives?page=2&sort=date"},
			// The title is not repeated in the body; a block that is only a
			// link ("Archives suivantes") is navigation, kept as a link only.
			notContains: []string{"Ancienne page & archives", "Archives suivantes"},
		},
		{
			name:        "drupal-fr/site-name-option",
			opts:        Options{SiteName: "Mission Exemple", Boilerplate: func(b string) bool { return b == "Trois recommandations" }},
			title:       "Atelier sur la protection des enfants en mobilité",
			lang:        missionsearch.LangFR,
			published:   day(2024, time.June, 1),
			section:     "news",
			tags:        []string{"Protection", "Enfance"},
			description: "Un atelier de deux jours a réuni à Oujda les acteurs de la protection de l'enfance.",
			canonical:   "https://maroc.example.org/fr/news/atelier-protection-enfants",
			notContains: []string{"Trois recommandations"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, _, _ := strings.Cut(tt.name, "/")
			f := loadFixture(t, file)
			res := f.extract(t, tt.opts)
			p := res.Page
			if p.Title != tt.title {
				t.Errorf("Title = %q, want %q", p.Title, tt.title)
			}
			if p.Lang != tt.lang {
				t.Errorf("Lang = %q, want %q", p.Lang, tt.lang)
			}
			if !p.Published.Equal(tt.published) {
				t.Errorf("Published = %v, want %v", p.Published, tt.published)
			}
			if !p.Updated.Equal(tt.updated) {
				t.Errorf("Updated = %v, want %v", p.Updated, tt.updated)
			}
			if p.Section != tt.section {
				t.Errorf("Section = %q, want %q", p.Section, tt.section)
			}
			if tt.tags != nil && strings.Join(p.Tags, "|") != strings.Join(tt.tags, "|") {
				t.Errorf("Tags = %q, want %q", p.Tags, tt.tags)
			}
			if p.Tags == nil {
				t.Errorf("Tags = nil, want a non-nil slice")
			}
			if tt.description != "" && p.Description != tt.description {
				t.Errorf("Description = %q, want %q", p.Description, tt.description)
			}
			if res.Canonical != tt.canonical || p.URL != tt.canonical {
				t.Errorf("Canonical = %q, URL = %q, want %q", res.Canonical, p.URL, tt.canonical)
			}
			if p.ID != missionsearch.PageID(tt.canonical) {
				t.Errorf("ID = %q, want PageID(%q)", p.ID, tt.canonical)
			}
			if res.NoIndex != tt.noIndex {
				t.Errorf("NoIndex = %v, want %v", res.NoIndex, tt.noIndex)
			}
			if p.Body != strings.Join(res.Blocks, "\n\n") {
				t.Errorf("Body is not the blocks joined by blank lines")
			}
			if tt.firstBlock != "" && (len(res.Blocks) == 0 || res.Blocks[0] != tt.firstBlock) {
				t.Errorf("Blocks[0] = %q, want %q", first(res.Blocks), tt.firstBlock)
			}
			for _, s := range tt.contains {
				if !strings.Contains(p.Body, s) {
					t.Errorf("Body lacks %q; body:\n%s", s, p.Body)
				}
			}
			for _, s := range tt.notContains {
				if strings.Contains(p.Body, s) {
					t.Errorf("Body contains %q; body:\n%s", s, p.Body)
				}
			}
			for _, l := range tt.links {
				if !contains(res.Links, l) {
					t.Errorf("Links lack %q; links: %q", l, res.Links)
				}
			}
			for _, l := range tt.notLinks {
				if contains(res.Links, l) {
					t.Errorf("Links contain %q", l)
				}
			}
			checkInvariants(t, res)
		})
	}
}

func first(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// checkInvariants checks what every Result must satisfy.
func checkInvariants(tb testing.TB, res *Result) {
	tb.Helper()
	p := res.Page
	if !p.Lang.Valid() {
		tb.Errorf("Lang = %q, not a supported language", p.Lang)
	}
	if p.URL != res.Canonical || p.ID != missionsearch.PageID(res.Canonical) {
		tb.Errorf("URL %q / ID %q do not match Canonical %q", p.URL, p.ID, res.Canonical)
	}
	if p.Body != strings.Join(res.Blocks, "\n\n") {
		tb.Errorf("Body is not strings.Join(Blocks, \"\\n\\n\")")
	}
	if p.Tags == nil || res.Links == nil {
		tb.Errorf("Tags or Links is nil")
	}
	seen := map[string]bool{}
	for _, l := range res.Links {
		if seen[l] {
			tb.Errorf("duplicate link %q", l)
		}
		seen[l] = true
		if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
			tb.Errorf("link %q is not http(s)", l)
		}
		if n, err := NormalizeURL(l, nil); err != nil || n != l {
			tb.Errorf("link %q is not normalised: NormalizeURL = %q, %v", l, n, err)
		}
	}
	for _, b := range res.Blocks {
		if b == "" || b != strings.TrimSpace(b) || strings.Contains(b, "  ") || strings.ContainsAny(b, "\n\t") {
			tb.Errorf("block %q is empty or not collapsed", b)
		}
	}
	if !p.FetchedAt.IsZero() {
		tb.Errorf("FetchedAt = %v, want zero", p.FetchedAt)
	}
}

// golden is the page.json section of a fixture.
type golden struct {
	Page      missionsearch.Page `json:"page"`
	Canonical string             `json:"canonical"`
	NoIndex   bool               `json:"noindex"`
	NoFollow  bool               `json:"nofollow"`
}

// TestGolden compares each fixture's extraction with its page.json and
// links.txt sections; go test -run TestGolden -update rewrites them.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no testdata/*.txtar")
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			f := loadFixture(t, name)
			res := f.extract(t, Options{})
			js, err := json.MarshalIndent(golden{res.Page, res.Canonical, res.NoIndex, res.NoFollow}, "", "\t")
			if err != nil {
				t.Fatal(err)
			}
			js = append(js, '\n')
			links := []byte(strings.Join(res.Links, "\n") + "\n")
			if *update {
				f.ar.set("page.json", js)
				f.ar.set("links.txt", links)
				if err := os.WriteFile(path, f.ar.format(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got, want := string(js), string(f.ar.files["page.json"]); got != want {
				t.Errorf("page.json differs (go test -run TestGolden -update):\n got %s\nwant %s", got, want)
			}
			if got, want := string(links), string(f.ar.files["links.txt"]); got != want {
				t.Errorf("links.txt differs (go test -run TestGolden -update):\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestExtractContentType checks that non-HTML responses are refused with
// EINVALID and that HTML variants are accepted.
func TestExtractContentType(t *testing.T) {
	u, _ := url.Parse("https://maroc.example.org/fr/x")
	for _, tt := range []struct {
		ct string
		ok bool
	}{
		{"text/html", true},
		{"text/html; charset=utf-8", true},
		{"TEXT/HTML;charset=windows-1252", true},
		{"application/xhtml+xml", true},
		{"", true},
		{"text/html; charset", true}, // malformed parameter, HTML type
		{"application/pdf", false},
		{"text/plain; charset=utf-8", false},
		{"image/png", false},
		{"application/json", false},
	} {
		_, err := Extract(strings.NewReader("<p>Bonjour</p>"), u, tt.ct, Options{})
		if tt.ok && err != nil {
			t.Errorf("Extract(ct %q) = %v, want success", tt.ct, err)
		}
		if !tt.ok && missionsearch.ErrorCode(err) != missionsearch.EINVALID {
			t.Errorf("Extract(ct %q) error = %v, want code %s", tt.ct, err, missionsearch.EINVALID)
		}
	}
	for _, raw := range []string{"mailto:x@example.org", "ftp://example.org/x"} {
		pu, _ := url.Parse(raw)
		if _, err := Extract(strings.NewReader("<p>x</p>"), pu, "text/html", Options{}); missionsearch.ErrorCode(err) != missionsearch.EINVALID {
			t.Errorf("Extract(page URL %q) error = %v, want code %s", raw, err, missionsearch.EINVALID)
		}
	}
	if _, err := Extract(strings.NewReader("<p>x</p>"), nil, "text/html", Options{}); missionsearch.ErrorCode(err) != missionsearch.EINVALID {
		t.Errorf("Extract(nil URL) error = %v, want code %s", err, missionsearch.EINVALID)
	}
}

// errReader fails after returning some bytes.
type errReader struct{ n int }

func (r *errReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		r.n = 0
		return copy(p, "<html><body><p>début"), nil
	}
	return 0, errors.New("connection reset")
}

func TestExtractReadError(t *testing.T) {
	u, _ := url.Parse("https://maroc.example.org/fr/x")
	_, err := Extract(&errReader{1}, u, "text/html", Options{})
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("Extract(failing reader) error = %v, want the read error", err)
	}
}
