package pdftext_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler/pdftext"
)

// needPoppler skips the test when pdftotext or pdfinfo is missing, except
// in CI (CI set), which installs them: there the test fails.
func needPoppler(tb testing.TB) {
	tb.Helper()
	for _, name := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s not found in CI: install poppler-utils", name)
			}
			tb.Skipf("%s not found: install poppler-utils to run this test", name)
		}
	}
}

// needPrlimit skips the test when prlimit (util-linux) is not on PATH.
func needPrlimit(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("prlimit"); err != nil {
		tb.Skip("prlimit not found: memory limits are not enforced without util-linux")
	}
}

// Paragraphs of the generated report. The second one is written with a
// word hyphenated at a line end ("dévelop-" / "pement").
var reportParas = []string{
	"En %d, la mission a accompagné près de quatre mille personnes à Rabat, à Fès et à Oujda : accueil, soins, hébergement d'urgence et aide juridique.",
	"Le programme de formation des élèves de l'Oriental a permis le dévelop-\npement de douze clubs de lecture, où les bénévoles ont animé des ateliers d'écriture.",
	"La coopération avec les collectivités territoriales s'est renforcée ; une œuvre commune, saluée par les partenaires, dont l'Union européenne et la Confédération suisse.",
}

// wantPara is reportParas[i] of page n as the extracted text gives it.
func wantPara(i, n int) string {
	p := reportParas[i]
	if i == 0 {
		p = fmt.Sprintf(p, 2000+n)
	}
	return strings.ReplaceAll(p, "-\n", "")
}

var reportCreated = time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)

