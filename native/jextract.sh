#!/usr/bin/env bash
# Regenerates layouts/src/main/java from the headers in native/include with a `jextract` found on PATH.
# layouts/ is jextract output only: never edit it by hand, change the header (and native/structs.manifest, which
# lists every struct of each release) and run this script.
#   native/jextract.sh            regenerate
#   native/jextract.sh --check    regenerate into a temporary folder and fail if it differs from layouts/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
command -v jextract >/dev/null || { echo "jextract.sh: no jextract on PATH" >&2; exit 2; }

out="$root/layouts/src/main/java"
if [ "${1:-}" = "--check" ]; then out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

manifest="$here/structs.manifest"
# The releases and each release's structs come from structs.manifest (its comment gives the format): `releases
# 1.19 1.21 ...` and the `struct NAME RELEASES:GO_NAME ...` lines, RELEASES being 1.N, 1.N-1.M, 1.N+ or a
# comma-separated list of them.
manifest_releases() { awk '/^releases[ \t]/ { for (i = 2; i <= NF; i++) print $i; exit }' "$manifest"; }
manifest_structs() { # $1 = 1.N: the C names of the structs release 1.N has, in the manifest's order
  awk -v want="$1" '
    function has(spec, r,   items, n, i, a, b, k, lo, hi) {
      n = split(spec, items, ",")
      for (i = 1; i <= n; i++) {
        if (items[i] ~ /\+$/) { lo = pos[substr(items[i], 1, length(items[i]) - 1)]; hi = nrel }
        else if (index(items[i], "-")) { split(items[i], a, "-"); lo = pos[a[1]]; hi = pos[a[2]] }
        else { lo = pos[items[i]]; hi = lo }
        if (lo == "" || hi == "") { print "jextract.sh: structs.manifest: bad releases " items[i] > "/dev/stderr"; exit 1 }
        if (pos[r] >= lo && pos[r] <= hi) return 1
      }
      return 0
    }
    { sub(/#.*/, "") }
    /^releases[ \t]/ { for (k = 2; k <= NF; k++) pos[$k] = k - 1; nrel = NF - 1; next }
    /^struct[ \t]/ {
      for (k = 3; k <= NF; k++) {
        if ($k ~ /^anonymous:/) continue
        split($k, a, ":")
        if (has(a[1], want)) { print $2; break }
      }
    }' "$manifest"
}
# One package per release header: go1_19_amd64.h -> io.goheap.layouts.go119 (class Go119),
# go1_N_amd64.h -> io.goheap.layouts.go1N (class Go1N). Each takes the manifest's structs of that release
# (the header must define exactly those) and every GO_ constant of that header.
gen_release() { # $1 = 1.19, 1.21, ... 1.27
  local r=$1 n=${1#1.} s c
  local h="$here/include/goheap/go1_${n}_amd64.h"
  local -a rargs=() want=() have=()
  mapfile -t want < <(manifest_structs "$r")
  [ "${#want[@]}" -gt 0 ] || { echo "jextract.sh: structs.manifest has no struct of $r" >&2; exit 1; }
  mapfile -t have < <(grep -oE '^struct [A-Za-z_0-9]+ \{' "$h" | awk '{print $2}')
  for s in "${want[@]}"; do
    [[ " ${have[*]} " == *" $s "* ]] || { echo "jextract.sh: go1_${n}_amd64.h lacks struct $s of structs.manifest" >&2; exit 1; }
    rargs+=(--include-struct "$s")
  done
  for s in "${have[@]}"; do
    [[ " ${want[*]} " == *" $s "* ]] || { echo "jextract.sh: go1_${n}_amd64.h has struct $s, structs.manifest not for $r" >&2; exit 1; }
  done
  for c in $(grep -oE '^#define (GO_[A-Z0-9_]+)' "$h" | awk '{print $2}'); do
    rargs+=(--include-constant "$c")
  done
  rm -rf "$out/io/goheap/layouts/go1$n"
  jextract --output "$out" -t "io.goheap.layouts.go1$n" --header-class-name "Go1$n" \
    -I "$here/include" "${rargs[@]}" "$h"
}
mapfile -t releases < <(manifest_releases)
[ "${#releases[@]}" -gt 0 ] || { echo "jextract.sh: no releases line in structs.manifest" >&2; exit 1; }
rm -rf "$out/io/goheap/layouts/libc" "$out/io/goheap/layouts/elf"
for r in "${releases[@]}"; do gen_release "$r"; done

largs=()
for f in mmap munmap mprotect madvise sysconf strerrorname_np strerror; do largs+=(--include-function "$f"); done
for c in $(grep -oE '^#define (GOHEAP_[A-Z0-9_]+)' "$here/include/goheap/libc.h" | awk '{print $2}'); do
  largs+=(--include-constant "$c")
done
jextract --output "$out" -t io.goheap.layouts.libc --header-class-name Libc \
  -I "$here/include" "${largs[@]}" "$here/include/goheap/libc.h"

eargs=()
for t in Elf64_Ehdr Elf64_Phdr Elf64_Shdr Elf64_Sym Elf64_Nhdr Elf64_Rela; do eargs+=(--include-typedef "$t"); done
for c in $(grep -oE '^#define (GOHEAP_[A-Z0-9_]+)' "$here/include/goheap/elf64.h" | awk '{print $2}'); do
  eargs+=(--include-constant "$c")
done
jextract --output "$out" -t io.goheap.layouts.elf --header-class-name Elf \
  -I "$here/include" "${eargs[@]}" "$here/include/goheap/elf64.h"

if [ "${1:-}" = "--check" ]; then
  diff -r "$out/io/goheap/layouts" "$root/layouts/src/main/java/io/goheap/layouts" \
    && echo "jextract.sh: layouts/ is up to date"
fi
