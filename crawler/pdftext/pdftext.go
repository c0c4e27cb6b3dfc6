package pdftext

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Defaults of the Extractor's zero fields.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultMaxMemory = 512 << 20
	DefaultMaxPages  = 500
	DefaultMaxText   = 1 << 20
)

// MinLetters is the number of letters below which a PDF counts as having no
// text (ErrNoText).
const MinLetters = 20

// Extractor extracts the text and metadata of PDF files with poppler-utils.
// Its zero value is ready to use and looks the tools up on PATH. An
// Extractor must not be changed once in use; it is then safe for
// concurrent use, each call running its own subprocesses.
type Extractor struct {
	// PdftotextPath and PdfinfoPath are the programs to run; "" looks up
	// "pdftotext" and "pdfinfo" on PATH.
	PdftotextPath, PdfinfoPath string
	// Timeout bounds the whole extraction of one PDF, both tools included;
	// 0 means DefaultTimeout (30 s). The tools also get a CPU-time limit
	// of Timeout, rounded up to a second, when prlimit is available.
	Timeout time.Duration
	// MaxMemory is the address-space limit of each subprocess in bytes
	// (prlimit --as); 0 means DefaultMaxMemory (512 MiB). It is not
	// enforced when prlimit is not on PATH, nor ever on Windows.
	MaxMemory int64
	// MaxPages is the number of pages whose text is extracted; 0 means
	// DefaultMaxPages (500). Doc.Pages still counts every page.
	MaxPages int
	// MaxText is the number of bytes of text kept in Doc.Text, cut at a
	// word boundary; 0 means DefaultMaxText (1 MiB).
	MaxText int
}

// Doc is the text and metadata of one PDF.
type Doc struct {
	// Title, Author, Subject and Keywords come from the PDF's Info
	// dictionary, as pdfinfo shows them in UTF-8; "" when absent.
	Title, Author, Subject, Keywords string
	// Created and Modified are the Info dictionary's CreationDate and
	// ModDate; the zero time when absent or unparsable.
	Created, Modified time.Time
	// Pages is the number of pages of the document.
	Pages int
	// Lang is the document's language as written in its /Lang entry
	// ("fr", "fr-FR"), found in the file's uncompressed objects; "" when
	// there is none or it sits in a compressed object stream.
	Lang string
	// Text is the UTF-8 text of the first MaxPages pages, in page order,
	// with paragraphs separated by "\n\n" and no other line breaks: lines
	// of a paragraph are joined, a word hyphenated at a line end is
	// rejoined, runs of spaces are collapsed, and a header or footer
	// repeated at the top or bottom of most pages (page numbers included)
	// is removed. It holds at most MaxText bytes.
	Text string
	// Truncated reports whether text was left out because of MaxPages or
	// MaxText.
	Truncated bool
}

func (e *Extractor) timeout() time.Duration {
	if e.Timeout > 0 {
		return e.Timeout
	}
	return DefaultTimeout
}

func (e *Extractor) maxMemory() int64 {
	if e.MaxMemory > 0 {
		return e.MaxMemory
	}
	return DefaultMaxMemory
}

func (e *Extractor) maxPages() int {
	if e.MaxPages > 0 {
		return e.MaxPages
	}
	return DefaultMaxPages
}

func (e *Extractor) maxText() int {
	if e.MaxText > 0 {
		return e.MaxText
	}
	return DefaultMaxText
}

// tools returns the resolved paths of pdfinfo and pdftotext.
func (e *Extractor) tools() (pdfinfo, pdftotext string, err error) {
	look := func(path, name string) (string, error) {
		if path == "" {
			path = name
		}
		p, err := exec.LookPath(path)
		if err != nil {
			return "", &Error{Step: "lookup", Kind: ErrUnavailable, Detail: name + " not found (install poppler-utils)", Err: err}
		}
		return p, nil
	}
	if pdfinfo, err = look(e.PdfinfoPath, "pdfinfo"); err != nil {
		return "", "", err
	}
	if pdftotext, err = look(e.PdftotextPath, "pdftotext"); err != nil {
		return "", "", err
	}
	return pdfinfo, pdftotext, nil
}

// Available reports whether the tools can run: it looks them up and runs
// each with -v under the usual limits. It returns nil when both ran, and
// else an error wrapping ErrUnavailable that names the missing or failing
// program.
func (e *Extractor) Available() error {
	pdfinfo, pdftotext, err := e.tools()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeoutCause(context.Background(), min(e.timeout(), 10*time.Second), errOwnTimeout)
	defer cancel()
	for _, p := range []struct{ step, path string }{{"pdfinfo", pdfinfo}, {"pdftotext", pdftotext}} {
		if _, err := e.run(ctx, p.step, p.path, []string{"-v"}, 0); err != nil {
			return &Error{Step: p.step, Kind: ErrUnavailable, Detail: p.path + " -v failed", Err: err}
		}
	}
	return nil
}

