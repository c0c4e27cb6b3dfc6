package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/missionsearch/missionsearch/export"
	"github.com/missionsearch/missionsearch/store"
)

func runLinks(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "links", "--broken",
		"Lists the dead links of the site: every URL that answered an error (404, 410, 5xx...)\n"+
			"the last time the crawl fetched it, with the pages that link to it, from the crawl store.\n"+
			"Exit 0 when there is none, 1 when there are some (for cron mail), 2 on a usage error.")
	data := dataFlag(env, fs)
	broken := fs.Bool("broken", false, "list the dead links (the only report so far)")
	format := fs.String("format", "text", "text or csv (status, url, cited_by; one line per citing page)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*broken {
		return usageError{"links: say which report: --broken"}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *format != "text" && *format != "csv" {
		return usageError{fmt.Sprintf("--format %q: want text or csv", *format)}
	}
	path := filepath.Join(*data, "store.db")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no crawl store at %s (check --data, or run 'missionsearch crawl URL' first)", path)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	var cw *csv.Writer
	if *format == "csv" {
		cw = csv.NewWriter(env.Stdout)
		cw.Write([]string{"status", "url", "cited_by"})
	}
	n, cites := 0, 0
	err = st.BrokenLinks(ctx, func(l store.BrokenLink) error {
		n++
		cites += len(l.CitedBy)
		if cw != nil {
			for _, c := range l.CitedBy {
				cw.Write([]string{strconv.Itoa(l.Status), export.SafeCell(l.URL), export.SafeCell(c)})
			}
			return nil
		}
		_, err := fmt.Fprintf(env.Stdout, "%d %s\n  linked from: %s\n", l.Status, l.URL, strings.Join(l.CitedBy, "\n               "))
		return err
	})
	if cw != nil {
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%d dead links, on %d links of pages", n, cites)
	}
	fmt.Fprintln(env.Stderr, "links: no dead link")
	return nil
}
