package io.goheap.runtime.inspect;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.abi.InterfaceTypeView;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.abi.UncommonTypeView;
import io.goheap.runtime.elf.DwarfTypes;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.elf.MalformedFileException;

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
 * executable, a goheap dump, or a live {@link io.goheap.runtime.GoRuntime}. All four give the same things through the
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
        /** An executable. */
        BINARY,
        /** A core file with its executable. */
        CORE,
        /** A goheap dump. */
        DUMP,
        /** A live runtime of this JVM. */
        LIVE
    }

    /** A readable range of the address space: a section, a core segment, a mapping. */
    public record Area(String name, long base, long size, boolean writable) {
        /** The address after the area's last byte. */
        public long end() {
            return base + size;
        }
    }

    /**
     * An itab as read: its words and what they name. {@code error} is set (the rest partial) when decoding
     * failed. {@code interDwarf} and {@code typeDwarf} are the two types' names in the executable's DWARF
     * (full import paths), null where it has none ({@link #dwarf()}).
     */
    public record ItabInfo(long address, String inter, String type, int hash, List<Long> fun, List<String> funNames, String error,
                           String interDwarf, String typeDwarf) {
        /** The interface as the source spells it: its DWARF name where the binary has one, else its runtime string. */
        public String interName() {
            return interDwarf != null ? interDwarf : inter;
        }

        /** The concrete type as the source spells it: its DWARF name where the binary has one, else its runtime string. */
        public String typeName() {
            return typeDwarf != null ? typeDwarf : type;
        }
    }

    /**
     * A type as read. {@code dwarfName} is its name in the executable's DWARF (full import paths:
     * {@code *github.com/a/b.T} where {@code name}, the runtime's string, is {@code *b.T}), null where it
     * has none.
     */
    public record TypeInfo(long address, String name, String kind, long size, String pkgPath, List<String> methods, String error,
                           String dwarfName) {
        /** The DWARF name where the binary has one, else the runtime string. */
        public String displayName() {
            return dwarfName != null ? dwarfName : name;
        }
    }

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Most itablinks/typelinks entries believed before the length is taken as corrupt. */
    static final long MAX_LINKS = 1 << 24;
    /** Most types the reachability walk visits. */
    static final int MAX_TYPES = 1 << 21;

    private final Target target;
    private final Locator located;
    private final Kind kind;
    private final String description;
    private final GoMemory space;
    private final List<Area> areas;
    private final SymbolTable symbols;
    /** Files to close with this image ({@link #owning}). */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Findings findings = new Findings();
    private final long moduledataAddr;
    private final Module module;
    private final Pclntab pclntab;
    private final LongSet outsideTypes = new LongSet();
    private final Abi abi;
    /** the executable's DWARF type names, read at first use; NONE for a dump or a binary without DWARF */
    private DwarfTypes dwarf;

    /**
     * The third of inspect's steps: decoding what {@code located} found in {@code target} (the itabs,
     * types, function names), with the release's layouts.
     */
    public GoImage(Target target, Locator located) {
        this.target = target;
        this.located = located;
        this.kind = target.kind();
        this.description = target.description();
        this.space = target.space();
        this.areas = target.areas();
        this.symbols = target.symbols();
        target.early().forEach(findings::add);
        located.findings().forEach(findings::add);
        this.abi = located.abi();
        this.moduledataAddr = located.moduledata();
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

    /** Opens, locates and decodes {@code target}, read as {@code go} (null: the release its build info names). */
    public static GoImage of(Target target, GoRelease go) {
        return new GoImage(target, new Locator(target, go));
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
        return of(Target.binary(exe), go);
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
        return of(Target.core(core, exe), go);
    }

    /** A goheap dump ({@link DumpFile}): its segments, with the region names and symbols of its note. */
    public static GoImage ofDump(ElfFile dump) {
        return of(Target.dump(dump), null);
    }

    /** This image also owns {@code files}: closing it closes them. Returns this image. */
    public GoImage owning(AutoCloseable... files) {
        owned.addAll(List.of(files));
        return this;
    }

    // ---- moduledata ----

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
        return Long.compareUnsigned(lo, hi) < 0 ? target.clip(lo, hi) : List.of();
    }

    private long word(long off) {
        return space.u64(moduledataAddr + off);
    }

    /** The moduledata word the 1.19 field {@code field} names, at the release's offset. */
    private long md(String field) {
        return word(abi.offsetOf("moduledata", field));
    }

    /** The moduledata word the 1.19 field {@code field} names ({@code data}, {@code edata}, ...), at the release's offset. */
    public long moduledataWord(String field) {
        return md(field);
    }

    /** See {@link Target#scan}: what the stripped-core scans of {@link RuntimeState} use. */
    long scan(List<Area> where, int step, Target.Probe quick, Target.Check full) {
        return target.scan(where, step, quick, full);
    }

    /** See {@link Target#scanAll}. */
    void scanAll(List<Area> where, int step, Target.Probe quick, Target.Check visit) {
        target.scanAll(where, step, quick, visit);
    }

    /** The opened target. */
    public Target target() {
        return target;
    }

    // ---- build info ----

    // ---- accessors ----

    /** What the memory came from. */
    public Kind kind() {
        return kind;
    }

    /** A one-line description of the target, for messages. */
    public String description() {
        return description;
    }

    /** The target's memory, by Go address. */
    public GoMemory space() {
        return space;
    }

    /** The readable areas of the address space. */
    public List<Area> areas() {
        return areas;
    }

    /** The symbols (empty for a stripped binary without a goheap note). */
    public SymbolTable symbols() {
        return symbols;
    }

    /** The address of the first module's {@code moduledata}. */
    public long moduledata() {
        return moduledataAddr;
    }

    /** Load address less link address of a position-independent executable in a core; 0 otherwise. */
    public long bias() {
        return target.bias();
    }

    /** How the moduledata was found: by symbol or by the pclntab scan. */
    public String moduledataFoundBy() {
        return located.moduledataFoundBy();
    }

    /** The module: its type data and text bounds, over {@link #space()}. */
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
        return located.releaseFoundBy();
    }

    /** The pclntab, or null (goheap's own images have none). */
    public Pclntab pclntab() {
        return pclntab;
    }

    /** The build info, or null. */
    public BuildInfo buildInfo() {
        return located.buildInfo();
    }

    /** The Go version: the build info's, else the dump's note, else null. */
    public String goVersion() {
        return located.buildInfo() != null ? located.buildInfo().goVersion() : target.goVersionHint();
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
                long fun0 = v.fun(0);
                p += ItabDescriptor.regionSize(fun0, fun0 == 0 ? 1 : v.inter().methodCount());
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
            return new ItabInfo(addr, inter, type, hash, fun, names, null, dwarfName(it.type().address()),
                    t == null ? null : dwarfName(t.address()));
        } catch (BadAddressException | IllegalStateException e) {
            addFinding(String.format("itab at 0x%x: %s", addr, e.getMessage()));
            return new ItabInfo(addr, inter, type, hash, fun, names, e.getMessage(), null, null);
        }
    }

    /**
     * The type names of the executable's DWARF (a binary's own, a core's executable's), read once at first
     * use; {@link DwarfTypes#NONE} for a dump, a stripped binary or one linked with {@code -w}. DWARF that
     * cannot be read is a finding, and no names.
     */
    public synchronized DwarfTypes dwarf() {
        if (dwarf == null) {
            ElfFile exe = target.exe(); // null for a dump or a live runtime
            try {
                dwarf = exe == null ? DwarfTypes.NONE : DwarfTypes.of(exe);
            } catch (MalformedFileException e) {
                addFinding("DWARF unreadable, runtime type strings only: " + e.getMessage());
                dwarf = DwarfTypes.NONE;
            }
        }
        return dwarf;
    }

    /** The DWARF name of the type descriptor at {@code typeAddr} (its offset from {@code moduledata.types}), or null. */
    public String dwarfName(long typeAddr) {
        DwarfTypes d = dwarf();
        return d.present() ? d.nameAtOffset(typeAddr - module.types()) : null;
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
            return new TypeInfo(addr, name, kindName, size, pkg, methods, null, dwarfName(addr));
        } catch (BadAddressException | IllegalStateException e) {
            addFinding(String.format("type at 0x%x: %s", addr, e.getMessage()));
            return new TypeInfo(addr, name, kindName, size, pkg, methods, e.getMessage(), dwarfName(addr));
        }
    }

    /**
     * Every type of the module: those reachable from typelinks (Go 1.27: the type region) and the
     * itabs' interface and concrete types, through element, key, bucket or group, an array's slice type,
     * field, parameter, result, method and pointer-to-this links; and those only code refers to, which
     * a scan of the type data finds by their shape ({@link io.goheap.runtime.abi.TypeScan},
     * {@link #scannedTypes()}), with what they reach. In address order.
     */
    public List<TypeInfo> types(LongConsumer progress) {
        LongSet seen = new LongSet();
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
        walk(seen, work, progress);
        // the types only code refers to: no descriptor points at them, the scan finds them by their shape
        try {
            long before = seen.size();
            new io.goheap.runtime.abi.TypeScan(module).scan(a -> push(a, seen, work, 0));
            scanned = seen.size() - before;
        } catch (BadAddressException e) {
            addFinding("types not scanned: " + e.getMessage());
        }
        walk(seen, work, progress);
        if (seen.size() >= MAX_TYPES) {
            addFinding("type walk stopped at " + MAX_TYPES + " types");
        }
        long[] sorted = seen.sortedUnsigned();
        List<TypeInfo> out = new ArrayList<>(sorted.length);
        for (long a : sorted) {
            out.add(type(a));
        }
        return out;
    }

    private long scanned;

    /** Takes types from {@code work} and queues the types each points at, until none is left (or MAX_TYPES). */
    private void walk(LongSet seen, ArrayDeque<Long> work, LongConsumer progress) {
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
    }

    /**
     * How many of the last {@link #types} walk's types only the scan of the type data found (no
     * typelink, itab or type points at them: types only code refers to).
     */
    public long scannedTypes() {
        return scanned;
    }

    /** Queues type {@code a}, reached from {@code from} (a type or itab address, 0 for typelinks). */
    private void push(long a, LongSet seen, ArrayDeque<Long> work, long from) {
        if (a == 0 || seen.contains(a)) {
            return;
        }
        if (!module.inTypes(a)) {
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
