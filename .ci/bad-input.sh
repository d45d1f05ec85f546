#!/usr/bin/env bash
# The bad-input probe: runs the goheap command line on hostile but fair input and sorts every run.
# Not part of the default build (the JUnit reproducers of each finding are); it takes a few minutes.
#
#   .ci/bad-input.sh [-n MUTATIONS] [-s SEED] [-j JOBS] [-t SECONDS]
#
#   -n MUTATIONS  truncated and corrupted copies made of each fixture file (default 40)
#   -s SEED       seed of the mutations (default: random, printed)
#   -j JOBS       runs at a time (default 2)
#   -t SECONDS    a run still going after this long is a hang (default 60)
#
# Inputs: special files (directory, /dev/zero, /dev/null, FIFO, symlink loop, over-long name,
# missing, empty, text), the committed fixtures (a Go 1.19 binary plain, stripped and PIE, their cores,
# a goheap dump) paired wrongly, truncated and corrupted, outputs that cannot be written (/dev/full,
# a missing directory, the input itself), absurd arguments, and Go sources that hit each refusal.
#
# Every run is one of:
#   clean      non-zero exit, exactly one line on stderr starting "goheap: ", no stack trace
#   ok         exit 0 on input that may be valid (a corrupted copy can still be a good file)
#   messy      non-zero exit but more than one line, a stack trace or no message
#   silent     exit 0 on input that is known bad (a missed error)
#   crash      killed by a signal, or a JVM fatal error report
#   hang       still running after -t seconds (killed)
# Exit status: 0 when there is no messy, silent, crash or hang run; 1 otherwise; 2 on bad usage.
# Output: the table on stdout; every run in target/bad-input/runs.tsv at the top of the repository.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

usage() { sed -n '6,11s/^# \{0,1\}//p' "$0" >&2; exit 2; }
n=40; seed=$RANDOM$RANDOM; jobs=2; limit=60
while getopts 'n:s:j:t:h' opt; do
  case $opt in
    n) n=$OPTARG ;; s) seed=$OPTARG ;; j) jobs=$OPTARG ;; t) limit=$OPTARG ;; *) usage ;;
  esac
done
for v in "$n" "$seed" "$jobs" "$limit"; do
  [[ $v =~ ^[0-9]+$ ]] || { echo "bad-input.sh: not a number: '$v'" >&2; exit 2; }
done

out=$root/target/bad-input
rm -rf "$out" && mkdir -p "$out/in" "$out/runs" || exit 1
./goheap --version >/dev/null || { echo "bad-input.sh: goheap does not start" >&2; exit 1; }
in=$out/in
fx=$root/native/fixtures
for f in inspect inspect-stripped inspect-pie inspect.core inspect-stripped.core inspect-pie.core; do
  gzip -dc "$fx/$f.gz" >"$in/$f" || exit 1
done
chmod +x "$in/inspect" "$in/inspect-stripped" "$in/inspect-pie"
./goheap demo --dump "$in/demo.dump" >/dev/null || exit 1
mkdir -p "$in/dir" "$in/mod-empty"
: >"$in/empty"
echo 'hello, not an ELF file' >"$in/text"
mkfifo "$in/fifo"
ln -s "$in/loop2" "$in/loop1"; ln -s "$in/loop1" "$in/loop2"
long=$in/$(printf 'x%.0s' $(seq 300))
head -c 64 "$in/inspect" >"$in/elf-header-only"

# Go sources, each hitting one refusal (or a size limit)
src=$in/go; mkdir -p "$src"
gosrc() { printf 'package main\n\n%s\n\nfunc main() {}\n' "$2" >"$src/$1.go"; }
gosrc arrayexpr 'const N = 4
type T struct{ a [N*2]int }'
gosrc arrayhuge 'type T struct{ a [1 << 40]int }'
gosrc arraytoolarge 'type T struct{ a [1 << 60]int }'
gosrc gcprog 'type T struct{ a [10000]*int; b [10000]*int }
var x interface{} = T{}'
gosrc syntax 'type T struct{ a int'
gosrc undefined 'var x I = newT()'
gosrc generic 'type Set[K comparable] map[K]struct{}'
python3 - "$src" <<'EOF'
import sys
d = sys.argv[1]
open(d + "/longname.go", "w").write("package main\n\ntype T" + "x" * (1 << 20) + " struct{ a int }\n\nfunc main() {}\n")
open(d + "/manyfields.go", "w").write("package main\n\ntype T struct{\n" + "".join("f%d int\n" % i for i in range(100000)) + "}\n\nfunc main() {}\n")
EOF

