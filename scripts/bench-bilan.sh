#!/usr/bin/env bash
# Measures the annual bilan (BenchmarkBilan in internal/demo: the bilan of 2026 written to
# nowhere, then excelize's StreamWriter writing as many rows and cells from memory, in the same
# run) at 100 000 and 1 000 000 synthetic candidates, on SQLite and, when CQP_TEST_POSTGRES_URL
# is set, on PostgreSQL, and prints a Markdown table for docs/PERFORMANCE.md.
#
#   scripts/bench-bilan.sh
#   SIZES=100000 ITERATIONS=3 scripts/bench-bilan.sh
#   CQP_BENCH_DIR=/tmp/mine CQP_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/mine?sslmode=disable' scripts/bench-bilan.sh
#
# The data sets are built on the first run and kept: SQLite files in CQP_BENCH_DIR (the system's
# temporary directory when unset) named cqp-bench-v*-n<N>-seed1.db (3 GB and several minutes for
# a million), PostgreSQL schemas bench_100k and bench_1000000 in the database of
# CQP_TEST_POSTGRES_URL. Opening a set migrates it: point CQP_BENCH_DIR and the URL at copies of
# your own when other people measure on the same sets.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100000 1000000"}
ITERATIONS=${ITERATIONS:-3}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(go version | cut -d' ' -f3)." >&2
for n in $SIZES; do
	echo "Measuring at $n candidates ($ITERATIONS iterations)…" >&2
	CQP_BENCH_CANDIDATES=$n nice go test -run '^$' -bench 'BenchmarkBilan' -benchtime "${ITERATIONS}x" -timeout 4h \
		./internal/demo/ | tee /dev/stderr | sed -n "s/^BenchmarkBilan\//$n /p" >>"$out"
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >&2

echo
echo "| candidates | database | rows | bilan | StreamWriter from memory | ratio | CPU (bilan / StreamWriter) | peak heap (bilan / StreamWriter) |"
echo "|---|---|---|---|---|---|---|---|"
# Lines: N target/case-CPUS iterations ns/op ns/op cpu cpu-ms/op peak peak-heap-MB rows rows
awk '{
	split($2, part, "/"); which = part[2]; sub(/-[0-9]+$/, "", which)
	peak = ""; rows = ""; cpu = ""
	for (i = 3; i <= NF; i++) {
		if ($i == "peak-heap-MB") peak = $(i-1); if ($i == "rows") rows = $(i-1); if ($i == "cpu-ms/op") cpu = $(i-1)
	}
	key = $1 " " part[1]
	if (which == "bilan") { bilan[key] = $4; bpeak[key] = peak; bcpu[key] = cpu; nrows[key] = rows; order[++n] = key }
	else { stream[key] = $4; speak[key] = peak; scpu[key] = cpu }
} END {
	for (i = 1; i <= n; i++) {
		k = order[i]; split(k, kp, " ")
		printf "| %d | %s | %d | %.2f s | %.2f s | %.1f × | %.2f s / %.2f s | %.0f MB / %.0f MB |\n", kp[1], kp[2], nrows[k],
			bilan[k] / 1e9, stream[k] / 1e9, bilan[k] / stream[k], bcpu[k] / 1000, scpu[k] / 1000, bpeak[k], speak[k]
	}
}' "$out"
