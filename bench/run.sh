#!/usr/bin/env bash
# bench/run.sh reproduces the figures of BENCHMARKS.md with one command:
#
#	bench/run.sh                 # 10k and 100k pages (about 6 minutes on 2 cores)
#	bench/run.sh 10000           # one size
#	bench/run.sh 10000 100000 1000000   # add 1M (about 14 more minutes, ~11 GB of disk)
#
# For each size it writes a synthetic corpus into a fresh store (missionsearch
# synth), rebuilds the index (reindex: time, pages/s, peak RSS, size on disk),
# starts serve --rate-limit 0 without then with the result cache, records its RSS, runs the load generator
# (missionsearch load) and, when installed, wrk on one word query. Before
# that it runs the Go benchmarks of extraction, store, indexing, search and
# suggestions (GOBENCH=0 skips them). Everything is bounded: each load run
# lasts DURATION, each Go benchmark a fixed count.
#
# Environment:
#	WORK=/tmp/missionsearch-bench   data directories and the binary (removed per size unless KEEP=1)
#	OUT=bench/out                   reports: machine.txt, gobench.txt, size-N.txt, load-N-cC.json, summary.md
#	DURATION=30s CONNS=64           load generator run at saturation (throughput)
#	LAT_DURATION=20s LAT_CONNS=1    load generator run without queueing (latency per type)
#	WRK_DURATION=15s                wrk run (skipped when wrk is missing)
#	GOBENCH=1                       run the go test benchmarks first
#	KEEP=0                          keep the data directories
#	SITES=0                         spread the pages over this many sites (synth --sites: a network)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${WORK:-/tmp/missionsearch-bench}
OUT=${OUT:-$ROOT/bench/out}
DURATION=${DURATION:-30s}
CONNS=${CONNS:-64}
LAT_DURATION=${LAT_DURATION:-20s}
LAT_CONNS=${LAT_CONNS:-1}
WRK_DURATION=${WRK_DURATION:-15s}
GOBENCH=${GOBENCH:-1}
KEEP=${KEEP:-0}
SITES=${SITES:-0}
SIZES=("$@")
if [ ${#SIZES[@]} -eq 0 ]; then SIZES=(10000 100000); fi

mkdir -p "$WORK" "$OUT"
BIN=$WORK/missionsearch
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
	echo "go: $(go version)"
	echo "nproc: $(nproc)"
	free -g
	lscpu | grep -v "^Flags" | head -20
	df -h "$WORK" | tail -1
} >"$OUT/machine.txt"
log "machine: $(nproc) CPUs; reports in $OUT"

log "build"
go build -o "$BIN" ./cmd/missionsearch

if [ "$GOBENCH" = 1 ]; then
	log "go test benchmarks (a few minutes)"
	{
		go test -run '^$' -bench 'BenchmarkExtract' -benchtime 2s -count 1 -benchmem ./crawler/extract
		go test -run '^$' -bench 'BenchmarkPutPages$|BenchmarkPutPage$|BenchmarkPages$' -benchtime 2s -count 1 -benchmem ./store
		MISSIONSEARCH_CORPORA=${MISSIONSEARCH_CORPORA:-$(cd "$ROOT/.." && pwd)/shared/corpora} \
			go test -run '^$' -bench 'BenchmarkRebuild' -benchtime 3x -count 1 -benchmem ./indexer
		# 10k pages only (the 100k index takes minutes to build); the second
		# pattern level matches both "10k/<class>" and bare "<class>" names.
		go test -run '^$' -bench 'BenchmarkSearch/^(10k|[a-z][a-z0-9-]*)$' -benchtime 1s -count 1 -benchmem -timeout 30m ./search
		go test -run '^$' -bench 'BenchmarkSnippet' -count 1 -benchmem ./search
	} 2>&1 | tee "$OUT/gobench.txt" >&2
	# Against stock bleve on the real French pages, in one run: p50, p99
	# and their ratio (missionsearch / stock bleve).
	MISSIONSEARCH_CORPORA=${MISSIONSEARCH_CORPORA:-$(cd "$ROOT/.." && pwd)/shared/corpora} \
		go test -run '^$' -bench 'BenchmarkPeerCorpora' -benchtime 400x -count 1 -timeout 30m ./search 2>&1 |
		tee "$OUT/peer.txt" >&2
fi

# rss_kb PID: resident set size of a process, in KB.
rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }

