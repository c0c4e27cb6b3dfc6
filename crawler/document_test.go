package crawler_test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/crawler/pdftext"
	"github.com/missionsearch/missionsearch/store"
)

// reportPDF returns a one-page PDF report with title, subject (written
// as plain ASCII in the file) and text.
func reportPDF(t testing.TB, title, subject, text string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle(title, true)
	pdf.SetSubject(subject, false)
	pdf.SetCreationDate(time.Date(2023, 4, 5, 10, 0, 0, 0, time.UTC))
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.MultiCell(0, 6, tr(text), "", "L", false)
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHostilePDFs crawls a site whose PDFs are good, oversized, scanned,
// broken, served as text/html, or make the extractor hang: the good ones
// are stored as documents, every other one is skipped and counted by
// reason, and no page of the site is lost.
func TestHostilePDFs(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext not installed (poppler-utils)")
		}
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	s := newSite(t)
	good := reportPDF(t, "Rapport d'activité 2022", "rapport", "Le programme Ouarzazoua a accompagné trois cents familles dans leur projet de réintégration. "+strings.Repeat("Les partenaires ont suivi chaque étape. ", 20))
	mislabelled := reportPDF(t, "Note de synthèse", "note", "La note Tafilemzi résume les recommandations de l'atelier régional. "+strings.Repeat("Chaque recommandation est détaillée. ", 20))
	serve := func(path, ct string, body []byte) {
		s.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Write(body)
		})
	}
	serve("/files/rapport.pdf", "application/pdf", good)
	serve("/files/note.pdf", "text/html; charset=utf-8", mislabelled)
	serve("/files/casse.pdf", "application/pdf", good[:len(good)/3])
	serve("/files/lent.pdf", "application/pdf", reportPDF(t, "Lent", "hang-the-extractor", "Ce document fait attendre l'extracteur."))
	s.HandleFunc("/files/enorme.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", strconv.Itoa(50<<20))
		w.Write([]byte("%PDF-1.4\n"))
	})
	s.html("/", "Accueil", "Le site de la mission et ses rapports publiés cette année.",
		"/fr/news/rapport", "/files/note.pdf", "/files/casse.pdf", "/files/enorme.pdf", "/files/lent.pdf")
	s.html("/fr/news/rapport", "Publication du rapport d'activité", "La mission publie son rapport d'activité 2022 en ligne.", "/files/rapport.pdf")

	// The extractor runs the real pdftotext, except for lent.pdf, whose
	// run hangs: a wrapper script sleeps when one of its arguments is a
	// file with the marker in it.
	real, _ := exec.LookPath("pdftotext")
	wrapper := filepath.Join(t.TempDir(), "pdftotext")
	script := "#!/bin/sh\nfor a; do if [ -f \"$a\" ] && grep -q hang-the-extractor \"$a\"; then sleep 30; fi; done\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := s.config()
	cfg.Delay = 0
	cfg.MaxDocumentBytes = crawler.DefaultMaxDocumentBytes
	cfg.PDF = &pdftext.Extractor{PdftotextPath: wrapper, Timeout: 2 * time.Second}
	cfg.Logger = testLogger(t)
	st := openStore(t)
	start := time.Now()
	stats, _ := crawl(t, cfg, st)
	if d := time.Since(start); d > 25*time.Second {
		t.Errorf("crawl took %v: the hung extraction was not cut at its timeout", d)
	}
	if stats.Documents != 2 {
		t.Errorf("Documents = %d, want 2 (the report and the PDF served as text/html)", stats.Documents)
	}
	want := map[string]int{"broken": 1, "too_large": 1, "timeout": 1}
	for k, n := range want {
		if stats.DocumentsSkipped[k] != n {
			t.Errorf("DocumentsSkipped = %v, want %v", stats.DocumentsSkipped, want)
			break
		}
	}
	for path, word := range map[string]string{"/files/rapport.pdf": "Ouarzazoua", "/files/note.pdf": "Tafilemzi"} {
		p := pageAt(t, st, s.URL(path))
		if p == nil || p.Type != missionsearch.TypeDocument || !strings.Contains(p.Body, word) {
			t.Errorf("%s: stored %+v, want a document with %q", path, p, word)
		}
	}
	if p := pageAt(t, st, s.URL("/files/rapport.pdf")); p != nil {
		if p.Title != "Rapport d'activité 2022" || p.PublishedSource != missionsearch.DatePDF || len(p.CitedBy) != 1 || !strings.HasSuffix(p.CitedBy[0].URL, "/fr/news/rapport") {
			t.Errorf("report: title %q, date from %q, cited by %v", p.Title, p.PublishedSource, p.CitedBy)
		}
	}
	for _, path := range []string{"/", "/fr/news/rapport"} {
		if pageAt(t, st, s.URL(path)) == nil {
			t.Errorf("page %s lost", path)
		}
	}
	if s.Hits("/files/enorme.pdf") != 1 {
		t.Errorf("the oversized PDF was fetched %d times, want 1", s.Hits("/files/enorme.pdf"))
	}
}

