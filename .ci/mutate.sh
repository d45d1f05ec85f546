#!/usr/bin/env bash
# The unguided mutation campaign of goheap inspect over every release's fixtures (InspectMutationTest):
# the fuzz bodies of InspectFuzzTest.releaseBinary and releaseCore, driven by a seeded random source,
# N runs each. Not part of the default build, which runs 300 of each. Coverage-guided fuzzing is
# .ci/fuzz.sh; this trades the guidance for speed (no instrumentation), to reach a million runs.
#
#   .ci/mutate.sh [-n RUNS] [-s SEED] [binary|core ...]
#
#   -n RUNS   runs of each campaign (default 1000000)
#   -s SEED   seed (default: the clock; printed, with each failing run's own seed)
#   binary    InspectMutationTest#releaseBinaries (default: both)
#   core      InspectMutationTest#releaseCores
#
# Exit status: 0 when every run decoded or failed with a documented exception, 1 otherwise, 2 on bad usage.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
runs=1000000
seed=
while getopts 'n:s:h' opt; do
  case $opt in
    n) runs=$OPTARG ;;
    s) seed=$OPTARG ;;
    *) sed -n '6,12s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $runs =~ ^[0-9]+$ ]] || { echo "mutate.sh: -n wants a number, not '$runs'" >&2; exit 2; }
[[ -z $seed || $seed =~ ^-?[0-9]+$ ]] || { echo "mutate.sh: -s wants a number, not '$seed'" >&2; exit 2; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(binary core)
mkdir -p target/mutate
status=0
for t in "${targets[@]}"; do
  case $t in
    binary) method=releaseBinaries ;;
    core) method=releaseCores ;;
    *) echo "mutate.sh: unknown campaign '$t' (binary or core)" >&2; exit 2 ;;
  esac
  log=target/mutate/$method.log
  echo "== InspectMutationTest#$method: $runs runs (log: $log)"
  args=(-Dgoheap.mutations="$runs")
  [ -n "$seed" ] && args+=(-Dgoheap.mutations.seed="$seed")
  mvn -B -pl ffm-runtime -am test -Dtest="InspectMutationTest#$method" -Dsurefire.failIfNoSpecifiedTests=false \
      "${args[@]}" > "$log" 2>&1
  rc=$?
  grep -E 'runs in .* no failure|failed' "$log" | head -3
  [ $rc -eq 0 ] || { echo "   FAILED (mvn exit $rc): see $log"; status=1; }
done
exit $status
