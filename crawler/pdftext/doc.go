// Package pdftext turns the bytes of one PDF file, such as an annual or an
// event report linked from a mission site, into its text and metadata for
// the index.
//
// It runs Debian's poppler-utils as subprocesses: pdfinfo for the Info
// dictionary and the page count, then pdftotext for the text. Poppler is a
// well-kept extractor that copes with the damaged and odd files found on
// real sites. The pure-Go libraries our registry serves are weaker: pdfcpu
// is not approved and does little text extraction, and go-pdfium needs
// the native PDFium library. A subprocess also isolates the crawler: a PDF
// that makes the extractor loop, crash or eat memory costs one failed
// document, not the crawler process. Each subprocess runs in its own
// process group, under the Extractor's deadline (the whole group is killed
// when it passes) and, when util-linux's prlimit is on PATH, under an
// address-space limit and a CPU-time limit; without prlimit the tools run
// directly with the deadline only.
//
// Every failure wraps one of the sentinels ErrUnavailable, ErrBroken,
// ErrEncrypted, ErrNoText, ErrTimeout and ErrTooLarge, which callers match
// with errors.Is; Reason gives the short label the crawl summary and the
// metrics use. Errors caused by the document also carry a
// missionsearch.Error with code EINVALID, and ErrUnavailable carries
// EUNAVAILABLE.
//
// The package imports only the root package and the standard library; it
// does no network I/O. It writes each PDF to a temporary file in
// os.TempDir and removes it before Extract returns.
//
// On Windows (proc_windows.go) there are no process groups and no prlimit:
// each tool runs as a plain child process under the Extractor's deadline
// only, and only that process is killed when the deadline passes (poppler's
// tools start no children); MaxMemory and the CPU-time limit are not
// enforced, and no failure is classified by signal.
package pdftext
