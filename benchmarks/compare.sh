#!/usr/bin/env bash
# One run, one machine, one table: goheap's JMH suite against its peers, as ratios with targets.
#   benchmarks/compare.sh [--go "1.19 1.27"] [--pairs "557 100000 1000000"] [--quick] [--out DIR]
#     --go     the Go releases to compare, each: goheap simulating it (JMH -p go=1.N) against that
#              release's own go test -bench (default 1.19; 1.21 to 1.27 with a toolchain, below)
#     --pairs  the table sizes (distinct (interface, type) pairs) of IfaceBenchmark, find.c and gen.sh
#     --quick  shorter runs everywhere (C: 3 x 0.3 s; Go: -count 3 -benchtime 200ms; JMH: 2+3 x 500 ms, 1 fork)
#     --out    where the results go (default benchmarks/target/compare): c.json, go-N.txt, jmh*.json,
#              compare.json (every row: goheap, peer, ratio, target, pass) and compare.md (the table);
#              with several releases, each release's in go1.N/ and their side-by-side in releases.md/.json
# Peers: benchmarks/c/find.c (Go's itabTableType in C, built with gcc -O2 -pthread), each release's own
# benchmarks (benchmarks/go/gen.sh N, go.mod's go line set to the release), Go 1.22+'s call-site caches
# (benchmarks/go/callsite_bench_test.go against CallSiteBenchmark), and the JMH peer benchmarks
# (ConcurrentHashMap.get, a critical downcall, a shared Arena's allocate). The go command of release
# 1.N: $GOROOT_1_N/bin/go; for 1.19 `go` on PATH if it is 1.19; for the call-site rows of a 1.19-only
# run $GO122 or a 1.22+ `go` on PATH; else the toolchain ../shared/tools/go-toolchain.sh 1.N unpacks
# ($GO_TOOLCHAIN_SH, into $GO_TOOLCHAIN_DIR); a release without one has n/a Go columns.
# Missing data prints n/a and never fails the script; a missed target does not fail it either.
# Not in the usage: --jmh-json FILE[,FILE...] takes these JMH result files instead of running JMH
# (to test the table), and --reprint prints the table again from the results already in --out.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs="557 100000 1000000"
releases="1.19"
insert_pairs="1000 10000 100000 1000000"   # InsertBenchmark's own @Param list
quick=no
reprint=no
out=""
jmh_json=""
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) [ $# -ge 2 ] || usage; pairs=$2; shift 2 ;;
    --go) [ $# -ge 2 ] || usage; releases=$2; shift 2 ;;
    --quick) quick=yes; shift ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --jmh-json) [ $# -ge 2 ] || usage; jmh_json=$2; shift 2 ;;
    --reprint) reprint=yes; shift ;;
    -h|--help) usage ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