// mustReport returns a French report of the given number of pages with
// title, author, subject, keywords, creation date and /Lang, a header and
// a numbered footer on every page, and three paragraphs a page. setup, if
// not nil, is called before the first page is added.
func mustReport(tb testing.TB, pages int, setup func(*fpdf.Fpdf)) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle("Rapport d'activité 2024 — Maroc", true)
	pdf.SetAuthor("Mission de l'AIM au Maroc", true)
	pdf.SetSubject("Activités de l'année", true)
	pdf.SetKeywords("migration, protection, élèves", true)
	pdf.SetCreationDate(reportCreated)
	pdf.SetModificationDate(reportCreated.Add(48 * time.Hour))
	pdf.SetLang("fr")
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("Helvetica", "I", 8)
		pdf.CellFormat(0, 8, tr("AIM Maroc — Rapport annuel 2024"), "", 1, "C", false, 0, "")
		pdf.Ln(8)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "I", 8)
		pdf.CellFormat(0, 10, fmt.Sprintf("Page %d", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	if setup != nil {
		setup(pdf)
	}
	for n := 1; n <= pages; n++ {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 11)
		for i := range reportParas {
			p := reportParas[i]
			if i == 0 {
				p = fmt.Sprintf(p, 2000+n)
			}
			pdf.MultiCell(0, 6, tr(p), "", "L", false)
			pdf.Ln(10)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// mustDrawing returns a one-page PDF with a drawn rectangle and no text.
func mustDrawing(tb testing.TB) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Scan", false)
	pdf.AddPage()
	pdf.SetFillColor(200, 200, 200)
	pdf.Rect(20, 20, 150, 200, "FD")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestExtractFrenchReport(t *testing.T) {
	needPoppler(t)
	var e pdftext.Extractor
	doc, err := e.Extract(t.Context(), mustReport(t, 4, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ field, got, want string }{
		{"Title", doc.Title, "Rapport d'activité 2024 — Maroc"},
		{"Author", doc.Author, "Mission de l'AIM au Maroc"},
		{"Subject", doc.Subject, "Activités de l'année"},
		{"Keywords", doc.Keywords, "migration, protection, élèves"},
		{"Lang", doc.Lang, "fr"},
	} {
		if c.got != c.want {
			t.Errorf("Extract(report).%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if !doc.Created.Equal(reportCreated) {
		t.Errorf("Extract(report).Created = %v, want %v", doc.Created, reportCreated)
	}
	if want := reportCreated.Add(48 * time.Hour); !doc.Modified.Equal(want) {
		t.Errorf("Extract(report).Modified = %v, want %v", doc.Modified, want)
	}
	if doc.Pages != 4 || doc.Truncated {
		t.Errorf("Extract(report): Pages %d, Truncated %v; want 4, false", doc.Pages, doc.Truncated)
	}
	// Every paragraph once, on one line, in page order; nothing else.
	var want []string
	for n := 1; n <= 4; n++ {
		for i := range reportParas {
			want = append(want, wantPara(i, n))
		}
	}
	if got := strings.Split(doc.Text, "\n\n"); !slicesEqual(got, want) {
		t.Errorf("Extract(report).Text paragraphs:\n%q\nwant\n%q", got, want)
	}
	for _, bad := range []string{"Rapport annuel 2024", "Page ", "\f", "dévelop-"} {
		if strings.Contains(doc.Text, bad) {
			t.Errorf("Extract(report).Text holds %q", bad)
		}
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestExtractLimits(t *testing.T) {
	needPoppler(t)
	data := mustReport(t, 5, nil)

	e := pdftext.Extractor{MaxPages: 2}
	doc, err := e.Extract(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pages != 5 || !doc.Truncated {
		t.Errorf("MaxPages 2: Pages %d, Truncated %v; want 5, true", doc.Pages, doc.Truncated)
	}
	if !strings.Contains(doc.Text, wantPara(0, 2)) || strings.Contains(doc.Text, wantPara(0, 3)) {
		t.Errorf("MaxPages 2: text is not that of pages 1–2: %q", doc.Text)
	}

	e = pdftext.Extractor{MaxText: 500}
	doc, err = e.Extract(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Text) > 500 || len(doc.Text) < 375 || !utf8.ValidString(doc.Text) || !doc.Truncated {
		t.Errorf("MaxText 500: %d bytes, valid %v, Truncated %v", len(doc.Text), utf8.ValidString(doc.Text), doc.Truncated)
	}
	if !strings.HasPrefix(doc.Text, wantPara(0, 1)) {
		t.Errorf("MaxText 500: text %q", doc.Text)
	}
}

// TestExtractErrors runs the real tools on inputs they must refuse.
func TestExtractErrors(t *testing.T) {
	needPoppler(t)
	report := mustReport(t, 2, nil)
	tests := []struct {
		name   string
		data   []byte
		want   error
		reason string
	}{
		{"drawing only", mustDrawing(t), pdftext.ErrNoText, "no_text"},
		{"user password", mustReport(t, 1, func(p *fpdf.Fpdf) { p.SetProtection(fpdf.CnProtectPrint|fpdf.CnProtectCopy, "secret", "owner") }), pdftext.ErrEncrypted, "encrypted"},
		{"copy not allowed", mustReport(t, 1, func(p *fpdf.Fpdf) { p.SetProtection(fpdf.CnProtectPrint, "", "owner") }), pdftext.ErrEncrypted, "encrypted"},
		{"truncated", report[:len(report)/2], pdftext.ErrBroken, "broken"},
		{"html", []byte("<!DOCTYPE html><html><body><p>Rapport annuel</p></body></html>"), pdftext.ErrBroken, "broken"},
		{"empty", nil, pdftext.ErrBroken, "broken"},
		{"header only", []byte("%PDF-1.7\n"), pdftext.ErrBroken, "broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e pdftext.Extractor
			doc, err := e.Extract(t.Context(), tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract(%s) = %v, want %v", tt.name, err, tt.want)
			}
			if got := pdftext.Reason(err); got != tt.reason {
				t.Errorf("Reason(%v) = %q, want %q", err, got, tt.reason)
			}
			if got := missionsearch.ErrorCode(err); got != missionsearch.EINVALID {
				t.Errorf("ErrorCode(%v) = %q, want %q", err, got, missionsearch.EINVALID)
			}
			if tt.want == pdftext.ErrNoText {
				if doc == nil || doc.Pages != 1 || doc.Title != "Scan" {
					t.Errorf("Extract(%s) with ErrNoText: Doc %+v, want its metadata", tt.name, doc)
				}
			} else if doc != nil {
				t.Errorf("Extract(%s) = %+v with %v, want a nil Doc", tt.name, doc, err)
			}
		})
	}
}

// TestExtractHuge feeds 50 MB of junk behind a PDF header: the tools give
// up, time out or fail, but within the deadline and without harm.
func TestExtractHuge(t *testing.T) {
	needPoppler(t)
	if testing.Short() {
		t.Skip("50 MB input in -short mode")
	}
	data := make([]byte, 50<<20)
	copy(data, "%PDF-1.7\n1 0 obj\n<< /Length 52428800 >>\nstream\n")
	for i := 64; i < len(data); i++ {
		data[i] = byte(i*7919>>3) | 0x80
	}
	e := pdftext.Extractor{Timeout: 10 * time.Second, MaxMemory: 256 << 20}
	start := time.Now()
	_, err := e.Extract(t.Context(), data)
	took := time.Since(start)
	t.Logf("50 MB: %v in %v", err, took)
	if err == nil || pdftext.Reason(err) == "" {
		t.Errorf("Extract(50 MB of junk) = %v, want one of the package's errors", err)
	}
	if took > e.Timeout+2*time.Second {
		t.Errorf("Extract(50 MB of junk) took %v, timeout %v", took, e.Timeout)
	}
}

// TestExtractTinyMemory runs the real pdftotext under a limit too small for
// it to even load: ErrTooLarge, naming the cause.
func TestExtractTinyMemory(t *testing.T) {
	needPoppler(t)
	needPrlimit(t)
	e := pdftext.Extractor{MaxMemory: 8 << 20}
	_, err := e.Extract(t.Context(), mustReport(t, 1, nil))
	if !errors.Is(err, pdftext.ErrTooLarge) {
		t.Fatalf("Extract under 8 MiB = %v, want ErrTooLarge", err)
	}
	if !strings.Contains(err.Error(), "memory") {
		t.Errorf("error %q does not say memory", err)
	}
}

// script writes an executable shell script into dir and returns its path.
func script(tb testing.TB, dir, name, body string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		tb.Fatal(err)
	}
	return p
}

// fakeInfo is a pdfinfo stand-in that describes a one-page PDF.
const fakeInfo = "#!/bin/sh\necho 'Title:          Faux'\necho 'Pages:          1'\n"

// TestExtractHostileTools replaces the tools by scripts that misbehave,
// to check that every failure is contained and named.
func TestExtractHostileTools(t *testing.T) {
	data := []byte("%PDF-1.4\n% a stand-in: the scripts do not read it\n")
	tests := []struct {
		name            string
		pdfinfo, totext string // script bodies; "" for fakeInfo
		maxMemory       int64
		prlimit         bool // the case needs prlimit
		want            error
		wantInMsg       string
	}{
		{name: "pdfinfo crashes", pdfinfo: "#!/bin/sh\nkill -SEGV $$\n", want: pdftext.ErrBroken, wantInMsg: "signal"},
		{name: "pdftotext crashes", totext: "#!/bin/sh\nkill -SEGV $$\n", want: pdftext.ErrBroken, wantInMsg: "pdftotext: broken PDF: crashed with signal segmentation fault"},
		{name: "pdftotext aborts", totext: "#!/bin/sh\nkill -ABRT $$\n", want: pdftext.ErrBroken, wantInMsg: "signal"},
		{name: "pdftotext fails", totext: "#!/bin/sh\necho \"Syntax Error: Couldn't read xref table\" >&2\nexit 1\n", want: pdftext.ErrBroken, wantInMsg: "Couldn't read xref table"},
		{name: "wrong password", pdfinfo: "#!/bin/sh\necho 'Command Line Error: Incorrect password' >&2\nexit 1\n", want: pdftext.ErrEncrypted, wantInMsg: "Incorrect password"},
		{name: "permission error", totext: "#!/bin/sh\nexit 3\n", want: pdftext.ErrEncrypted},
		{name: "no text", totext: "#!/bin/sh\nprintf '\\f\\f'\n", want: pdftext.ErrNoText},
		{name: "no page count", pdfinfo: "#!/bin/sh\necho 'Title: x'\n", want: pdftext.ErrBroken, wantInMsg: "page count"},
		{name: "endless output", totext: "#!/bin/sh\nexec yes 'mot '\n", want: pdftext.ErrTimeout},
		{name: "allocates too much", totext: "#!/bin/bash\nx=$(head -c 200000000 /dev/zero | tr '\\0' a)\necho \"$x\"\n", maxMemory: 64 << 20, prlimit: true, want: pdftext.ErrTooLarge, wantInMsg: "cannot allocate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prlimit {
				needPrlimit(t)
			}
			dir := t.TempDir()
			info, totext := tt.pdfinfo, tt.totext
			if info == "" {
				info = fakeInfo
			}
			if totext == "" {
				totext = "#!/bin/sh\necho 'Un texte assez long pour compter plus de vingt lettres.'\n"
			}
			e := pdftext.Extractor{
				PdfinfoPath:   script(t, dir, "pdfinfo", info),
				PdftotextPath: script(t, dir, "pdftotext", totext),
				Timeout:       2 * time.Second,
				MaxMemory:     tt.maxMemory,
			}
			_, err := e.Extract(t.Context(), data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Errorf("Extract = %q, want it to contain %q", err, tt.wantInMsg)
			}
		})
	}
}

// TestExtractHang checks that a tool that hangs, and the child it started,
// are killed at the deadline, and that the caller's context is obeyed too.
func TestExtractHang(t *testing.T) {
	for _, caller := range []bool{false, true} {
		t.Run(map[bool]string{false: "timeout", true: "caller cancels"}[caller], func(t *testing.T) {
			dir := t.TempDir()
			pids := filepath.Join(dir, "pids")
			e := pdftext.Extractor{
				PdfinfoPath:   script(t, dir, "pdfinfo", fakeInfo),
				PdftotextPath: script(t, dir, "pdftotext", "#!/bin/sh\necho $$ > "+pids+"\nsleep 60 &\necho $! >> "+pids+"\nwait\n"),
				Timeout:       time.Second,
			}
			ctx := t.Context()
			if caller {
				e.Timeout = time.Minute
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				time.AfterFunc(time.Second, cancel)
			}
			start := time.Now()
			_, err := e.Extract(ctx, []byte("%PDF-1.4\n"))
			took := time.Since(start)
			if !errors.Is(err, pdftext.ErrTimeout) || pdftext.Reason(err) != "timeout" {
				t.Fatalf("Extract(hang) = %v, want ErrTimeout", err)
			}
			if took > 3*time.Second {
				t.Errorf("Extract(hang) took %v, want about 1s", took)
			}
			if got, want := errors.Is(err, context.Canceled), caller; got != want {
				t.Errorf("errors.Is(%v, context.Canceled) = %v, want %v", err, got, want)
			}
			if got, want := missionsearch.ErrorCode(err), map[bool]string{false: missionsearch.EINVALID, true: missionsearch.EINTERNAL}[caller]; got != want {
				t.Errorf("ErrorCode(%v) = %q, want %q", err, got, want)
			}
			b, err := os.ReadFile(pids)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range strings.Fields(string(b)) {
				pid, _ := strconv.Atoi(f)
				if !gone(pid, 2*time.Second) {
					t.Errorf("process %d still runs after the timeout", pid)
				}
			}
		})
	}
}

// gone reports whether process pid has exited (or is a zombie) within wait.
func gone(pid int, wait time.Duration) bool {
	for deadline := time.Now().Add(wait); ; {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		// "pid (comm) S …": the state follows the last ')'.
		if s := string(b); strings.HasPrefix(strings.TrimSpace(s[strings.LastIndexByte(s, ')')+1:]), "Z") {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAvailable(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		for _, e := range []pdftext.Extractor{
			{PdftotextPath: "/nonexistent/pdftotext", PdfinfoPath: "/bin/true"},
			{PdfinfoPath: "/nonexistent/pdfinfo"},
		} {
			err := e.Available()
			if !errors.Is(err, pdftext.ErrUnavailable) || pdftext.Reason(err) != "unavailable" {
				t.Fatalf("Available() = %v, want ErrUnavailable", err)
			}
			name := filepath.Base(e.PdftotextPath + e.PdfinfoPath)
			if e.PdfinfoPath == "/bin/true" {
				name = "pdftotext"
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("Available() = %q, does not name %s", err, name)
			}
			if got := missionsearch.ErrorCode(err); got != missionsearch.EUNAVAILABLE {
				t.Errorf("ErrorCode(%v) = %q, want %q", err, got, missionsearch.EUNAVAILABLE)
			}
			if _, xerr := e.Extract(t.Context(), []byte("%PDF-1.4\n")); !errors.Is(xerr, pdftext.ErrUnavailable) {
				t.Errorf("Extract with a missing tool = %v, want ErrUnavailable", xerr)
			}
		}
	})
	t.Run("fails to run", func(t *testing.T) {
		dir := t.TempDir()
		e := pdftext.Extractor{PdfinfoPath: script(t, dir, "pdfinfo", "#!/bin/sh\nexit 1\n"), PdftotextPath: "/bin/true"}
		if err := e.Available(); !errors.Is(err, pdftext.ErrUnavailable) || !strings.Contains(err.Error(), "pdfinfo") {
			t.Errorf("Available() = %v, want ErrUnavailable naming pdfinfo", err)
		}
	})
	t.Run("installed", func(t *testing.T) {
		needPoppler(t)
		var e pdftext.Extractor
		if err := e.Available(); err != nil {
			t.Errorf("Available() = %v", err)
		}
	})
}

func TestReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("other"), ""},
		{pdftext.ErrNoText, "no_text"},
		{fmt.Errorf("crawler: %w", pdftext.ErrEncrypted), "encrypted"},
		{pdftext.ErrBroken, "broken"},
		{pdftext.ErrTimeout, "timeout"},
		{pdftext.ErrTooLarge, "too_large"},
		{pdftext.ErrUnavailable, "unavailable"},
		{&pdftext.Error{Step: "pdftotext", Kind: pdftext.ErrTooLarge}, "too_large"},
	}
	for _, tt := range tests {
		if got := pdftext.Reason(tt.err); got != tt.want {
			t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// BenchmarkExtract extracts a generated 20-page French report.
//
//	go test -run '^$' -bench Extract -count 6 -benchmem ./crawler/pdftext/ | benchstat -
func BenchmarkExtract(b *testing.B) {
	needPoppler(b)
	data := mustReport(b, 20, nil)
	var e pdftext.Extractor
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := e.Extract(b.Context(), data)
		if err != nil || doc.Pages != 20 || !strings.Contains(doc.Text, wantPara(2, 20)) {
			b.Fatalf("Extract = %v, %v", doc, err)
		}
	}
}
