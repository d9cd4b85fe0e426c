#!/usr/bin/env bash
# Measures issuing the documents of a closed jury session (issue 16, item 6) against its floor
# in the same run: BenchmarkIssueSession300 issues 300 certificates (numbers, codes, PDFs kept
# and mailed) then downloads the session's ZIP; after each round, out of the timer, the same
# documents are rendered once on every processor and zipped with nothing read or written
# around them. The benchmark prints the floor (floor-ms/op) and the ratio (x-floor; target at
# most 1,3). BenchmarkIssueSession300Partial does the same with 900 block attestations.
#
#   scripts/bench-issue.sh
#   ROUNDS=10 PARTIAL=1 scripts/bench-issue.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
pattern='BenchmarkIssueSession300$'
if [[ -n "${PARTIAL:-}" ]]; then
	pattern='BenchmarkIssueSession300(Partial)?$'
fi
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(go version | cut -d' ' -f3)." >&2
go test -run '^$' -bench "$pattern" -benchtime "${ROUNDS}x" ./internal/service/
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >&2
