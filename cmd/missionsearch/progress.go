package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal, where progress is redrawn in
// place; elsewhere (cron, CI, tests) progress is a log line every few seconds.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// clearLine moves the cursor to the start of its row and erases the row.
const clearLine = "\r\033[K"

// console is the stderr of a command. It passes every write through and,
// on a terminal, keeps one status line (the progress of a crawl or a
// reindex) drawn on the row below them: a write erases the status line,
// writes its bytes and redraws the status line after them, all in one
// write to the terminal under one lock. So a log line written while the
// status line is shown appears whole on its own rows, and the status line
// never lands inside it. Elsewhere (cron, pipes, tests) the status line is
// never drawn and writes pass through unchanged.
//
// A console is safe for concurrent use. Writers should write whole lines,
// as slog handlers do (one Write per record): after a write that does not
// end a line, the status line is drawn again only once a later write ends
// one.
type console struct {
	w   io.Writer
	tty bool // draw the status line on w
	// width returns the columns of the terminal; nil means 80. The status
	// line is cut to fit, so that it never wraps (erasing would then leave
	// its first rows behind).
	width func() int

	mu      sync.Mutex
	status  string // the status line to show, "" for none
	drawn   bool   // status is drawn on the cursor's row
	midLine bool   // the last write did not end its line
}

// newConsole returns the console writing to w, drawing a status line when
// w is a terminal. If w is a console already, it is returned as is.
func newConsole(w io.Writer) *console {
	if c, ok := w.(*console); ok {
		return c
	}
	c := &console{w: w, tty: isTerminal(w)}
	if f, ok := w.(*os.File); ok && c.tty {
		c.width = func() int {
			n, _, err := term.GetSize(int(f.Fd()))
			if err != nil || n <= 0 {
				return 80
			}
			return n
		}
	}
	return c
}

// Write writes p above the status line.
func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.tty {
		return c.w.Write(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	var buf []byte
	if c.drawn {
		buf = append(buf, clearLine...)
		c.drawn = false
	}
	skip := len(buf)
	buf = append(buf, p...)
	c.midLine = p[len(p)-1] != '\n'
	buf = c.appendStatus(buf)
	n, err := c.w.Write(buf)
	if err != nil {
		c.drawn = false // the row is unknown: never erase what may be a log line
		return min(max(n-skip, 0), len(p)), err
	}
	return len(p), nil
}

// setStatus makes s the status line (an empty s removes it) and, if draw
// is true, redraws it now; otherwise the next write shows it.
func (c *console) setStatus(s string, draw bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status = s
	if !c.tty || c.midLine || (!draw && s != "") {
		return
	}
	var buf []byte
	if c.drawn {
		buf = append(buf, clearLine...)
		c.drawn = false
	}
	buf = c.appendStatus(buf)
	if len(buf) > 0 {
		c.w.Write(buf) // best effort: a status line is not worth failing for
	}
}

// appendStatus appends the status line, cut to the terminal's width, to
// buf, unless there is none or the cursor is not at the start of a row.
func (c *console) appendStatus(buf []byte) []byte {
	if c.status == "" || c.midLine {
		return buf
	}
	width := 80
	if c.width != nil {
		width = c.width()
	}
	c.drawn = true
	// One column is left free: writing the last one wraps on some terminals.
	return append(buf, cut(c.status, width-1)...)
}

// cut returns the first n runes of s.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range max(n, 0) {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

const (
	// redrawEvery is the shortest time between two redraws of the status
	// line on a terminal.
	redrawEvery = 100 * time.Millisecond
	// printEvery is the shortest time between two progress lines
	// elsewhere.
	printEvery = 5 * time.Second
	// rateAfter is the time a progress display waits before showing a
	// rate: over a shorter time, a rate is noise.
	rateAfter = time.Second
	// summaryRateAfter is the shortest run whose final summary gives a
	// rate; a shorter one gives only its time.
	summaryRateAfter = 100 * time.Millisecond
)

// progress shows the progress of one long job: on a terminal as the status
// line of its console, redrawn in place below the log lines; elsewhere as
// a line every printEvery. It is safe for concurrent use.
type progress struct {
	c      *console
	name   string
	start  time.Time
	redraw time.Duration // shortest time between two redraws on a terminal

	mu   sync.Mutex
	last time.Time // when the last line was drawn or printed
}

// newProgress returns the progress display of job name on w, the command's
// stderr (a console, so that log lines written to it are kept above the
// status line).
func newProgress(w io.Writer, name string) *progress {
	return &progress{c: newConsole(w), name: name, start: time.Now(), redraw: redrawEvery}
}

// update shows line as the job's progress.
func (p *progress) update(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.c.tty {
		draw := now.Sub(p.last) >= p.redraw
		p.c.setStatus(p.name+": "+line, draw)
		if draw {
			p.last = now
		}
		return
	}
	if now.Sub(p.last) >= printEvery {
		fmt.Fprintf(p.c, "%s: %s\n", p.name, line)
		p.last = now
	}
}

// count shows the progress of a job of total pages, done of them done: a
// bar on a terminal, and the rate over the time since newProgress once it
// means something.
func (p *progress) count(done, total int) {
	line := fmt.Sprintf("%d/%d pages", done, total)
	if total > 0 {
		line += fmt.Sprintf(" (%d%%)", done*100/total)
	}
	if r := pageRate(done, time.Since(p.start), rateAfter); r != "" {
		line += ", " + r
	}
	if p.c.tty && total > 0 {
		line = bar(done, total, 20) + " " + line
	}
	p.update(line)
}

// done removes the status line. Call it once the job ends, before its
// summary.
func (p *progress) done() {
	p.c.setStatus("", true)
}

// bar draws done of total as a bar width characters wide.
func bar(done, total, width int) string {
	n := width * min(max(done, 0), total) / total
	return "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "]"
}

// pageRate formats n pages in d as "812 pages/s", or returns "" when d is
// shorter than after: over a near-zero time a rate means nothing (one page
// in 16ns would be 62 million pages/s).
func pageRate(n int, d, after time.Duration) string {
	if d < after || d <= 0 {
		return ""
	}
	r := float64(n) / d.Seconds()
	if r < 10 {
		return fmt.Sprintf("%.1f pages/s", r)
	}
	return fmt.Sprintf("%.0f pages/s", r)
}

// summaryRate returns " (812 pages/s)" for n pages in d, to follow the time
// in a final summary, or "" when d is under summaryRateAfter.
func summaryRate(n int, d time.Duration) string {
	if r := pageRate(n, d, summaryRateAfter); r != "" {
		return " (" + r + ")"
	}
	return ""
}