{
	echo "| pages | synth s | reindex s | pages/s | reindex peak RSS MB | index MB | store MB | serve RSS idle MB | serve RSS after load MB | load req/s, no cache ($CONNS conns) | load req/s, cache on | errors (latency/no cache/cache) | wrk req/s (word, cache on) |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT/summary.md"

for N in "${SIZES[@]}"; do
	DATA=$WORK/data-$N
	rm -rf "$DATA"
	REPORT=$OUT/size-$N.txt
	: >"$REPORT"
	log "$N pages: synth"
	t0=$(date +%s.%N)
	"$BIN" synth --data "$DATA" --pages "$N" --sites "$SITES" >>"$REPORT"
	t1=$(date +%s.%N)
	synth_s=$(echo "$t1 - $t0" | bc)

	log "$N pages: reindex"
	t0=$(date +%s.%N)
	/usr/bin/time -f 'reindex peak RSS %M KB, %e s wall, %U s user, %S s system' \
		"$BIN" reindex --data "$DATA" >>"$REPORT" 2>"$WORK/reindex.err" || { cat "$WORK/reindex.err" >&2; exit 1; }
	t1=$(date +%s.%N)
	grep 'reindex peak RSS' "$WORK/reindex.err" >>"$REPORT"
	reindex_s=$(echo "$t1 - $t0" | bc)
	peak_mb=$(($(sed -n 's/reindex peak RSS \([0-9]*\) KB.*/\1/p' "$WORK/reindex.err") / 1024))
	pps=$(echo "$N / $reindex_s" | bc)
	index_mb=$(($(du -sk "$DATA/indexes" | cut -f1) / 1024))
	store_mb=$(($(du -sk "$DATA/store.db" | cut -f1) / 1024))
	echo "index on disk: ${index_mb} MB; store.db: ${store_mb} MB" >>"$REPORT"

	# start_serve CACHE_MB: serve with that result cache memory; sets SERVE and URL.
	start_serve() {
		"$BIN" serve --data "$DATA" --addr 127.0.0.1:0 --rate-limit 0 --cache-mb "$1" >"$WORK/serve.out" 2>"$WORK/serve.err" &
		SERVE=$!
		trap 'kill $SERVE 2>/dev/null || true' EXIT
		URL=
		for _ in $(seq 1 300); do
			URL=$(sed -n 's/.*serving search at \(http[^ ]*\).*/\1/p' "$WORK/serve.out")
			[ -n "$URL" ] && break
			sleep 0.1
		done
		[ -n "$URL" ] || { cat "$WORK/serve.err" >&2; exit 1; }
		curl -fsS "$URL/api/search?q=cooperation" >/dev/null # first query: opens the segments, reads the facet data
	}
	stop_serve() {
		kill $SERVE
		wait $SERVE 2>/dev/null || true
		trap - EXIT
	}
	# load_run NAME CONNS DURATION: a load run into size-N.txt and load-N-NAME.json;
	# prints req/s. load_errs then prints its error count (load_run runs in
	# a subshell when its output is captured: it cannot set a variable).
	load_run() {
		echo "## load $1: $2 connection(s), $3" >>"$REPORT"
		"$BIN" load --url "$URL" --duration "$3" --connections "$2" --report "$OUT/load-$N-$1.json" >"$WORK/load.txt" 2>&1 || true
		cat "$WORK/load.txt" >>"$REPORT"
		grep -o '^total  *[0-9]*  *[0-9.]*' "$WORK/load.txt" | awk '{print $3}'
	}
	load_errs() { grep -o '[0-9]* requests ok, [0-9]* errors' "$WORK/load.txt" | awk '{print $4}'; }

	# Without the result cache: the cost of every search. Latency of each
	# query type without queueing first, then throughput at saturation.
	log "$N pages: serve --cache-mb 0"
	start_serve 0
	idle_mb=$(($(rss_kb $SERVE) / 1024))
	log "$N pages: load $LAT_DURATION x $LAT_CONNS connection(s), no cache"
	load_run "c$LAT_CONNS-nocache" "$LAT_CONNS" "$LAT_DURATION" >/dev/null
	lat_errs=$(load_errs)
	log "$N pages: load $DURATION x $CONNS connections, no cache"
	rps_nocache=$(load_run "c$CONNS-nocache" "$CONNS" "$DURATION")
	errs_nocache=$(load_errs)
	after_mb=$(($(rss_kb $SERVE) / 1024))
	echo "serve RSS (no cache): idle ${idle_mb} MB, after load ${after_mb} MB" >>"$REPORT"
	grep -E 'RssAnon|RssFile' "/proc/$SERVE/status" >>"$REPORT" || true # file: mmapped index segments
	stop_serve

	# With the result cache (the default): repeated searches of the mix.
	log "$N pages: serve (result cache on)"
	start_serve 64
	log "$N pages: load $DURATION x $CONNS connections, cache on"
	rps=$(load_run "c$CONNS" "$CONNS" "$DURATION")
	errs=$(load_errs)
	cached_mb=$(($(rss_kb $SERVE) / 1024))
	echo "serve RSS (cache on): after load ${cached_mb} MB" >>"$REPORT"
	grep -E 'RssAnon|RssFile' "/proc/$SERVE/status" >>"$REPORT" || true
	curl -fsS "$URL/metrics" | grep '^missionsearch_search_cache_hits_total' >>"$REPORT" || true

	wrk_rps=-
	if command -v wrk >/dev/null; then
		log "$N pages: wrk $WRK_DURATION"
		wrk -t2 -c"$CONNS" -d"$WRK_DURATION" --latency "$URL/api/search?q=coop%C3%A9ration" >"$WORK/wrk.txt" 2>&1 || true
		cat "$WORK/wrk.txt" >>"$REPORT"
		wrk_rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk.txt")
		if grep -q 'Non-2xx\|Socket errors' "$WORK/wrk.txt"; then wrk_rps="$wrk_rps (with errors)"; fi
	fi
	stop_serve
	errs="$lat_errs/$errs_nocache/$errs"

	printf '| %s | %.1f | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
		"$N" "$synth_s" "$reindex_s" "$pps" "$peak_mb" "$index_mb" "$store_mb" "$idle_mb" "$after_mb" "$rps_nocache" "$rps" "$errs" "$wrk_rps" >>"$OUT/summary.md"
	log "$N pages: done: $(tail -1 "$OUT/summary.md")"
	if [ "$KEEP" != 1 ]; then rm -rf "$DATA"; fi
done

cat "$OUT/summary.md"
