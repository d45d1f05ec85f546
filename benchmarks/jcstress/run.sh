#!/usr/bin/env bash
# Long jcstress runs (not part of mvn verify, which runs the sanity mode only).
#   benchmarks/jcstress/run.sh [jcstress args]      default: -m default (minutes); try -m tough
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mvn -B -q -DskipTests package -pl benchmarks/jcstress -am
java=$("$root/goheap" --print-java)
cp="$root/benchmarks/jcstress/target/classes:$(cat "$root/benchmarks/jcstress/target/classpath.txt")"
args=("$@"); [ ${#args[@]} -gt 0 ] || args=(-m default)
mkdir -p "$root/benchmarks/jcstress/target" && cd "$root/benchmarks/jcstress/target"   # jcstress writes its result blob here
exec "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jcstress.Main \
  -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -r "$root/benchmarks/jcstress/target/jcstress-results" "${args[@]}"
