#!/usr/bin/env bash
# Times `cqp deliberate` against `jq -c .` on the same input of N candidates × 7 blocks
# (100 000 by default), with peak resident memory, and prints a Markdown table for
# docs/PERFORMANCE.md.
#
#   scripts/bench-deliberate.sh            # builds ./cmd/cqp
#   N=10000 RUNS=5 scripts/bench-deliberate.sh
#   N=1000000 RUNS=1 scripts/bench-deliberate.sh
#   CQP_BIN=/path/to/cqp scripts/bench-deliberate.sh
#
# Disk: the input, cqp's copy of it when it comes through a pipe, and the output (5× the
# input) go to $TMPDIR: about 5 GB at N=1000000. jq holds the whole document: 9 GB or so of
# memory at that size.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
RUNS=${RUNS:-3}

need() { # command, Debian package
	if ! command -v "$1" >/dev/null 2>&1 && ! [ -x "$1" ]; then
		apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
	fi
}
need jq jq
need /usr/bin/time time

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cqp=${CQP_BIN:-}
if [ -z "$cqp" ]; then
	go build -o "$work/cqp" ./cmd/cqp
	cqp=$work/cqp
fi

go run ./internal/deliberatejson/testdata/gen -n "$N" >"$work/in.json"
size=$(stat -c %s "$work/in.json")

# measure LABEL COMMAND...: runs COMMAND with the input on standard input RUNS times; prints
# the best wall time and the highest peak RSS.
measure() {
	local label=$1 best="" rss=0 t m
	shift
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M' -o "$work/time" "$@" <"$work/in.json" >"$work/out.json"
		read -r t m <"$work/time"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
		if [ "$m" -gt "$rss" ]; then rss=$m; fi
	done
	printf '| %s | %s s | %d MB | %.2f× |\n' "$label" "$best" $((rss / 1024)) \
		"$(awk -v r="$rss" -v s="$size" 'BEGIN { print r * 1024 / s }')"
}

echo "Input: $N candidates × 7 blocks, $((size / 1000000)) MB ($size bytes); best of $RUNS runs; $(nproc) cores."
echo
echo "| command | wall time | peak RSS | RSS / input |"
echo "|---|---|---|---|"
measure "\`jq -c .\`" jq -c .
measure "\`cqp deliberate\` (file on stdin)" "$cqp" deliberate
measure "\`cqp deliberate\` (pipe on stdin)" sh -c "cat | \"$cqp\" deliberate"
echo
echo "Output of cqp deliberate: $(stat -c %s "$work/out.json") bytes."
