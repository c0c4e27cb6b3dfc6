package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/indexer"
	"github.com/missionsearch/missionsearch/internal/demosite"
)

func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "demo", "",
		"Serves the built-in sample mission site on a loopback port, crawls it, indexes it and\n"+
			"serves search over it: the whole main job, offline. Stop it with Ctrl-C.")
	addr := fs.String("addr", envOr(env, "MISSIONSEARCH_ADDR", "127.0.0.1:8080"), "address of the search server (env MISSIONSEARCH_ADDR)")
	data := fs.String("data", "", "data directory (default: a temporary directory removed at exit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	dir := *data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "missionsearch-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}

	site, err := startDemoSite()
	if err != nil {
		return err
	}
	defer site.Close()
	fmt.Fprintf(env.Stdout, "demo: sample mission site at %s\n", site.URL)

	cfg := crawler.Config{
		Seeds:       []string{site.URL + "/"},
		Concurrency: 4,
		Logger:      env.Logger.With("component", "crawler"),
		PDF:         pdfExtractor(env),
	}
	if err := crawlAndIndex(ctx, env, dir, cfg, true, indexer.Options{}, nil); err != nil {
		return err
	}
	srv, err := startServer(ctx, env, serveConfig{data: dir, addr: *addr, rateLimit: 50})
	if err != nil {
		return err
	}
	defer srv.close()
	fmt.Fprintf(env.Stdout, "demo: search is ready at %s  (try %s/search?q=reseau) — Ctrl-C to stop\n", srv.url, srv.url)
	<-ctx.Done()
	return nil
}

// demoSite is the built-in sample site served on a loopback port.
type demoSite struct {
	URL string
	srv *http.Server
}

func startDemoSite() (*demoSite, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listen for the sample site: %w", err)
	}
	srv := &http.Server{Handler: demosite.New(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "demo: sample site:", err)
		}
	}()
	return &demoSite{URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

func (d *demoSite) Close() error { return d.srv.Close() }
