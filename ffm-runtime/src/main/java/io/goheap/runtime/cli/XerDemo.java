package io.goheap.runtime.cli;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.iface;
import io.goheap.layouts.go119.imethod;
import io.goheap.layouts.go119.interfacetype;
import io.goheap.layouts.go119.itab;
import io.goheap.layouts.go119.name;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.uncommontype;
import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.GoStructs;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.NameEncoding;
import io.goheap.runtime.abi.TypeHash;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.Mman;
import io.goheap.runtime.sys.SysStat;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed example, built by hand through the layouts in two {@code sysAlloc} chunks:
 * <pre>
 * type Xer interface { A() int; B() int }
 * type data struct { x, y int }
 * func (d data) A() int { return d.x }
 * func (d data) B() int { return d.y }
 * var sink Xer = data{1, 2}
 * </pre>
 * A {@code .rodata}-like chunk (which also serves as {@code moduledata.types}, the base of every
 * nameOff/typeOff) gets the names, the {@code _type} headers of {@code func() int} and {@code main.data},
 * {@code type.main.Xer} with its uncommontype and imethods, the static itab
 * {@code go.itab.main.data,main.Xer} and the boxed value; a {@code .text} chunk gets real x86-64 code
 * for the {@code (*data).A} and {@code (*data).B} wrappers (Go's register ABI: receiver pointer and
 * result in RAX) and is then made read+execute.
 *
 * <p>Kind-specific tails other than the interface's (structtype fields, functype in/out) and the
 * runtime closures ({@code equal}) are left out: the type image lays them out completely. Every
 * value written is computed (type hashes by {@link TypeHash}, names by {@link NameEncoding}); the
 * tests compare the headers with the bytes the Go 1.19 compiler emitted.
 */
final class XerDemo {
    /** cmd/link/internal/amd64 funcAlign: every function starts at a multiple of 32 bytes. */
    static final long FUNC_ALIGN = 32;
    /** x86-64: {@code mov rax, [rax]; ret} — (*data).A loads d.x. */
    static final byte[] CODE_A = {0x48, (byte) 0x8b, 0x00, (byte) 0xc3};
    /** x86-64: {@code mov rax, [rax+8]; ret} — (*data).B loads d.y. */
    static final byte[] CODE_B = {0x48, (byte) 0x8b, 0x40, 0x08, (byte) 0xc3};

