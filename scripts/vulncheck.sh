#!/usr/bin/env bash
# Runs govulncheck, at the version pinned by go.mod's tool directive, against the Go
# vulnerability database of golang.org/x/vulndb fetched as a module through the Go module
# proxy: vuln.go.dev need not be reachable. The database is pinned below, by version and
# checksum, so that a run gives the same answer tomorrow; to move it on, take the version
# `go list -m golang.org/x/vulndb@latest` prints (outside this module) and the Sum of
# `go mod download -json golang.org/x/vulndb@VERSION`.
#
# The module holds one OSV file per vulnerability in data/osv; govulncheck v1.9.0 reads such a
# directory as a database (it builds the index itself, as x/vulndb's cmd/indexdb would; both
# give the same report). scripts/vulnreport reads the findings: the run fails when cqp calls a
# vulnerability of a module it depends on; those of the standard library are printed with the Go
# version that fixes them (the Go here is the machine's; the deployed binary is built with a
# Go that fixes them, see the README).
set -euo pipefail
cd "$(dirname "$0")/.."

vulndb_version=v0.0.0-20261105234957-e22db6528018
vulndb_sum=h1:mfngRv0Yoh0VApsXKEN82CjD99kl7mtparN3bs3JnqI=

# Downloaded from an empty directory, so that the module is not added to cqp's go.mod.
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
info=$(cd "$empty" && GOWORK=off GOFLAGS= go mod download -json "golang.org/x/vulndb@${vulndb_version}")
field() { printf '%s\n' "$info" | sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}\$/\1/p"; }
sum=$(field Sum)
if [ "$sum" != "$vulndb_sum" ]; then
  echo "golang.org/x/vulndb@${vulndb_version} has checksum '${sum}', expected ${vulndb_sum}" >&2
  exit 1
fi
osv="$(field Dir)/data/osv"

# An empty or misplaced directory would pass every scan: insist on the database's first entry
# and on thousands of entries.
count=0
if [ -d "$osv" ]; then
  count=$(find "$osv" -maxdepth 1 -name 'GO-*.json' | wc -l)
fi
if [ ! -f "$osv/GO-2020-0001.json" ] || [ "$count" -lt 1000 ]; then
  echo "no vulnerability database in ${osv} (${count} entries): the layout of golang.org/x/vulndb changed" >&2
  exit 1
fi
echo "vulnerability database: golang.org/x/vulndb@${vulndb_version}, ${count} entries"

report=$(mktemp)
trap 'rm -rf "$empty" "$report"' EXIT
go tool govulncheck -db "file://${osv}" -format json ./... > "$report"
go run ./scripts/vulnreport < "$report"
