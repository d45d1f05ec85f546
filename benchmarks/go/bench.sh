#!/usr/bin/env bash
# Go 1.19's own numbers for the operations of IfaceBenchmark (needs Go 1.19: apt-get install golang-go).
#   benchmarks/go/bench.sh        the hand-written benchmarks of iface_bench_test.go, 5 runs each
#   benchmarks/go/bench.sh N      those and the generated ones over N distinct pairs (gen.sh N), 5 runs each
# benchmarks/compare.sh does the same (with gen.sh) for every table size and sets the results beside goheap's.
set -euo pipefail
cd "$(dirname "$0")"
[ $# -le 1 ] || { echo "usage: bench.sh [N]" >&2; exit 2; }
go version | grep -q 'go1\.19' || { echo "bench.sh: needs Go 1.19, found: $(go version)" >&2; exit 2; }
if [ $# -eq 1 ]; then
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  ./gen.sh "$1" "$dir"
  cd "$dir"
fi
GOFLAGS=-mod=mod go test -run '^$' -bench . -count 5 -benchtime 1s
