package server

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/missionsearch/missionsearch/analytics"
	"github.com/missionsearch/missionsearch/search"
)

// metrics are the server's Prometheus metrics.
type metrics struct {
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	searches    *prometheus.CounterVec
	zeroResults prometheus.Counter
	rateLimited prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, ready func() bool, buildID func() string, cached func() uint64, rec *analytics.Recorder) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "missionsearch_http_requests_total",
			Help: "HTTP requests answered, by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "missionsearch_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		searches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "missionsearch_searches_total",
			Help: "Searches run, by sort order and whether they had words.",
		}, []string{"sort", "words"}),
		zeroResults: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "missionsearch_search_zero_results_total",
			Help: "Searches with words that found no page: content the site may be missing.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "missionsearch_http_rate_limited_total",
			Help: "Requests refused by the per-client rate limit.",
		}),
	}
	cs := []prometheus.Collector{m.requests, m.duration, m.searches, m.zeroResults, m.rateLimited,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "missionsearch_index_ready",
			Help: "1 when a search index is open, 0 otherwise.",
		}, func() float64 {
			if ready() {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "missionsearch_search_cache_hits_total",
			Help: "Searches answered from the result cache of the live index.",
		}, func() float64 { return float64(cached()) }),
		&buildInfo{desc: prometheus.NewDesc("missionsearch_index_build_info",
			"The live index build, as the label build; the value is always 1.", []string{"build"}, nil), buildID: buildID},
	}
	if rec != nil {
		cs = append(cs,
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "missionsearch_analytics_events_recorded_total",
				Help: "Searches and opened results written to the analytics database.",
			}, func() float64 { return float64(rec.Recorded()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "missionsearch_analytics_events_dropped_total",
				Help: "Searches and opened results the analytics dropped (queue full or write failed): the search itself was answered.",
			}, func() float64 { return float64(rec.Dropped()) }))
	}
	for i, c := range cs {
		if err := reg.Register(c); err != nil {
			// A second server on the same registry (tests, a restart in
			// process) shares the first one's metrics.
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("server: register metrics: %w", err)
			}
			switch i {
			case 0:
				m.requests = are.ExistingCollector.(*prometheus.CounterVec)
			case 1:
				m.duration = are.ExistingCollector.(*prometheus.HistogramVec)
			case 2:
				m.searches = are.ExistingCollector.(*prometheus.CounterVec)
			case 3:
				m.zeroResults = are.ExistingCollector.(prometheus.Counter)
			case 4:
				m.rateLimited = are.ExistingCollector.(prometheus.Counter)
			}
		}
	}
	return m, nil
}

func (m *metrics) observeRequest(route, method string, status int, d time.Duration) {
	switch method {
	case "GET", "HEAD", "POST", "OPTIONS":
	default:
		method = "other" // bound the label's values
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) observeSearch(req search.Request, res *search.Result) {
	words := strings.TrimSpace(req.Query) != ""
	sort := req.Sort
	if sort == "" {
		sort = "default"
	}
	m.searches.WithLabelValues(sort, strconv.FormatBool(words)).Inc()
	if words && res.Total == 0 {
		m.zeroResults.Inc()
	}
}

// buildInfo reports the live build id, read at each scrape.
type buildInfo struct {
	desc    *prometheus.Desc
	buildID func() string
}

func (b *buildInfo) Describe(ch chan<- *prometheus.Desc) { ch <- b.desc }

func (b *buildInfo) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(b.desc, prometheus.GaugeValue, 1, b.buildID())
}
