#!/usr/bin/env bash
# Checks `goheap inspect binary` on real Go programs nobody here wrote: Debian's packages of fzf, restic,
# age, hugo and gh from several suites (bookworm: Go 1.19; trixie: 1.22-1.24; sid: 1.24-1.27). Not part
# of the default build: it downloads about 100 MB from a Debian mirror the first time.
#
#   .ci/debian-programs.sh [options]
#
#   --scratch DIR       where the apt state, the .debs and the unpacked programs go (reused: a second
#                       run downloads nothing it already has); default $TMPDIR/goheap-debian-programs
#   --suites LIST       comma-separated Debian suites; default bookworm,trixie,sid
#   --programs LIST     comma-separated Debian package names; the program checked is the ELF file named
#                       like the package in a bin/ folder, else the package's largest ELF file;
#                       default fzf,restic,age,hugo,gh
#   --mirror URI        Debian mirror; default the one the machine's apt sources name, else deb.debian.org
#   --refresh           fetch the suites' package lists again (sid moves: its programs change)
#   --goheap PATH       the goheap launcher to test; default the one at the top of this repository
#   --json FILE         write the report as JSON here too; default SCRATCH/report.json
#   --runs N            run goheap N times per program and report the median wall time; default 3
#   --timeout SECONDS   per goheap run; default 300
#   --strict            a program goheap refuses by its Go release counts as a failure (default: recorded
#                       as "refused", not a failure)
#   -h, --help          this text
#
# What it does, for each program it finds in each suite:
# 1. Downloads the .deb with `apt-get download` through a PRIVATE apt state under SCRATCH (its own
#    sources.list, lists and cache) and unpacks it with `dpkg -x`. Nothing is installed and the machine's
#    apt sources stay as they are: never add trixie or sid to them (one `apt-get install` would then
#    upgrade the C library and half the system).
# 2. Records the Go release (from the `\xff Go buildinf:` header, read here, so no Go toolchain is
#    needed), the size, ELF type (EXEC or PIE; internally or externally linked), stripped or not, and
#    the section names.
# 3. Computes the ground truth, the static itabs, with readelf and a reading of the file's bytes
#    (never with goheap):
#    - Go <= 1.26: the itablink array of 8-byte itab pointers: section .itablink or
#      .data.rel.ro.itablink; in an externally linked PIE, where the linker merged it into
#      .data.rel.ro, the moduledata.itablinks slice (offset 360 in 1.18/1.19, 376 in 1.20-1.25,
#      384 in 1.26). In a PIE a pointer word is taken from its R_X86_64_RELATIVE relocation (the addend
#      is the value) when it has one. When both a section and the moduledata are found, they must agree.
#    - Go 1.27 (no itablink): md.types + md.itaboffset, md.itabsize bytes (moduledata offsets 296,
#      320, 328), walked itab by itab, each 24 + 8*n bytes where n = the interface type's method
#      count (interfacetype.Methods len at +64); the walk must end exactly at itabsize.
#    - The moduledata: the `runtime.firstmoduledata` symbol if the binary has a symbol table; else all
#      of `.go.module` (1.26+); else the word of .noptrdata (or its relocation) holding the pcHeader
#      address, the pcHeader found by section .gopclntab / .data.rel.ro.gopclntab or by scanning for its
#      magic (f0 ff ff ff 00 00 01 08 in 1.18/1.19, f1 ... from 1.20).
#    For each itab: its address and its hash (u32 at +16). Every one must point at an interface type
#    and a type with file bytes, and its hash must equal its type's hash (u32 at type+16), as it does
#    for every static itab: else the ground truth itself is reported as failed.
# 4. Runs `goheap inspect binary FILE --json` (timed, wall clock, the whole process) and compares its
#    itabs (address, hash) with the ground truth: matched / missing / extra. Records how many types
#    goheap lists. A non-zero exit whose message names the program's Go release (go1.N.M) is a refusal
#    by release; any other non-zero exit, a timeout or unreadable JSON is an error (a failure).
# 5. Prints a markdown table (stdout, and SCRATCH/report.md) and writes the same as JSON.
#
# Exit status: 0 when every program matched (or was refused by release, without --strict); 1 when one
# mismatched, failed, or its ground truth could not be computed; 2 on bad usage or a failed download.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

