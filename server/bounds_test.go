package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
)

// openFixture opens a real server on loopback for cfg over pages.
func openFixture(t *testing.T, cfg Config, pages int) *Server {
	t.Helper()
	ps := manyPages(pages)
	// About 5 KB an export row: more than socket buffers hold.
	for i := range ps {
		ps[i].Title += strings.Repeat(" — rapport annuel de la mission", 8)
		for j := range 45 {
			ps[i].Tags = append(ps[i].Tags, fmt.Sprintf("thème %d %s", j, strings.Repeat("coopération ", 8)))
		}
	}
	f := newFixtureWith(t, cfg, searcherOf(t, ps), nil)
	if err := f.srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.srv.Close() })
	return f.srv
}

// stalledExport opens an export over a connection with a tiny receive
// buffer, reads its headers, then stops reading: the server soon cannot
// write. It returns the connection.
func stalledExport(t *testing.T, srv *Server) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
	}}
	conn, err := d.DialContext(t.Context(), "tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /export?format=jsonl HTTP/1.1\r\nHost: test\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 1024), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %s", resp.Status)
	}
	return conn
}

// waitExports waits until n exports are running, for at most d.
func waitExports(t *testing.T, srv *Server, n int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for len(srv.exports) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d exports running after %v, want %d", len(srv.exports), d, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestExportSlowClientDropped checks that an export whose client stops
// reading is dropped after ExportStall, well before ExportTimeout, and
// releases its slot.
func TestExportSlowClientDropped(t *testing.T) {
	srv := openFixture(t, Config{ExportStall: 300 * time.Millisecond, ExportTimeout: time.Minute}, 2000)
	stalledExport(t, srv)
	waitExports(t, srv, 1, 5*time.Second)
	waitExports(t, srv, 0, 10*time.Second) // the stall bound, not the minute
}

// TestExportConcurrencyCap checks that an export beyond MaxExports gets a
// 429 JSON error with Retry-After, and that the slot is free once the
// running export ends.
func TestExportConcurrencyCap(t *testing.T) {
	srv := openFixture(t, Config{MaxExports: 1, ExportStall: 2 * time.Second}, 2000)
	conn := stalledExport(t, srv)
	waitExports(t, srv, 1, 5*time.Second)
	resp, err := http.Get(srv.URL() + "/export?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e errorBody
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		json.Unmarshal(b, &e) != nil || e.Error.Code != missionsearch.ETOOMANY {
		t.Fatalf("export beyond the cap: %s, Retry-After %q, body %s", resp.Status, resp.Header.Get("Retry-After"), b)
	}
	conn.Close()
	waitExports(t, srv, 0, 10*time.Second)
	resp, err = http.Get(srv.URL() + "/export?format=csv&q=rapport")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export after the slot was freed: %s", resp.Status)
	}
}

// TestSlowHeadersCut checks that a client sending its headers slowly
// (slowloris) has its connection closed after ReadHeaderTimeout.
func TestSlowHeadersCut(t *testing.T) {
	srv := openFixture(t, Config{ReadHeaderTimeout: 300 * time.Millisecond}, 3)
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/search HTTP/1.1\r\nHost: test\r\n") // and never the blank line
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a connection whose headers never ended for 5 s")
	}
}

// TestWriteTimeoutConfigured checks that the phase timeouts reach the
// http.Server, defaults included.
func TestWriteTimeoutConfigured(t *testing.T) {
	srv := openFixture(t, Config{Timeout: 2 * time.Second, IdleTimeout: time.Minute}, 3)
	s := srv.srv
	if s.ReadHeaderTimeout != 10*time.Second || s.ReadTimeout != 30*time.Second ||
		s.WriteTimeout != 12*time.Second || s.IdleTimeout != time.Minute {
		t.Fatalf("timeouts: header %v, read %v, write %v, idle %v", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout)
	}
}

// TestStdlibErrorsAreJSON checks that the errors net/http's helpers write
// as plain text come out in the JSON error form: an unsatisfiable range
// and a failed precondition on a static asset.
func TestStdlibErrorsAreJSON(t *testing.T) {
	f := newFixture(t, Config{})
	for _, tt := range []struct {
		header string
		status int
	}{
		{"Range: bytes=99999999-", http.StatusRequestedRangeNotSatisfiable},
		{"If-Match: \"not-the-etag\"", http.StatusPreconditionFailed},
	} {
		r := f.get(t, "/static/style.css", tt.header)
		var e errorBody
		if r.status != tt.status || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") ||
			json.Unmarshal([]byte(r.body), &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Errorf("%s: %d %q %q, want %d with a JSON error", tt.header, r.status, r.header.Get("Content-Type"), r.body, tt.status)
		}
	}
	if r := f.get(t, "/static/style.css", "Range: bytes=0-9"); r.status != http.StatusPartialContent || len(r.body) != 10 {
		t.Errorf("a satisfiable range: %d, %d bytes", r.status, len(r.body))
	}
}
