#!/usr/bin/env bash
# Side by side: goheap's IfaceBenchmark (JMH JSON) against Go 1.19's own benchmarks, as ratios.
#   benchmarks/run.sh IfaceBenchmark -rf json -rff iface.json   # goheap
#   benchmarks/go/bench.sh > go.txt                              # Go 1.19
#   benchmarks/go/ratios.sh iface.json go.txt
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: ratios.sh IFACE.json GO.txt" >&2; exit 2; }
python3 - "$1" "$2" <<'PY'
import json, re, statistics, sys
jmh = {}
for b in json.load(open(sys.argv[1])):
    jmh.setdefault(b["benchmark"].rsplit(".", 1)[1], {})[b["params"]["pairs"]] = b["primaryMetric"]["score"]
go = {}
for line in open(sys.argv[2]):
    m = re.match(r"Benchmark(\w+)-\d+\s+\d+\s+([\d.]+) ns/op", line)
    if m:
        go.setdefault(m.group(1), []).append(float(m.group(2)))
pairs = [("assertE2I", "AssertE2I"), ("convT64_small", "ConvT64Small"), ("convT64_large", "ConvT64Large"),
         ("convTstring", "ConvTstring"), ("call_funK", "CallThroughItab")]
print(f"{'operation':16} {'goheap 557':>11} {'goheap 100k':>12} {'Go 1.19':>8} {'ratio 557':>10}")
for j, g in pairs:
    gm = statistics.median(go[g]) if g in go else float("nan")
    a, b = jmh.get(j, {}).get("557", float("nan")), jmh.get(j, {}).get("100000", float("nan"))
    print(f"{j:16} {a:11.2f} {b:12.2f} {gm:8.2f} {a / gm:9.1f}x")
chm = jmh.get("chm_get", {})
for size in ("557", "100000"):
    f = jmh.get("find_hit", {}).get(size)
    if f and chm.get(size):
        print(f"find_hit / ConcurrentHashMap.get at {size}: {f / chm[size]:.1f}x")
PY