// TestOlderRecordsRefetched checks that a page stored by an older
// extraction (a state of an older RecordVersion, as every state stored
// before versions) is fetched in full, not answered by a 304, and stored
// again with this version's record; the crawl after asks conditionally.
func TestOlderRecordsRefetched(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(page("Avec ETag", "Une page qui ne change pas, publiée le 5 octobre 2021 à Rabat par la mission et ses partenaires.")))
	})
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/etag")
	st := openStore(t)
	u := s.URL("/etag")
	old := &missionsearch.Page{URL: u, Title: "Avec ETag", Lang: missionsearch.LangFR, Tags: []string{}, Body: "ancien"}
	if err := st.PutPage(t.Context(), old, missionsearch.CrawlState{URL: u, ETag: `"v1"`, ContentHash: "old", Status: 200, Links: []string{}}); err != nil {
		t.Fatal(err)
	}
	cfg := s.config()
	cfg.BoilerplatePages = -1
	crawl(t, cfg, st)
	if r := s.requests("/etag"); len(r) != 1 || r[0].req.Header.Get("If-None-Match") != "" {
		t.Fatalf("the older record was asked for conditionally (%d requests)", len(r))
	}
	if p := pageAt(t, st, u); p == nil || p.Type == "" || p.Body == "ancien" {
		t.Fatalf("the older record was not replaced: %+v", p)
	}
	crawlAt(t, cfg, st, nextDay())
	if r := s.requests("/etag"); len(r) != 2 || r[len(r)-1].req.Header.Get("If-None-Match") != `"v1"` {
		t.Errorf("the crawl a day after did not ask conditionally (%d requests)", len(r))
	}
}

// TestSoftErrors recrawls a site whose pages now answer 200 with error
// pages: a "page introuvable" takes its stored page out of the index, a
// maintenance page and a login wall leave the stored pages as they were,
// and none of their text is stored.
func TestSoftErrors(t *testing.T) {
	s := newSite(t)
	var broken atomic.Bool
	article := func(path, title, body, errTitle, errBody string) {
		s.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			if broken.Load() {
				w.Write([]byte(page(errTitle, errBody)))
				return
			}
			w.Write([]byte(page(title, body)))
		})
	}
	long := strings.Repeat("La mission a réuni ses partenaires à Rabat pour une journée de travail. ", 5)
	article("/supprime", "Un article supprimé", long, "Page introuvable", "La page demandée n'existe pas ou a été déplacée.")
	article("/maintenance", "Formation des techniciens en maintenance des équipements de santé", long, "Site en maintenance", "Le site est en cours de maintenance. Revenez plus tard.")
	article("/prive", "Un article privé", long, "Connexion", "Veuillez vous connecter : identifiez-vous pour continuer.")
	s.html("/", "Accueil", "Liens vers les articles de la mission.", "/supprime", "/maintenance", "/prive")
	st := openStore(t)
	cfg := s.config()
	cfg.BoilerplatePages = -1
	if stats, _ := crawl(t, cfg, st); stats.Stored != 4 {
		t.Fatalf("first crawl stored %d pages, want 4: %+v", stats.Stored, stats)
	}
	broken.Store(true)
	stats, _ := crawlAt(t, cfg, st, nextDay())
	if stats.SoftErrors != 3 || stats.Gone != 1 {
		t.Errorf("recrawl: %d soft errors, %d gone; want 3 and 1", stats.SoftErrors, stats.Gone)
	}
	if _, ok := state(t, st, s.URL("/supprime")); !ok || pageAt(t, st, s.URL("/supprime")) != nil && !goneState(t, st, s.URL("/supprime")) {
		t.Errorf("the 'page introuvable' article is still live")
	}
	for _, path := range []string{"/maintenance", "/prive"} {
		p := pageAt(t, st, s.URL(path))
		if p == nil || !strings.Contains(p.Body, "La mission a réuni") || goneState(t, st, s.URL(path)) {
			t.Errorf("%s: the stored page was replaced or lost: %+v", path, p)
		}
	}
}

func goneState(t *testing.T, st *store.Store, u string) bool {
	t.Helper()
	s, ok := state(t, st, u)
	return ok && s.Gone
}

// TestStalePagesRechecked: an article deleted from the site and unlinked
// stays in the index until its last check is MaxAge old; then the crawl
// fetches it although nothing links to it, and it leaves. A dead link is
// not fetched again before MaxAge.
func TestStalePagesRechecked(t *testing.T) {
	s := newSite(t)
	var deleted atomic.Bool
	s.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		if deleted.Load() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(page("Un article", strings.Repeat("La mission a réuni ses partenaires. ", 10))))
	})
	s.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		if deleted.Load() {
			w.Write([]byte(page("Accueil", "Bienvenue sur le site de la mission.", "/mort")))
			return
		}
		w.Write([]byte(page("Accueil", "Bienvenue sur le site de la mission.", "/article", "/mort")))
	})
	st := openStore(t)
	cfg := s.config()
	cfg.BoilerplatePages = -1
	crawl(t, cfg, st)
	if pageAt(t, st, s.URL("/article")) == nil || s.Hits("/mort") != 1 {
		t.Fatalf("first crawl: article stored %v, dead link fetched %d times", pageAt(t, st, s.URL("/article")) != nil, s.Hits("/mort"))
	}
	deleted.Store(true)
	crawl(t, cfg, st) // MaxAge 7 days: the unlinked article is not due
	if s.Hits("/article") != 1 || goneState(t, st, s.URL("/article")) {
		t.Errorf("an article checked minutes ago was fetched again (%d fetches)", s.Hits("/article"))
	}
	if s.Hits("/mort") != 1 {
		t.Errorf("a dead link checked minutes ago was fetched again (%d fetches)", s.Hits("/mort"))
	}
	cfg.MaxAge = time.Nanosecond // everything is due
	stats, _ := crawl(t, cfg, st)
	if s.Hits("/article") != 2 || !goneState(t, st, s.URL("/article")) || stats.Gone != 1 {
		t.Errorf("the deleted, unlinked article: %d fetches, gone %v (stats %+v)", s.Hits("/article"), goneState(t, st, s.URL("/article")), stats)
	}
	if s.Hits("/mort") != 2 {
		t.Errorf("a dead link past MaxAge was not checked again (%d fetches)", s.Hits("/mort"))
	}
}
