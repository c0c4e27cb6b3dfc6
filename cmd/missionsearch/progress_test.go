package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// screen replays what a terminal does with out, the bytes written to it:
// "\r" returns to the start of the row, "\033[K" erases from the cursor to
// the end of the row, "\n" starts a new row, other characters overwrite
// the row at the cursor. It returns the rows, the cursor's row last, and
// fails on any other control sequence.
func screen(t *testing.T, out string) []string {
	t.Helper()
	rows := [][]rune{nil}
	col := 0
	for i := 0; i < len(out); {
		row := &rows[len(rows)-1]
		switch {
		case strings.HasPrefix(out[i:], "\033[K"):
			*row = (*row)[:min(col, len(*row))]
			i += len("\033[K")
			continue
		case out[i] == '\033':
			t.Fatalf("unexpected escape sequence %q", out[i:min(i+8, len(out))])
		case out[i] == '\r':
			col = 0
		case out[i] == '\n':
			rows = append(rows, nil)
			col = 0
		default:
			r, size := utf8.DecodeRuneInString(out[i:])
			for len(*row) < col {
				*row = append(*row, ' ')
			}
			if col < len(*row) {
				(*row)[col] = r
			} else {
				*row = append(*row, r)
			}
			col++
			i += size
			continue
		}
		i++
	}
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = string(r)
	}
	return s
}

// TestProgressKeepsLogLinesWhole draws a reindex progress bar on a fake
// terminal as fast as it can while several goroutines log through the same
// console, then replays the output as a terminal would: every log record
// must be a whole row of its own, in the rows above the status line, and
// the status line, cut to the width, must be the last row until done
// erases it.
func TestProgressKeepsLogLinesWhole(t *testing.T) {
	const (
		workers = 4
		records = 200
		total   = 2000
		width   = 40
	)
	var out bytes.Buffer // the console serializes the writes
	c := &console{w: &out, tty: true, width: func() int { return width }}
	logger := slog.New(slog.NewTextHandler(c, nil))
	prog := newProgress(c, "reindex")
	prog.redraw = 0 // redraw on every call
	prog.count(0, total)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		for i := 0; ; i = (i + 1) % total {
			select {
			case <-stop:
				return
			default:
				prog.count(i, total)
			}
		}
	}()
	pad := strings.Repeat("x", 70) // log lines wider than the terminal
	for w := range workers {
		wg.Go(func() {
			for n := range records {
				logger.Info("indexed batch", "worker", w, "n", n, "pad", pad)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-progressDone

	rows := screen(t, out.String())
	status := rows[len(rows)-1]
	if !strings.HasPrefix(status, "reindex: [") || utf8.RuneCountInString(status) > width-1 {
		t.Errorf("status row = %q, want a reindex bar of at most %d columns", status, width-1)
	}
	if !strings.Contains(out.String(), "\r\033[K") {
		t.Errorf("the status line was never erased and redrawn:\n%q", out.String())
	}
	logLine := regexp.MustCompile(`^time=\S+ level=INFO msg="indexed batch" worker=(\d+) n=(\d+) pad=` + pad + `$`)
	seen := map[string]bool{}
	for _, row := range rows[:len(rows)-1] {
		m := logLine.FindStringSubmatch(row)
		if m == nil {
			t.Errorf("row %q is not a whole log record", row)
			continue
		}
		key := m[1] + "/" + m[2]
		if seen[key] {
			t.Errorf("log record %s shown twice", key)
		}
		seen[key] = true
	}
	if len(seen) != workers*records {
		t.Errorf("%d log records on screen, want %d", len(seen), workers*records)
	}

	prog.done()
	logger.Info("after")
	rows = screen(t, out.String())
	if got := rows[len(rows)-2]; !strings.Contains(got, `msg=after`) {
		t.Errorf("row after done = %q, want the log line alone", got)
	}
	if got := rows[len(rows)-1]; got != "" {
		t.Errorf("after done, the last row is %q, want the status line erased", got)
	}
}

// TestProgressNotTerminal checks that away from a terminal the progress
// display draws nothing: only log lines and, at most every printEvery,
// a plain progress line.
func TestProgressNotTerminal(t *testing.T) {
	var out lockedBuffer
	c := newConsole(&out)
	if c.tty {
		t.Fatal("a buffer is taken for a terminal")
	}
	logger := slog.New(slog.NewTextHandler(c, nil))
	prog := newProgress(c, "crawl")
	for i := range 50 {
		prog.count(i, 50)
		logger.Info("fetched", "n", i)
	}
	prog.done()
	got := out.String()
	if strings.ContainsAny(got, "\r\033") {
		t.Errorf("control characters in the output of a non-terminal:\n%q", got)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 51 || lines[0] != "crawl: 0/50 pages (0%)" {
		t.Errorf("got %d lines starting with %q, want one progress line then 50 log lines:\n%s", len(lines), lines[0], got)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "time=") {
			t.Errorf("line %q is not a log line", l)
		}
	}
}

// TestProgressPartialLine checks that a write that does not end its line
// is never followed by the status line.
func TestProgressPartialLine(t *testing.T) {
	var out bytes.Buffer
	c := &console{w: &out, tty: true}
	c.setStatus("crawl: 1 fetched", true)
	fmt.Fprint(c, "Continue? ")
	c.setStatus("crawl: 2 fetched", true)
	fmt.Fprint(c, "yes\n")
	rows := screen(t, out.String())
	if want := []string{"Continue? yes", "crawl: 2 fetched"}; strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Errorf("screen = %q, want %q", rows, want)
	}
}

func TestPageRate(t *testing.T) {
	tests := []struct {
		n           int
		d           time.Duration
		want        string // pageRate with rateAfter
		wantSummary string
	}{
		{1000, 0, "", ""},
		{1000, time.Millisecond, "", ""},
		{1, 16 * time.Nanosecond, "", ""},
		{1000, 150 * time.Millisecond, "", " (6667 pages/s)"},
		{1000, 2 * time.Second, "500 pages/s", " (500 pages/s)"},
		{3, 2 * time.Second, "1.5 pages/s", " (1.5 pages/s)"},
		{0, 2 * time.Second, "0.0 pages/s", " (0.0 pages/s)"},
	}
	for _, tt := range tests {
		if got := pageRate(tt.n, tt.d, rateAfter); got != tt.want {
			t.Errorf("pageRate(%d, %v, %v) = %q, want %q", tt.n, tt.d, rateAfter, got, tt.want)
		}
		if got := summaryRate(tt.n, tt.d); got != tt.wantSummary {
			t.Errorf("summaryRate(%d, %v) = %q, want %q", tt.n, tt.d, got, tt.wantSummary)
		}
	}
}
