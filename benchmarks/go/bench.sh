#!/usr/bin/env bash
# Go 1.19's own numbers for the operations of IfaceBenchmark (needs Go 1.19: apt-get install golang-go).
#   benchmarks/go/bench.sh            prints go test -bench output, 5 runs each
set -euo pipefail
cd "$(dirname "$0")"
go version | grep -q 'go1\.19' || { echo "bench.sh: needs Go 1.19, found: $(go version)" >&2; exit 2; }
GOFLAGS=-mod=mod go test -run '^$' -bench . -count 5 -benchtime 1s
