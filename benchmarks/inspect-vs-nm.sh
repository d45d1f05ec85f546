#!/usr/bin/env bash
# goheap inspect binary against `go tool nm` on the same large Go binary, JVM start included: each
# command runs RUNS times (default 11) after one warm-up run each, alternating, and the medians and
# their ratio are printed. Without FILE it builds an unstripped cmd/compile with the Go on PATH
# (Debian's own compile binary is stripped, and `go tool nm` refuses stripped files).
#   benchmarks/inspect-vs-nm.sh [FILE] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v go >/dev/null || { echo "inspect-vs-nm.sh: needs Go (apt-get install golang-go)" >&2; exit 2; }
file=${1:-}
runs=${2:-11}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if [ -z "$file" ]; then
  (cd "$work" && go build -o compile cmd/compile)
  file="$work/compile"
fi
"$root/goheap" --version >/dev/null   # builds goheap if needed, writes its class-data archive

ms() { local t0 t1; t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ms go tool nm "$file" >/dev/null; ms "$root/goheap" inspect binary "$file" >/dev/null
: > "$work/nm"; : > "$work/goheap"; : > "$work/goheap-itabs"
for _ in $(seq "$runs"); do
  ms go tool nm "$file" >> "$work/nm"
  ms "$root/goheap" inspect binary "$file" >> "$work/goheap"
  ms "$root/goheap" inspect binary --itabs "$file" >> "$work/goheap-itabs"
done
nm=$(median < "$work/nm"); gh=$(median < "$work/goheap"); gi=$(median < "$work/goheap-itabs")
itabs=$(go tool nm "$file" | grep -c ' go\.itab\.' || true)
echo "file: $(basename "$file") ($(stat -c %s "$file") bytes, $itabs go.itab symbols), $runs runs each, median wall time:"
echo "  go tool nm                        ${nm} ms  (min $(sort -n "$work/nm" | head -1), max $(sort -n "$work/nm" | tail -1))"
echo "  goheap inspect binary (itabs+types) ${gh} ms  (min $(sort -n "$work/goheap" | head -1), max $(sort -n "$work/goheap" | tail -1))"
echo "  goheap inspect binary --itabs     ${gi} ms  (min $(sort -n "$work/goheap-itabs" | head -1), max $(sort -n "$work/goheap-itabs" | tail -1))"
awk -v a="$gh" -v b="$nm" -v c="$gi" 'BEGIN {printf "  ratio goheap/nm: %.1fx (itabs and types), %.1fx (itabs only)\n", a / b, c / b}'