# mutations: truncations and corrupted byte runs of each fixture
python3 - "$in" "$n" "$seed" <<'EOF'
import os, random, sys
d, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
os.makedirs(d + "/mut", exist_ok=True)
for name in ["inspect", "inspect-stripped", "inspect-pie", "inspect.core", "demo.dump"]:
    data = open(d + "/" + name, "rb").read()
    for i in range(n):
        b = bytearray(data)
        if i % 2 == 0:
            # truncation: near the headers half the time, anywhere otherwise
            cut = rnd.randrange(1, 4096) if i % 4 == 0 else rnd.randrange(1, len(b))
            b = b[:cut]
        else:
            # corruption: a few runs of random bytes, often in the ELF, program or section headers
            for _ in range(rnd.randrange(1, 6)):
                at = rnd.randrange(0, 4096) if rnd.random() < 0.5 else rnd.randrange(0, len(b))
                ln = rnd.randrange(1, 16)
                b[at:at + ln] = bytes(rnd.randrange(256) for _ in range(min(ln, len(b) - at)))
        open("%s/mut/%s.%03d" % (d, name, i), "wb").write(b)
EOF

# the cases: expectation (bad = known bad, any = may be valid) TAB command line (eval'd)
cases=$out/cases.tsv
{
  for p in "$in/dir" /dev/zero /dev/null "$in/fifo" "$in/loop1" "$long" "$in/missing" "$in/empty" "$in/text" "$in/elf-header-only"; do
    printf 'bad\tinspect binary %q\n' "$p"
    printf 'bad\tinspect dump %q\n' "$p"
    printf 'bad\tinspect core %q --binary %q\n' "$p" "$in/inspect"
    printf 'bad\tinspect core %q --binary %q\n' "$in/inspect.core" "$p"
    printf 'bad\timage %q\n' "$p"
  done
  printf 'bad\timage %q\n' "$in/mod-empty"
  # wrong pairs
  printf 'bad\tinspect core %q --binary %q\n' "$in/demo.dump" "$in/inspect"
  printf 'bad\tinspect core %q --binary %q\n' "$in/inspect-pie.core" "$in/inspect"
  printf 'bad\tinspect core %q --binary %q\n' "$in/inspect.core" "$in/inspect-pie"
  printf 'bad\tinspect core %q --binary %q\n' "$in/inspect.core" "$in/inspect-stripped"
  printf 'bad\tinspect dump %q\n' "$in/inspect.core"
  printf 'bad\tinspect dump %q\n' "$in/inspect"
  printf 'bad\tinspect binary %q\n' "$in/inspect.core"
  # outputs that cannot be written
  printf 'bad\tinspect binary %q --svg %q\n' "$in/inspect" "$in/inspect"
  printf 'bad\tinspect core %q --binary %q --svg %q\n' "$in/inspect.core" "$in/inspect" "$in/inspect.core"
  printf 'bad\tinspect binary %q --svg /dev/full\n' "$in/inspect"
  printf 'bad\tinspect binary %q --svg %q\n' "$in/inspect" "$in/missing-dir/x.svg"
  printf 'bad\tinspect binary %q --svg %q\n' "$in/inspect" "$in/dir"
  printf 'bad\tdemo --dump %q\n' "$in/missing-dir/x.dump"
  printf 'bad\tdemo --dump /dev/full\n'
  printf 'bad\tdemo --dump %q\n' "$in/dir"
  printf 'bad\tstress --types 10 --interfaces 2 --dump %q\n' "$in/missing-dir/x"
  for c in "demo" "demo --json" "layout itab" "layout --json" "inspect binary $in/inspect" "inspect dump $in/demo.dump" "stress --types 10 --interfaces 2" "--help" "--version"; do
    printf 'bad\t%s >/dev/full\n' "$c"
  done
  # arguments
  for a in "--types 1000000000" "--types 100000 --interfaces 100000" "--threads 0" "--threads -1" "--threads 100000" \
           "--seconds NaN" "--seconds -1" "--seconds Infinity" "--seconds 1e300" "--types abc" "--types 0" "--interfaces 0" "--types -5"; do
    printf 'bad\tstress %s\n' "$a"
  done
  printf 'any\tstress --types 3000 --interfaces 1000\n'
  printf 'bad\tlayout nosuchstruct\n'
  printf 'bad\tlayout itab extra\n'
  printf 'bad\tnosuchcommand\n'
  printf 'bad\tinspect\n'
  printf 'bad\tinspect binary\n'
  printf 'bad\tinspect core %q\n' "$in/inspect.core"
  printf 'bad\tdemo --nosuchoption\n'
  for g in arraytoolarge syntax undefined generic; do
    printf 'bad\timage %q\n' "$src/$g.go"
  done
  # valid Go that goheap must either compile (as Go does) or refuse by name
  for g in arrayexpr arrayhuge gcprog; do
    printf 'any\timage %q\n' "$src/$g.go"
  done
  printf 'any\timage %q\n' "$src/longname.go"
  printf 'any\timage %q\n' "$src/manyfields.go"
  for f in "$in"/mut/*; do
    case $f in
      *inspect.core.*) printf 'any\tinspect core %q --binary %q\n' "$f" "$in/inspect" ;;
      *demo.dump.*) printf 'any\tinspect dump %q\n' "$f" ;;
      *) printf 'any\tinspect binary %q\n' "$f" ;;
    esac
  done
} >"$cases"

total=$(wc -l <"$cases")
echo "bad-input probe: $total runs, seed $seed, $jobs at a time, hang limit ${limit}s"
# one run: the i-th case
run_one() {
  local i=$1 expect cmd d=$out/runs/$1 rc lines kind
  IFS=$'\t' read -r expect cmd < <(sed -n "${i}p" "$cases")
  mkdir -p "$d"
  ( cd "$d" && eval "timeout -k 5 $limit $root/goheap $cmd" >"$d/stdout" 2>"$d/stderr" ); rc=$?
  lines=$(wc -l <"$d/stderr")
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then kind=hang
  elif [[ $rc -ge 128 ]] || grep -q 'A fatal error has been detected' "$d/stderr" "$d/stdout" || compgen -G "$d/hs_err_pid*" >/dev/null; then kind=crash
  elif [[ $rc -eq 0 ]]; then if [[ $expect == bad ]]; then kind=silent; else kind=ok; fi
  elif [[ $lines -eq 1 ]] && grep -q '^goheap: ' "$d/stderr" && ! grep -qE '^\s+at |Exception in thread' "$d/stderr"; then kind=clean
  else kind=messy
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$i" "$kind" "$rc" "$cmd" "$(head -c 300 "$d/stderr" | tr '\n\t' '  ')"
}
export -f run_one
export out root limit cases
seq 1 "$total" | xargs -P "$jobs" -I{} bash -c 'run_one {}' | sort -n >"$out/runs.tsv"

printf '\n%-8s %6s\n' kind runs
for k in clean ok messy silent crash hang; do
  printf '%-8s %6d\n' "$k" "$(awk -F'\t' -v k="$k" '$2 == k' "$out/runs.tsv" | wc -l)"
done
printf '%-8s %6d\n' total "$(wc -l <"$out/runs.tsv")"
bad=$(awk -F'\t' '$2 == "messy" || $2 == "silent" || $2 == "crash" || $2 == "hang"' "$out/runs.tsv")
if [[ -n $bad ]]; then
  echo; echo "runs to look at (target/bad-input/runs.tsv):"
  echo "$bad" | cut -c1-400
  exit 1
fi