scratch="${TMPDIR:-/tmp}/goheap-debian-programs"
suites=bookworm,trixie,sid
programs=fzf,restic,age,hugo,gh
mirror=""
refresh=no
goheap="$root/goheap"
json=""
timeout=300
runs=3
strict=no
while [ $# -gt 0 ]; do
  case "$1" in
    --scratch) scratch=${2:?--scratch needs a folder}; shift 2 ;;
    --scratch=*) scratch=${1#*=}; shift ;;
    --suites) suites=${2:?--suites needs a list}; shift 2 ;;
    --suites=*) suites=${1#*=}; shift ;;
    --programs) programs=${2:?--programs needs a list}; shift 2 ;;
    --programs=*) programs=${1#*=}; shift ;;
    --mirror) mirror=${2:?--mirror needs a URI}; shift 2 ;;
    --mirror=*) mirror=${1#*=}; shift ;;
    --refresh) refresh=yes; shift ;;
    --goheap) goheap=${2:?--goheap needs a path}; shift 2 ;;
    --goheap=*) goheap=${1#*=}; shift ;;
    --json) json=${2:?--json needs a file}; shift 2 ;;
    --json=*) json=${1#*=}; shift ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --timeout=*) timeout=${1#*=}; shift ;;
    --runs) runs=${2:?--runs needs a count}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --strict) strict=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "debian-programs: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for tool in apt-get dpkg readelf python3; do
  command -v "$tool" >/dev/null || { echo "debian-programs: $tool is needed" >&2; exit 2; }
done
[ -x "$goheap" ] || { echo "debian-programs: no goheap launcher at $goheap" >&2; exit 2; }
case "$timeout" in ''|*[!0-9]*) echo "debian-programs: --timeout takes whole seconds" >&2; exit 2 ;; esac
case "$runs" in ''|*[!0-9]*|0) echo "debian-programs: --runs takes a count >= 1" >&2; exit 2 ;; esac

mkdir -p "$scratch"; scratch=$(cd "$scratch" && pwd)
[ -n "$json" ] || json="$scratch/report.json"
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / && $0 !~ /security/ && $0 ~ /debian/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi

# --- 1. the private apt state (one per suite, so --suites sid leaves the others' lists) and downloads -
debs="$scratch/debs"; unpacked="$scratch/unpacked"
mkdir -p "$debs" "$unpacked"
key=/usr/share/keyrings/debian-archive-keyring.gpg
IFS=, read -r -a suite_list <<< "$suites"
IFS=, read -r -a program_list <<< "$programs"
# apt_in SUITE ARGS...: apt-get with SUITE's private sources.list, lists and cache under SCRATCH/apt/SUITE
apt_in() {
  local a="$scratch/apt/$1"; shift
  apt-get -o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
    -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o Dir::State::status=/dev/null \
    -o APT::Architecture=amd64 -o APT::Architectures=amd64 -o APT::Sandbox::User=root -qq "$@"
}
for s in "${suite_list[@]}"; do
  a="$scratch/apt/$s"
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
  echo "deb [signed-by=$key] $mirror $s main" > "$a/sources.list.new"
  if ! cmp -s "$a/sources.list.new" "$a/sources.list" 2>/dev/null; then
    mv "$a/sources.list.new" "$a/sources.list"; rm -f "$a/lists/"*_Packages*
  else
    rm -f "$a/sources.list.new"
  fi
  if [ "$refresh" = yes ] || ! ls "$a/lists/"*_Packages* >/dev/null 2>&1; then
    echo "debian-programs: apt-get update of $s (private state in $a)" >&2
    apt_in "$s" update >&2 || { echo "debian-programs: apt-get update of $s failed" >&2; exit 2; }
  fi
done