for n in $pairs; do [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: bad pairs '$n'" >&2; exit 2; }; done
for r in $releases; do
  [[ $r =~ ^1\.(19|2[1-7])$ ]] || { echo "compare.sh: --go $r: goheap simulates Go 1.19 and 1.21 to 1.27" >&2; exit 2; }
done
read -r -a rels <<< "$releases"
[ ${#rels[@]} -gt 0 ] || { echo "compare.sh: --go needs at least one release" >&2; exit 2; }
out=${out:-$root/benchmarks/target/compare}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
log() { echo "compare.sh: $*" >&2; }

# ---- the machine ----
export CMP_NPROC CMP_CPU CMP_GCC CMP_GO CMP_GIT CMP_JDK="" CMP_QUICK=$quick CMP_GO122="none"
CMP_NPROC=$(nproc)
CMP_CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
CMP_GCC=$(gcc --version 2>/dev/null | head -1 || echo none)
CMP_GIT=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then CMP_GIT+=" (with uncommitted changes)"; fi
log "$CMP_NPROC CPUs, $CMP_CPU; $CMP_GCC; releases ${rels[*]}; goheap $CMP_GIT"

# the go command of release $1 (1.N), or nothing
gobin_for() {
  local r=$1 var gr sh dir
  var=GOROOT_${r//./_}
  if [ -n "${!var:-}" ] && [ -x "${!var}/bin/go" ]; then echo "${!var}/bin/go"; return; fi
  if command -v go >/dev/null && go version 2>/dev/null | grep -q " go$r[. ]"; then command -v go; return; fi
  sh=${GO_TOOLCHAIN_SH:-$root/../shared/tools/go-toolchain.sh}
  dir=${GO_TOOLCHAIN_DIR:-${TMPDIR:-/tmp}/gotc}
  if [ "$r" != 1.19 ] && [ -x "$sh" ]; then
    gr=$("$sh" "$r" "$dir" 2>/dev/null | tail -1 || true)
    if [ -n "$gr" ] && [ -x "$gr/bin/go" ]; then echo "$gr/bin/go"; return; fi
  fi
}
# where release $1's results go: --out itself for one release, --out/go1.N for several
out_for() {
  if [ ${#rels[@]} -eq 1 ]; then echo "$out"; else echo "$out/go$1"; fi
}

# ---- 1. the C probe ----
run_c() {
  local cflags=() extra=() n plist
  read -r -a plist <<< "$pairs"
  if [ $quick = yes ]; then cflags=(-r 3 -t 0.3); fi
  gcc -O2 -pthread -o "$work/find" "$root/benchmarks/c/find.c"
  log "C find: pairs $pairs"
  "$work/find" --json "${cflags[@]}" "${plist[@]}" > "$out/c.json" || { log "C probe failed: its columns are n/a"; echo '[]' > "$out/c.json"; }
  for n in $insert_pairs; do [[ " $pairs " == *" $n "* ]] || extra+=("$n"); done
  echo '[]' > "$out/c-insert.json"
  if [ ${#extra[@]} -gt 0 ]; then
    log "C insert: pairs ${extra[*]}"
    "$work/find" --json "${cflags[@]}" --ops insert "${extra[@]}" > "$out/c-insert.json" || echo '[]' > "$out/c-insert.json"
  fi
}

# ---- 2. each release's Go ----
# run_go R: release R's own benchmarks on the workload of each --pairs, into out_for R
run_go() {
  local r=$1 ro gflags=(-count 5 -benchtime 1s) n gobin
  if [ $quick = yes ]; then gflags=(-count 3 -benchtime 200ms); fi
  ro=$(out_for "$r")
  rm -f "$ro"/go-*.txt "$ro/go-version.txt"
  gobin=$(gobin_for "$r")
  if [ -z "$gobin" ]; then
    echo "compare.sh: no Go $r (set GOROOT_${r//./_}, or ../shared/tools/go-toolchain.sh beside the repository; for 1.19: apt-get install golang-go): its Go columns are n/a"
    return 0
  fi
  "$gobin" version > "$ro/go-version.txt"
  for n in $pairs; do
    log "Go $r: $n pairs"
    "$root/benchmarks/go/gen.sh" "$n" "$work/go-$r-$n"
    sed -i "s/^go 1\.[0-9.]*$/go $r/" "$work/go-$r-$n/go.mod"
    (cd "$work/go-$r-$n" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$gobin" test -run '^$' -bench . -benchmem "${gflags[@]}") > "$ro/go-$n.txt" 2>&1 \
      || log "Go $r benchmarks failed at $n pairs (see $ro/go-$n.txt)"
  done
}

# ---- 2b. Go 1.22+: the call-site caches ----
# run_go_callsites R: the cached assertions of release R (a 1.19-only run takes a 1.22+ from GO122 or PATH)
run_go_callsites() {
  local r=$1 ro gflags=(-count 5 -benchtime 1s) gobin v
  if [ $quick = yes ]; then gflags=(-count 3 -benchtime 200ms); fi
  ro=$(out_for "$r")
  rm -f "$ro/go-callsites.txt" "$ro/go-callsites-version.txt"
  if [ "${r#1.}" -ge 22 ]; then gobin=$(gobin_for "$r"); else gobin=${GO122:-go}; fi
  v=$("$gobin" version 2>/dev/null | sed -n 's/.* go1\.\([0-9]*\).*/\1/p')
  if [ -z "$v" ] || [ "$v" -lt 22 ]; then
    echo "compare.sh: no Go 1.22 or later for the call-site rows of $r (set GO122=/path/to/bin/go): they are n/a"
    return 0
  fi
  "$gobin" version > "$ro/go-callsites-version.txt"
  log "Go call-site caches: $(cat "$ro/go-callsites-version.txt")"
  rm -rf "$work/go-callsites"; mkdir -p "$work/go-callsites"
  cp "$root/benchmarks/go/go.mod" "$root/benchmarks/go/"*_test.go "$work/go-callsites/"
  (cd "$work/go-callsites" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$gobin" test -run '^$' -bench '^BenchmarkCached' -benchmem "${gflags[@]}") \
    > "$ro/go-callsites.txt" 2>&1 || log "Go call-site benchmarks failed (see $ro/go-callsites.txt)"
}

# ---- 3. goheap's JMH suite ----
# one JMH run per suite over every release (-p go=...); the table takes each release's results
run_jmh() {
  local jflags=() java gos cs=()
  if [ $quick = yes ]; then jflags=(-wi 2 -w 500ms -i 3 -r 500ms -f 1); fi
  java=$("$root/goheap" --print-java 2>/dev/null || true)
  if [ -n "$java" ]; then CMP_JDK=$("$java" -version 2>&1 | head -1); fi
  gos=$(IFS=,; echo "${rels[*]}")
  rm -f "$out/jmh.json" "$out/jmh-insert.json" "$out/jmh-callsite.json"
  log "JMH: IfaceBenchmark, IfaceThreadsBenchmark (pairs ${pairs// /,}; go $gos)"
  "$root/benchmarks/run.sh" '\.(IfaceBenchmark|IfaceThreadsBenchmark)\.' -p "pairs=${pairs// /,}" -p "go=$gos" \
    -rf json -rff "$out/jmh.json" -prof gc "${jflags[@]}" >&2 || log "JMH run failed (exit $?): its rows are n/a"
  log "JMH: InsertBenchmark (its own pairs; go $gos)"
  "$root/benchmarks/run.sh" '\.InsertBenchmark\.' -p "go=$gos" -rf json -rff "$out/jmh-insert.json" -prof gc "${jflags[@]}" >&2 \
    || log "JMH InsertBenchmark failed (exit $?): its rows are n/a"
  # the call-site caches exist from Go 1.22: a 1.19-only run compares them in a 1.22 runtime
  for r in "${rels[@]}"; do if [ "${r#1.}" -ge 22 ]; then cs+=("$r"); fi; done
  if [ ${#cs[@]} -eq 0 ]; then cs=(1.22); fi
  log "JMH: CallSiteBenchmark (go $(IFS=,; echo "${cs[*]}"))"
  "$root/benchmarks/run.sh" '\.CallSiteBenchmark\.' -p "go=$(IFS=,; echo "${cs[*]}")" -rf json -rff "$out/jmh-callsite.json" -prof gc "${jflags[@]}" >&2 \
    || log "JMH CallSiteBenchmark failed (exit $?): its rows are n/a"
}

# the release CallSiteBenchmark measured the call-site rows of release $1 in: itself from 1.22, else the
# first 1.22+ of the list, else 1.22
cs_release() {
  local r
  if [ "${1#1.}" -ge 22 ]; then echo "$1"; return; fi
  for r in "${rels[@]}"; do if [ "${r#1.}" -ge 22 ]; then echo "$r"; return; fi; done
  echo 1.22
}

for r in "${rels[@]}"; do mkdir -p "$(out_for "$r")"; done
if [ $reprint = no ]; then
  run_c
  for r in "${rels[@]}"; do
    run_go "$r"
    run_go_callsites "$r"
  done
  if [ -z "$jmh_json" ]; then run_jmh; fi
fi
jmh_json=${jmh_json:-$out/jmh.json,$out/jmh-insert.json,$out/jmh-callsite.json}

# ---- 4. the table of each release ----
for release in "${rels[@]}"; do
ro=$(out_for "$release")
if [ "$ro" != "$out" ]; then cp -f "$out/c.json" "$out/c-insert.json" "$ro/" 2>/dev/null || true; fi
CMP_GO=$(cat "$ro/go-version.txt" 2>/dev/null || echo "none")
CMP_GO122=$(cat "$ro/go-callsites-version.txt" 2>/dev/null || echo "none")
python3 - "$ro" "$pairs" "$insert_pairs" "$jmh_json" "$release" "$(cs_release "$release")" <<'PY'
import glob, json, math, os, re, statistics, sys

out, pairs, insert_pairs, jmh_files = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4]
release, cs_release = sys.argv[5], sys.argv[6]

def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"compare.sh: cannot read {os.path.basename(path)}: {e.__class__.__name__}", file=sys.stderr)
        return []

# goheap (JMH): (method, pairs or None) -> metric, in ns/op (avgt, sample, ss) or ops/ns (thrpt)
TIME = {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}
RATE = {"ops/ns": 1, "ops/us": 1e-3, "ops/ms": 1e-6, "ops/s": 1e-9}
jmh, jdk = {}, ""
for path in filter(None, jmh_files.split(",")):
    if not os.path.exists(path):
        continue
    for b in load_json(path):
        pm = b.get("primaryMetric", {})
        unit = pm.get("scoreUnit", "")
        scale = TIME.get(unit) or RATE.get(unit)
        if scale is None:
            continue
        raw = [x * scale for fork in pm.get("rawData", []) for x in fork]
        alloc = None
        for k, v in b.get("secondaryMetrics", {}).items():
            if k.endswith("gc.alloc.rate.norm"):
                alloc = v.get("score")
        err = pm.get("scoreError")   # "NaN" (a string) when there is a single iteration
        err = err * scale if isinstance(err, (int, float)) and not math.isnan(err) else None
        m = {"benchmark": b["benchmark"], "mode": b.get("mode"), "score": pm.get("score", math.nan) * scale, "error": err,
             "raw_median": statistics.median(raw) if raw else None, "raw_min": min(raw) if raw else None,
             "raw_max": max(raw) if raw else None, "unit": "ns/op" if unit in TIME else "ops/ns",
             "alloc_norm_B_per_op": alloc}
        params = b.get("params", {})
        # this release's results only (CallSiteBenchmark: the release its call-site rows were measured in)
        want = cs_release if b["benchmark"].split(".")[-2] == "CallSiteBenchmark" else release
        if params.get("go", want) != want:
            continue
        p = params.get("pairs")
        if b["benchmark"].endswith("InsertBenchmark.insert") and p:
            # one invocation inserts all N itabs: per itab is the score over N
            k = 1.0 / int(p)
            for key in ("score", "error", "raw_median", "raw_min", "raw_max", "alloc_norm_B_per_op"):
                if m[key] is not None:
                    m[key] *= k
        jmh[(b["benchmark"].rsplit(".", 1)[1], p)] = m
        jdk = jdk or " ".join(x for x in (b.get("vmName"), b.get("jdkVersion"), b.get("vmVersion")) if x)
jdk = jdk or os.environ.get("CMP_JDK") or "n/a (no JMH data)"

def J(method, n):
    return jmh.get((method, str(n)), jmh.get((method, None)))

# C probe: (op, pairs) -> {median, min, max, unit, ...}
c = {}
for name in ("c.json", "c-insert.json"):
    p = os.path.join(out, name)
    if os.path.exists(p):
        for r in load_json(p):
            c[(r["op"], str(r["pairs"]))] = r

# Go: (name, pairs) -> {median, min, max, runs}
go = {}
for p in glob.glob(os.path.join(out, "go-*.txt")):
    n = os.path.basename(p)[3:-4]
    runs = {}
    for line in open(p):
        mm = re.match(r"Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+(\d+) B/op)?", line)
        if mm:
            r = runs.setdefault(mm.group(1), {"ns": [], "B": None})
            r["ns"].append(float(mm.group(2)))
            if mm.group(3) is not None:
                r["B"] = int(mm.group(3))
    for k, r in runs.items():
        v = r["ns"]
        go[(k, n)] = {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v), "unit": "ns/op",
                      "B_per_op": r["B"]}

# a peer is {"name", "median", ...}; its median is None when its data is missing
def peer_c(op, n):
    r = c.get((op, str(n)))
    return {"name": f"C {op}", "median": r["median"], "min": r["min"], "max": r["max"], "unit": r["unit"]} if r \
        else {"name": f"C {op}", "median": None}

def peer_go(name, n):
    r = go.get((name, str(n)))
    return dict(r, name=f"Go {name}") if r else {"name": f"Go {name}", "median": None}

def peer_jmh(method, n, label):
    m = J(method, n)
    return {"name": label, "median": m["score"], "error": m["error"], "min": m["raw_min"], "max": m["raw_max"],
            "raw_median": m["raw_median"], "unit": m["unit"], "benchmark": m["benchmark"]} if m \
        else {"name": label, "median": None}

rows = []

def row(op, n, g, peer, kind=None, target=None, **extra):
    """kind: 'le' goheap/peer <= target; 'ge' peer/goheap >= target; 'abs' goheap <= target ns;
    None: information only (goheap/peer is still shown)."""
    ratio = None
    if kind == "abs":
        ratio = g["score"] if g else None
    elif g and peer and peer.get("median"):
        ratio = peer["median"] / g["score"] if kind == "ge" else g["score"] / peer["median"]
    definition = {"le": "goheap/peer", "ge": "peer/goheap", "abs": "goheap ns/op", None: "goheap/peer"}[kind]
    ok = None if (kind is None or ratio is None) else (ratio >= target if kind == "ge" else ratio <= target)
    ttext = "info" if kind is None else {"le": "≤ {:g}", "ge": "≥ {:g}× faster", "abs": "≤ {:g} ns"}[kind].format(target)
    rows.append(dict(operation=op, pairs=int(n) if n is not None else None, goheap=g, peer=peer, ratio=ratio,
                     ratio_definition=definition, target=ttext, pass_=ok, **extra))

for n in pairs:
    row("find hit (cycle)", n, J("find_hit", n), peer_c("find_hit", n), "le", 1.5)
    row("find hit (one)", n, J("find_hit_one", n), peer_c("find_hit_one", n))
    row("find miss", n, J("find_miss", n), peer_c("find_miss", n))
    row("find hit vs ConcurrentHashMap.get", n, J("find_hit", n), peer_jmh("chm_get", n, "JMH chm_get"), "ge", 1.8)
    row("getitab hit", n, J("getitab_hit", n), peer_go("AssertE2ICycle", n))
    row("assertE2I (cycle)", n, J("assertE2I", n), peer_go("AssertE2ICycle", n), "le", 1.0)
    row("assertE2I (one)", n, J("assertE2I_one", n), peer_go("AssertE2IOne", n), "le", 1.0)
    row("assertE2I2 (cycle)", n, J("assertE2I2", n), peer_go("AssertE2I2Cycle", n))
    row("assertI2I", n, J("assertI2I", n), None)
    row("typeSwitch", n, J("typeSwitch", n), peer_go("TypeSwitch", n))
    row("convT16", n, J("convT16", n), peer_go("ConvT16", n))
    row("convT32", n, J("convT32", n), peer_go("ConvT32", n))
    row("convT64 small (keep)", n, J("convT64_small", n), peer_go("ConvT64Small", n), "le", 1.0)
    row("convT64 large", n, J("convT64_large", n), peer_go("ConvT64Large", n), "le", 1.5)
    row("convTstring", n, J("convTstring", n), peer_go("ConvTstring", n))
    row("convTslice", n, J("convTslice", n), peer_go("ConvTslice", n))
    row("mallocgc small", n, J("mallocgc_small", n), None)
    row("call through fun[k] vs critical downcall", n, J("call_funK", n),
        peer_jmh("call_criticalDowncall", n, "JMH call_criticalDowncall"), "le", 1.2)
    row("call through fun[k] vs Go", n, J("call_funK", n), peer_go("CallThroughItab", n))
    row("persistentalloc per-P", n, J("persistentalloc_perP", n), None, "abs", 2.0)
    row("persistentalloc per-P vs Arena.allocate", n, J("persistentalloc_perP", n),
        peer_jmh("arena_sharedAllocate", n, "JMH arena_sharedAllocate"), "ge", 20.0)
    # 2 threads: throughput (ops/ns) of 2 threads over 1 thread, goheap and C
    g2, g1, c2 = J("find_hit_2threads", n), J("find_hit_1thread", n), c.get(("find_hit_2threads", str(n)))
    ratio = g2["score"] / g1["score"] if g2 and g1 and g1["score"] else None
    cpeer = {"name": "C find_hit 2 threads / 1 thread", "median": c2 and c2.get("ratio_to_1thread"),
             "throughput_2threads": c2 and c2["median"], "unit": "ratio"}
    rows.append(dict(operation="find hit, 2 threads / 1 thread (thrpt)", pairs=int(n), goheap=g2, goheap_1thread=g1,
                     peer=cpeer, ratio=ratio, ratio_definition="goheap 2-thread ops/ns / 1-thread ops/ns",
                     target="≥ 1.8", pass_=None if ratio is None else ratio >= 1.8))

ins = {}
for n in insert_pairs:
    g = J("insert", n)
    ins[n] = g
    row("insert, ns per itab", n, g, peer_c("insert", n))
have = [ins[n]["score"] for n in insert_pairs if ins[n]]
chave = [c[("insert", n)]["median"] for n in insert_pairs if ("insert", n) in c]
flat = max(have) / min(have) if len(have) == len(insert_pairs) and min(have) > 0 else None
cflat = max(chave) / min(chave) if len(chave) == len(insert_pairs) and min(chave) > 0 else None
# Go 1.22+ call-site caches (CallSiteBenchmark against callsite_bench_test.go built by a Go 1.22+)
row("cached assertE2I (one), 1.22 call-site cache", None, J("cached_assertE2I_one", None), peer_go("CachedAssertE2IOne", "callsites"))
row("cached assertE2I (cycle of 8)", None, J("cached_assertE2I_cycle", None), peer_go("CachedAssertE2ICycle", "callsites"))
row("cached type switch (2 interface cases)", None, J("cached_typeSwitch_cycle", None), peer_go("CachedTypeSwitchCycle", "callsites"))
row("uncached assertE2I (cycle of 8) vs cached", None, J("uncached_assertE2I_cycle", None),
    peer_jmh("cached_assertE2I_cycle", None, "JMH cached_assertE2I_cycle"))

rows.append(dict(operation="insert flat: max/min over " + ",".join(insert_pairs), pairs=None,
                 goheap={"score": flat} if flat else None, peer={"name": "C insert max/min", "median": cflat},
                 ratio=flat, ratio_definition="goheap max/min of insert ns per itab", target="≤ 1.2",
                 pass_=None if flat is None else flat <= 1.2))

# ---- print ----
def f(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    a = abs(x)
    return f"{x:.0f}" if a >= 1000 else f"{x:.3g}" if a >= 0.01 else f"{x:.2g}"

machine = {"release": release, "nproc": os.environ.get("CMP_NPROC"), "cpu": os.environ.get("CMP_CPU"), "jdk": jdk,
           "go": os.environ.get("CMP_GO"), "go_callsites": os.environ.get("CMP_GO122"), "gcc": os.environ.get("CMP_GCC"), "goheap": os.environ.get("CMP_GIT"),
           "quick": os.environ.get("CMP_QUICK") == "yes"}
lines = [f"goheap simulating Go {release}; machine: {machine['nproc']} CPUs, {machine['cpu']}",
         f"JDK: {jdk}", f"Go: {machine['go']}; call-site caches: {machine['go_callsites']}", f"gcc: {machine['gcc']}", f"goheap: {machine['goheap']}"
         + ("   (--quick)" if machine["quick"] else ""), "",
         "goheap = JMH score ± scoreError (ns/op; ops/ns for 2 threads), B/op = Java heap bytes per op "
         "(-prof gc); peer = median [min–max] of its runs; ratio as the target says (plain: goheap/peer).", "",
         "| operation | pairs | goheap | ± | B/op | peer | peer median [min–max] | ratio | target | result |",
         "|---|---:|---:|---:|---:|---|---:|---:|---|---|"]
counts = {"pass": 0, "FAIL": 0, "n/a": 0}
for r in rows:
    g, p = r["goheap"], r["peer"]
    res = "info" if r["target"] == "info" else ("n/a" if r["pass_"] is None else "pass" if r["pass_"] else "FAIL")
    if res in counts:
        counts[res] += 1
    gv = f(g["score"]) if g else "n/a"
    ge = f(g.get("error")) if g and g.get("error") is not None else ""
    ga = f(g.get("alloc_norm_B_per_op")) if g and g.get("alloc_norm_B_per_op") is not None else ""
    pn = p["name"] if p else "—"
    if p and p.get("min") is not None:
        pv = f"{f(p['median'])} [{f(p['min'])}–{f(p['max'])}]"
    else:
        pv = f(p["median"]) if p else ""
    rt = f(r["ratio"]) if r["ratio"] is not None else "n/a"
    lines.append(f"| {r['operation']} | {r['pairs'] if r['pairs'] is not None else ''} | {gv} | {ge} | {ga} | {pn} | "
                 f"{pv} | {rt} | {r['target']} | {res} |")
lines += ["", f"targets: {counts['pass']} pass, {counts['FAIL']} fail, {counts['n/a']} n/a"]
text = "\n".join(lines) + "\n"
print(text, end="")
with open(os.path.join(out, "compare.md"), "w") as fh:
    fh.write(text)
def clean(o):   # NaN -> null, so that compare.json is strict JSON
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return None if isinstance(o, float) and math.isnan(o) else o
for r in rows:
    r["pass"] = r.pop("pass_")
with open(os.path.join(out, "compare.json"), "w") as fh:
    json.dump(clean({"machine": machine, "rows": rows}), fh, indent=1, allow_nan=False, ensure_ascii=False)
print(f"compare.sh: wrote compare.md and compare.json to {out}", file=sys.stderr)
PY
done

# ---- 5. the releases side by side ----
if [ ${#rels[@]} -gt 1 ]; then
python3 - "$out" "${rels[@]}" <<'PY'
import json, math, os, sys
out, rels = sys.argv[1], sys.argv[2:]
tables = {}
for r in rels:
    with open(os.path.join(out, "go" + r, "compare.json")) as fh:
        tables[r] = json.load(fh)
def f(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    a = abs(x)
    return f"{x:.0f}" if a >= 1000 else f"{x:.3g}" if a >= 0.01 else f"{x:.2g}"
keys, by = [], {}
for r in rels:
    for row in tables[r]["rows"]:
        k = (row["operation"], row["pairs"])
        if k not in by:
            keys.append(k)
            by[k] = {}
        by[k][r] = row
head = "| operation | pairs | " + " | ".join(f"Go {r}: goheap | peer | ratio" for r in rels) + " |"
lines = ["goheap simulating each release against that release's own peer (the peer column of each release's table);",
         "goheap = JMH score (ns/op; ops/ns for 2 threads); ratio as the per-release tables define it.", "",
         head, "|---|---:|" + "---:|---:|---:|" * len(rels)]
for k in keys:
    cells = []
    for r in rels:
        row = by[k].get(r)
        g = row and row.get("goheap")
        p = row and row.get("peer")
        cells += [f(g["score"]) if g and g.get("score") is not None else "n/a",
                  f(p["median"]) if p and p.get("median") is not None else "n/a",
                  f(row["ratio"]) if row and row.get("ratio") is not None else "n/a"]
    lines.append(f"| {k[0]} | {k[1] if k[1] is not None else ''} | " + " | ".join(cells) + " |")
machines = {r: tables[r]["machine"] for r in rels}
text = "\n".join(lines) + "\n"
print(text, end="")
with open(os.path.join(out, "releases.md"), "w") as fh:
    fh.write(text)
with open(os.path.join(out, "releases.json"), "w") as fh:
    json.dump({"releases": rels, "machine": machines,
               "rows": [{"operation": k[0], "pairs": k[1], "by_release": by[k]} for k in keys]}, fh, indent=1, ensure_ascii=False)
print(f"compare.sh: wrote releases.md and releases.json to {out}", file=sys.stderr)
PY
fi
