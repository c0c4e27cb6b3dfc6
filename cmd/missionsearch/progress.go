package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
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

// progress shows a one-line status of a long job of unknown size.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	tty  bool
	name string
	last time.Time
	line string
}

func newProgress(w io.Writer, name string) *progress {
	return &progress{w: w, tty: isTerminal(w), name: name}
}

func (p *progress) update(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line = line
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s: %s", p.name, line)
	} else if time.Since(p.last) >= 5*time.Second {
		fmt.Fprintf(p.w, "%s: %s\n", p.name, line)
		p.last = time.Now()
	}
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.line != "" {
		fmt.Fprintln(p.w)
	}
}

// newBar returns a progress bar of total steps on a terminal, nil elsewhere.
func newBar(w io.Writer, total int, desc string) *progressbar.ProgressBar {
	if !isTerminal(w) {
		return nil
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("pages"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}