manifest="$scratch/manifest.tsv"
: > "$manifest"
for s in "${suite_list[@]}"; do
  for p in "${program_list[@]}"; do
    # 'URI' FILE SIZE SHA256:HEX of the suite's candidate, or nothing when the suite lacks the package
    line=$(apt_in "$s" download --print-uris "$p/$s" 2>/dev/null | head -n 1 || true)
    if [ -z "$line" ]; then
      printf '%s\t%s\t-\t-\t-\n' "$s" "$p" >> "$manifest"; continue
    fi
    read -r _ file _ sum <<< "$line"
    sum=${sum#SHA256:}
    if [ ! -f "$debs/$file" ] || [ "$(sha256sum "$debs/$file" | cut -d' ' -f1)" != "$sum" ]; then
      echo "debian-programs: downloading $p from $s ($file)" >&2
      (cd "$debs" && apt_in "$s" download "$p/$s" >&2) || { echo "debian-programs: download of $p/$s failed" >&2; exit 2; }
    fi
    version=${file#"${p}_"}; version=${version%_*.deb}
    dir="$unpacked/${file%.deb}"
    if [ ! -f "$dir/.unpacked" ]; then
      rm -rf "$dir"; mkdir -p "$dir"; dpkg -x "$debs/$file" "$dir"; touch "$dir/.unpacked"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$p" "$version" "$file" "$dir" >> "$manifest"
  done
done

# the launcher builds goheap on first use: do that (and the class-data archive) before timing anything
"$goheap" --version >/dev/null 2>&1 || "$goheap" --version >&2 || { echo "debian-programs: goheap does not start" >&2; exit 2; }
"$goheap" --version >/dev/null 2>&1 || true

# --- 2.-5. facts, ground truth, goheap, report (Python 3, standard library and readelf only) ------
export DP_MANIFEST="$manifest" DP_GOHEAP="$goheap" DP_JSON="$json" DP_MD="$scratch/report.md" \
  DP_TIMEOUT="$timeout" DP_RUNS="$runs" DP_STRICT="$strict"
exec python3 - <<'PY'
import json, os, re, struct, subprocess, sys, time

def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], capture_output=True, text=True, check=True,
                          env=dict(os.environ, LC_ALL="C")).stdout

class Elf:
    """One ELF file: bytes, readelf's section table, dynamic facts and (PIE) RELATIVE relocations."""
    SEC = re.compile(r"^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s")

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        header = readelf("-h", path)
        self.type = re.search(r"^\s*Type:\s+(\S+)", header, re.M).group(1)
        self.sections = []
        for line in readelf("-S", path).splitlines():
            m = self.SEC.match(line)
            if m and m.group(1) != "0":
                self.sections.append(dict(name=m.group(2), type=m.group(3), addr=int(m.group(4), 16),
                                          off=int(m.group(5), 16), size=int(m.group(6), 16)))
        self.by_name = {s["name"]: s for s in self.sections}
        dyn = readelf("-d", path)
        self.needed = re.findall(r"\(NEEDED\).*\[(.*)\]", dyn)
        self.pie = self.type == "DYN" and ("PIE" in dyn or self.has(".interp"))
        self.external = self.has(".init") or self.has(".eh_frame")  # GNU ld's sections, not Go's linker's
        self.stripped = not self.has(".symtab")
        self.rel = {}
        if self.type == "DYN":
            for line in readelf("-r", path).splitlines():
                f = line.split()
                if len(f) >= 4 and f[2] == "R_X86_64_RELATIVE":
                    self.rel[int(f[0], 16)] = int(f[-1], 16)

    def has(self, name):
        return name in self.by_name

    def off(self, addr):
        for s in self.sections:
            if s["type"] != "NOBITS" and s["addr"] and s["addr"] <= addr < s["addr"] + s["size"]:
                return s["off"] + addr - s["addr"]
        raise ValueError("address 0x%x is in no section with file bytes" % addr)

    def bytes(self, addr, n):
        o = self.off(addr)
        return self.data[o:o + n]

    def u32(self, addr):
        return struct.unpack_from("<I", self.data, self.off(addr))[0]

    def u64(self, addr):
        return struct.unpack_from("<Q", self.data, self.off(addr))[0]

    def ptr(self, addr):
        """A pointer word as the loader leaves it (link-time addresses: the image is not moved)."""
        if addr in self.rel:
            return self.rel[addr]
        return self.u64(addr)

    def symbol(self, name):
        if self.stripped:
            return None
        for line in readelf("-s", self.path).splitlines():
            f = line.split()
            if len(f) >= 8 and f[7] == name:
                return int(f[1], 16)
        return None

