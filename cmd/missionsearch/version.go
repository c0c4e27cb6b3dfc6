package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/missionsearch/missionsearch/index"
)

// buildVersion describes the binary: its module version (or "devel"), the
// VCS revision and time it was built from (with "+dirty" for uncommitted
// changes), and the Go version.
type buildVersion struct {
	Version, Revision, Time, Go string
}

// linkedVersion, when set at link time (go build -ldflags "-X
// main.linkedVersion=v1.2.0"), is the version a binary reports; else the
// module version of go install, else "devel".
var linkedVersion string

func currentVersion() buildVersion {
	v := buildVersion{Version: "devel", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	if linkedVersion != "" {
		v.Version = linkedVersion
	}
	if !ok {
		return v
	}
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && v.Revision != "" {
		v.Revision += "+dirty"
	}
	return v
}

func (v buildVersion) String() string {
	s := "missionsearch " + v.Version
	if v.Revision != "" {
		s += " (" + v.Revision
		if v.Time != "" {
			s += ", " + v.Time
		}
		s += ")"
	}
	return s + " " + v.Go
}

func runVersion(_ context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "version", "", "Prints the version of the binary, the revision it was built from and its Go version.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	fmt.Fprintln(env.Stdout, currentVersion())
	return nil
}

// registerServeMetrics adds to reg the metrics of the binary and of the
// live build of d: missionsearch_build_info{version,revision,goversion},
// missionsearch_index_documents and
// missionsearch_index_build_timestamp_seconds (when the build was
// finished), read from the build's info at each scrape, cached per build.
func registerServeMetrics(reg prometheus.Registerer, d *index.Dir, buildID func() string) error {
	v := currentVersion()
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "missionsearch_build_info",
		Help:        "The binary's version, VCS revision and Go version, as labels; the value is always 1.",
		ConstLabels: prometheus.Labels{"version": v.Version, "revision": v.Revision, "goversion": v.Go},
	})
	info.Set(1)
	var mu sync.Mutex
	var cached index.BuildInfo
	live := func() (index.BuildInfo, bool) {
		id := buildID()
		if id == "" {
			return index.BuildInfo{}, false
		}
		mu.Lock()
		defer mu.Unlock()
		if cached.ID != id {
			bi, err := d.Info(id)
			if err != nil {
				return index.BuildInfo{}, false
			}
			bi.ID = id
			cached = bi
		}
		return cached, true
	}
	docs := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "missionsearch_index_documents",
		Help: "Documents in the live index build (0 when none is live).",
	}, func() float64 {
		bi, _ := live()
		return float64(bi.Docs)
	})
	created := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "missionsearch_index_build_timestamp_seconds",
		Help: "When the live index build was finished (Unix time; 0 when none is live).",
	}, func() float64 {
		if bi, ok := live(); ok && !bi.Created.IsZero() {
			return float64(bi.Created.UnixNano()) / 1e9
		}
		return 0
	})
	for _, c := range []prometheus.Collector{info, docs, created} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register metrics: %w", err)
		}
	}
	return nil
}
