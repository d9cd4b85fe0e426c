#!/usr/bin/env bash
# Measures the statistics page (/statistiques: BenchmarkStatistics in internal/demo) at 100 000
# and 1 000 000 synthetic candidates, on SQLite and, when CQP_TEST_POSTGRES_URL is set, on
# PostgreSQL, and prints a Markdown table of p50 / p95 for docs/PERFORMANCE.md.
#
#   scripts/bench-statistics.sh
#   SIZES=100000 ITERATIONS=20 scripts/bench-statistics.sh
#   CQP_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/cqp_perf_stats?sslmode=disable' scripts/bench-statistics.sh
#
# The data sets are built on the first run and kept: SQLite files in $TMPDIR (/tmp) named
# cqp-bench-v*-n<N>-seed1.db (3 GB and several minutes for a million), PostgreSQL schemas
# bench_100k and bench_1000000 in the database of CQP_TEST_POSTGRES_URL. A data set built
# before migration 00031 is migrated on opening, which backfills its closed sessions' results.
# A set of an older data version (below 13: no follow-up surveys) is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100000 1000000"}
ITERATIONS=${ITERATIONS:-50}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(go version | cut -d' ' -f3)." >&2
for n in $SIZES; do
	echo "Measuring at $n candidates ($ITERATIONS iterations per filter)…" >&2
	CQP_BENCH_CANDIDATES=$n go test -run '^$' -bench 'BenchmarkStatistics' -benchtime "${ITERATIONS}x" -timeout 4h \
		./internal/demo/ | tee /dev/stderr | sed -n "s/^BenchmarkStatistics\//$n /p" >>"$out"
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >&2

echo
echo "| candidates | database | filter | p50 | p95 |"
echo "|---|---|---|---|---|"
# Lines: N target/filter-CPUS iterations ns/op p50 p50-ms p95 p95-ms
awk '{
	split($2, part, "/"); filter = part[2]; sub(/-[0-9]+$/, "", filter)
	p50 = ""; p95 = ""
	for (i = 3; i <= NF; i++) { if ($i == "p50-ms") p50 = $(i-1); if ($i == "p95-ms") p95 = $(i-1) }
	printf "| %d | %s | %s | %s ms | %s ms |\n", $1, part[1], filter, p50, p95
}' "$out"