def go_version(elf):
    s = elf.by_name.get(".go.buildinfo")
    blob = elf.data[s["off"]:s["off"] + s["size"]] if s else elf.data
    i = blob.find(b"\xff Go buildinf:")
    if i < 0:
        return None
    ptrsize, flags = blob[i + 14], blob[i + 15]
    if flags & 2:  # Go 1.18+: inline, uvarint-prefixed strings after the 32-byte header
        j, n, shift = i + 32, 0, 0
        while True:
            b = blob[j]; j += 1; n |= (b & 0x7f) << shift; shift += 7
            if b < 0x80:
                break
        return blob[j:j + n].decode()
    # older: pointer to a Go string header
    fmt = "<Q" if ptrsize == 8 else "<I"
    hdr = struct.unpack_from(fmt, blob, i + 16)[0]
    sp, sl = elf.ptr(hdr), elf.ptr(hdr + ptrsize)
    return elf.bytes(sp, sl).decode()

def minor(version):
    m = re.match(r"go1\.(\d+)", version or "")
    return int(m.group(1)) if m else None

# moduledata offsets by release (GO-RELEASES.md's table; 1.20 by the 1.21 layout, not measured)
def md_offsets(mn):
    if mn <= 19:
        return dict(types=280, itablinks=360)
    if mn <= 25:
        return dict(types=296, itablinks=376)
    if mn == 26:
        return dict(types=296, itablinks=384)
    return dict(types=296, typedesclen=304, itaboffset=320, itabsize=328)

def find_pcheader(elf, mn):
    for name in (".gopclntab", ".data.rel.ro.gopclntab"):
        if elf.has(name):
            return elf.by_name[name]["addr"], "section " + name
    magic = (b"\xf0" if mn <= 19 else b"\xf1") + b"\xff\xff\xff\x00\x00\x01\x08"
    hits = []
    for s in elf.sections:
        if s["type"] == "NOBITS" or not s["addr"]:
            continue
        blob = elf.data[s["off"]:s["off"] + s["size"]]
        i = blob.find(magic)
        while i >= 0:
            if i % 8 == 0 or (s["addr"] + i) % 8 == 0:
                hits.append(s["addr"] + i)
            i = blob.find(magic, i + 1)
    if len(hits) != 1:
        raise ValueError("pcHeader magic found %d times" % len(hits))
    return hits[0], "pcHeader magic scan"

def find_moduledata(elf, mn):
    a = elf.symbol("runtime.firstmoduledata")
    if a is not None:
        return a, "symbol runtime.firstmoduledata"
    if elf.has(".go.module"):
        return elf.by_name[".go.module"]["addr"], "section .go.module"
    pc, how = find_pcheader(elf, mn)
    s = elf.by_name[".noptrdata"]
    hits = [a for a in range(s["addr"], s["addr"] + s["size"] - 7, 8) if elf.ptr(a) == pc]
    if len(hits) != 1:
        raise ValueError("%d .noptrdata words hold the pcHeader address 0x%x" % (len(hits), pc))
    return hits[0], ".noptrdata word = pcHeader address 0x%x (%s)" % (pc, how)

def ptr_array(elf, addr, n):
    return [elf.ptr(addr + 8 * i) for i in range(n)]

def check_itabs(elf, itabs):
    """[(address, hash)]; each static itab's hash is its type's hash."""
    out = []
    for a in itabs:
        h, typ = elf.u32(a + 16), elf.ptr(a + 8)
        elf.off(elf.ptr(a))  # the interface type has file bytes
        if elf.u32(typ + 16) != h:
            raise ValueError("itab 0x%x: hash %08x but its type 0x%x has hash %08x" % (a, h, typ, elf.u32(typ + 16)))
        out.append((a, h))
    return out