// magicWindow is how far from the start of the data the %PDF- header may
// be, as readers accept some leading garbage.
const magicWindow = 1024

// Extract returns the text and metadata of the PDF in data. data is only
// read, and may be reused once Extract returns.
//
// Before running anything it checks that the %PDF- header is within the
// first 1024 bytes (ErrBroken). It then runs pdfinfo and pdftotext on a
// temporary copy, under one deadline of Timeout and the memory limits;
// when ctx ends first, both are killed and the error wraps ErrTimeout and
// ctx.Err(). On failure the error wraps one of the package's sentinels
// and names the failing step, and the Doc is nil, except with ErrNoText:
// the Doc then holds the metadata and whatever little text was found, so
// that a scanned report can still be listed by its title.
func (e *Extractor) Extract(ctx context.Context, data []byte) (*Doc, error) {
	if !bytes.Contains(data[:min(len(data), magicWindow+len("%PDF-"))], []byte("%PDF-")) {
		return nil, &Error{Step: "check", Kind: ErrBroken, Detail: fmt.Sprintf("no %%PDF- header in the first %d bytes", magicWindow)}
	}
	pdfinfo, pdftotext, err := e.tools()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "pdftext-*.pdf")
	if err != nil {
		return nil, &Error{Step: "tempfile", Kind: ErrUnavailable, Err: err}
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, &Error{Step: "tempfile", Kind: ErrUnavailable, Err: err}
	}

	ctx, cancel := context.WithTimeoutCause(ctx, e.timeout(), errOwnTimeout)
	defer cancel()

	info, err := e.run(ctx, "pdfinfo", pdfinfo, []string{"-isodates", "-enc", "UTF-8", f.Name()}, 1<<20)
	if err != nil {
		return nil, err
	}
	doc, perm := parseInfo(info.stdout)
	if doc.Pages == 0 {
		return nil, &Error{Step: "pdfinfo", Kind: ErrBroken, Detail: "no page count in the output"}
	}
	if perm != "" {
		return nil, &Error{Step: "pdfinfo", Kind: ErrEncrypted, Detail: perm}
	}
	doc.Lang = findLang(data)

	pages := min(doc.Pages, e.maxPages())
	limit := e.maxText()
	// The raw output is cut at twice MaxText: tidying shrinks it.
	out, err := e.run(ctx, "pdftotext", pdftotext, []string{"-enc", "UTF-8", "-l", strconv.Itoa(pages), "-q", f.Name(), "-"}, 2*int64(limit)+4096)
	if err != nil {
		return nil, err
	}
	text, cut := tidy(out.stdout, limit)
	doc.Text = text
	doc.Truncated = cut || out.truncated || pages < doc.Pages
	if n := countLetters(doc.Text, MinLetters); n < MinLetters {
		return doc, &Error{Step: "pdftotext", Kind: ErrNoText, Detail: fmt.Sprintf("%d letters on %d pages", n, pages)}
	}
	return doc, nil
}

// parseInfo reads the output of pdfinfo -isodates. perm is non-empty when
// the permissions forbid copying the text.
func parseInfo(out []byte) (doc *Doc, perm string) {
	doc = &Doc{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "Title":
			doc.Title = val
		case "Author":
			doc.Author = val
		case "Subject":
			doc.Subject = val
		case "Keywords":
			doc.Keywords = val
		case "CreationDate":
			doc.Created = parseDate(val)
		case "ModDate":
			doc.Modified = parseDate(val)
		case "Pages":
			doc.Pages, _ = strconv.Atoi(val)
		case "Encrypted":
			if strings.Contains(val, "copy:no") {
				perm = "copying text not allowed (" + val + ")"
			}
		}
	}
	return doc, perm
}

// parseDate parses a date of pdfinfo -isodates: "2024-03-01T10:00:00Z",
// "2024-03-01T10:00:00+01", "2024-03-01T10:00:00+01:00".
func parseDate(s string) time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-07", "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// langRE matches a /Lang entry written as a literal string.
var langRE = regexp.MustCompile(`/Lang\s*\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\)`)

// findLang returns the first /Lang value in data's uncompressed objects:
// in practice the catalog's, as the structure elements that may also have
// one sit in compressed object streams.
func findLang(data []byte) string {
	if m := langRE.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return ""
}
