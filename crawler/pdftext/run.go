package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// prlimitPath is the path of util-linux's prlimit, "" when it is not on
// PATH or the system has no resource limits (usePrlimit). It is looked up
// once.
var prlimitPath = sync.OnceValue(func() string {
	if !usePrlimit {
		return ""
	}
	p, err := exec.LookPath("prlimit")
	if err != nil {
		return ""
	}
	return p
})

// waitDelay is how long a killed child's pipes are kept open before Wait
// gives up on them.
const waitDelay = time.Second

// maxStderr is how much of a tool's standard error is kept.
const maxStderr = 16 << 10

// output is what one subprocess wrote.
type output struct {
	stdout    []byte
	truncated bool // stdout went past its limit and was cut
}

// run runs the program at path with args under the Extractor's limits and
// returns its standard output, of which it keeps at most limit bytes (0:
// none). step names the tool in errors. A failure is an *Error whose kind
// tells why it failed.
func (e *Extractor) run(ctx context.Context, step, path string, args []string, limit int64) (*output, error) {
	argv := append([]string{path}, args...)
	if pl := prlimitPath(); pl != "" {
		cpu := int64((e.timeout() + time.Second - 1) / time.Second)
		argv = append([]string{pl, "--as=" + strconv.FormatInt(e.maxMemory(), 10), "--cpu=" + strconv.FormatInt(cpu, 10), "--"}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = waitDelay
	stdout := &capWriter{max: limit}
	stderr := &capWriter{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	start := time.Now()
	err := cmd.Run()
	if err == nil {
		return &output{stdout: stdout.buf.Bytes(), truncated: stdout.dropped}, nil
	}
	return nil, classify(ctx, step, err, cmd, stderr.String(), time.Since(start))
}

// classify turns the failure of a tool into an *Error.
func classify(ctx context.Context, step string, err error, cmd *exec.Cmd, stderr string, took time.Duration) error {
	last := lastLine(stderr)
	lower := strings.ToLower(stderr)
	if ctx.Err() != nil {
		e := &Error{Step: step, Kind: ErrTimeout, Detail: fmt.Sprintf("killed after %s", took.Round(time.Millisecond))}
		if cause := context.Cause(ctx); cause != errOwnTimeout {
			e.Err = cause // the caller's context ended: not the document's fault
		}
		return e
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		// The program could not be started at all.
		return &Error{Step: step, Kind: ErrUnavailable, Err: err}
	}
	memory := strings.Contains(lower, "memory") || strings.Contains(lower, "bad_alloc") ||
		strings.Contains(lower, "cannot allocate") || strings.Contains(lower, "failed to map segment")
	if e := classifySignal(step, err, ee, memory, last); e != nil {
		return e
	}
	switch {
	case memory:
		return &Error{Step: step, Kind: ErrTooLarge, Detail: fmt.Sprintf("out of memory under the %s limit: %s", "address-space", last), Err: err}
	case strings.Contains(lower, "incorrect password") || ee.ExitCode() == 3:
		return &Error{Step: step, Kind: ErrEncrypted, Detail: orDefault(last, "permission error"), Err: err}
	case ee.ExitCode() == 126 || ee.ExitCode() == 127:
		return &Error{Step: step, Kind: ErrUnavailable, Detail: orDefault(last, "cannot execute"), Err: err}
	default:
		return &Error{Step: step, Kind: ErrBroken, Detail: orDefault(last, "no message"), Err: err}
	}
}

// errOwnTimeout is the cause of the context of an extraction when its
// Timeout passes, as opposed to the caller's context ending.
var errOwnTimeout = errors.New("pdftext: extraction timeout")

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lastLine is the last non-blank line of s, trimmed and cut to 200 bytes.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// capWriter keeps the first max bytes written to it and drops the rest,
// so that a child writing without end cannot exhaust memory; it never
// fails, so the child never blocks or dies on a broken pipe.
type capWriter struct {
	max     int64
	buf     bytes.Buffer
	dropped bool
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - int64(w.buf.Len()); room > 0 {
		if int64(len(p)) > room {
			w.buf.Write(p[:room])
			w.dropped = true
		} else {
			w.buf.Write(p)
		}
	} else if len(p) > 0 {
		w.dropped = true
	}
	return len(p), nil
}

func (w *capWriter) String() string { return w.buf.String() }
