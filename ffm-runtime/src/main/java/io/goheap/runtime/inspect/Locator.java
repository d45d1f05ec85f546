package io.goheap.runtime.inspect;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.mem.GoMemory;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The second of inspect's three steps: locating the runtime's structures in a {@link Target}. Reads the
 * build info, takes the release it names (or {@code --go}, or what the pclntab magic and moduledata
 * shape say) and refuses a release goheap does not read by that name; finds the moduledata (by symbol,
 * {@code .go.module}, or the pclntab and a scan) and checks it against the release's layout (magic,
 * shape). The release's {@link Abi} is the result every decoder takes: a new release changes data
 * (its Abi), not this control flow.
 *
 * <p>Immutable once built; problems that leave the target readable are {@link #findings()}.
 */
public final class Locator {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Target target;
    private final GoImage.Kind kind;
    private final String description;
    private final GoMemory space;
    private final SymbolTable symbols;
    private final String goVersionHint;
    private final long bias;
    private final Findings findings = new Findings();
    private final BuildInfo buildInfo;
    private final Abi abi;
    private final String releaseFoundBy;
    private final long moduledataAddr;
    private final String moduledataFoundBy;

    /**
     * Locates the moduledata of {@code target}, read as {@code given} (null: the release the build info names).
     *
     * @throws IllegalStateException if the release named is one goheap does not read, no moduledata is
     *         found, or the one found does not read as the release's (magic, shape)
     */
    public Locator(Target target, GoRelease given) {
        this.target = target;
        this.kind = target.kind();
        this.description = target.description();
        this.space = target.space();
        this.symbols = target.symbols();
        this.goVersionHint = target.goVersionHint();
        this.bias = target.bias();
        ElfFile exe = target.exe();
        // the build info first: it names the release, so another release is refused by its name
        this.buildInfo = readBuildInfo(exe);
        String[] by = new String[1];
        GoRelease named = namedRelease(given, by);
        long[] md = new long[1];
        GoRelease[] seen = new GoRelease[1];
        this.moduledataFoundBy = locateModuledata(exe, named, md, seen);
        this.moduledataAddr = md[0];
        GoRelease release = named != null ? named : seen[0];
        if (named == null) {
            by[0] = seen[0] + " by the moduledata's shape and pclntab magic (no build info names the release; --go 1.N sets it)";
            addFinding("release not named by a build info: read as " + by[0]);
        }
        this.releaseFoundBy = by[0];
        Abi a = Abi.forReading(release);
        this.abi = buildInfo != null && buildInfo.settings().stream().anyMatch(x -> x.startsWith("GOEXPERIMENT=") && x.contains("noswissmap"))
                ? a.withOldMaps() : a;
        requireLayout();
        requireShape();
    }

    /** The release's layouts and rules. */
    public Abi abi() {
        return abi;
    }

    /** Where the release came from. */
    public String releaseFoundBy() {
        return releaseFoundBy;
    }

    /** The moduledata's address. */
    public long moduledata() {
        return moduledataAddr;
    }

    /** How the moduledata was found. */
    public String moduledataFoundBy() {
        return moduledataFoundBy;
    }

    /** The build info, or null. */
    public BuildInfo buildInfo() {
        return buildInfo;
    }

    /** Problems met while locating; the target is still readable. */
    public List<String> findings() {
        return findings.list();
    }

    private void addFinding(String f) {
        findings.add(f);
    }

    private long scan(List<GoImage.Area> where, int step, Target.Probe quick, Target.Check full) {
        return target.scan(where, step, quick, full);
    }

    private void scanAll(List<GoImage.Area> where, int step, Target.Probe quick, Target.Check visit) {
        target.scanAll(where, step, quick, visit);
    }

    private List<GoImage.Area> executableAreas(ElfFile exe, boolean writable) {
        return target.executableAreas(exe, writable);
    }

    /** The moduledata word the 1.19 field {@code field} names, at the release's offset. */
    long md(String field) {
        return space.u64(moduledataAddr + abi.offsetOf("moduledata", field));
    }

    /**
     * Finds the moduledata: by the {@code runtime.firstmoduledata} symbol; else, for Go 1.26 on, the
     * {@code .go.module} section that holds it alone; else through the pclntab (its section
     * {@code .gopclntab} or an internal PIE's {@code .data.rel.ro.gopclntab}, the {@code runtime.pclntab}
     * symbol, or a scan for the pcHeader magic) and a scan of the data for the moduledata pointing at it.
     * With {@code named} null (no build info) both magics are tried and {@code seen[0]} is set to the
     * release the shape says (Go 1.19 for 0xfffffff0; for 0xfffffff1 Go 1.26 or 1.27 by the size of
     * {@code .go.module}, else Go 1.25, whose reading of types and itabs 1.21 to 1.24 share but for
     * swiss maps).
     */
    private String locateModuledata(ElfFile exe, GoRelease named, long[] out, GoRelease[] seen) {
        seen[0] = named;
        SymbolTable.Sym s = symbols.get("runtime.firstmoduledata");
        ElfFile.Section mod = exe == null ? null : exe.section(".go.module");
        if (mod != null && (named == null || Abi.forReading(named).moduledataSection() != null)) {
            if (named == null) {
                seen[0] = mod.size() == Abi.of(new GoRelease(27)).sizeOf("moduledata") ? new GoRelease(27) : new GoRelease(26);
            }
            if (s == null) {
                out[0] = mod.addr() + bias;
                return "section .go.module";
            }
        }
        if (s != null) {
            out[0] = s.address();
            if (seen[0] == null) {
                seen[0] = magicRelease(space.u32(space.u64(s.address())));
            }
            return "symbol runtime.firstmoduledata";
        }
        int[] magics = named != null ? new int[] {Abi.forReading(named).pclntabMagic()} : new int[] {0xfffffff0, 0xfffffff1};
        long pcln = 0;
        String via = null;
        for (String name : new String[] {".gopclntab", ".data.rel.ro.gopclntab"}) {
            ElfFile.Section sec = exe == null ? null : exe.section(name);
            if (pcln == 0 && sec != null && isPclntab(sec.addr() + bias, magics)) {
                pcln = sec.addr() + bias;
                via = "section " + name;
            }
        }
        SymbolTable.Sym ps = symbols.get("runtime.pclntab");
        if (pcln == 0 && ps != null && isPclntab(ps.address(), magics)) {
            pcln = ps.address();
            via = "symbol runtime.pclntab";
        }
        if (pcln == 0) {
            List<GoImage.Area> where = new ArrayList<>(executableAreas(exe, false));
            where.addAll(executableAreas(exe, true));
            pcln = scan(where, 4, (seg, off) -> {
                int m = seg.get(U32, off);
                return m == magics[0] || m == magics[magics.length - 1];
            }, a -> isPclntab(a, magics));
            via = String.format("a scan for the pcHeader magic%s", magics.length == 1 ? String.format(" 0x%x", magics[0]) : "s 0xfffffff0, 0xfffffff1");
        }
        if (pcln == 0) {
            throw new IllegalStateException(description + ": no moduledata of " + (named != null ? named : GoRelease.READABLE)
                    + ": no runtime.firstmoduledata symbol and no pclntab found" + otherPclntab(exe));
        }
        if (seen[0] == null) {
            seen[0] = magicRelease(space.u32(pcln));
        }
        Abi probe = Abi.forReading(seen[0]);
        long pc = pcln;
        long md = scan(executableAreas(exe, true), 8, (seg, off) -> seg.get(U64, off) == pc, a -> isModuledataFor(a, pc, probe));
        if (md == 0) {
            throw new IllegalStateException(String.format("%s: pclntab at 0x%x (by %s), but no moduledata points at it", description, pcln, via));
        }
        out[0] = md;
        return String.format("pclntab at 0x%x (%s) and a scan of the data for the moduledata that points at it", pcln, via);
    }

    /** The release a pcHeader magic alone gives: 1.19 (1.18 reads the same), else the newest that keeps the typelinks. */
    private static GoRelease magicRelease(int magic) {
        return magic == 0xfffffff0 ? new GoRelease(19) : new GoRelease(25);
    }

    private boolean isPclntab(long addr, int[] magics) {
        for (int m : magics) {
            if (Pclntab.isHeader(space, addr, m)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The release to read with, when something names it: {@code given} ({@code --go}), else the build
     * info's Go version (a dump's note, a live runtime's own). A release goheap does not read is refused
     * by that name before anything is decoded (Go 1.20, for one, has no toolchain here to prove its
     * layouts). With {@code given}, a build info naming another release is a finding. Null when nothing
     * names one (no build info, or a devel version without a release): the pclntab's magic and the
     * moduledata's shape decide then. {@code by[0]} says where the release came from.
     */
    private GoRelease namedRelease(GoRelease given, String[] by) {
        String v = buildInfo != null ? buildInfo.goVersion() : goVersionHint;
        String whose = buildInfo != null ? "its build info" : "its notes";
        GoRelease found = GoRelease.find(v);
        if (given != null) {
            if (!given.isReadable()) {
                throw new IllegalStateException(String.format("%s: --go %s: %s", description, "1." + given.minor(), unreadable(given)));
            }
            if (found != null && !found.equals(given)) {
                addFinding(String.format("read as %s (--go), though %s says %s", given, whose, v.strip()));
            }
            by[0] = given + " (--go)";
            return given;
        }
        if (found != null && !found.isReadable()) {
            throw new IllegalStateException(String.format("%s: built by %s (%s); %s", description, v.strip(), whose, unreadable(found)));
        }
        by[0] = found == null ? null : v.strip() + " (" + whose + ")";
        return found;
    }

    /** Why {@code r} is not read, for a refusal. */
    private static String unreadable(GoRelease r) {
        return r.minor() == 20 ? "Go 1.20 is not read: goheap has no Go 1.20 toolchain to prove its layouts against; it reads "
                + GoRelease.READABLE + " programs" : "goheap reads " + GoRelease.READABLE + " programs only";
    }

    /**
     * For a binary in which no Go 1.18/1.19 pclntab was found: the release its pclntab magic names, if
     * one of another release's is there (a stripped binary without build info), as "; ..." text.
     */
    private String otherPclntab(ElfFile exe) {
        long[] found = {0, 0};
        scanAll(executableAreas(exe, false), 4, (seg, off) -> {
            int magic = seg.get(U32, off);
            return magic == 0xfffffff0 || magic == 0xfffffff1 || magic == 0xfffffffa || magic == 0xfffffffb;
        }, a -> {
            if (Pclntab.hasHeaderShape(space, a)) {
                found[0] = a;
                found[1] = space.u32(a) & 0xffffffffL;
                return false;
            }
            return true;
        });
        if (found[0] == 0) {
            return "; is it a Go program of " + GoRelease.READABLE + "?";
        }
        return String.format("; its pclntab at 0x%x has magic 0x%x (%s): goheap reads %s programs only",
                found[0], found[1], GoRelease.ofMagic((int) found[1]), GoRelease.READABLE);
    }

    /**
     * The pcHeader's magic must be the release's (Go 1.18-1.19 0xfffffff0, 1.20 on 0xfffffff1; 1.16-1.17
     * 0xfffffffa, 1.2-1.15 0xfffffffb): a build info or {@code --go} naming a release whose layouts the
     * program does not have is refused instead of decoding garbage. goheap's own images have no pclntab
     * (pcHeader 0).
     */
    private void requireLayout() {
        long hdr = md("pcHeader");
        if (hdr == 0) {
            return;
        }
        int magic = space.u32(hdr + abi.offsetOf("pcHeader", "magic"));
        if (magic != abi.pclntabMagic()) {
            throw new IllegalStateException(String.format("%s: pcHeader at 0x%x has magic 0x%x (%s), not %s's 0x%x; read as %s",
                    description, hdr, magic, GoRelease.ofMagic(magic), abi.release(), abi.pclntabMagic(), releaseFoundBy));
        }
    }

    /**
     * The moduledata must read as one of the release: its bounds pairs ({@code text/etext},
     * {@code types/etypes}, the data and bss bounds, from Go 1.21 {@code covctrs/ecovctrs}) in order, and in
     * Go 1.27 the type region inside the types. A moduledata of another release read with these offsets
     * (a build info wiped, a wrong {@code --go}) fails here instead of giving garbage.
     */
    private void requireShape() {
        if (md("pcHeader") == 0) {
            return; // goheap's own image: its moduledata is the simulator's, checked where it is written
        }
        List<String[]> pairs = new ArrayList<>(List.of(new String[] {"text", "etext"}, new String[] {"types", "etypes"},
                new String[] {"noptrdata", "enoptrdata"}, new String[] {"data", "edata"}, new String[] {"bss", "ebss"},
                new String[] {"noptrbss", "enoptrbss"}));
        if (abi.offset("moduledata", "covctrs").isPresent()) {
            pairs.add(new String[] {"covctrs", "ecovctrs"});
        }
        for (String[] p : pairs) {
            long lo = md(p[0]);
            long hi = md(p[1]);
            if (Long.compareUnsigned(lo, hi) > 0 || hi - lo > MAX_SPAN) {
                throw new IllegalStateException(String.format("%s: the moduledata at 0x%x does not read as %s's (%s 0x%x, %s 0x%x); read as %s",
                        description, moduledataAddr, abi.release(), p[0], lo, p[1], hi, releaseFoundBy));
            }
        }
        if (abi.hasTypeRegion() && Long.compareUnsigned(md("typedesclen"), md("etypes") - md("types")) > 0) {
            throw new IllegalStateException(String.format("%s: the moduledata at 0x%x does not read as %s's (typedesclen 0x%x past the types); read as %s",
                    description, moduledataAddr, abi.release(), md("typedesclen"), releaseFoundBy));
        }
    }

    /** Widest span a moduledata bounds pair may have: no Go module's text or data is 64 GiB. */
    private static final long MAX_SPAN = 1L << 36;

    /**
     * Whether {@code md} is the moduledata of the pclntab at {@code pcln}: its funcnametab starts where
     * the pcHeader says, and (before Go 1.26, whose pcHeader has no text start) its text where the
     * pcHeader's text start is.
     */
    private boolean isModuledataFor(long md, long pcln, Abi a) {
        try {
            boolean names = space.u64(md + a.offsetOf("moduledata", "funcnametab") + a.offsetOf("slice", "array"))
                    == pcln + space.u64(pcln + a.offsetOf("pcHeader", "funcnameOffset"));
            return names && (!a.pcHeaderHasTextStart()
                    || space.u64(md + a.offsetOf("moduledata", "text")) == space.u64(pcln + a.offsetOf("pcHeader", "textStart")));
        } catch (BadAddressException e) {
            return false;
        }
    }

    private BuildInfo readBuildInfo(ElfFile exe) {
        try {
            long at = 0;
            ElfFile.Section s = exe == null ? null : exe.section(".go.buildinfo");
            if (s != null && BuildInfo.isHeader(space, s.addr() + bias)) {
                at = s.addr() + bias;
            } else if (symbols.get("go.buildinfo") != null) {
                at = symbols.get("go.buildinfo").address();
            } else if (kind != GoImage.Kind.DUMP && kind != GoImage.Kind.LIVE) {
                byte first = BuildInfo.MAGIC[0];
                at = scan(executableAreas(exe, true), BuildInfo.HEADER / 2, (seg, off) -> seg.get(ValueLayout.JAVA_BYTE, off) == first,
                        a -> BuildInfo.isHeader(space, a));
            }
            return at == 0 ? null : BuildInfo.read(space, at);
        } catch (BadAddressException | IllegalStateException e) {
            addFinding("build info unreadable: " + e.getMessage());
            return null;
        }
    }
}
