#!/usr/bin/env bash
# Regenerates layouts/src/main/java from the headers in native/include with a `jextract` found on PATH.
# layouts/ is jextract output only: never edit it by hand, change the header and run this script.
#   native/jextract.sh            regenerate
#   native/jextract.sh --check    regenerate into a temporary folder and fail if it differs from layouts/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
command -v jextract >/dev/null || { echo "jextract.sh: no jextract on PATH" >&2; exit 2; }

out="$root/layouts/src/main/java"
if [ "${1:-}" = "--check" ]; then out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

structs=(slice string _type uncommontype method imethod name interfacetype
         ptrtype slicetype arraytype chantype functype maptype structfield structtype itab iface eface
         itabTableType persistentAlloc mutex globalAlloc sysmontick pageCache pGFree pMspancache gcWork wbBuf p
         functab _func textsect bitvector pcHeader moduledata)
# Go 1.22+ only: the call-site assert caches of internal/abi/switch.go (abi.Abi looks them up by these names).
caches122=(typeAssert typeAssertCache typeAssertCacheEntry interfaceSwitch interfaceSwitchCache
           interfaceSwitchCacheEntry)
# One package per release header: go1_19_amd64.h -> io.goheap.layouts.go119 (class Go119),
# go1_N_amd64.h -> io.goheap.layouts.go1N (class Go1N). Each takes the 1.19 struct list, the assert caches
# from 1.22 on, plus the structs its own header adds (C-only helpers such as pTraceState, pTimers, spanQueue,
# xRegPerP that a later p embeds), and every GO_ constant of that header.
gen_release() { # $1 = 19, 21, ... 27
  local n=$1 h="$here/include/goheap/go1_$1_amd64.h" s c
  local -a rargs=() extra=() want=("${structs[@]}")
  if [ "$n" -ge 22 ]; then want+=("${caches122[@]}"); fi
  for s in "${want[@]}"; do
    grep -qE "^struct $s \{" "$h" || { echo "jextract.sh: go1_${n}_amd64.h lacks struct $s" >&2; exit 1; }
    rargs+=(--include-struct "$s")
  done
  for s in $(grep -oE '^struct [A-Za-z_0-9]+ \{' "$h" | awk '{print $2}'); do
    [[ " ${want[*]} " == *" $s "* ]] || extra+=("$s")
  done
  for s in ${extra[@]+"${extra[@]}"}; do rargs+=(--include-struct "$s"); done
  for c in $(grep -oE '^#define (GO_[A-Z0-9_]+)' "$h" | awk '{print $2}'); do
    rargs+=(--include-constant "$c")
  done
  rm -rf "$out/io/goheap/layouts/go1$n"
  jextract --output "$out" -t "io.goheap.layouts.go1$n" --header-class-name "Go1$n" \
    -I "$here/include" "${rargs[@]}" "$h"
}
releases=(19 21 22 23 24 25 26 27)
rm -rf "$out/io/goheap/layouts/libc" "$out/io/goheap/layouts/elf"
for n in "${releases[@]}"; do gen_release "$n"; done

largs=()
for f in mmap munmap mprotect madvise sysconf strerrorname_np strerror; do largs+=(--include-function "$f"); done
for c in $(grep -oE '^#define (GOHEAP_[A-Z0-9_]+)' "$here/include/goheap/libc.h" | awk '{print $2}'); do
  largs+=(--include-constant "$c")
done
jextract --output "$out" -t io.goheap.layouts.libc --header-class-name Libc \
  -I "$here/include" "${largs[@]}" "$here/include/goheap/libc.h"

eargs=()
for t in Elf64_Ehdr Elf64_Phdr Elf64_Shdr Elf64_Sym Elf64_Nhdr; do eargs+=(--include-typedef "$t"); done
for c in $(grep -oE '^#define (GOHEAP_[A-Z0-9_]+)' "$here/include/goheap/elf64.h" | awk '{print $2}'); do
  eargs+=(--include-constant "$c")
done
jextract --output "$out" -t io.goheap.layouts.elf --header-class-name Elf \
  -I "$here/include" "${eargs[@]}" "$here/include/goheap/elf64.h"

if [ "${1:-}" = "--check" ]; then
  diff -r "$out/io/goheap/layouts" "$root/layouts/src/main/java/io/goheap/layouts" \
    && echo "jextract.sh: layouts/ is up to date"
fi
