#!/usr/bin/env bash
# The README walked as a new user walks it: goheap installed from a clean clone of this repository, then
# a separate Maven project made of the READMEs' own blocks, built and run. Not part of the default build
# (it installs into the local Maven repository and downloads the shade plugin); a few minutes.
#
#   .ci/new-user.sh [--keep]
#
# Steps, each checked:
#   1. git clone of HEAD; mvn -B install -DskipTests there (root README, "Use it as a library")
#   2. a project of ffm-runtime/README.md's pom.xml (<!-- example:pom -->), the root README's Shapes
#      (<!-- example:library -->) and ReadmeBenchmark (<!-- example:jmh -->); mvn -B package
#   3. Shapes prints "true", "true", "main.(*Rect).Area"
#   4. java -jar target/benchmarks.jar ReadmeBenchmark (a short run) prints a score for Go 1.19 and 1.27
# Exit status: 0 when every step did what the READMEs say; 1 otherwise. --keep leaves the work folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keep=no
[ "${1:-}" = --keep ] && keep=yes
work=$(mktemp -d)
[ $keep = yes ] || trap 'rm -rf "$work"' EXIT
java=$("$root/goheap" --print-java)
say() { echo "new-user: $*"; }
fail() { echo "new-user: FAILED: $*" >&2; exit 1; }

# the fenced block after <!-- example:NAME --> in FILE, without its fences
block() {
  awk -v tag="<!-- example:$2 -->" '
    $0 == tag { on = 1; next }
    on && /^```/ { if (inside) exit; inside = 1; next }
    on && inside { print }' "$1"
}

say "1. install goheap from a clean clone of $(git -C "$root" rev-parse --short HEAD)"
git clone -q "$root" "$work/goheap"
(cd "$work/goheap" && mvn -B -q -Dstyle.color=never install -DskipTests) || fail "mvn install"

say "2. a separate project of the READMEs' blocks"
user="$work/user"
mkdir -p "$user/src/main/java/io/goheap/benchmarks"
block "$root/ffm-runtime/README.md" pom > "$user/pom.xml"
block "$root/README.md" library > "$user/src/main/java/Shapes.java"
block "$root/ffm-runtime/README.md" jmh > "$user/src/main/java/io/goheap/benchmarks/ReadmeBenchmark.java"
for f in pom.xml src/main/java/Shapes.java src/main/java/io/goheap/benchmarks/ReadmeBenchmark.java; do
  [ -s "$user/$f" ] || fail "no README block for $f"
done
(cd "$user" && mvn -B -q -Dstyle.color=never package) || fail "mvn package of the user project"

say "3. the root README's example"
out=$("$java" --enable-native-access=ALL-UNNAMED -cp "$user/target/benchmarks.jar" Shapes)
echo "$out"
[ "$out" = "$(printf 'true\ntrue\nmain.(*Rect).Area')" ] || fail "Shapes printed something else"

say "4. the README's JMH benchmark (short)"
jmh=$("$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$user/target/benchmarks.jar" \
  ReadmeBenchmark -f 1 -wi 1 -w 500ms -i 2 -r 500ms 2>&1) || { echo "$jmh"; fail "JMH"; }
echo "$jmh" | grep -E '^(Benchmark|ReadmeBenchmark)'
for go in 1.19 1.27; do
  echo "$jmh" | grep -Eq "^ReadmeBenchmark\.getitabHit +$go +avgt" || fail "no score for Go $go"
done
say "ok: installed, built, ran the example and the benchmark as the READMEs say"
[ $keep = no ] || say "left in $work"
