#!/usr/bin/env bash
# The real benchmark runs (not part of mvn verify). Builds what it needs, then runs JMH on JDK 25.
#   benchmarks/run.sh [JMH args...]        e.g. benchmarks/run.sh SysAllocBenchmark -prof gc
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mvn -B -q -DskipTests package -pl benchmarks -am
java=$("$root/goheap" --print-java)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
exec "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$cp" org.openjdk.jmh.Main "$@"
