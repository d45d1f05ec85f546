#!/usr/bin/env bash
# The layout mutation experiment: changes one offset in one of the three views (C header, Java layouts,
# Go 1.19 fixtures) or types one by hand in the runtime, in a scratch copy of the tree, and shows that
# `mvn verify` then fails, naming the tests that caught it. Not part of the default build (~1 minute).
#   .ci/mutation-check.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
status=0

mutate() { # name, file, sed expression, [regenerate layouts with jextract: yes|no]
  local name=$1 file=$2 expr=$3 regen=${4:-no} tree="$scratch/tree"
  rm -rf "$tree"; mkdir -p "$tree"
  (cd "$root" && git ls-files -z | xargs -0 -I{} cp --parents {} "$tree")
  sed -i -E "$expr" "$tree/$file"
  if cmp -s "$root/$file" "$tree/$file"; then echo "MUTATION NOT APPLIED: $name"; status=1; return; fi
  if [ "$regen" = yes ]; then
    command -v jextract >/dev/null || { echo "SKIPPED (no jextract on PATH): $name"; return; }
    "$tree/native/jextract.sh" >/dev/null 2>&1
  fi
  local log="$scratch/$name.log"
  if (cd "$tree" && mvn -B verify -pl layouts,ffm-runtime) >"$log" 2>&1; then
    echo "NOT CAUGHT: $name"; status=1
  else
    local failed
    failed=$(grep -E '^\[ERROR\]   [A-Za-z]+Test\.' "$log" | sed -E 's/^\[ERROR\]   ([A-Za-z]+Test)\.(lambda\$)?([A-Za-z]+).*/\1.\3/' | sort -u | tr '\n' ' ')
    [ -n "$failed" ] || failed="(compile) $(grep -m1 -E 'ERROR.*\.java' "$log")"
    echo "caught: $name -> $failed"
  fi
}

mutate header-itab-hash-widened   native/include/goheap/go1_19_amd64.h 's/^(    uint32_t               hash;)/    uint64_t               hash;/'
mutate header-regenerated         native/include/goheap/go1_19_amd64.h 's/^(    uint8_t    tflag;)/    uint16_t   tflag;/' yes
mutate java-layout-by-hand        layouts/src/main/java/io/goheap/layouts/go119/itab.java 's/Go119.C_INT.withName\("hash"\)/Go119.C_LONG.withName("hash")/'
mutate java-layout-fields-swapped layouts/src/main/java/io/goheap/layouts/go119/_type.java 's/withName\("str"\)/withName("@@")/; s/withName\("ptrToThis"\)/withName("str")/; s/withName\("@@"\)/withName("ptrToThis")/'
mutate gdb-fixture-offset         native/fixtures/ptype-o.txt 's|^/\*     40      \|       4 \*/    runtime.nameOff str;|/*     44      \|       4 */    runtime.nameOff str;|'
mutate compiler-fixture-reloc     native/fixtures/xer.srodata.txt 's/^\trel 24\+8 t=-32767 main.\(\*data\).A\+0/\trel 28+8 t=-32767 main.(*data).A+0/'
mutate hand-typed-offset          ffm-runtime/src/main/java/io/goheap/runtime/image/Linker.java 's/md.set\(ValueLayout.JAVA_LONG, mdOff\("types"\), types\);/md.set(ValueLayout.JAVA_LONG, 280, types);/'
exit $status
