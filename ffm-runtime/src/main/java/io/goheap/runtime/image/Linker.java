package io.goheap.runtime.image;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.HeaderDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.Mman;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.ObjSym;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.SymbolNames;
import io.goheap.runtime.types.TypeWriter;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Links a package's symbols ({@link ObjSym}) into an {@link Image} as cmd/link would, far enough for the
 * runtime's view of types and itabs:
 * <ul>
 *   <li>{@code .rodata} starts with {@code moduledata.types}: namedata, type descriptors, itabs, the
 *       closures and basic types of package runtime they refer to; then the typelinks (int32 offsets
 *       from types, sorted by type string) and itablinks (itab pointers) arrays;</li>
 *   <li>{@code .text} gets a 32-byte-aligned function for every code symbol referred to (methods, their
 *       wrappers, runtime's equality functions): {@code mov eax, N; mov rdx, rdi; ret}, N the function's
 *       index in {@link #functions()}: called with the SysV ABI it returns {N, its first argument} in
 *       RAX:RDX, so a call through {@code itab.fun[k]} shows which method ran on which receiver; the
 *       section is then made read+execute;</li>
 *   <li>relocations: R_ADDR writes the target's address + add, R_ADDROFF its offset from types,
 *       R_METHODOFF its offset from types (a type) or from text (code); weak ones resolve like strong
 *       ones, as every target is kept;</li>
 *   <li>{@code runtime.firstmoduledata} in {@code .noptrdata} ({@code .go.module} from Go 1.26), laid
 *       out as the release's {@link Abi} says: text/etext, the section bounds, types/etypes, typelinks,
 *       itablinks, hasmain (the pclntab and GC fields stay zero: goheap has no pclntab).</li>
 * </ul>
 * Go 1.27 has no typelinks and itablinks: its types, name data and itabs go into {@code .go.type} as
 * that release's linker orders them ({@code type:*}, the typelinked descriptors by type string, the
 * rest and the itabs by size and name), and the moduledata says where with {@code typedesclen},
 * {@code itaboffset} and {@code itabsize}. The symbols must be spelled as the release's compiler spells
 * them ({@link SymbolNames}).
 * Not thread-safe; link once, then read through {@link #module()}.
 */
public final class Linker {
    /** cmd/link/internal/amd64 funcAlign. */
    public static final int FUNC_ALIGN = 32;

    private final Image image;
    private final Abi abi;
    private final SymbolNames names;
    private final Map<String, Long> addr = new LinkedHashMap<>();
    private final List<String> functions = new ArrayList<>();
    /** function name -> index in functions (the lookup the relocation pass needs, in O(1)) */
    private final Map<String, Integer> functionIndex = new java.util.HashMap<>();
    private Module module;
    private Symbol moduledataSym;
    /** upcall stubs of functions implemented in Java; closed with the runtime */
    private java.lang.foreign.Arena upcalls;

    /** A linker into {@code image} for a program of {@code abi}'s release (its moduledata, its {@link Module}). */
    public Linker(Image image, Abi abi) {
        this.image = image;
        this.abi = abi;
        this.names = SymbolNames.of(abi.release());
    }

    /**
     * Links {@code syms} (one package's, as {@link io.goheap.runtime.types.PackageImage} compiles them).
     *
     * @throws IllegalStateException if called twice, or a section is full
     */
    public Linker link(List<ObjSym> syms) {
        if (module != null) {
            throw new IllegalStateException("already linked");
        }
        Map<String, ObjSym> all = new LinkedHashMap<>();
        syms.forEach(s -> all.put(s.name(), s));
        requireSpelling(all.keySet());
        addRuntimeSymbols(all);
        Section ro = Section.RODATA;
        boolean region = abi.hasTypeRegion();
        Section typeSec = region ? Section.GO_TYPE : ro;
        // nothing at types+0: nameOff/typeOff 0 mean "none"
        image.define(typeSec, "runtime.types", 8, 8);
        List<ObjSym> order = new ArrayList<>(all.values());
        long typedesclen = 0;
        long itaboffset = 0;
        long itabsize = 0;
        if (region) {
            // Go 1.27's linker (dodataSect, STYPE): type:* first, then the typelinked descriptors sorted by
            // type string (their extent is typedesclen), then the other descriptors and the name data, then
            // the itabs; the last two groups by size, then name. Everything else goes to .rodata.
            Map<String, String> strings = new java.util.HashMap<>();
            for (ObjSym s : order) {
                if (s.typelink()) {
                    strings.put(s.name(), typeString(s, all));
                }
            }
            Comparator<ObjSym> bySize = Comparator.comparingInt(ObjSym::size).thenComparing(ObjSym::name);
            List<ObjSym> linked = order.stream().filter(s -> names.isType(s.name()) && s.typelink())
                    .sorted(Comparator.comparing((ObjSym s) -> strings.get(s.name())).thenComparing(ObjSym::name)).toList();
            List<ObjSym> rest = order.stream().filter(s -> inTypeRegion(s) && !names.isItab(s.name()) && !(names.isType(s.name()) && s.typelink()))
                    .sorted(bySize).toList();
            List<ObjSym> itabs = order.stream().filter(s -> names.isItab(s.name())).sorted(bySize).toList();
            List<ObjSym> other = order.stream().filter(s -> !inTypeRegion(s))
                    .sorted(Comparator.comparing((ObjSym s) -> rank(s.name())).thenComparing(ObjSym::name)).toList();
            long types = image.lookup("runtime.types").address();
            image.define(typeSec, names.type("*"), 0, 8);
            for (ObjSym s : linked) {
                place(typeSec, s);
            }
            typedesclen = image.mapping(typeSec).address() + image.used(typeSec) - types;
            for (ObjSym s : rest) {
                place(typeSec, s);
            }
            long itabStart = (image.mapping(typeSec).address() + image.used(typeSec) + 7) & -8L;
            itaboffset = itabStart - types;
            for (ObjSym s : itabs) {
                place(typeSec, s);
            }
            itabsize = itabs.isEmpty() ? 0 : image.mapping(typeSec).address() + image.used(typeSec) - itabStart;
            for (ObjSym s : other) {
                place(ro, s);
            }
            order = new ArrayList<>(linked);
            order.addAll(rest);
            order.addAll(itabs);
            order.addAll(other);
        } else {
            order.sort(Comparator.comparing((ObjSym s) -> rank(s.name())).thenComparing(ObjSym::name));
            for (ObjSym s : order) {
                place(ro, s);
            }
        }
        // code symbols referred to but not defined
        for (ObjSym s : order) {
            for (ObjSym.Reloc r : s.relocs()) {
                if (!addr.containsKey(r.target()) && !functionIndex.containsKey(r.target())) {
                    functionIndex.put(r.target(), functions.size());
                    functions.add(r.target());
                }
            }
        }
        Mapping text = image.mapping(Section.TEXT);
        for (int i = 0; i < functions.size(); i++) {
            Symbol f = image.define(Section.TEXT, functions.get(i), FUNC_ALIGN, FUNC_ALIGN);
            // mov eax, imm32 (b8 + 4 bytes little endian); mov rdx, rdi (48 89 fa); ret (c3):
            // returns {index, receiver} in RAX:RDX under the SysV ABI (receiver = first argument)
            byte[] stub = {(byte) 0xb8, (byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24),
                    0x48, (byte) 0x89, (byte) 0xfa, (byte) 0xc3};
            MemorySegment.copy(MemorySegment.ofArray(stub), 0, image.segment(f), 0, stub.length);
            addr.put(functions.get(i), f.address());
        }
        long types = image.lookup("runtime.types").address();
        long textBase = text.address();
        for (ObjSym s : order) {
            MemorySegment seg = image.segment(image.lookup(s.name()));
            MemorySegment.copy(MemorySegment.ofArray(s.bytes()), 0, seg, 0, s.bytes().length);
            for (ObjSym.Reloc r : s.relocs()) {
                long target = addr.get(r.target()) + r.add();
                boolean code = functionIndex.containsKey(r.target());
                switch (r.kind()) {
                    case ADDR, WEAKADDR -> seg.set(ValueLayout.JAVA_LONG_UNALIGNED, r.off(), target);
                    case ADDROFF, WEAKADDROFF -> seg.set(ValueLayout.JAVA_INT_UNALIGNED, r.off(), Math.toIntExact(target - types));
                    case KEEP -> { } // no bytes: only keeps the target linked
                    case METHODOFF -> seg.set(ValueLayout.JAVA_INT_UNALIGNED, r.off(),
                            Math.toIntExact(target - (code ? textBase : types)));
                }
            }
        }
        Symbol typelinks = null;
        Symbol itablinks = null;
        int ntypelinks = 0;
        int nitabs = 0;
        if (!region) {
            // typelinks: sorted by the type's string, as the linker sorts them (int32 offsets from types)
            List<ObjSym> tl = order.stream().filter(ObjSym::typelink)
                    .sorted(Comparator.comparing((ObjSym s) -> typeString(s, all)).thenComparing(ObjSym::name)).toList();
            typelinks = image.define(ro, "runtime.typelink", 4L * tl.size(), 4);
            for (int i = 0; i < tl.size(); i++) {
                image.segment(typelinks).set(ValueLayout.JAVA_INT_UNALIGNED, 4L * i, Math.toIntExact(addr.get(tl.get(i).name()) - types));
            }
            List<ObjSym> itabs = order.stream().filter(s -> names.isItab(s.name())).toList();
            itablinks = image.define(ro, "runtime.itablink", 8L * itabs.size(), 8);
            for (int i = 0; i < itabs.size(); i++) {
                image.segment(itablinks).set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i, addr.get(itabs.get(i).name()));
            }
            ntypelinks = tl.size();
            nitabs = itabs.size();
        }
        long etypes = image.mapping(typeSec).address() + image.used(typeSec);
        image.sys().protect(text, Mman.PROT_READ | Mman.PROT_EXEC);

        Section mdSec = abi.moduledataSection() != null ? Section.GO_MODULE : Section.NOPTRDATA;
        moduledataSym = image.define(mdSec, "runtime.firstmoduledata", abi.sizeOf("moduledata"), 8);
        MemorySegment md = image.segment(moduledataSym);
        long etext = textBase + image.used(Section.TEXT);
        md.set(ValueLayout.JAVA_LONG, mdOff("minpc"), textBase);
        md.set(ValueLayout.JAVA_LONG, mdOff("maxpc"), etext);
        md.set(ValueLayout.JAVA_LONG, mdOff("text"), textBase);
        md.set(ValueLayout.JAVA_LONG, mdOff("etext"), etext);
        bounds(md, Section.NOPTRDATA, mdOff("noptrdata"), mdOff("enoptrdata"));
        bounds(md, Section.DATA, mdOff("data"), mdOff("edata"));
        bounds(md, Section.BSS, mdOff("bss"), mdOff("ebss"));
        bounds(md, Section.NOPTRBSS, mdOff("noptrbss"), mdOff("enoptrbss"));
        md.set(ValueLayout.JAVA_LONG, mdOff("end"), image.mapping(Section.NOPTRBSS).end());
        md.set(ValueLayout.JAVA_LONG, mdOff("types"), types);
        md.set(ValueLayout.JAVA_LONG, mdOff("etypes"), etypes);
        md.set(ValueLayout.JAVA_LONG, mdOff("rodata"), image.mapping(ro).address());
        if (region) {
            md.set(ValueLayout.JAVA_LONG, mdOff("typedesclen"), typedesclen);
            md.set(ValueLayout.JAVA_LONG, mdOff("itaboffset"), itaboffset);
            md.set(ValueLayout.JAVA_LONG, mdOff("itabsize"), itabsize);
        } else {
            sliceAt(md, mdOff("typelinks"), typelinks.address(), ntypelinks);
            sliceAt(md, mdOff("itablinks"), itablinks.address(), nitabs);
        }
        md.set(ValueLayout.JAVA_BYTE, mdOff("hasmain"), (byte) 1);

        // the whole live runtime memory: itabs built later live in persistentalloc chunks, tables in the heap
        module = new Module(image.sys().memory(), abi, types, etypes, textBase, etext);
        return this;
    }

    /**
     * The module's static itabs as the runtime's {@code itabsinit} finds them in the moduledata: the
     * {@code itablinks} slice up to Go 1.26; in Go 1.27 ({@code addModuleItabs}) the itabs one after the
     * other from {@code types + itaboffset} for {@code itabsize} bytes, each {@code ITab.Size()} long
     * (32 bytes for a negative one, else 24 and a word per interface method).
     *
     * @throws IllegalStateException if not linked yet
     */
    public List<Long> staticItabs() {
        Module m = module();
        long md = moduledataSym.address();
        List<Long> out = new ArrayList<>();
        if (abi.hasTypeRegion()) {
            long p = m.types() + m.space().u64(md + mdOff("itaboffset"));
            long end = p + m.space().u64(md + mdOff("itabsize"));
            while (p < end) {
                out.add(p);
                long fun0 = m.space().u64(p + io.goheap.runtime.abi.ItabDescriptor.funOffset(0));
                long inter = m.space().u64(p + io.goheap.runtime.abi.ItabDescriptor.INTER_OFFSET);
                p += io.goheap.runtime.abi.ItabDescriptor.regionSize(fun0,
                        fun0 == 0 ? 1 : m.space().u64(inter + io.goheap.runtime.abi.TypeDescriptor.INTERFACETYPE_MHDR_LEN_OFFSET));
            }
            return out;
        }
        long itablinks = md + mdOff("itablinks");
        long array = m.space().u64(itablinks + HeaderDescriptor.SLICE_ARRAY);
        long n = m.space().u64(itablinks + HeaderDescriptor.SLICE_LEN);
        for (long i = 0; i < n; i++) {
            out.add(m.space().u64(array + Abi.PTR_SIZE * i));
        }
        return out;
    }

    /**
     * Places {@code s} in {@code sec}, or where its kind says when it is writable data (Go 1.24's
     * on-demand GC mask word {@code type:.gcmask.T}: {@code .noptrdata}, from 1.27 {@code .noptrbss}), at
     * the alignment its compiler declared (Go 1.27 declares it), else the linker's: 1 for name data and
     * masks, 8 for the rest.
     */
    private void place(Section sec, ObjSym s) {
        Section where = switch (s.section()) {
            case NOPTRDATA -> Section.NOPTRDATA;
            case NOPTRBSS -> Section.NOPTRBSS;
            case RODATA -> sec;
        };
        long align = s.align() > 0 ? s.align() : names.isNameData(s.name()) || s.name().startsWith("runtime.gcbits.") ? 1 : 8;
        addr.put(s.name(), image.define(where, s.name(), s.size(), align).address());
    }

    /** Go 1.27: what lives in {@code .go.type}: the type descriptors, their name data, itabs. */
    private boolean inTypeRegion(ObjSym s) {
        String name = s.name();
        return s.section() == ObjSym.Section.RODATA && (names.isType(name) || names.isNameData(name) || names.isItab(name));
    }

    /** Refuses symbols another release's compiler spelled: they would link into garbage. */
    private void requireSpelling(java.util.Set<String> syms) {
        SymbolNames other = SymbolNames.of(new io.goheap.runtime.abi.GoRelease(names.colon() ? 19 : 21));
        for (String s : syms) {
            if ((other.isType(s) || other.isItab(s)) && !names.isType(s) && !names.isItab(s)) {
                throw new IllegalArgumentException("symbol " + s + " is spelled as " + (names.colon() ? "Go 1.19's" : "Go 1.21's")
                        + " compiler spells it; a " + abi.release() + " image needs " + names.typePrefix() + " and " + names.itabPrefix()
                        + " (compile the package for " + abi.release() + ")");
            }
        }
    }

    /**
     * The type string the linker sorts typelinks by ({@code decodetypeStr}): the descriptor's name data
     * (the target of its {@code str} relocation), without the leading {@code *} of an ExtraStar name.
     */
    private static String typeString(ObjSym s, Map<String, ObjSym> all) {
        for (ObjSym.Reloc r : s.relocs()) {
            if (r.off() == io.goheap.runtime.abi.TypeDescriptor.STR_OFFSET) {
                ObjSym n = all.get(r.target());
                if (n == null) {
                    break;
                }
                byte[] b = n.bytes();
                int len = 0;
                int shift = 0;
                int i = 1;
                while (i < b.length) {
                    int v = b[i++] & 0xff;
                    len |= (v & 0x7f) << shift;
                    shift += 7;
                    if (v < 0x80) {
                        break;
                    }
                }
                String str = new String(b, i, Math.min(len, b.length - i), java.nio.charset.StandardCharsets.UTF_8);
                boolean extraStar = (s.bytes()[(int) io.goheap.runtime.abi.TypeDescriptor.TFLAG_OFFSET] & io.goheap.runtime.abi.TFlags.EXTRA_STAR) != 0;
                return extraStar && str.startsWith("*") ? str.substring(1) : str;
            }
        }
        return s.name();
    }

    /**
     * Implements function {@code function} in Java: an upcall stub for {@code target} (with signature
     * {@code fd}) is made, and the function's code in {@code .text} becomes
     * {@code movabs rax, stub; jmp rax}, so a native call through {@code itab.fun[k]} lands in Java.
     * {@code .text} is made writable for the patch and read+execute again after. The stub lives until
     * {@link #close()} (called by the runtime's close).
     *
     * @throws IllegalArgumentException if {@code function} is not a linked function
     */
    @SuppressWarnings("restricted") // an upcall stub for a function of this image's own .text
    public synchronized void bindJava(String function, java.lang.invoke.MethodHandle target, java.lang.foreign.FunctionDescriptor fd) {
        Integer i = functionIndex.get(function);
        if (i == null) {
            throw new IllegalArgumentException("no linked function " + function);
        }
        if (upcalls == null) {
            upcalls = java.lang.foreign.Arena.ofShared();
        }
        long stub = java.lang.foreign.Linker.nativeLinker().upcallStub(target, fd, upcalls).address();
        byte[] code = new byte[12];
        code[0] = 0x48;
        code[1] = (byte) 0xb8;                 // movabs rax, imm64
        for (int b = 0; b < 8; b++) {
            code[2 + b] = (byte) (stub >>> (8 * b));
        }
        code[10] = (byte) 0xff;
        code[11] = (byte) 0xe0;                // jmp rax
        Mapping text = image.mapping(Section.TEXT);
        // a critical call must never reach an upcall (the JVM aborts it): calls to it go the other way.
        // Cross-modifying code: while .text is writable the call gate holds every caller outside it,
        // and taking PROT_WRITE away again shoots down the other cores' TLB entries by interrupt, whose
        // return serializes each core, before any caller may jump into the patched bytes.
        image.sys().callGate().markUpcall(image.lookup(function).address());
        image.sys().protect(text, Mman.PROT_READ | Mman.PROT_WRITE);
        try {
            MemorySegment.copy(MemorySegment.ofArray(code), 0, image.segment(image.lookup(function)), 0, code.length);
        } finally {
            image.sys().protect(text, Mman.PROT_READ | Mman.PROT_EXEC);
        }
    }

    /** Frees the upcall stubs. Idempotent; the runtime calls it when it closes. */
    public synchronized void close() {
        if (upcalls != null) {
            upcalls.close();
            upcalls = null;
        }
    }

    /** The address of a linked symbol. @throws IllegalArgumentException if none */
    public long address(String symbol) {
        Long a = addr.get(symbol);
        if (a == null) {
            throw new IllegalArgumentException("no symbol " + symbol);
        }
        return a;
    }

    /** The module to decode the linked image with (types, text and the address space of all sections). */
    public Module module() {
        if (module == null) {
            throw new IllegalStateException("not linked yet");
        }
        return module;
    }

    /** The functions placed in .text, by index (the value each returns in EAX). */
    public List<String> functions() {
        return List.copyOf(functions);
    }

    /** {@code runtime.firstmoduledata}. */
    public Symbol moduledata() {
        return moduledataSym;
    }

    /** Package runtime's part: the basic types and equality closures the package's symbols refer to. */
    private void addRuntimeSymbols(Map<String, ObjSym> all) {
        TypeWriter rt = new TypeWriter(new Pkg("runtime", "runtime"), true, abi.release());
        for (ObjSym s : List.copyOf(all.values())) {
            for (ObjSym.Reloc r : s.relocs()) {
                String t = r.target();
                if (names.isType(t) && !all.containsKey(t)) {
                    GoType g = runtimeType(names.afterTypePrefix(t));
                    if (g != null) {
                        rt.writeType(g); // as package runtime emits it: a data symbol, not code
                    }
                    // else another package's type: linked as a function-less gap
                }
            }
        }
        rt.symbols().forEach(all::putIfAbsent);
        for (ObjSym s : List.copyOf(all.values())) {
            for (ObjSym.Reloc r : s.relocs()) {
                if (r.target().endsWith("·f") && !all.containsKey(r.target())) {
                    all.put(r.target(), ObjSym.closure(r.target(), r.target().substring(0, r.target().length() - 2)));
                }
            }
        }
    }

    /**
     * The type package runtime emits for type string {@code s}, or null: the predeclared types and
     * {@code error}, and (what Go 1.20's {@code writeBasicTypes} moved there from the packages that use
     * them) {@code interface {}}, the slices of those, {@code func(error) string}; pointers to any of them.
     */
    private static GoType runtimeType(String s) {
        if (s.equals("error")) {
            return GoType.Named.universeError();
        }
        if (s.equals("interface {}")) {
            return new GoType.Interface(List.of());
        }
        if (s.equals("func(error) string")) {
            return new GoType.Func(List.of(GoType.Named.universeError()), List.of(GoType.Basic.of("string")), false);
        }
        if (s.startsWith("[]") || s.startsWith("*")) {
            GoType elem = runtimeType(s.substring(s.startsWith("*") ? 1 : 2));
            return elem == null ? null : s.startsWith("*") ? new GoType.Pointer(elem) : new GoType.Slice(elem);
        }
        try {
            return GoType.Basic.of(s);
        } catch (IllegalArgumentException notBasic) {
            return null;
        }
    }

    private int rank(String name) {
        if (names.isNameData(name)) {
            return 0;
        }
        if (names.isType(name)) {
            return 1;
        }
        if (names.isItab(name)) {
            return 2;
        }
        return 3;
    }

    private void bounds(MemorySegment md, Section s, long startOff, long endOff) {
        Mapping m = image.mapping(s);
        md.set(ValueLayout.JAVA_LONG, startOff, m.address());
        md.set(ValueLayout.JAVA_LONG, endOff, m.address() + image.used(s));
    }

    /** The offset of {@code moduledata.field} in this release. */
    private long mdOff(String field) {
        return abi.offsetOf("moduledata", field);
    }

    private static void sliceAt(MemorySegment md, long off, long array, long len) {
        md.set(ValueLayout.JAVA_LONG, off + HeaderDescriptor.SLICE_ARRAY, array);
        md.set(ValueLayout.JAVA_LONG, off + HeaderDescriptor.SLICE_LEN, len);
        md.set(ValueLayout.JAVA_LONG, off + HeaderDescriptor.SLICE_CAP, len);
    }
}
