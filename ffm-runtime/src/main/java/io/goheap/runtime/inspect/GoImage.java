package io.goheap.runtime.inspect;

import io.goheap.layouts.elf.Elf;
import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.abi.InterfaceTypeView;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.mem.FileMemory;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.abi.UncommonTypeView;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.elf.MalformedFileException;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.sys.Mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * One Go program's memory, whatever holds it: an executable's sections, a core file laid over its
 * executable, a goheap dump, or a live {@link GoRuntime}. All four give the same things through the
 * same code: the release ({@link #release()}: the build info names it, {@code --go} overrides it, the
 * pclntab magic must agree), the {@code moduledata} (by the {@code runtime.firstmoduledata} symbol,
 * the {@code .go.module} section of Go 1.26 on, or in a stripped binary through its pclntab and a
 * scan for the moduledata that points at it), the static itabs ({@code itablinks}, or Go 1.27's itab
 * region), every type reachable from {@code typelinks} (Go 1.27: the type region) and the itabs,
 * function names from the pclntab (or the symbol table), and the build info. Every layout is the
 * release's own ({@link Abi}).
 *
 * <p>A position-independent executable read as a file has its {@code R_X86_64_RELATIVE} relocations
 * applied to copies of the sections they patch, as the dynamic loader would at the link address: an
 * externally linked PIE's moduledata pointers are only there after it.
 *
 * <p>Every read goes through a bounds-checked {@link GoMemory}; files are mapped, never read into
 * the heap. Decoding problems that leave the rest readable (one corrupt itab, a type pointer outside
 * every region) are {@link #findings()}, not exceptions.
 */
public final class GoImage implements AutoCloseable {
    /** Where the memory came from. */
    public enum Kind {
        BINARY, CORE, DUMP, LIVE
    }

    /** A readable range of the address space: a section, a core segment, a mapping. */
    public record Area(String name, long base, long size, boolean writable) {
        public long end() {
            return base + size;
        }
    }

    /** An itab as read: its words and what they name. {@code error} is set (the rest partial) when decoding failed. */
    public record ItabInfo(long address, String inter, String type, int hash, List<Long> fun, List<String> funNames, String error) {
    }

    /** A type as read. */
    public record TypeInfo(long address, String name, String kind, long size, String pkgPath, List<String> methods, String error) {
    }

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Most itablinks/typelinks entries believed before the length is taken as corrupt. */
    static final long MAX_LINKS = 1 << 24;
    /** Most types the reachability walk visits. */
    static final int MAX_TYPES = 1 << 21;

    private final Kind kind;
    private final String description;
    private final GoMemory space;
    private final List<Area> areas;
    private final SymbolTable symbols;
    /** Files to close with this image ({@link #owning}). */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Findings findings = new Findings();
    private final String goVersionHint;
    private final long moduledataAddr;
    private final String moduledataFoundBy;
    private final Module module;
    private final Pclntab pclntab;
    private final BuildInfo buildInfo;
    private final Set<Long> outsideTypes = new HashSet<>();
    /** Where a position-independent executable was loaded, less its link address (0 otherwise). */
    private final long bias;
    private final Abi abi;
    private final String releaseFoundBy;

    private GoImage(Kind kind, String description, GoMemory space, List<Area> areas, SymbolTable symbols,
                    String goVersionHint, ElfFile exe, long bias, List<String> early, GoRelease given) {
        this.kind = kind;
        early.forEach(findings::add);
        this.bias = bias;
        this.description = description;
        this.space = space;
        this.areas = List.copyOf(areas);
        this.symbols = symbols;
        this.goVersionHint = goVersionHint;
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
        this.module = new Module(space, abi, md("types"), md("etypes"), md("text"), md("etext"));
        Pclntab p = null;
        if (md("pcHeader") != 0) {
            try {
                p = new Pclntab(space, moduledataAddr, abi);
            } catch (BadAddressException | IllegalStateException e) {
                addFinding("pclntab unreadable: " + e.getMessage());
            }
        }
        this.pclntab = p;
    }

    // ---- opening ----

    /**
     * An executable: its allocated sections with bytes in the file, at their addresses.
     *
     * @throws MalformedFileException if the file is not a well-formed ELF executable
     * @throws IllegalStateException if its build info names a release goheap does not read, or no
     *         moduledata of a release it reads is found
     */
    public static GoImage ofBinary(ElfFile exe) {
        return ofBinary(exe, null);
    }

    /**
     * As {@link #ofBinary(ElfFile)}, read as release {@code go} whatever its build info says (null:
     * the release the build info names).
     *
     * @throws IllegalStateException also if {@code go} is a release goheap does not read
     */
    public static GoImage ofBinary(ElfFile exe, GoRelease go) {
        if (exe.isCore()) {
            requireNotDump(exe, "inspect dump " + exe.name());
            throw new MalformedFileException(exe.name(), 0, "is a core file, not an executable (use inspect core)");
        }
        List<FileMemory.Region> regions = new ArrayList<>();
        List<Area> areas = new ArrayList<>();
        executableRegions(exe, List.of(), regions, areas, 0);
        FileMemory space = regions(exe, "executable " + exe.name(), regions);
        return new GoImage(Kind.BINARY, "binary " + exe.name(), space, areas, symbols(exe, 0), null, exe, 0, List.of(), go);
    }

    /**
     * A core file over its executable: the core's PT_LOAD segments first, the executable's sections for
     * what the core left out (a kernel core omits read-only file mappings; gcore keeps them). Before
     * anything is decoded, the core must be of this executable ({@link CoreMatch}: build ID, the load
     * segments against the core's NT_FILE note or segments, build info). Notes cut short are findings,
     * unless they leave no NT_FILE note to check against.
     *
     * @throws MalformedFileException if a file is not what its role needs (a goheap dump or an executable
     *         given as the core, a core as the executable), the core is of another program, or its
     *         notes are cut short before NT_FILE
     */
    public static GoImage ofCore(ElfFile core, ElfFile exe) {
        return ofCore(core, exe, null);
    }

    /** As {@link #ofCore(ElfFile, ElfFile)}, read as release {@code go} (null: the one the build info names). */
    public static GoImage ofCore(ElfFile core, ElfFile exe, GoRelease go) {
        if (!core.isCore()) {
            throw new MalformedFileException(core.name(), 0, "is not a core file (ELF type " + core.type() + ")");
        }
        if (exe.isCore()) {
            throw new MalformedFileException(exe.name(), 0, "is a core file, not the executable");
        }
        requireNotDump(core, "inspect dump " + core.name());
        // a note cut short is a finding; it is fatal only when it may have taken NT_FILE (or NT_AUXV) with it
        List<String> noteFindings = new ArrayList<>();
        String cut = "";
        for (MalformedFileException p : core.noteProblems()) {
            noteFindings.add("core notes: " + p.getMessage());
            cut = cut.isEmpty() ? "; its notes are cut short: " + p.getMessage() : cut;
        }
        if (!cut.isEmpty() && core.mappedFiles() == null) {
            throw new MalformedFileException(core.name(), core.noteProblems().getFirst().offset(), "has no NT_FILE note to tell whether it"
                    + " was taken of " + exe.name() + cut);
        }
        long bias = 0;
        if (exe.type() == Elf.GOHEAP_ET_DYN()) {
            // position-independent: loaded where the kernel chose; the core's auxiliary vector says where
            Long entry = core.auxv(ElfFile.AT_ENTRY);
            if (entry == null) {
                throw new MalformedFileException(core.name(), 0, exe.name() + " is position-independent and the core has no NT_AUXV"
                        + " AT_ENTRY to tell where it was loaded" + cut);
            }
            bias = entry - exe.entry();
        }
        List<FileMemory.Region> regions = new ArrayList<>();
        List<Area> areas = new ArrayList<>();
        coreRegions(core, regions, areas, null);
        CoreMatch.require(core, exe, regions(core, "core " + core.name(), regions), bias);
        executableRegions(exe, List.copyOf(regions), regions, areas, bias);
        FileMemory space = regions(core, "core " + core.name() + " with " + exe.name(), regions);
        return new GoImage(Kind.CORE, "core " + core.name() + " (binary " + exe.name() + ")", space, areas, symbols(exe, bias), null, exe, bias,
                noteFindings, go);
    }

    /**
     * A goheap dump has no executable: given as a core (or an executable) it is refused with the command
     * that reads it ({@code use}).
     */
    private static void requireNotDump(ElfFile f, String use) {
        long note = DumpFile.goheapNote(f);
        if (note >= 0) {
            throw new MalformedFileException(f.name(), note, "is a goheap dump (GOHEAP notes), not a core of a Go process: use goheap " + use);
        }
    }

    /** A goheap dump ({@link DumpFile}): its segments, with the region names and symbols of its note. */
    public static GoImage ofDump(ElfFile dump) {
        DumpFile.Notes notes = DumpFile.readNotes(dump);
        List<FileMemory.Region> regions = new ArrayList<>();
        List<Area> areas = new ArrayList<>();
        coreRegions(dump, regions, areas, notes.regionNames());
        FileMemory space = regions(dump, "dump " + dump.name(), regions);
        List<String> noteFindings = dump.noteProblems().stream().map(p -> "dump notes: " + p.getMessage()).toList();
        return new GoImage(Kind.DUMP, "dump " + dump.name(), space, areas, notes.symbols(), notes.goVersion(), null, 0, noteFindings, null);
    }

    /** A live runtime's memory, through the same code (for comparing a dump with what it was taken from). */
    public static GoImage ofLive(GoRuntime rt) {
        List<Area> areas = new ArrayList<>();
        for (Mapping m : rt.sys().mappings()) {
            areas.add(new Area(m.purpose(), m.address(), m.size(), true));
        }
        List<SymbolTable.Sym> syms = new ArrayList<>();
        for (Symbol s : rt.image().symbols()) {
            syms.add(new SymbolTable.Sym(s.name(), s.address(), s.size()));
        }
        return new GoImage(Kind.LIVE, "live runtime", rt.sys().memory(), areas, new SymbolTable(syms), GoRuntime.GO_VERSION, null, 0, List.of(), null);
    }

    /** This image also owns {@code files}: closing it closes them. Returns this image. */
    public GoImage owning(AutoCloseable... files) {
        owned.addAll(List.of(files));
        return this;
    }

    private static void executableRegions(ElfFile exe, List<FileMemory.Region> covered, List<FileMemory.Region> out, List<Area> areas,
                                          long bias) {
        List<ElfFile.Section> secs = new ArrayList<>();
        for (ElfFile.Section s : exe.sections()) {
            if (s.isAlloc() && s.hasBytes() && s.size() > 0 && s.addr() != 0) {
                secs.add(s);
            }
        }
        List<FileMemory.Region> sorted = sortedCovered(covered);
        List<Piece> pieces = new ArrayList<>();
        if (secs.isEmpty()) { // no section headers: the PT_LOAD segments' file bytes
            for (ElfFile.Segment p : exe.segments()) {
                if (p.isLoad() && p.filesz() > 0) {
                    pieces.add(new Piece("segment " + p.index() + " of " + exe.name(), p.vaddr(), exe.bytes(p), (p.flags() & Elf.GOHEAP_PF_W()) != 0));
                }
            }
        } else {
            for (ElfFile.Section s : secs) {
                pieces.add(new Piece(s.name(), s.addr(), exe.bytes(s), (s.flags() & Elf.GOHEAP_SHF_WRITE()) != 0));
            }
        }
        if (exe.type() == Elf.GOHEAP_ET_DYN()) {
            relocate(exe, pieces, bias);
        }
        for (Piece p : pieces) {
            addUncovered(sorted, p.name(), p.addr() + bias, p.bytes(), p.writable(), out, areas);
        }
    }

    /** A section (or segment) of an executable: name, link address, bytes, whether writable. */
    private record Piece(String name, long addr, MemorySegment bytes, boolean writable) {
    }

    /**
     * Applies the executable's {@code R_X86_64_RELATIVE} relocations as the dynamic loader would at load
     * address link address + {@code bias}: each patched piece is replaced by a copy (the file stays
     * read-only) whose word at {@code r_offset} is {@code bias + r_addend}. An externally linked PIE
     * leaves those words 0 in the file; Go's internal linker writes the link-time value, which this
     * rewrites with itself when {@code bias} is 0. Relocations outside every piece (in .bss) patch nothing.
     */
    private static void relocate(ElfFile exe, List<Piece> pieces, long bias) {
        long[] rel = exe.relativeRelocations();
        if (rel.length == 0) {
            return;
        }
        List<Piece> byAddr = new ArrayList<>(pieces);
        byAddr.sort((x, y) -> Long.compareUnsigned(x.addr(), y.addr()));
        MemorySegment[] copies = new MemorySegment[byAddr.size()];
        Arena arena = Arena.ofAuto();
        for (int k = 0; k + 1 < rel.length; k += 2) {
            long off = rel[k];
            int i = io.goheap.runtime.mem.Floor.index(byAddr.size(), j -> byAddr.get(j).addr(), off);
            if (i < 0) {
                continue;
            }
            Piece p = byAddr.get(i);
            long at = off - p.addr();
            if (Long.compareUnsigned(at, p.bytes().byteSize()) >= 0 || p.bytes().byteSize() - at < Long.BYTES) {
                continue;
            }
            if (copies[i] == null) {
                copies[i] = arena.allocate(p.bytes().byteSize(), Long.BYTES).copyFrom(p.bytes());
            }
            copies[i].set(U64, at, bias + rel[k + 1]);
        }
        for (int i = 0; i < copies.length; i++) {
            if (copies[i] != null) {
                Piece p = byAddr.get(i);
                pieces.set(pieces.indexOf(p), new Piece(p.name(), p.addr(), copies[i], p.writable()));
            }
        }
    }

    private static List<FileMemory.Region> sortedCovered(List<FileMemory.Region> covered) {
        List<FileMemory.Region> sorted = new ArrayList<>(covered);
        sorted.sort((x, y) -> Long.compareUnsigned(x.base(), y.base()));
        return sorted;
    }

    /** Adds the parts of {@code [base, base + bytes.size)} that no region of {@code covered} (sorted) holds. */
    private static void addUncovered(List<FileMemory.Region> covered, String name, long base, MemorySegment bytes, boolean writable,
                                     List<FileMemory.Region> out, List<Area> areas) {
        long lo = base;
        long hi = base + bytes.byteSize();
        for (FileMemory.Region c : covered) { // sorted by base, by the caller
            if (Long.compareUnsigned(c.end(), lo) <= 0 || Long.compareUnsigned(c.base(), hi) >= 0) {
                continue;
            }
            if (Long.compareUnsigned(c.base(), lo) > 0) {
                out.add(new FileMemory.Region(name, lo, bytes.asSlice(lo - base, c.base() - lo)));
                areas.add(new Area(name, lo, c.base() - lo, writable));
            }
            lo = Long.compareUnsigned(c.end(), lo) > 0 ? c.end() : lo;
        }
        if (Long.compareUnsigned(lo, hi) < 0) {
            out.add(new FileMemory.Region(name, lo, bytes.asSlice(lo - base, hi - lo)));
            areas.add(new Area(name, lo, hi - lo, writable));
        }
    }

    private static void coreRegions(ElfFile core, List<FileMemory.Region> out, List<Area> areas, java.util.Map<Long, String> names) {
        for (ElfFile.Segment p : core.segments()) {
            if (!p.isLoad() || p.filesz() == 0) {
                continue;
            }
            String name = names != null && names.containsKey(p.vaddr()) ? names.get(p.vaddr()) : "load " + p.index();
            out.add(new FileMemory.Region(name, p.vaddr(), core.bytes(p)));
            areas.add(new Area(name, p.vaddr(), p.filesz(), (p.flags() & Elf.GOHEAP_PF_W()) != 0));
        }
    }

    private static FileMemory regions(ElfFile f, String description, List<FileMemory.Region> regions) {
        try {
            return new FileMemory(description, regions);
        } catch (IllegalArgumentException e) {
            throw new MalformedFileException(f.name(), 0, e.getMessage());
        }
    }

    /** The executable's symbols, at their load addresses (link address + {@code bias}). */
    private static SymbolTable symbols(ElfFile exe, long bias) {
        return SymbolTable.lazy(() -> {
            List<SymbolTable.Sym> out = new ArrayList<>();
            for (ElfFile.Symbol s : exe.symbols().values()) {
                out.add(new SymbolTable.Sym(s.name(), s.value() + bias, s.size()));
            }
            return out;
        }, n -> {
            ElfFile.Symbol s = exe.symbol(n);
            return s == null ? null : new SymbolTable.Sym(s.name(), s.value() + bias, s.size());
        }, !exe.hasSymbols());
    }

    // ---- moduledata ----

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
            List<Area> where = new ArrayList<>(executableAreas(exe, false));
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
     * Where the executable's own (writable or read-only) bytes are in this space: for a core, the ranges
     * of the executable's PT_LOAD segments, clipped to the readable areas; so a scan for the moduledata
     * or the pclntab never walks a multi-GB heap. Without an executable, every such area.
     */
    private List<Area> executableAreas(ElfFile exe, boolean writable) {
        List<Area> out = new ArrayList<>();
        if (exe == null || exe.segments().stream().noneMatch(ElfFile.Segment::isLoad)) {
            for (Area a : areas) {
                if (a.writable() == writable) {
                    out.add(a);
                }
            }
            return out;
        }
        for (ElfFile.Segment p : exe.segments()) {
            if (p.isLoad() && ((p.flags() & Elf.GOHEAP_PF_W()) != 0) == writable) {
                out.addAll(clip(p.vaddr() + bias, p.vaddr() + bias + p.memsz()));
            }
        }
        return out;
    }

    /** The parts of the readable areas inside {@code [lo, hi)}. */
    List<Area> clip(long lo, long hi) {
        List<Area> out = new ArrayList<>();
        for (Area a : areas) {
            long from = Long.compareUnsigned(a.base(), lo) > 0 ? a.base() : lo;
            long to = Long.compareUnsigned(a.end(), hi) < 0 ? a.end() : hi;
            if (Long.compareUnsigned(from, to) < 0) {
                out.add(new Area(a.name(), from, to - from, a.writable()));
            }
        }
        return out;
    }

    /**
     * The module's static data, where the runtime's globals live ({@code itabTable}, {@code allp},
     * {@code persistentChunks}): moduledata's {@code [noptrdata, enoptrbss)} and {@code [data, ebss)}
     * bounds, clipped to the readable areas. The stripped-core scans look only here.
     */
    public List<Area> staticData() {
        long lo = -1;
        long hi = 0;
        for (String[] r : new String[][] {{"noptrdata", "enoptrdata"}, {"data", "edata"}, {"bss", "ebss"}, {"noptrbss", "enoptrbss"}}) {
            long a = md(r[0]);
            long b = md(r[1]);
            if (Long.compareUnsigned(a, b) < 0) {
                lo = Long.compareUnsigned(a, lo) < 0 ? a : lo;
                hi = Long.compareUnsigned(b, hi) > 0 ? b : hi;
            }
        }
        return Long.compareUnsigned(lo, hi) < 0 ? clip(lo, hi) : List.of();
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

    interface Probe {
        boolean test(MemorySegment seg, long off);
    }

    interface Check {
        boolean test(long addr);
    }

    /** The first address, {@code step}-aligned, in {@code where} where both tests pass; 0 if none. */
    long scan(List<Area> where, int step, Probe quick, Check full) {
        long[] hit = {0};
        scanAll(where, step, quick, a -> {
            if (full.test(a)) {
                hit[0] = a;
                return false;
            }
            return true;
        });
        return hit[0];
    }

    /**
     * Calls {@code visit} with every {@code step}-aligned address of the areas {@code where} whose
     * bytes pass {@code quick} (a cheap test on the area's segment) until it returns false. The
     * scans that find what a stripped binary or core has no symbol for are all built on this.
     */
    void scanAll(List<Area> where, int step, Probe quick, Check visit) {
        for (Area a : where) {
            MemorySegment seg = space.slice(a.base(), a.size());
            long first = Long.remainderUnsigned(step - Long.remainderUnsigned(a.base(), step), step);
            for (long off = first; off + 8 <= a.size(); off += step) {
                if (quick.test(seg, off) && !visit.test(a.base() + off)) {
                    return;
                }
            }
        }
    }

    private long word(long off) {
        return space.u64(moduledataAddr + off);
    }

    /** The moduledata word the 1.19 field {@code field} names, at the release's offset. */
    private long md(String field) {
        return word(abi.offsetOf("moduledata", field));
    }

    // ---- build info ----

    private BuildInfo readBuildInfo(ElfFile exe) {
        try {
            long at = 0;
            ElfFile.Section s = exe == null ? null : exe.section(".go.buildinfo");
            if (s != null && BuildInfo.isHeader(space, s.addr() + bias)) {
                at = s.addr() + bias;
            } else if (symbols.get("go.buildinfo") != null) {
                at = symbols.get("go.buildinfo").address();
            } else if (kind != Kind.DUMP && kind != Kind.LIVE) {
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

    // ---- accessors ----

    public Kind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    public GoMemory space() {
        return space;
    }

    public List<Area> areas() {
        return areas;
    }

    public SymbolTable symbols() {
        return symbols;
    }

    public long moduledata() {
        return moduledataAddr;
    }

    /** Load address less link address of a position-independent executable in a core; 0 otherwise. */
    public long bias() {
        return bias;
    }

    /** How the moduledata was found: by symbol or by the pclntab scan. */
    public String moduledataFoundBy() {
        return moduledataFoundBy;
    }

    public Module module() {
        return module;
    }

    /** The release's layouts and rules this image is read with. */
    public Abi abi() {
        return abi;
    }

    /** The release this image is read as. */
    public GoRelease release() {
        return abi.release();
    }

    /** Where the release came from: {@code --go}, the build info, or the pclntab magic and moduledata shape. */
    public String releaseFoundBy() {
        return releaseFoundBy;
    }

    /** The pclntab, or null (goheap's own images have none). */
    public Pclntab pclntab() {
        return pclntab;
    }

    /** The build info, or null. */
    public BuildInfo buildInfo() {
        return buildInfo;
    }

    /** The Go version: the build info's, else the dump's note, else null. */
    public String goVersion() {
        return buildInfo != null ? buildInfo.goVersion() : goVersionHint;
    }

    /** Problems met while decoding; the image is still usable. */
    public List<String> findings() {
        return findings.list();
    }

    private void addFinding(String f) {
        findings.add(f);
    }

    /** The function holding {@code pc}: the pclntab's name, else the symbol's, else null. */
    public String funcName(long pc) {
        if (pc == 0) {
            return null;
        }
        if (pclntab != null) {
            try {
                String n = pclntab.funcName(pc);
                if (n != null) {
                    return n;
                }
            } catch (BadAddressException e) {
                addFinding("function at 0x" + Long.toHexString(pc) + ": " + e.getMessage());
            }
        }
        SymbolTable.Sym s = symbols.at(pc);
        return s == null ? null : s.name();
    }

    /** The entries of a {@code []T} slice header in moduledata, bounded. */
    private long[] sliceOf(String field, long elemSize, String what) {
        long at = abi.offsetOf("moduledata", field);
        long array = word(at + abi.offsetOf("slice", "array"));
        long len = word(at + abi.offsetOf("slice", "len"));
        if (len < 0 || len > MAX_LINKS) {
            throw new BadAddressException(array, len, description + " (" + what + " length " + len + ")");
        }
        space.slice(array, len * elemSize);
        return new long[] {array, len};
    }

    /**
     * The addresses of the module's static itabs: {@code moduledata.itablinks}; in Go 1.27, the itabs laid
     * one after the other from {@code types + itaboffset} for {@code itabsize} bytes, each
     * {@code ITab.Size()} long (24 bytes and a word per interface method; 32 for a negative one).
     */
    public List<Long> itablinks() {
        if (abi.hasTypeRegion()) {
            return regionItabs();
        }
        long[] s = sliceOf("itablinks", Abi.PTR_SIZE, "itablinks");
        List<Long> out = new ArrayList<>((int) s[1]);
        for (long i = 0; i < s[1]; i++) {
            out.add(space.u64(s[0] + i * Abi.PTR_SIZE));
        }
        return out;
    }

    /**
     * The addresses of the module's typelinked types: {@code moduledata.typelinks} (int32 offsets from
     * {@code types}); in Go 1.27, the descriptors laid one after the other, 8-aligned, from
     * {@code types + 8} to {@code types + typedesclen}, each {@link TypeView#descriptorSize()} long
     * (runtime/type.go, moduleTypelinks).
     */
    public List<Long> typelinks() {
        if (abi.hasTypeRegion()) {
            return regionTypes();
        }
        long[] s = sliceOf("typelinks", Integer.BYTES, "typelinks");
        List<Long> out = new ArrayList<>((int) s[1]);
        for (long i = 0; i < s[1]; i++) {
            out.add(module.types() + Integer.toUnsignedLong(space.u32(s[0] + i * Integer.BYTES)));
        }
        return out;
    }

    /** [from, to) of a region of the type data, checked against [types, etypes) and the memory. */
    private long[] typeRegion(long from, long len, String what) {
        long to = from + len;
        if (len < 0 || Long.compareUnsigned(from, module.types()) < 0 || Long.compareUnsigned(to, from) < 0
                || Long.compareUnsigned(to, module.etypes()) > 0) {
            throw new BadAddressException(from, len, String.format("%s (%s [0x%x, 0x%x) outside the types [0x%x, 0x%x))", description, what,
                    from, to, module.types(), module.etypes()));
        }
        space.slice(from, len);
        return new long[] {from, to};
    }

    private List<Long> regionTypes() {
        long[] r = typeRegion(module.types() + Abi.PTR_SIZE, Math.max(0, md("typedesclen") - Abi.PTR_SIZE), "typedesclen");
        List<Long> out = new ArrayList<>();
        long td = r[0];
        while (Long.compareUnsigned(td, r[1]) < 0 && out.size() < MAX_LINKS) {
            td = (td + Abi.PTR_SIZE - 1) & -Abi.PTR_SIZE;
            if (Long.compareUnsigned(td, r[1]) >= 0) {
                break;
            }
            out.add(td);
            try {
                td += module.typeAt(td).descriptorSize(); // at least 48: every walk ends
            } catch (BadAddressException | IllegalStateException e) {
                addFinding(String.format("type region walk stopped at 0x%x: %s", td, e.getMessage()));
                break;
            }
        }
        return out;
    }

    private List<Long> regionItabs() {
        long[] r = typeRegion(module.types() + md("itaboffset"), md("itabsize"), "itaboffset/itabsize");
        List<Long> out = new ArrayList<>();
        long p = r[0];
        while (Long.compareUnsigned(p, r[1]) < 0 && out.size() < MAX_LINKS) {
            out.add(p);
            ItabView v = new ItabView(module, p);
            try {
                p += ItabDescriptor.sizeOf(v.fun(0) == 0 ? 1 : Math.max(1, v.inter().methodCount()));
            } catch (BadAddressException | IllegalStateException e) {
                addFinding(String.format("itab region walk stopped at 0x%x: %s", p, e.getMessage()));
                break;
            }
        }
        return out;
    }

    /**
     * Method and fun entries all itabs and types of one image may decode together: a real binary has
     * some hundred thousand; a hostile one could point millions of itabs at one interface of 65,536
     * methods. Past it, decoding stops with an error in each further result.
     */
    static final long MAX_ELEMENTS = 1L << 25;
    private long elements;

    private void charge(long n) {
        elements += n;
        if (elements > MAX_ELEMENTS) {
            throw new IllegalStateException("not decoded: this file's itabs and types hold more than " + MAX_ELEMENTS
                    + " methods in all (corrupt or hostile?)");
        }
    }

    /** Decodes the itab at {@code addr}; a failure is an ItabInfo with {@code error} set and a finding. */
    public ItabInfo itab(long addr) {
        String inter = null;
        String type = null;
        int hash = 0;
        List<Long> fun = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            ItabView v = new ItabView(module, addr);
            hash = v.hash();
            InterfaceTypeView it = v.inter();
            inter = it.type().string();
            TypeView t = v.type();
            type = t == null ? null : t.string();
            charge(it.methodCount());
            for (long f : v.funs()) {
                fun.add(f);
                names.add(funcName(f));
            }
            return new ItabInfo(addr, inter, type, hash, fun, names, null);
        } catch (BadAddressException | IllegalStateException e) {
            addFinding(String.format("itab at 0x%x: %s", addr, e.getMessage()));
            return new ItabInfo(addr, inter, type, hash, fun, names, e.getMessage());
        }
    }

    /** Every itab of itablinks, decoded. */
    public List<ItabInfo> itabs() {
        List<ItabInfo> out = new ArrayList<>();
        for (long a : itablinks()) {
            out.add(itab(a));
        }
        return out;
    }

    /** Decodes the type at {@code addr}. */
    public TypeInfo type(long addr) {
        TypeView t = module.typeAt(addr);
        String name = null;
        String kindName = null;
        long size = 0;
        String pkg = "";
        List<String> methods = new ArrayList<>();
        try {
            name = t.string();
            kindName = t.kindName();
            size = t.size();
            UncommonTypeView u = t.uncommon();
            if (u != null) {
                pkg = u.pkgPath();
                charge(u.mcount());
                for (UncommonTypeView.Method m : u.methods()) {
                    methods.add(m.name() == null ? "" : m.name().name());
                }
            }
            if (t.kindName().equals("interface")) {
                InterfaceTypeView it = t.asInterface();
                if (pkg.isEmpty()) {
                    pkg = it.pkgPath();
                }
                charge(it.methodCount());
                for (InterfaceTypeView.IMethod m : it.methods()) {
                    methods.add(m.name() == null ? "" : m.name().name());
                }
            }
            return new TypeInfo(addr, name, kindName, size, pkg, methods, null);
        } catch (BadAddressException | IllegalStateException e) {
            addFinding(String.format("type at 0x%x: %s", addr, e.getMessage()));
            return new TypeInfo(addr, name, kindName, size, pkg, methods, e.getMessage());
        }
    }

    /**
     * Every type reachable from typelinks and the itabs' interface and concrete types, through
     * element, key, field, parameter, result, method and pointer-to-this links; in address order.
     */
    public List<TypeInfo> types(LongConsumer progress) {
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Long> work = new ArrayDeque<>();
        for (long a : typelinks()) {
            push(a, seen, work, 0);
        }
        for (long a : itablinks()) {
            try {
                push(space.u64(a + ItabDescriptor.INTER_OFFSET), seen, work, a);
                push(space.u64(a + ItabDescriptor.TYPE_OFFSET), seen, work, a);
            } catch (BadAddressException e) {
                // already a finding of itabs()
            }
        }
        while (!work.isEmpty() && seen.size() < MAX_TYPES) {
            long a = work.poll();
            try {
                for (long c : module.typeAt(a).referencedTypes()) {
                    push(c, seen, work, a);
                }
            } catch (BadAddressException | IllegalStateException e) {
                // the type itself is decoded (and its problem reported) below
            }
            if (progress != null) {
                progress.accept(seen.size());
            }
        }
        if (seen.size() >= MAX_TYPES) {
            addFinding("type walk stopped at " + MAX_TYPES + " types");
        }
        List<Long> sorted = new ArrayList<>(seen);
        sorted.sort(Long::compareUnsigned);
        List<TypeInfo> out = new ArrayList<>(sorted.size());
        for (long a : sorted) {
            out.add(type(a));
        }
        return out;
    }

    /** Queues type {@code a}, reached from {@code from} (a type or itab address, 0 for typelinks). */
    private void push(long a, Set<Long> seen, ArrayDeque<Long> work, long from) {
        if (a == 0 || seen.contains(a)) {
            return;
        }
        if (Long.compareUnsigned(a, module.types()) < 0 || Long.compareUnsigned(a, module.etypes()) >= 0) {
            if (outsideTypes.add(a)) {
                addFinding(String.format("type pointer 0x%x (from 0x%x) outside the module's types [0x%x, 0x%x)", a, from,
                        module.types(), module.etypes()));
            }
            return;
        }
        seen.add(a);
        work.add(a);
    }

    /** Closes the files this image maps. */
    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a read-only mapping cannot lose data; nothing to report
            }
        }
    }
}
