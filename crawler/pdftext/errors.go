package pdftext

import (
	"context"
	"errors"
	"fmt"

	"github.com/missionsearch/missionsearch"
)

// The kinds of failure of Extract and Available. Every error they return
// wraps exactly one of these; match them with errors.Is.
var (
	// ErrUnavailable means that pdftotext, pdfinfo or prlimit cannot be
	// found or run.
	ErrUnavailable = errors.New("pdftext: tools unavailable")
	// ErrBroken means that the data is not a PDF, is truncated or damaged
	// beyond repair, or that a tool failed on it (exited with an error or
	// crashed).
	ErrBroken = errors.New("pdftext: broken PDF")
	// ErrEncrypted means that the PDF needs a password to be opened, or
	// that its permissions forbid copying its text.
	ErrEncrypted = errors.New("pdftext: encrypted PDF")
	// ErrNoText means that the PDF opened but holds fewer than MinLetters
	// letters of text, as a scanned document without OCR does.
	ErrNoText = errors.New("pdftext: no text")
	// ErrTimeout means that the extraction passed the Extractor's Timeout
	// or its CPU-time limit, or that the caller's context ended. In the
	// last case the error also wraps ctx.Err().
	ErrTimeout = errors.New("pdftext: timeout")
	// ErrTooLarge means that a tool ran out of memory under MaxMemory, or
	// was killed by the system, which on Linux is the OOM killer's doing.
	ErrTooLarge = errors.New("pdftext: too large")
)

// reasons maps each sentinel to its label, in the order Reason tests them.
var reasons = []struct {
	err   error
	label string
}{
	{ErrNoText, "no_text"},
	{ErrEncrypted, "encrypted"},
	{ErrBroken, "broken"},
	{ErrTimeout, "timeout"},
	{ErrTooLarge, "too_large"},
	{ErrUnavailable, "unavailable"},
}

// Reason returns a short, stable label for the kind of err: "no_text",
// "encrypted", "broken", "timeout", "too_large" or "unavailable"; "" for
// nil and for errors that wrap none of this package's sentinels. The
// labels are meant for crawl summaries and metric labels, so they never
// change.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.label
		}
	}
	return ""
}

// userMessages are the missionsearch.Error messages of each kind; a kind
// without one gets no missionsearch code (and so counts as EINTERNAL).
var userMessages = map[error]struct{ code, msg string }{
	ErrUnavailable: {missionsearch.EUNAVAILABLE, "PDF text extraction is not available on this server."},
	ErrBroken:      {missionsearch.EINVALID, "The file is not a readable PDF."},
	ErrEncrypted:   {missionsearch.EINVALID, "The PDF is protected: its text cannot be extracted."},
	ErrNoText:      {missionsearch.EINVALID, "The PDF has no text (it may be a scan)."},
	ErrTooLarge:    {missionsearch.EINVALID, "The PDF needs too much memory to be read."},
	ErrTimeout:     {missionsearch.EINVALID, "The PDF takes too long to read."},
}

// Error is the error of a failed step. It wraps its kind (a sentinel), a
// *missionsearch.Error for that kind, and its cause, if any.
type Error struct {
	// Step is what failed: "check" (before any tool ran), "lookup",
	// "tempfile", "pdfinfo" or "pdftotext".
	Step string
	// Kind is one of the package's sentinels.
	Kind error
	// Detail says what happened in words, e.g. the last line the tool
	// wrote to its standard error.
	Detail string
	// Err is the underlying error, or nil.
	Err error
}

// Error implements the error interface: "pdftext: <step>: <kind>: <detail>: <cause>".
func (e *Error) Error() string {
	s := fmt.Sprintf("pdftext: %s: %s", e.Step, kindText(e.Kind))
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the kind, the *missionsearch.Error when the kind has a
// code, and the cause. A timeout caused by the caller's context has no
// code (it says nothing about the document); it wraps ctx.Err() instead.
func (e *Error) Unwrap() []error {
	out := []error{e.Kind}
	if m, ok := userMessages[e.Kind]; ok && !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, context.DeadlineExceeded) {
		out = append(out, missionsearch.Errorf(m.code, "%s", m.msg))
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// kindText is a sentinel's message without the package prefix.
func kindText(kind error) string {
	s := kind.Error()
	if len(s) > len("pdftext: ") && s[:len("pdftext: ")] == "pdftext: " {
		return s[len("pdftext: "):]
	}
	return s
}
