package io.goheap.runtime.image;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.HeaderDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.Mman;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.ObjSym;
import io.goheap.runtime.types.Pkg;
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
 *   <li>{@code runtime.firstmoduledata} in {@code .noptrdata}, laid out as the release's {@link Abi}
 *       says: text/etext, the section bounds, types/etypes, typelinks, itablinks, hasmain (the pclntab
 *       and GC fields stay zero: goheap has no pclntab).</li>
 * </ul>
 * Not thread-safe; link once, then read through {@link #module()}.
 */
public final class Linker {
    /** cmd/link/internal/amd64 funcAlign. */
    public static final int FUNC_ALIGN = 32;

    private final Image image;
    private final Abi abi;
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
        addRuntimeSymbols(all);
        Section ro = Section.RODATA;
        // nothing at types+0: nameOff/typeOff 0 mean "none"
        image.define(ro, "runtime.types", 8, 8);
        List<ObjSym> order = new ArrayList<>(all.values());
        order.sort(Comparator.comparing((ObjSym s) -> rank(s.name())).thenComparing(ObjSym::name));
        for (ObjSym s : order) {
            long align = s.name().startsWith("type..namedata.") || s.name().startsWith("type..importpath.")
                    || s.name().startsWith("runtime.gcbits.") ? 1 : 8;
            addr.put(s.name(), image.define(ro, s.name(), s.size(), align).address());
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
        // typelinks: sorted by the type's string, as the linker sorts them
        List<ObjSym> tl = order.stream().filter(ObjSym::typelink).sorted(Comparator.comparing(s -> typeString(s.name()))).toList();
        Symbol typelinks = image.define(ro, "runtime.typelink", 4L * tl.size(), 4);
        for (int i = 0; i < tl.size(); i++) {
            image.segment(typelinks).set(ValueLayout.JAVA_INT_UNALIGNED, 4L * i, Math.toIntExact(addr.get(tl.get(i).name()) - types));
        }
        List<ObjSym> itabs = order.stream().filter(s -> s.name().startsWith("go.itab.")).toList();
        Symbol itablinks = image.define(ro, "runtime.itablink", 8L * itabs.size(), 8);
        for (int i = 0; i < itabs.size(); i++) {
            image.segment(itablinks).set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i, addr.get(itabs.get(i).name()));
        }
        long etypes = image.mapping(ro).address() + image.used(ro);
        image.sys().protect(text, Mman.PROT_READ | Mman.PROT_EXEC);

        moduledataSym = image.define(Section.NOPTRDATA, "runtime.firstmoduledata", abi.sizeOf("moduledata"), 8);
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
        sliceAt(md, mdOff("typelinks"), typelinks.address(), tl.size());
        sliceAt(md, mdOff("itablinks"), itablinks.address(), itabs.size());
        md.set(ValueLayout.JAVA_BYTE, mdOff("hasmain"), (byte) 1);

        // the whole live runtime memory: itabs built later live in persistentalloc chunks, tables in the heap
        module = new Module(image.sys().memory(), abi, types, etypes, textBase, etext);
        return this;
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
    private static void addRuntimeSymbols(Map<String, ObjSym> all) {
        TypeWriter rt = new TypeWriter(new Pkg("runtime", "runtime"), true);
        for (ObjSym s : List.copyOf(all.values())) {
            for (ObjSym.Reloc r : s.relocs()) {
                String t = r.target();
                if (t.equals("type.error") && !all.containsKey(t)) {
                    rt.writeType(GoType.Named.universeError()); // as package runtime emits it: a data symbol, not code
                } else if (t.startsWith("type.") && !t.startsWith("type..") && !all.containsKey(t)) {
                    try {
                        rt.writeType(GoType.Basic.of(t.substring("type.".length())));
                    } catch (IllegalArgumentException notBasic) {
                        // another package's type (type.*int and the like): linked as a function-less gap
                    }
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

    private static int rank(String name) {
        if (name.startsWith("type..namedata.") || name.startsWith("type..importpath.")) {
            return 0;
        }
        if (name.startsWith("type.")) {
            return 1;
        }
        if (name.startsWith("go.itab.")) {
            return 2;
        }
        return 3;
    }

    private static String typeString(String sym) {
        return sym.substring("type.".length());
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
