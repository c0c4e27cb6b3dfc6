package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/missionsearch/missionsearch/crawler"
)

// The outcome file of a cron job.
//
// A nightly crawl or reindex that fails must be seen by monitoring, not
// only in a mail nobody reads. With --outcome-file FILE, the job writes,
// when it ends (succeeded or failed), a Prometheus text file for
// node_exporter's textfile collector: when it last ran and last succeeded,
// whether this run succeeded, how long it took, the pages it crawled and
// indexed and what the crawl budgets cut. An alert on
// time() - missionsearch_job_last_success_timestamp_seconds then catches a
// job that fails, and one that stopped running. The file is replaced
// atomically (written beside, then renamed); the last success time is
// carried over from the previous file when this run failed. Each job needs
// a file of its own (crawl.prom, reindex.prom).

// outcomeFlag declares the --outcome-file flag of the cron jobs.
func outcomeFlag(env *Env, fs *flag.FlagSet) *string {
	return fs.String("outcome-file", envOr(env, "MISSIONSEARCH_OUTCOME_FILE", ""),
		"write the job's outcome (last success, pages, errors, budget cuts) to this file for node_exporter's textfile collector; one file per job (env MISSIONSEARCH_OUTCOME_FILE)")
}

// job records what one run of a cron job did, for its outcome file. A nil
// *job records nothing.
type job struct {
	name  string
	path  string // "" when no outcome file is asked for
	start time.Time
	crawl *crawler.Stats           // the totals of its crawls
	sites map[string]crawler.Stats // per configured site, when named
	docs  int                      // documents in the index it updated or built; -1 if none
}

// startJob starts recording the run of the job name; path is its outcome
// file ("" for none).
func startJob(name, path string) *job {
	return &job{name: name, path: path, start: time.Now(), docs: -1}
}

// recordCrawl records the crawl of site ("" for a store of one site); the
// totals add up the crawls of one run.
func (j *job) recordCrawl(site string, s crawler.Stats) {
	if j == nil {
		return
	}
	if site != "" {
		if j.sites == nil {
			j.sites = map[string]crawler.Stats{}
		}
		j.sites[site] = s
	}
	if j.crawl == nil {
		j.crawl = &s
		return
	}
	t := j.crawl
	t.Fetched += s.Fetched
	t.Stored += s.Stored
	t.Unchanged += s.Unchanged
	t.Fresh += s.Fresh
	t.Gone += s.Gone
	t.Skipped += s.Skipped
	t.Errors += s.Errors
	t.PatternCut += s.PatternCut
	t.LinksCut += s.LinksCut
	t.TrapCut += s.TrapCut
	t.HostsUnavailable += s.HostsUnavailable
}

func (j *job) recordDocs(n int) {
	if j != nil {
		j.docs = n
	}
}

// finish writes the outcome file of the run that ended with err, and
// returns err. Failing to write the file fails a job that succeeded (the
// monitoring would otherwise report it as not run).
func (j *job) finish(env *Env, err error) error {
	if j == nil || j.path == "" {
		return err
	}
	werr := j.write(err == nil)
	if werr != nil {
		env.Logger.Error("write outcome file", "file", j.path, "err", werr)
		if err == nil {
			return werr
		}
	}
	return err
}

func (j *job) write(ok bool) error {
	now := time.Now()
	lastSuccess := 0.0
	if ok {
		lastSuccess = float64(now.UnixNano()) / 1e9
	} else {
		lastSuccess = previousSuccess(j.path, j.name)
	}
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: prometheus.Labels{"job": j.name}})
		g.Set(v)
		reg.MustRegister(g)
	}
	success := 0.0
	if ok {
		success = 1
	}
	gauge("missionsearch_job_last_run_timestamp_seconds", "When the job last ended (Unix time).", float64(now.UnixNano())/1e9)
	gauge("missionsearch_job_last_success_timestamp_seconds", "When the job last ended with success (Unix time; 0 if never).", lastSuccess)
	gauge("missionsearch_job_success", "Whether the job's last run succeeded (1) or failed (0).", success)
	gauge("missionsearch_job_duration_seconds", "How long the job's last run took.", now.Sub(j.start).Seconds())
	if j.docs >= 0 {
		gauge("missionsearch_job_index_documents", "Documents in the index the job's last run built or updated.", float64(j.docs))
	}
	if s := j.crawl; s != nil {
		pages := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "missionsearch_crawl_pages",
			Help: "Pages of the last crawl, by outcome.", ConstLabels: prometheus.Labels{"job": j.name}}, []string{"outcome"})
		for outcome, n := range map[string]int{"fetched": s.Fetched, "stored": s.Stored, "unchanged": s.Unchanged,
			"not_due": s.Fresh, "gone": s.Gone, "skipped": s.Skipped, "errors": s.Errors} {
			pages.WithLabelValues(outcome).Set(float64(n))
		}
		cut := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "missionsearch_crawl_cut_urls",
			Help: "URLs or links the last crawl left out, by budget rule.", ConstLabels: prometheus.Labels{"job": j.name}}, []string{"rule"})
		cut.WithLabelValues("max-per-pattern").Set(float64(s.PatternCut))
		cut.WithLabelValues("max-links-per-page").Set(float64(s.LinksCut))
		cut.WithLabelValues("trap-family").Set(float64(s.TrapCut))
		reg.MustRegister(pages, cut)
		if len(j.sites) > 0 {
			perSite := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "missionsearch_crawl_site_pages",
				Help: "Pages of the last crawl of each configured site, by outcome.", ConstLabels: prometheus.Labels{"job": j.name}}, []string{"site", "outcome"})
			for site, s := range j.sites {
				for outcome, n := range map[string]int{"fetched": s.Fetched, "stored": s.Stored, "unchanged": s.Unchanged,
					"not_due": s.Fresh, "gone": s.Gone, "skipped": s.Skipped, "errors": s.Errors} {
					perSite.WithLabelValues(site, outcome).Set(float64(n))
				}
			}
			reg.MustRegister(perSite)
		}
		gauge("missionsearch_crawl_hosts_unavailable", "Hosts the last crawl could not crawl (robots.txt unavailable).", float64(s.HostsUnavailable))
	}
	if err := prometheus.WriteToTextfile(j.path, reg); err != nil {
		return fmt.Errorf("outcome file %s: %w", j.path, err)
	}
	return nil
}

// previousSuccess returns the last success time of job recorded in the
// outcome file at path, or 0 when there is none.
func previousSuccess(path, job string) float64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(f)
	if err != nil {
		return 0
	}
	fam := families["missionsearch_job_last_success_timestamp_seconds"]
	if fam == nil {
		return 0
	}
	for _, m := range fam.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "job" && l.GetValue() == job && m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}
