#!/usr/bin/env bash
# Measures the pages a secretariat opens most (issue 16): the candidates list (first page,
# searches, filters, a deep page, an organisation's scope: BenchmarkCandidateList) and each
# role's dashboard and the outbox (BenchmarkDashboard), at 100 000 and 1 000 000 synthetic
# candidates, on SQLite and, when CQP_TEST_POSTGRES_URL is set, on PostgreSQL; prints a
# Markdown table of p50 / p95 for docs/PERFORMANCE.md, with, for the list, its floor (the bare
# SQL giving the same page through the same driver, measured in the same iterations) and the
# ratio of the two.
#
#   scripts/bench-pages.sh
#   SIZES=100000 ITERATIONS=30 scripts/bench-pages.sh
#   CQP_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/cqp_perf?sslmode=disable' scripts/bench-pages.sh
#
# The data sets are built on the first run and kept (see scripts/bench-statistics.sh): a
# million takes about 20 minutes and 5 GB on SQLite, 15 to 30 minutes on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100000 1000000"}
ITERATIONS=${ITERATIONS:-30}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(go version | cut -d' ' -f3)." >&2
for n in $SIZES; do
	echo "Measuring at $n candidates ($ITERATIONS iterations per page)…" >&2
	CQP_BENCH_CANDIDATES=$n go test -run '^$' -bench 'BenchmarkCandidateList|BenchmarkDashboard' -benchtime "${ITERATIONS}x" \
		-timeout 4h ./internal/demo/ | tee /dev/stderr | sed -n -E "s/^Benchmark(CandidateList|Dashboard)\//$n /p" >>"$out"
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >&2

echo
echo "| candidates | database | page | p50 | p95 | floor p50 | floor p95 | × floor p50 | × floor p95 |"
echo "|---|---|---|---|---|---|---|---|---|"
# Lines: N target/page-CPUS iterations ns/op value unit value unit …
awk '{
	split($2, part, "/"); page = part[2]; sub(/-[0-9]+$/, "", page)
	delete m
	for (i = 4; i <= NF; i++) m[$i] = $(i-1)
	floor50 = ("bare-p50-ms" in m) ? m["bare-p50-ms"] " ms" : "—"
	floor95 = ("bare-p95-ms" in m) ? m["bare-p95-ms"] " ms" : "—"
	x50 = ("x-bare-p50" in m) ? sprintf("%.2f", m["x-bare-p50"]) : "—"
	x95 = ("x-bare-p95" in m) ? sprintf("%.2f", m["x-bare-p95"]) : "—"
	printf "| %d | %s | %s | %s ms | %s ms | %s | %s | %s | %s |\n", $1, part[1], page, m["p50-ms"], m["p95-ms"], floor50, floor95, x50, x95
}' "$out"
