#!/usr/bin/env bash
# bench/hostile.sh runs the long cases of the hostile suite (issue "Bounded
# by design") with their figures, beyond what CI runs:
#
#	bench/hostile.sh              # about 5 minutes on 2 cores, as root (tmpfs)
#	ROUNDS=200 bench/hostile.sh   # more kill -9 rounds
#
# It runs, each bounded by its own test timeout: the kill -9 loops of
# crawl, reindex and serve (ROUNDS rounds in turn, default 60: 20 of each;
# after each kill the store passes PRAGMA integrity_check, has lost no
# page, and a reindex and a serve recover) and a crawl killed half-way
# then resumed; reindexes on a
# full and on a filling tmpfs; Settle on a disk filled before merging;
# the crawl and serve RSS over a page with a 10 MB title (real binary
# without -race); the hostile crawler sites (robots.txt, 429, traps,
# budgets, encodings, huge sitemaps and pages); the hostile server clients
# (stalled exports, slowloris headers, export cap); the stemmer benchmark
# on a 3 MB one-letter token. The test log lines with figures go to
# OUT/hostile.txt. Load at saturation is bench/run.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
ROUNDS=${ROUNDS:-60}
mkdir -p "$OUT"
REPORT="$OUT/hostile.txt"
export MISSIONSEARCH_CORPORA="${MISSIONSEARCH_CORPORA:-$(cd .. && pwd)/shared/corpora}"
{
	echo "# bench/hostile.sh $(date -u +%FT%TZ), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3)"
} >"$REPORT"

run() { # run NAME GO-TEST-ARGS...: the figures of the test logs
	local name=$1
	shift
	echo "== $name" | tee -a "$REPORT"
	local start=$SECONDS
	if go test -count=1 -v "$@" 2>&1 | tee "$OUT/hostile-$name.log" |
		grep -E '^\s+[a-z_]+_test\.go:[0-9]+: |^--- (PASS|FAIL|SKIP)|^(ok|FAIL)\s' >>"$REPORT"; then :; fi
	echo "   ($((SECONDS - start)) s)" >>"$REPORT"
}

MISSIONSEARCH_FAULT_ROUNDS=$ROUNDS run kill9 -timeout 30m -run 'TestKillLoop|TestCrawlResumesAfterKill' ./cmd/missionsearch
run fulldisk -timeout 10m -run 'TestReindexDiskFull|TestReindexFillingDisk' ./cmd/missionsearch
run settle -timeout 5m -run 'TestSettleDiskFull' ./index
run hugetitle -timeout 10m -run 'TestHugeTitleMemory' ./cmd/missionsearch
MISSIONSEARCH_HOSTILE_SITEMAP=40000 run crawler -timeout 10m -run 'Hostile|Trap|Robots|Budget|Encoding|Sitemap' ./crawler
run clients -timeout 5m -run 'TestExportSlowClientDropped|TestExportConcurrencyCap|TestSlowHeadersCut|TestStdlibErrorsAreJSON' ./server
echo "== stemmer" | tee -a "$REPORT"
go test -run '^$' -bench 'AnalyzeHugeToken' -benchtime 5x ./index | grep Benchmark | tee -a "$REPORT"
echo "report: $REPORT"
