package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/indexer"
	"github.com/missionsearch/missionsearch/internal/relevance"
	"github.com/missionsearch/missionsearch/search"
)

func runEval(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "eval", "",
		"Measures relevance on hand-judged queries: prints nDCG@10, MRR and recall@10 per\n"+
			"query and their means. With --corpus, it serves that folder on loopback, crawls it\n"+
			"from --entry into a temporary data directory and indexes it first (end to end).")
	queries := fs.String("queries", "", "TSV file of query_id, query (required)")
	qrels := fs.String("qrels", "", "TSV file of query_id, query, relpath, grade (required)")
	corpus := fs.String("corpus", "", "folder of HTML pages to crawl and index first")
	entry := fs.String("entry", "index.html", "entry page of --corpus, relative to it")
	data := fs.String("data", "", "data directory of an existing index (instead of --corpus)")
	base := fs.String("base", "", "with --data: the URL prefix that relpaths are relative to")
	quiet := fs.Bool("q", false, "print only the means")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *queries == "" || *qrels == "" {
		return usageError{"--queries and --qrels are required"}
	}
	if (*corpus == "") == (*data == "") {
		return usageError{"give exactly one of --corpus and --data"}
	}
	qs, judged, err := readJudgements(*queries, *qrels)
	if err != nil {
		return err
	}
	dir, prefix := *data, *base
	if *corpus != "" {
		tmp, err := os.MkdirTemp("", "missionsearch-eval-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
		if prefix, err = crawlCorpus(ctx, env, *corpus, *entry, dir); err != nil {
			return err
		}
	}
	s, closeIndex, err := openSearcher(env, dir)
	if err != nil {
		return err
	}
	defer closeIndex()
	mean, err := evaluate(ctx, s, qs, judged, prefix, env.Stdout, *quiet)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "mean over %d queries: nDCG@10 %.3f  MRR %.3f  recall@10 %.3f\n", len(qs), mean.NDCG, mean.MRR, mean.Recall)
	return nil
}

func readJudgements(queries, qrels string) ([]relevance.Query, relevance.Qrels, error) {
	qf, err := os.Open(queries)
	if err != nil {
		return nil, nil, err
	}
	defer qf.Close()
	qs, err := relevance.ReadQueries(qf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", queries, err)
	}
	rf, err := os.Open(qrels)
	if err != nil {
		return nil, nil, err
	}
	defer rf.Close()
	judged, err := relevance.ReadQrels(rf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", qrels, err)
	}
	return qs, judged, nil
}

// crawlCorpus serves folder on a loopback port, crawls it from entry into
// the data directory and indexes it. It returns the URL prefix of the pages.
func crawlCorpus(ctx context.Context, env *Env, folder, entry, data string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(folder)), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			env.Logger.Error("corpus server", "err", err)
		}
	}()
	defer srv.Close()
	prefix := "http://" + ln.Addr().String() + "/"
	cfg := crawler.Config{
		Seeds:       []string{prefix + strings.TrimPrefix(entry, "/")},
		Include:     []*regexp.Regexp{regexp.MustCompile("^" + regexp.QuoteMeta(prefix))},
		Concurrency: 4,
		Logger:      env.Logger.With("component", "crawler"),
	}
	quiet := *env
	quiet.Stdout = io.Discard
	return prefix, crawlAndIndex(ctx, &quiet, data, cfg, true, indexer.Options{}, nil)
}

// evaluate runs every query, ranks the first 10 hits and scores them
// against the judgements; hit URLs are turned into relpaths by removing
// prefix.
func evaluate(ctx context.Context, s *search.Searcher, qs []relevance.Query, judged relevance.Qrels, prefix string, w io.Writer, quiet bool) (relevance.Scores, error) {
	var all []relevance.Scores
	for _, q := range qs {
		res, err := s.Search(ctx, search.Request{Query: q.Text, Size: 10, Page: 1})
		if err != nil {
			return relevance.Scores{}, fmt.Errorf("query %s %q: %w", q.ID, q.Text, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, strings.TrimPrefix(h.URL, prefix))
		}
		sc := relevance.Score(got, judged[q.ID], 10)
		all = append(all, sc)
		if !quiet {
			fmt.Fprintf(w, "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\n", q.ID, sc.NDCG, sc.MRR, sc.Recall, q.Text, strings.Join(first(got, 3), " "))
		}
	}
	return relevance.Mean(all), nil
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
