package io.goheap.runtime.inspect;

import io.goheap.layouts.elf.Elf;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.elf.MalformedFileException;
import io.goheap.runtime.mem.FileMemory;
import io.goheap.runtime.mem.GoMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The first of inspect's three steps: opening a target. An executable, a core over its executable, a
 * goheap dump or a live runtime becomes one bounds-checked {@link GoMemory} of regions, the readable
 * {@link GoImage.Area}s, the symbols, and (for an executable or core) the executable itself and the
 * load bias of a position-independent one. Nothing here knows a Go release: {@link Locator} finds the
 * runtime's structures in a target, {@link GoImage} decodes them.
 *
 * <p>Also the scans every stripped-file search is built on ({@link #scan}, {@link #scanAll}) and the
 * areas they walk ({@link #executableAreas}, {@link #clip}). Immutable once opened.
 */
public final class Target {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GoImage.Kind kind;
    private final String description;
    private final GoMemory space;
    private final List<GoImage.Area> areas;
    private final SymbolTable symbols;
    private final String goVersionHint;
    private final ElfFile exe;
    private final long bias;
    private final List<String> early;

    private Target(GoImage.Kind kind, String description, GoMemory space, List<GoImage.Area> areas, SymbolTable symbols,
                   String goVersionHint, ElfFile exe, long bias, List<String> early) {
        this.kind = kind;
        this.description = description;
        this.space = space;
        this.areas = List.copyOf(areas);
        this.symbols = symbols;
        this.goVersionHint = goVersionHint;
        this.exe = exe;
        this.bias = bias;
        this.early = List.copyOf(early);
    }

    /**
     * An executable: its allocated sections with bytes in the file, at their link addresses (a PIE's
     * relative relocations applied).
     *
     * @throws MalformedFileException if the file is a core, or not a well-formed ELF executable
     */
    public static Target binary(ElfFile exe) {
        if (exe.isCore()) {
            requireNotDump(exe, "inspect dump " + exe.name());
            throw new MalformedFileException(exe.name(), 0, "is a core file, not an executable (use inspect core)");
        }
        List<FileMemory.Region> regions = new ArrayList<>();
        List<GoImage.Area> areas = new ArrayList<>();
        executableRegions(exe, List.of(), regions, areas, 0);
        FileMemory space = regions(exe, "executable " + exe.name(), regions);
        return new Target(GoImage.Kind.BINARY, "binary " + exe.name(), space, areas, symbols(exe, 0), null, exe, 0, List.of());
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
    public static Target core(ElfFile core, ElfFile exe) {
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
        List<GoImage.Area> areas = new ArrayList<>();
        coreRegions(core, regions, areas, null);
        CoreMatch.require(core, exe, regions(core, "core " + core.name(), regions), bias);
        executableRegions(exe, List.copyOf(regions), regions, areas, bias);
        FileMemory space = regions(core, "core " + core.name() + " with " + exe.name(), regions);
        return new Target(GoImage.Kind.CORE, "core " + core.name() + " (binary " + exe.name() + ")", space, areas, symbols(exe, bias), null, exe,
                bias, noteFindings);
    }

    /** A goheap dump ({@link DumpFile}): its segments, with the region names and symbols of its note. */
    public static Target dump(ElfFile dump) {
        DumpFile.Notes notes = DumpFile.readNotes(dump);
        List<FileMemory.Region> regions = new ArrayList<>();
        List<GoImage.Area> areas = new ArrayList<>();
        coreRegions(dump, regions, areas, notes.regionNames());
        FileMemory space = regions(dump, "dump " + dump.name(), regions);
        List<String> noteFindings = dump.noteProblems().stream().map(p -> "dump notes: " + p.getMessage()).toList();
        return new Target(GoImage.Kind.DUMP, "dump " + dump.name(), space, areas, notes.symbols(), notes.goVersion(), null, 0, noteFindings);
    }

    /**
     * A live runtime's memory (for comparing a dump with what it was taken from): its memory, its
     * mappings as areas, its symbols and the Go version it simulates. {@code io.goheap.runtime.dump.LiveImage}
     * opens a {@code GoRuntime} this way; inspect itself knows nothing of the simulator.
     */
    public static Target live(GoMemory space, List<GoImage.Area> areas, SymbolTable symbols, String goVersion) {
        return new Target(GoImage.Kind.LIVE, "live runtime", space, areas, symbols, goVersion, null, 0, List.of());
    }

    /** Where the memory came from. */
    public GoImage.Kind kind() {
        return kind;
    }

    /** {@code binary NAME}, {@code core NAME (binary NAME)}, {@code dump NAME} or {@code live runtime}. */
    public String description() {
        return description;
    }

    /** The memory, bounds-checked against its regions. */
    public GoMemory space() {
        return space;
    }

    /** The readable areas, writable or not. */
    public List<GoImage.Area> areas() {
        return areas;
    }

    /** The symbols (empty for a stripped executable). */
    public SymbolTable symbols() {
        return symbols;
    }

    /** The Go version a dump's note or a live runtime gives, else null (an executable's is in its build info). */
    public String goVersionHint() {
        return goVersionHint;
    }

    /** The executable, or null for a dump or a live runtime. */
    public ElfFile exe() {
        return exe;
    }

    /** Load address less link address of a position-independent executable in a core; 0 otherwise. */
    public long bias() {
        return bias;
    }

    /** Problems met while opening (notes cut short) that leave the target readable. */
    public List<String> early() {
        return early;
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

    private static void executableRegions(ElfFile exe, List<FileMemory.Region> covered, List<FileMemory.Region> out, List<GoImage.Area> areas,
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
                                     List<FileMemory.Region> out, List<GoImage.Area> areas) {
        long lo = base;
        long hi = base + bytes.byteSize();
        for (FileMemory.Region c : covered) { // sorted by base, by the caller
            if (Long.compareUnsigned(c.end(), lo) <= 0 || Long.compareUnsigned(c.base(), hi) >= 0) {
                continue;
            }
            if (Long.compareUnsigned(c.base(), lo) > 0) {
                out.add(new FileMemory.Region(name, lo, bytes.asSlice(lo - base, c.base() - lo)));
                areas.add(new GoImage.Area(name, lo, c.base() - lo, writable));
            }
            lo = Long.compareUnsigned(c.end(), lo) > 0 ? c.end() : lo;
        }
        if (Long.compareUnsigned(lo, hi) < 0) {
            out.add(new FileMemory.Region(name, lo, bytes.asSlice(lo - base, hi - lo)));
            areas.add(new GoImage.Area(name, lo, hi - lo, writable));
        }
    }

    private static void coreRegions(ElfFile core, List<FileMemory.Region> out, List<GoImage.Area> areas, java.util.Map<Long, String> names) {
        for (ElfFile.Segment p : core.segments()) {
            if (!p.isLoad() || p.filesz() == 0) {
                continue;
            }
            String name = names != null && names.containsKey(p.vaddr()) ? names.get(p.vaddr()) : "load " + p.index();
            out.add(new FileMemory.Region(name, p.vaddr(), core.bytes(p)));
            areas.add(new GoImage.Area(name, p.vaddr(), p.filesz(), (p.flags() & Elf.GOHEAP_PF_W()) != 0));
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

    interface Probe {
        boolean test(MemorySegment seg, long off);
    }

    interface Check {
        boolean test(long addr);
    }

    /** The first address, {@code step}-aligned, in {@code where} where both tests pass; 0 if none. */
    long scan(List<GoImage.Area> where, int step, Probe quick, Check full) {
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
    void scanAll(List<GoImage.Area> where, int step, Probe quick, Check visit) {
        for (GoImage.Area a : where) {
            MemorySegment seg = space.slice(a.base(), a.size());
            long first = Long.remainderUnsigned(step - Long.remainderUnsigned(a.base(), step), step);
            for (long off = first; off + 8 <= a.size(); off += step) {
                if (quick.test(seg, off) && !visit.test(a.base() + off)) {
                    return;
                }
            }
        }
    }

    /**
     * Where the executable's own (writable or read-only) bytes are in this space: for a core, the ranges
     * of the executable's PT_LOAD segments, clipped to the readable areas; so a scan for the moduledata
     * or the pclntab never walks a multi-GB heap. Without an executable, every such area.
     */
    List<GoImage.Area> executableAreas(ElfFile exe, boolean writable) {
        List<GoImage.Area> out = new ArrayList<>();
        if (exe == null || exe.segments().stream().noneMatch(ElfFile.Segment::isLoad)) {
            for (GoImage.Area a : areas) {
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
    List<GoImage.Area> clip(long lo, long hi) {
        List<GoImage.Area> out = new ArrayList<>();
        for (GoImage.Area a : areas) {
            long from = Long.compareUnsigned(a.base(), lo) > 0 ? a.base() : lo;
            long to = Long.compareUnsigned(a.end(), hi) < 0 ? a.end() : hi;
            if (Long.compareUnsigned(from, to) < 0) {
                out.add(new GoImage.Area(a.name(), from, to - from, a.writable()));
            }
        }
        return out;
    }
}