def ground_truth(elf, version):
    """[(itab address, hash)] and how they were found."""
    mn = minor(version)
    if mn is None or mn < 18:
        raise ValueError("Go release %r not handled" % version)
    offs = md_offsets(mn)
    try:
        md, md_how = find_moduledata(elf, mn)
        md_how = "0x%x by %s" % (md, md_how)
    except (ValueError, KeyError) as e:
        md, md_how = None, "moduledata not found: %s" % e
    if mn <= 26:
        sec = next((elf.by_name[n] for n in (".itablink", ".data.rel.ro.itablink") if elf.has(n)), None)
        from_md = None
        if md is not None:
            base, n = elf.ptr(md + offs["itablinks"]), elf.u64(md + offs["itablinks"] + 8)
            from_md = ptr_array(elf, base, n)
        if sec is not None:
            itabs = ptr_array(elf, sec["addr"], sec["size"] // 8)
            how = "section %s" % sec["name"]
            if from_md is not None:
                if from_md != itabs:
                    raise ValueError("%s (%d) and moduledata.itablinks (%d) differ" % (sec["name"], len(itabs), len(from_md)))
                how += " = moduledata.itablinks (md %s)" % md_how
        elif from_md is not None:
            itabs, how = from_md, "moduledata.itablinks @%d (md %s)" % (offs["itablinks"], md_how)
        else:
            raise ValueError("no itablink section and " + md_how)
        return check_itabs(elf, itabs), how
    if md is None:
        raise ValueError(md_how)
    types = elf.ptr(md + offs["types"])
    start = types + elf.u64(md + offs["itaboffset"])
    size = elf.u64(md + offs["itabsize"])
    out, a = [], start
    while a < start + size:
        inter = elf.ptr(a)
        if inter == 0 or elf.ptr(a + 8) == 0:
            raise ValueError("itab at 0x%x has a nil Inter or Type" % a)
        n = elf.u64(inter + 64)  # interfacetype.Methods len
        out.append(a)
        a += 24 + 8 * max(n, 1)
    if a != start + size:
        raise ValueError("itab walk overran md.itabsize (0x%x != 0x%x)" % (a, start + size))
    return check_itabs(elf, out), "md.types+itaboffset, itabsize %d B walked by method counts (md %s)" % (size, md_how)

def run_goheap(goheap, path, timeout, runs, go):
    first = run_goheap_once(goheap, path, timeout, go)
    times = [first["seconds"]]
    for _ in range(runs - 1):
        if first["status"] != "ok":
            break
        times.append(run_goheap_once(goheap, path, timeout, go)["seconds"])
    times.sort()
    first.update(seconds=times[len(times) // 2], times=[round(t, 3) for t in times])
    return first

def run_goheap_once(goheap, path, timeout, go):
    t0 = time.monotonic()
    try:
        p = subprocess.run([goheap, "inspect", "binary", path, "--json"], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return dict(status="error", message="timed out after %d s" % timeout, seconds=timeout)
    secs = time.monotonic() - t0
    err = p.stderr.strip()
    if p.returncode != 0:
        first = err.splitlines()[0] if err else "exit %d, no message" % p.returncode
        by_release = bool(go) and go in first and "Exception" not in err
        return dict(status="refused" if by_release else "error", message=first, exit=p.returncode, seconds=secs)
    try:
        d = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        return dict(status="error", message="no JSON: %s" % e, seconds=secs)
    num = lambda v: int(v, 0) if isinstance(v, str) else int(v)
    try:
        itabs = [(num(i["address"]), num(i["hash"]) & 0xffffffff) for i in d.get("itabs", [])]
    except (KeyError, TypeError, ValueError) as e:
        return dict(status="error", message="itabs without address/hash: %s" % e, seconds=secs)
    return dict(status="ok", seconds=secs, goVersion=d.get("goVersion"), itabs=itabs,
                types=len(d.get("types", [])), findings=len(d.get("findings", [])),
                moduledataFoundBy=d.get("moduledataFoundBy"))

def human(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1000.0

def main():
    env = os.environ
    strict = env["DP_STRICT"] == "yes"
    rows, failed = [], False
    with open(env["DP_MANIFEST"]) as f:
        manifest = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    for suite, pkg, version, deb, folder in manifest:
        row = dict(program=pkg, suite=suite, package=version)
        rows.append(row)
        if deb == "-":
            row.update(verdict="absent", note="no package %s in %s" % (pkg, suite))
            continue
        row["deb"] = deb
        candidates = []
        for dp, _, files in os.walk(folder):
            for fn in files:
                p = os.path.join(dp, fn)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                with open(p, "rb") as fh:
                    if fh.read(4) != b"\x7fELF":
                        continue
                candidates.append(p)
        named = [p for p in candidates if os.path.basename(p) == pkg and "/bin/" in p]
        if not (named or candidates):
            row.update(verdict="FAIL", note="no ELF file in the package"); failed = True
            continue
        path = named[0] if named else max(candidates, key=os.path.getsize)
        row["binary"] = os.path.relpath(path, folder)
        row["otherElfFiles"] = sorted(os.path.relpath(p, folder) for p in candidates if p != path)
        elf = Elf(path)
        gv = go_version(elf)
        row.update(go=gv, size=len(elf.data), elfType=elf.type, pie=elf.pie, externalLink=elf.external,
                   stripped=elf.stripped, needed=elf.needed, sections=[s["name"] for s in elf.sections])
        try:
            truth, how = ground_truth(elf, gv)
            row.update(truthItabs=len(truth), truthMethod=how)
        except Exception as e:
            truth = None
            row.update(truthItabs=None, truthMethod="failed: %s" % e)
        g = run_goheap(env["DP_GOHEAP"], path, int(env["DP_TIMEOUT"]), int(env["DP_RUNS"]), gv)
        row.update(goheapSeconds=round(g["seconds"], 3), goheapTimes=g["times"])
        if g["status"] != "ok":
            row.update(goheap=g["status"], goheapMessage=g["message"])
            if g["status"] == "refused":
                row["verdict"] = "refused"
                failed |= strict
            else:
                row["verdict"] = "ERROR"; failed = True
            if truth is None:
                row["verdict"] += ", no ground truth"; failed = True
            continue
        row.update(goheap="ok", goheapItabs=len(g["itabs"]), goheapTypes=g["types"],
                   goheapFindings=g["findings"], goheapGoVersion=g["goVersion"],
                   goheapModuledataFoundBy=g["moduledataFoundBy"])
        if truth is None:
            row["verdict"] = "NO GROUND TRUTH"; failed = True
            continue
        want, have = set(truth), set(g["itabs"])
        matched, missing, extra = want & have, sorted(want - have), sorted(have - want)
        row.update(matched=len(matched), missing=len(missing), extra=len(extra),
                   missingSample=["0x%x/%08x" % m for m in missing[:10]],
                   extraSample=["0x%x/%08x" % m for m in extra[:10]],
                   duplicates=len(g["itabs"]) - len(have))
        ok = not missing and not extra and len(truth) == len(set(truth)) and row["duplicates"] == 0
        row["verdict"] = "OK" if ok else "MISMATCH"
        failed |= not ok

    head = ["program", "suite", "package", "Go", "kind", "size", "itabs truth", "itabs goheap",
            "matched", "types goheap", "goheap s", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "go" not in r:
            cells = [r["program"], r["suite"], r.get("package", "-"), "-", "-", "-", "-", "-", "-", "-", "-",
                     r["verdict"] + (": " + r["note"] if "note" in r else "")]
        else:
            kind = ("PIE" if r["pie"] else r["elfType"]) + (" ext" if r["externalLink"] else " int") + \
                   (", stripped" if r["stripped"] else "")
            verdict = r["verdict"]
            if r.get("goheap") in ("refused", "error"):
                verdict += ": " + r["goheapMessage"].replace("|", "\\|")
            elif r.get("missing") or r.get("extra"):
                verdict += " (%d missing, %d extra)" % (r["missing"], r["extra"])
            cells = [r["program"], r["suite"], r["package"], (r["go"] or "?").replace("go", "", 1), kind,
                     human(r["size"]), "-" if r["truthItabs"] is None else str(r["truthItabs"]),
                     str(r.get("goheapItabs", "-")), str(r.get("matched", "-")), str(r.get("goheapTypes", "-")),
                     "%.2f" % r["goheapSeconds"], verdict]
        lines.append("| " + " | ".join(cells) + " |")
    methods = ["- %s/%s (Go %s): %s" % (r["program"], r["suite"], r["go"].replace("go", "", 1), r["truthMethod"])
               for r in rows if r.get("go") and "truthMethod" in r]
    runs = int(env["DP_RUNS"])
    text = "\n".join(lines) + "\n\ngoheap s: wall time of the whole process, %s.\n\nGround truth by:\n" % (
        "median of %d runs" % runs if runs > 1 else "one run") + "\n".join(methods) + "\n"
    print(text)
    with open(env["DP_MD"], "w") as f:
        f.write(text)
    with open(env["DP_JSON"], "w") as f:
        json.dump(dict(strict=strict, failed=failed, programs=rows), f, indent=1)
        f.write("\n")
    print("JSON: %s\nexit: %d" % (env["DP_JSON"], 1 if failed else 0), file=sys.stderr)
    sys.exit(1 if failed else 0)

main()
PY
