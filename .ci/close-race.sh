#!/usr/bin/env bash
# The long close race: GoRuntime.close() racing every public operation (CloseRaceTest), many rounds
# per operation, with a random seed. Not part of the default build: plain `mvn verify` runs the same
# test with 12 rounds per operation and a fixed seed.
#
#   .ci/close-race.sh [-r ROUNDS] [-s SEED]
#
#   -r ROUNDS  rounds per operation (default 1000); the mixed test runs 4 x ROUNDS rounds
#   -s SEED    picks each round's close delay and the mixed rounds' operations (default: random;
#              printed, so a failing run can be repeated)
#
# A round starts a runtime, links a package, starts 3 threads on the operation and closes the
# runtime at a random point. It passes when every thread ended with IllegalStateException after
# the close (never before, never another exception), no thread still runs 20 s after the close (a
# hang fails the round and prints the thread's stack), and the JVM did not crash (a fault kills the
# forked test JVM: Surefire reports "The forked VM terminated").
#
# Exit status: 0 when every round passed, 1 otherwise, 2 on bad usage.
# Log: target/close-race/close-race.log at the top of the repository.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

usage() { sed -n '6,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }

rounds=1000
seed=$(( (RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM ))
while getopts 'r:s:h' opt; do
  case $opt in
    r) rounds=$OPTARG ;;
    s) seed=$OPTARG ;;
    *) usage ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "close-race.sh: -r wants a positive integer, not '$rounds'" >&2; exit 2; }
[[ $seed =~ ^-?[0-9]+$ ]] || { echo "close-race.sh: -s wants an integer, not '$seed'" >&2; exit 2; }

mkdir -p target/close-race
log=target/close-race/close-race.log
echo "close race: $rounds rounds per operation, seed $seed (log: $log)"
start=$(date +%s)
mvn -B -o test -pl ffm-runtime -am -Dtest=CloseRaceTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dgoheap.test.closeRaceRounds="$rounds" -Dgoheap.test.closeRaceSeed="$seed" >"$log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
grep '^close race \[' "$log" || true
grep -E 'Tests run: .*CloseRaceTest|Tests run:.*Fail' "$log" | tail -1
if grep -q 'The forked VM terminated' "$log"; then
  echo "close-race.sh: the test JVM crashed (see $log and the hs_err file it names)" >&2
  rc=1
fi
echo "close race: $([[ $rc -eq 0 ]] && echo passed || echo FAILED) in ${secs} s, seed $seed"
[[ $rc -eq 0 ]] || exit 1