    /** The user type {@code main.data}: {@code struct { x, y int }}, laid out as Go lays it (two words). */
    static final StructLayout DATA = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("x"), ValueLayout.JAVA_LONG.withName("y")).withName("main.data");
    private static final VarHandle DATA_X = DATA.varHandle(MemoryLayout.PathElement.groupElement("x"));
    private static final VarHandle DATA_Y = DATA.varHandle(MemoryLayout.PathElement.groupElement("y"));

    /** One struct written, with per-field notes keyed by field path ({@code typ.hash}, {@code fun[1]}). */
    record Placed(String symbol, GoStructs.Struct struct, long address, long size, Map<String, String> notes) {
    }

    final Mapping rodata;
    final Mapping text;
    final List<Placed> placed = new ArrayList<>();
    private final MemorySegment ro;
    private long cursor;

    XerDemo(GoRuntime rt) {
        rodata = rt.sys().sysAlloc(16 << 10, SysStat.OTHER_SYS, ".rodata (types)");
        text = rt.sys().sysAlloc(Mman.PAGE_SIZE, SysStat.OTHER_SYS, ".text");
        ro = rodata.segment();
        build(rt);
    }

    private void build(GoRuntime rt) {
        // .text: the two method wrappers, FUNC_ALIGN apart as Go 1.19's amd64 linker aligns functions.
        MemorySegment code = text.segment();
        MemorySegment.copy(MemorySegment.ofArray(CODE_A), 0, code, 0, CODE_A.length);
        MemorySegment.copy(MemorySegment.ofArray(CODE_B), 0, code, FUNC_ALIGN, CODE_B.length);
        long funA = text.address();
        long funB = text.address() + FUNC_ALIGN;
        rt.sys().protect(text, Mman.PROT_READ | Mman.PROT_EXEC);

        // nameOff/typeOff 0 means "none" to the runtime (resolveNameOff returns ""), so as in the linker's
        // layout nothing may start at the base of moduledata.types: the first word stays empty
        alloc(Go119.GO_PTR_SIZE(), Go119.GO_PTR_SIZE());

        // names (type..namedata.*, type..importpath.*): byte 0 flags, varint length, bytes
        long nData = putBytes(NameEncoding.encode("*main.data", false), 1);
        long nXer = putBytes(NameEncoding.encode("*main.Xer", true), 1);
        long nFunc = putBytes(NameEncoding.encode("*func() int", false), 1);
        long nMain = putBytes(NameEncoding.encode("main", false), 1);
        long nA = putBytes(NameEncoding.encode("A", true), 1);
        long nB = putBytes(NameEncoding.encode("B", true), 1);
        long gcbits01 = putBytes(new byte[] {1}, 1);
        long gcbits02 = putBytes(new byte[] {2}, 1);

        // type.func() int: _type header (the functype tail is the type image's job)
        long tFunc = alloc(_type.sizeof(), Go119.GO_PTR_SIZE());
        MemorySegment f = at(tFunc, _type.sizeof());
        header(f, Go119.GO_PTR_SIZE(), Go119.GO_PTR_SIZE(), TypeHash.of("func() int"), Go119.GO_TFLAG_EXTRA_STAR(),
                Go119.GO_KIND_FUNC() | Go119.GO_KIND_DIRECT_IFACE(), gcbits01, off(nFunc));
        placed.add(new Placed("type.func() int", GoStructs.byName("_type").orElseThrow(), tFunc, _type.sizeof(), Map.of(
                "size", "header only here: the functype tail follows in the type image",
                "hash", "TypeHash(\"func() int\")", "kind", "func | kindDirectIface",
                "tflag", "tflagExtraStar", "str", "nameOff -> \"*func() int\"")));

        // type.main.data: _type header
        long tData = alloc(_type.sizeof(), Go119.GO_PTR_SIZE());
        MemorySegment d = at(tData, _type.sizeof());
        header(d, DATA.byteSize(), 0, TypeHash.of("main.data"),
                Go119.GO_TFLAG_UNCOMMON() | Go119.GO_TFLAG_EXTRA_STAR() | Go119.GO_TFLAG_NAMED() | Go119.GO_TFLAG_REGULAR_MEMORY(),
                Go119.GO_KIND_STRUCT(), 0, off(nData));
        placed.add(new Placed("type.main.data", GoStructs.byName("_type").orElseThrow(), tData, _type.sizeof(), Map.of(
                "hash", "TypeHash(\"main.data\")", "kind", "struct", "tflag", "uncommon|extraStar|named|regularMemory",
                "size", "header only here: the structtype tail and uncommontype follow in the type image",
                "equal", "runtime.memequal128·f in a linked binary (no runtime code in this demo)",
                "gcdata", "runtime.gcbits. (no pointers: ptrdata 0)", "str", "nameOff -> \"*main.data\"")));

        // type.main.Xer: interfacetype + uncommontype + [2]imethod, one block as the compiler emits it
        long xerSize = interfacetype.sizeof() + uncommontype.sizeof() + 2 * imethod.sizeof();
        long tXer = alloc(xerSize, Go119.GO_PTR_SIZE());
        MemorySegment x = at(tXer, xerSize);
        MemorySegment xt = interfacetype.typ(x);
        header(xt, iface.sizeof(), iface.sizeof(), TypeHash.of("main.Xer"),
                Go119.GO_TFLAG_UNCOMMON() | Go119.GO_TFLAG_EXTRA_STAR() | Go119.GO_TFLAG_NAMED(),
                Go119.GO_KIND_INTERFACE(), gcbits02, off(nXer));
        name.bytes(interfacetype.pkgpath(x), MemorySegment.ofAddress(nMain));
        long imethods = tXer + interfacetype.sizeof() + uncommontype.sizeof();
        MemorySegment mh = interfacetype.mhdr(x);
        slice.array(mh, MemorySegment.ofAddress(imethods));
        slice.len(mh, 2);
        slice.cap(mh, 2);
        MemorySegment u = x.asSlice(interfacetype.sizeof(), uncommontype.sizeof());
        uncommontype.pkgpath(u, off(nMain));
        uncommontype.mcount(u, (short) 0);
        uncommontype.xcount(u, (short) 0);
        // moff locates the [mcount]method array: past the uncommontype and the interface's imethods,
        // as reflectdata adds the kind-specific data (dataAdd); an interface has mcount 0.
        uncommontype.moff(u, (int) (uncommontype.sizeof() + 2 * imethod.sizeof()));
        MemorySegment im = x.asSlice(imethods - tXer, 2 * imethod.sizeof());
        MemorySegment im0 = imethod.asSlice(im, 0);
        MemorySegment im1 = imethod.asSlice(im, 1);
        imethod.name(im0, off(nA));
        imethod.ityp(im0, off(tFunc));
        imethod.name(im1, off(nB));
        imethod.ityp(im1, off(tFunc));
        placed.add(new Placed("type.main.Xer", GoStructs.byName("interfacetype").orElseThrow(), tXer, xerSize, Map.of(
                "typ.hash", "TypeHash(\"main.Xer\")", "typ.kind", "interface", "typ.tflag", "uncommon|extraStar|named",
                "typ.equal", "runtime.interequal·f in a linked binary", "typ.gcdata", "runtime.gcbits.02",
                "typ.str", "nameOff -> \"*main.Xer\"", "pkgpath", "-> type..importpath.main.",
                "mhdr.array", "-> [2]imethod at +" + (imethods - tXer))));
        placed.add(new Placed("type.main.Xer+80 (uncommontype)", GoStructs.byName("uncommontype").orElseThrow(),
                tXer + interfacetype.sizeof(), uncommontype.sizeof(), Map.of("pkgpath", "nameOff -> \"main\"",
                "moff", "[0]method after the 2 imethods")));
        placed.add(new Placed("type.main.Xer imethod[0]", GoStructs.byName("imethod").orElseThrow(), imethods,
                imethod.sizeof(), Map.of("name", "nameOff -> \"A\"", "ityp", "typeOff -> type.func() int")));
        placed.add(new Placed("type.main.Xer imethod[1]", GoStructs.byName("imethod").orElseThrow(),
                imethods + imethod.sizeof(), imethod.sizeof(), Map.of("name", "nameOff -> \"B\"", "ityp", "typeOff -> type.func() int")));

        // go.itab.main.data,main.Xer: 24 + 8*2 bytes
        long itabSize = ItabDescriptor.sizeOf(2);
        long tab = alloc(itabSize, Go119.GO_PTR_SIZE());
        MemorySegment t = at(tab, itabSize);
        itab.inter(t, MemorySegment.ofAddress(tXer));
        itab._type(t, MemorySegment.ofAddress(tData));
        itab.hash(t, _type.hash(d));
        t.set(ValueLayout.JAVA_LONG, ItabDescriptor.funOffset(0), funA);
        t.set(ValueLayout.JAVA_LONG, ItabDescriptor.funOffset(1), funB);
        placed.add(new Placed("go.itab.main.data,main.Xer", GoStructs.byName("itab").orElseThrow(), tab, itabSize, Map.of(
                "inter", "-> type.main.Xer", "_type", "-> type.main.data", "hash", "copy of type.main.data hash (static itab)",
                "fun[0]", "-> main.(*data).A: 48 8b 00 c3 (mov rax,[rax]; ret)",
                "fun[1]", "-> main.(*data).B: 48 8b 40 08 c3 (mov rax,[rax+8]; ret)")));

        // the boxed value data{1, 2} and the interface value sink = data{1, 2}
        long val = alloc(DATA.byteSize(), DATA.byteAlignment());
        MemorySegment v = at(val, DATA.byteSize());
        DATA_X.set(v, 0L, 1L);
        DATA_Y.set(v, 0L, 2L);
        long sink = alloc(iface.sizeof(), Go119.GO_PTR_SIZE());
        MemorySegment s = at(sink, iface.sizeof());
        iface.tab(s, MemorySegment.ofAddress(tab));
        iface.data(s, MemorySegment.ofAddress(val));
        placed.add(new Placed("main.sink", GoStructs.byName("iface").orElseThrow(), sink, iface.sizeof(), Map.of(
                "tab", "-> go.itab.main.data,main.Xer", "data", "-> data{x: 1, y: 2} (" + DATA.byteSize() + " bytes, boxed)")));
    }

    private static void header(MemorySegment t, long size, long ptrdata, int hash, int tflag, int kind, long gcdata, int str) {
        _type.size(t, size);
        _type.ptrdata(t, ptrdata);
        _type.hash(t, hash);
        _type.tflag(t, (byte) tflag);
        // every type of the example is word aligned (a func value, two ints, an interface value)
        _type.align(t, (byte) Go119.GO_PTR_SIZE());
        _type.fieldAlign(t, (byte) Go119.GO_PTR_SIZE());
        _type.kind(t, (byte) kind);
        _type.gcdata(t, MemorySegment.ofAddress(gcdata));
        _type.str(t, str);
        _type.ptrToThis(t, 0);
    }

    /** A nameOff/typeOff: an offset from moduledata.types, which is this chunk's base. */
    private int off(long addr) {
        return Math.toIntExact(addr - rodata.address());
    }

    private long alloc(long n, long align) {
        cursor = (cursor + align - 1) & -align;
        long a = rodata.address() + cursor;
        cursor += n;
        if (cursor > rodata.size()) {
            throw new IllegalStateException("demo chunk full: cursor=" + cursor);
        }
        return a;
    }

    private long putBytes(byte[] b, long align) {
        long a = alloc(b.length, align);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, ro, a - rodata.address(), b.length);
        return a;
    }

    private MemorySegment at(long addr, long n) {
        return ro.asSlice(addr - rodata.address(), n);
    }

    /** The bytes of a placed struct, read back through the mapping's bounded segment. */
    byte[] bytes(Placed p) {
        return at(p.address(), p.size()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** One line a field: path, offset, size, hex bytes, value, note; nested structs expanded. */
    record Line(String field, long offset, long size, String hex, long value, String note) {
    }

    List<Line> lines(Placed p) {
        List<Line> out = new ArrayList<>();
        expand(p, p.struct(), "", 0, out);
        if (p.struct().name().equals("itab")) {
            // fun is [1]uintptr as declared; the real itab has one word per interface method
            out.removeIf(l -> l.field().equals("fun"));
            for (long k = 0; ItabDescriptor.funOffset((int) k) < p.size(); k++) {
                long o = ItabDescriptor.funOffset((int) k);
                out.add(line(p, "fun[" + k + "]", o, ItabDescriptor.FUN_WORD));
            }
        }
        return out;
    }

    private void expand(Placed p, GoStructs.Struct s, String prefix, long base, List<Line> out) {
        for (GoStructs.Field f : s.fields()) {
            String nested = f.goType().startsWith("[]") ? "slice" : f.goType().equals("string") ? "string" : f.goType();
            var inner = GoStructs.byName(nested).filter(x -> !f.goType().startsWith("*") && x.size() == f.size());
            if (inner.isPresent() && !f.goType().equals(s.name())) {
                expand(p, inner.get(), prefix + f.name() + ".", base + f.offset(), out);
            } else {
                out.add(line(p, prefix + f.name(), base + f.offset(), f.size()));
            }
        }
    }

    private Line line(Placed p, String field, long offset, long size) {
        MemorySegment m = at(p.address() + offset, size);
        long v = switch ((int) size) {
            case 1 -> m.get(ValueLayout.JAVA_BYTE, 0) & 0xffL;
            case 2 -> m.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0) & 0xffffL;
            case 4 -> m.get(ValueLayout.JAVA_INT_UNALIGNED, 0) & 0xffffffffL;
            case 8 -> m.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            default -> 0;
        };
        String hex = HexFormat.ofDelimiter(" ").formatHex(m.toArray(ValueLayout.JAVA_BYTE));
        return new Line(field, offset, size, hex, v, p.notes().getOrDefault(field, ""));
    }

    Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rodata", rodata.toString());
        m.put("text", text.toString());
        return m;
    }
}
