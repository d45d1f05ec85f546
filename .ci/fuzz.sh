#!/usr/bin/env bash
# Fuzzes the Jazzer @FuzzTest methods for real (fuzzing mode), one method after the other, and prints
# for each how many executions it made and whether it found anything. Not part of the default build:
# plain `mvn verify` runs the same methods in regression mode only (each once with an empty input and
# once per file of its inputs directory).
#
#   .ci/fuzz.sh [-d DURATION] [TARGET ...]
#
#   -d DURATION  how long to fuzz each method: 60s (default), 90 (seconds), 5m, 1h30m; 0 = no limit
#   TARGET       a test class (NameViewFuzzTest) or one method of it (NameViewFuzzTest#decode);
#                default: every @FuzzTest method under */src/test/java
#
# How fuzzing mode works with Surefire (jazzer-junit 0.30.0):
# - JAZZER_FUZZ=1 in the environment (the forked test JVM inherits it) switches @FuzzTest from
#   regression to fuzzing mode.
# - Only one @FuzzTest can fuzz per JVM: with more than one selected, Jazzer fuzzes the first and skips
#   the others ("Only one fuzz test can be run at a time"). So this script starts one Maven run per
#   method, selected with -Dtest=Class#method.
# - The duration is -Djazzer.max_duration (Surefire hands -D user properties to the forked JVM as system
#   properties, which Jazzer reads); it overrides @FuzzTest(maxDuration), which defaults to 5m.
# - Before fuzzing, the method's regression inputs run as ordinary test invocations (Surefire counts
#   them), then libFuzzer prints its stats: "#N ... exec/s: X" lines and "Done N runs in S second(s)".
# - Inputs that reach new coverage go to <module>/.cifuzz-corpus/<package>.<Class>/<method>/ (ignored
#   by git, reused by the next run). An input that fails the test is written, as crash-<sha1>, to
#   <module>/src/test/resources/<package path>/<Class>Inputs/<method>/ and the run stops with a
#   failing test. Commit that file with the fix: from then on `mvn verify` replays it.
#
# Exit status: 0 when no method found anything, 1 on a finding or a failed build, 2 on bad usage.
# Logs: target/fuzz/<Class>.<method>.log at the top of the repository.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { sed -n '6,11s/^# \{0,1\}//p' "$0" >&2; exit 2; }

duration=60s
while getopts 'd:h' opt; do
  case $opt in
    d) duration=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
duration=${duration// /}
[[ $duration =~ ^[0-9]+$ ]] && duration=${duration}s
[[ $duration =~ ^([0-9]+h)?([0-9]+m)?([0-9]+s)?$ && -n $duration ]] || { echo "bad duration: $duration" >&2; usage; }

# Every @FuzzTest method as "module<TAB>package.Class<TAB>method", from the test sources.
all_fuzz_tests() {
  grep -rl --include='*.java' '@FuzzTest' -- */src/test/java 2>/dev/null | sort | while read -r file; do
    module=${file%%/src/test/java/*}
    class=${file#*/src/test/java/}; class=${class%.java}; class=${class//\//.}
    awk '/@FuzzTest/ { pending = 1; next }
         pending && match($0, /void[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/) {
           m = substr($0, RSTART, RLENGTH); sub(/^void[ \t]+/, "", m); sub(/[ \t]*\($/, "", m)
           print m; pending = 0 }' "$file" | while read -r method; do
      printf '%s\t%s\t%s\n' "$module" "$class" "$method"
    done
  done
}

mapfile -t known < <(all_fuzz_tests)
[ ${#known[@]} -gt 0 ] || { echo "no @FuzzTest methods found" >&2; exit 2; }

selected=()
if [ $# -eq 0 ]; then
  selected=("${known[@]}")
else
  for target in "$@"; do
    want_class=${target%%#*}; want_method=; [[ $target == *#* ]] && want_method=${target#*#}
    matched=0
    for entry in "${known[@]}"; do
      IFS=$'\t' read -r module class method <<<"$entry"
      if [[ ( $class == "$want_class" || ${class##*.} == "$want_class" ) && ( -z $want_method || $method == "$want_method" ) ]]; then
        selected+=("$entry"); matched=1
      fi
    done
    [ $matched = 1 ] || { echo "no @FuzzTest method matches $target" >&2; exit 2; }
  done
fi

logs=$root/target/fuzz
mkdir -p "$logs"
status=0
summary=()
for entry in "${selected[@]}"; do
  IFS=$'\t' read -r module class method <<<"$entry"
  name="${class##*.}#$method"
  log="$logs/${class##*.}.$method.log"
  echo "== fuzzing $name in $module for $duration (log: ${log#"$root"/})"
  start=$(date +%s)
  JAZZER_FUZZ=1 mvn -B -pl "$module" -am test \
    -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_duration="$duration" >"$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))

  # libFuzzer's own count ("Done N runs in S second(s)"); after a finding, its last "#N" status line
  runs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1 \2/p' "$log" | tail -1)
  if [ -n "$runs" ]; then
    read -r execs secs <<<"$runs"
  else
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#'); secs=
  fi
  if [ -n "$secs" ] && [ "$secs" -gt 0 ]; then
    rate=$((execs / secs))
  else
    rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+'); [ "$rate" = 0 ] && rate=
  fi
  crashes=$(grep -oE 'Test unit written to [^ ]+' "$log" | sed 's/^Test unit written to //' | sed "s|^$root/||")
  # the finding as Surefire reports it: "NameViewFuzzTest.decode(byte[])[11] » FuzzTestFinding java.lang.X: msg"
  exception=$(grep -m1 -oE '» FuzzTestFinding .*' "$log" | sed 's/^» FuzzTestFinding //')

  line="$name: ${execs:-?} executions${secs:+ in ${secs}s}${rate:+ ($rate/s)}"
  if [ -n "$crashes" ] || [ -n "$exception" ]; then
    line+=", FINDING: ${exception:-see log}"
    for c in $crashes; do line+=$'\n'"    input: $c"; done
    status=1
  elif [ $rc -ne 0 ]; then
    line+=", FAILED (mvn exit $rc, no finding reported: see the log)"
    status=1
  elif [ -z "$execs" ]; then
    line+=", DID NOT FUZZ (no libFuzzer statistics in the log)"
    status=1
  else
    line+=", no finding"
  fi
  echo "$line (wall ${elapsed}s)"
  summary+=("$line")
done

echo
echo "== summary (fuzzing $duration per method)"
printf '%s\n' "${summary[@]}"
exit $status
