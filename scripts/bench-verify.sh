#!/usr/bin/env bash
# Measures public verification (GET /verifier/{code} and GET /api/v1/verify/{code}) against a
# bare net/http handler serving the same bytes, and against the same handler doing the
# document's lookup first (the floor of any answer read from the database), in one run on
# this machine: the real server on a fresh SQLite file with the demo data, 64 connections,
# client addresses rotated below the lookup limit. Prints a Markdown table for docs/PERFORMANCE.md (« Public verification »).
#
#   scripts/bench-verify.sh
#   DURATION=10s ROUNDS=3 scripts/bench-verify.sh
#   CQP_DATABASE_URL='postgres://postgres@127.0.0.1:5432/cqp_bench?sslmode=disable' scripts/bench-verify.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(go version | cut -d' ' -f3)." >&2
go run ./scripts/bench-verify -duration "${DURATION:-5s}" -conns "${CONNS:-64}" -rounds "${ROUNDS:-2}" \
	-per-address "${PER_ADDRESS:-10}" -database "${CQP_DATABASE_URL:-}"
