package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.SrodataFixture;
import io.goheap.runtime.testing.SrodataFixture.Reloc;
import io.goheap.runtime.testing.SrodataFixture.Symbol;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * View three for Go 1.21 to 1.27: the bytes and relocations each release's compiler emitted for the type
 * descriptors, names and static itabs of native/fixtures/xer and native/fixtures/kinds
 * (native/fixtures/compiler-bytes-1.N.srodata.txt, made by make-release-bytes-fixtures.sh), read through that
 * release's jextract layouts ({@code Abi.of(release)}, under the 1.19 names).
 *
 * <p>Every {@code type:X} descriptor in a listing is checked, each as one test:
 * <ul>
 *   <li>the abi.Type header: Hash is the release's hash of X's link string, Str an R_ADDROFF to the namedata of
 *       {@code *X} (TFlag ExtraStar) or X, PtrToThis an R_ADDROFF (or its weak form) to {@code type:*X} or nothing,
 *       Equal an R_ADDR or nothing (never for func, map, slice), GCData an R_ADDR to {@code runtime.gcbits.M} whose
 *       mask ends at PtrBytes, Align_/FieldAlign_ powers of two, Kind_ and TFlag with only the bits the release
 *       defines: the direct-interface bit (Size_ = PtrBytes = 8) in Kind_ (0x20) up to 1.25 and in TFlag (0x20)
 *       from 1.26, as the release's header names it ({@code GO_KIND_DIRECT_IFACE} / {@code GO_TFLAG_DIRECT_IFACE});</li>
 *   <li>the kind's tail at the release's offsets: Elem (ptr, slice, array, chan), Slice and Len (array), Dir (chan),
 *       InCount/OutCount and the parameter list (func), PkgPath, Methods and the Imethods (interface), PkgPath,
 *       Fields and the StructFields (struct), Key, Elem, Group/Bucket, Hasher, the sizes and the Flags (map; the
 *       sizes against the group or bucket descriptor in the same listing); relocation targets follow from X's
 *       type string (for named types, from their underlying type in the fixture source, {@link #UNDERLYING});</li>
 *   <li>the UncommonType after the kind's struct (PkgPath, Mcount, Xcount, Moff) and the Methods at Moff (Name
 *       R_ADDROFF, Mtyp/Ifn/Tfn R_METHODOFF); the symbol's size is the kind's struct + uncommon + the kind's
 *       array + methods, and no relocation lies outside the fields checked.</li>
 * </ul>
 * Every {@code type:.namedata.} and {@code type:.importpath.} symbol is goheap's Name encoding; every
 * {@code go:itab.T,I} has Inter and Type at the itab's offsets, the hash of {@code type:T} and one weak R_ADDR per
 * method of I at Fun.
 */
class ReleaseTypeBytesTest {
    /** The releases with compiler-bytes fixtures: those of ReleasePtypeTest.RELEASES after 1.19 (CompilerBytesTest's). */
    static List<String> releases() {
        return ReleasePtypeTest.RELEASES.stream().filter(r -> !r.equals("1.19")).toList();
    }

    /** The underlying type of every named type of native/fixtures/xer and kinds, as the compiler prints type strings. */
    static final Map<String, String> UNDERLYING = Map.ofEntries(
            Map.entry("main.Xer", "interface { A() int; B() int }"),
            Map.entry("main.data", "struct { x int; y int }"),
            Map.entry("main.B", "bool"), Map.entry("main.I8", "int8"), Map.entry("main.I16", "int16"),
            Map.entry("main.I32", "int32"), Map.entry("main.I64", "int64"), Map.entry("main.U", "uint"),
            Map.entry("main.U8", "uint8"), Map.entry("main.U16", "uint16"), Map.entry("main.U32", "uint32"),
            Map.entry("main.U64", "uint64"), Map.entry("main.UP", "uintptr"), Map.entry("main.F32", "float32"),
            Map.entry("main.F64", "float64"), Map.entry("main.C64", "complex64"), Map.entry("main.C128", "complex128"),
            Map.entry("main.S", "string"), Map.entry("main.P", "unsafe.Pointer"),
            Map.entry("main.Grid", "[3][4]int16"),
            Map.entry("main.Bytes", "[]uint8"),
            Map.entry("main.Words", "[2]string"),
            Map.entry("main.Pipe", "chan int"),
            Map.entry("main.In", "<-chan *main.S"),
            Map.entry("main.Out", "chan<- []string"),
            Map.entry("main.Nested", "chan (<-chan int)"),
            Map.entry("main.PP", "**int"),
            Map.entry("main.Logf", "func(string, ...interface {}) (int, error)"),
            Map.entry("main.Key", "struct { Name string; N int }"),
            Map.entry("main.Index", "map[string][]int"),
            Map.entry("main.Sets", "map[[2]int]struct {}"),
            Map.entry("main.Big", "map[int64][200]uint8"),
            Map.entry("main.Floats", "map[float64]string"),
            Map.entry("main.Anys", "map[interface {}]int"),
            Map.entry("main.ByKey", "map[main.Key]*main.Matrix"),
            Map.entry("main.Matrix", "struct { Rows int; Cols int; Cells []float64; Names [2]string; done chan struct {}; f func(); g main.Grid }"),
            Map.entry("main.Sizer", "interface { Size() int }"));

    /** The basic kinds by type string. */
    static final Map<String, Integer> BASIC = Map.ofEntries(
            Map.entry("bool", Go119.GO_KIND_BOOL()), Map.entry("int8", Go119.GO_KIND_INT8()),
            Map.entry("int16", Go119.GO_KIND_INT16()), Map.entry("int32", Go119.GO_KIND_INT32()),
            Map.entry("int64", Go119.GO_KIND_INT64()), Map.entry("uint", Go119.GO_KIND_UINT()),
            Map.entry("uint8", Go119.GO_KIND_UINT8()), Map.entry("uint16", Go119.GO_KIND_UINT16()),
            Map.entry("uint32", Go119.GO_KIND_UINT32()), Map.entry("uint64", Go119.GO_KIND_UINT64()),
            Map.entry("uintptr", Go119.GO_KIND_UINTPTR()), Map.entry("float32", Go119.GO_KIND_FLOAT32()),
            Map.entry("float64", Go119.GO_KIND_FLOAT64()), Map.entry("complex64", Go119.GO_KIND_COMPLEX64()),
            Map.entry("complex128", Go119.GO_KIND_COMPLEX128()), Map.entry("string", Go119.GO_KIND_STRING()),
            Map.entry("unsafe.Pointer", Go119.GO_KIND_UNSAFE_POINTER()));

    /** The kind numbers of the shapes GoTypeString names, and the struct that holds each kind's descriptor. */
    static final Map<String, Integer> KIND = Map.of("ptr", Go119.GO_KIND_PTR(), "slice", Go119.GO_KIND_SLICE(),
            "array", Go119.GO_KIND_ARRAY(), "chan", Go119.GO_KIND_CHAN(), "map", Go119.GO_KIND_MAP(),
            "func", Go119.GO_KIND_FUNC(), "struct", Go119.GO_KIND_STRUCT(), "interface", Go119.GO_KIND_INTERFACE());
    static final Map<Integer, String> KIND_STRUCT = Map.of(Go119.GO_KIND_PTR(), "ptrtype", Go119.GO_KIND_SLICE(), "slicetype",
            Go119.GO_KIND_ARRAY(), "arraytype", Go119.GO_KIND_CHAN(), "chantype", Go119.GO_KIND_MAP(), "maptype",
            Go119.GO_KIND_FUNC(), "functype", Go119.GO_KIND_STRUCT(), "structtype", Go119.GO_KIND_INTERFACE(), "interfacetype");

    /**
     * The map types' Flags. Old maps (up to 1.23; GO-RELEASES.md "Map", runtime/type.go): 1 IndirectKey, 2 IndirectElem,
     * 4 ReflexiveKey, 8 NeedKeyUpdate, 16 HashMightPanic. Swiss maps (1.24 on) use the header's GO_SWISS_MAP_* (1.24,
     * 1.25) or GO_MAP_* (1.26+) bits; each entry names the bits by meaning: K indirect key, E indirect elem,
     * R reflexive key, U need key update, P hash might panic.
     */
    static final Map<String, String> MAP_FLAGS = Map.of(
            "map[string][]int", "RU", "map[[2]int]struct {}", "R", "map[int64][200]uint8", "ER",
            "map[float64]string", "U", "map[interface {}]int", "UP", "map[main.Key]*main.Matrix", "RU");

    static final int OLD_INDIRECT_KEY = 1, OLD_INDIRECT_ELEM = 2, OLD_REFLEXIVE_KEY = 4, OLD_NEED_KEY_UPDATE = 8,
            OLD_HASH_MIGHT_PANIC = 16;

    @Test
    void everyReleaseHasAFixture() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(NativeDir.get().resolve("fixtures"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("compiler-bytes-1\\.\\d+\\.srodata\\.txt"))
                    .forEach(n -> files.add(n.substring("compiler-bytes-".length(), n.length() - ".srodata.txt".length())));
        }
        assertEquals(new TreeSet<>(releases()), files);
    }

    @Test
    void typeStringsParse() {
        GoTypeString f = GoTypeString.parse("func(string, ...interface {}) (int, error)");
        assertEquals(List.of("string", "[]interface {}", "int", "error"), f.parts());
        assertEquals(2, f.len());
        assertTrue(f.variadic());
        GoTypeString m = GoTypeString.parse("map[[2]int]struct {}");
        assertEquals(List.of("[2]int", "struct {}"), m.parts());
        GoTypeString s = GoTypeString.parse("struct { done chan struct {}; f func(); g main.Grid }");
        assertEquals(List.of("done", "f", "g"), s.names());
        assertEquals(List.of("chan struct {}", "func()", "main.Grid"), s.parts());
        assertEquals(List.of("<-chan int"), GoTypeString.parse("chan (<-chan int)").parts());
        assertEquals(1, GoTypeString.parse("<-chan *main.S").len());
        assertNull(GoTypeString.parse("main.Grid"));
    }

    @TestFactory
    List<DynamicNode> eachRelease() throws Exception {
        List<DynamicNode> out = new ArrayList<>();
        for (String r : releases()) {
            Release rel = new Release(r);
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("header", rel::header));
            tests.add(DynamicTest.dynamicTest("relocationKindsAsTheReleasePrintsThem", rel::relocationFormat));
            tests.add(DynamicTest.dynamicTest("coverage", rel::coverage));
            tests.add(DynamicTest.dynamicTest("names", rel::names));
            List<DynamicNode> types = new ArrayList<>();
            List<DynamicNode> itabs = new ArrayList<>();
            for (Symbol s : rel.syms.values()) {
                if (isDescriptor(s)) {
                    types.add(DynamicTest.dynamicTest(s.name(), () -> rel.descriptor(s)));
                } else if (s.name().startsWith("go:itab.")) {
                    itabs.add(DynamicTest.dynamicTest(s.name(), () -> rel.itab(s)));
                }
            }
            tests.add(DynamicContainer.dynamicContainer("types", types));
            tests.add(DynamicContainer.dynamicContainer("itabs", itabs));
            out.add(DynamicContainer.dynamicContainer(r, tests));
        }
        return out;
    }

    /** A type descriptor: {@code type:X}, not one of the compiler's helper symbols {@code type:.namedata.} etc. */
    static boolean isDescriptor(Symbol s) {
        return s.name().startsWith("type:") && !s.name().startsWith("type:.");
    }

    /** One release's listing and layouts. */
    static final class Release {
        final String r;
        final int minor;
        final Abi abi;
        final Path file;
        final Map<String, Symbol> syms;
        final Class<?> constants;

        Release(String r) {
            this.r = r;
            this.minor = Integer.parseInt(r.substring(2));
            this.abi = Abi.of(new GoRelease(minor));
            this.file = NativeDir.get().resolve("fixtures/compiler-bytes-" + r + ".srodata.txt");
            try {
                this.syms = SrodataFixture.parse(file);
                this.constants = Class.forName("io.goheap.layouts.go1" + minor + ".Go1" + minor);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }

        /** A constant of the release's header ({@code GO_KIND_DIRECT_IFACE}), if jextract found it there. */
        OptionalInt constant(String name) {
            try {
                return OptionalInt.of((int) constants.getMethod(name).invoke(null));
            } catch (NoSuchMethodException e) {
                return OptionalInt.empty();
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        long off(String struct, String field) {
            return abi.offsetOf(struct, field);
        }

        long width(String struct, String field) {
            return abi.layout(struct).select(MemoryLayout.PathElement.groupElement(abi.fieldName(struct, field))).byteSize();
        }

        /** The little-endian value of {@code struct.field} in {@code s} with the struct at {@code base}. */
        long value(Symbol s, long base, String struct, String field) {
            return u(s, base + off(struct, field), (int) width(struct, field));
        }

        Symbol sym(String name) {
            Symbol s = syms.get(name);
            assertNotNull(s, r + ": the listing lacks " + name);
            return s;
        }

        void header() throws IOException {
            String first = Files.readAllLines(file).getFirst();
            assertTrue(first.startsWith("# release " + r + ", go" + r + "."), first);
            assertTrue(first.contains("linux/amd64"), first);
            for (String line : Files.readAllLines(file)) {
                if (!line.startsWith("\t") && !line.startsWith("#")) {
                    assertEquals(minor >= 27, line.matches(".* align=0x[0-9a-f]+$"), r + ": align= printed from 1.27 only: " + line);
                }
            }
        }

        /** Up to 1.21 the listing prints relocation kinds as numbers, from 1.22 as names (weak ones as RelocType(n)). */
        void relocationFormat() {
            for (Symbol s : syms.values()) {
                for (Reloc x : s.relocs()) {
                    if (minor <= 21) {
                        assertTrue(x.kind().matches("-?\\d+"), r + " " + s.name() + ": " + x.kind());
                    } else {
                        assertTrue(x.kind().matches("R_[A-Z]+|RelocType\\(-\\d+\\)"), r + " " + s.name() + ": " + x.kind());
                    }
                }
            }
        }

        /** The fixture holds every kind-specific tail and the uncommon parts, and all seven static itabs. */
        void coverage() {
            Map<String, Integer> kinds = new TreeMap<>();
            int uncommon = 0;
            int methods = 0;
            for (Symbol s : syms.values()) {
                if (isDescriptor(s)) {
                    kinds.merge(KIND_STRUCT.getOrDefault(kind(s), "_type"), 1, Integer::sum);
                    if ((u8(s, off("_type", "tflag")) & Go119.GO_TFLAG_UNCOMMON()) != 0) {
                        uncommon++;
                        methods += (int) value(s, kindSize(s), "uncommontype", "mcount");
                    }
                }
            }
            assertEquals(Set.of("_type", "ptrtype", "slicetype", "arraytype", "chantype", "functype", "interfacetype",
                    "maptype", "structtype"), kinds.keySet(), r + " kinds " + kinds);
            assertTrue(kinds.values().stream().mapToInt(Integer::intValue).sum() >= 170, r + " descriptors " + kinds);
            assertTrue(kinds.get("maptype") >= 12, r + " map types " + kinds);
            assertTrue(uncommon >= 40, r + ": uncommon " + uncommon);
            assertEquals(15, methods, r + ": methods of data, *data, *Matrix and Grid, Bytes, Pipe, S, Logf with their pointers");
            assertEquals(Set.of("go:itab.main.data,main.Xer", "go:itab.*main.Matrix,main.Sizer", "go:itab.main.Grid,main.Sizer",
                            "go:itab.main.Bytes,main.Sizer", "go:itab.main.Pipe,main.Sizer", "go:itab.main.S,main.Sizer",
                            "go:itab.main.Logf,main.Sizer"),
                    syms.keySet().stream().filter(n -> n.startsWith("go:itab.")).collect(java.util.stream.Collectors.toSet()));
        }

        int kind(Symbol s) {
            int k = u8(s, off("_type", "kind"));
            return k & constant("GO_KIND_MASK").orElse(0xff);
        }

        long kindSize(Symbol s) {
            String st = KIND_STRUCT.get(kind(s));
            return st == null ? abi.sizeOf("_type") : abi.sizeOf(st);
        }

        /** Every namedata and importpath symbol is the Name encoding of the string its symbol names. */
        void names() {
            int n = 0;
            for (Symbol s : syms.values()) {
                String name = s.name();
                if (name.startsWith("type:.namedata.")) {
                    String body = name.substring("type:.namedata.".length());
                    char suffix = body.charAt(body.length() - 1);
                    assertTrue(suffix == '.' || suffix == '-', name);
                    boolean exported = suffix == '.';
                    byte[] b = s.bytes();
                    int flags = b[0] & 0xff;
                    assertEquals(exported ? NameEncoding.EXPORTED : 0, flags, r + " " + name + ": flags (no tag, pkgPath or embedded in the fixtures)");
                    assertArrayEquals(NameEncoding.encode(body.substring(0, body.length() - 1), exported), b, r + " " + name);
                    assertEquals(0, s.relocs().size(), name);
                    n++;
                } else if (name.startsWith("type:.importpath.")) {
                    String path = name.substring("type:.importpath.".length(), name.length() - 1);
                    assertArrayEquals(NameEncoding.encode(path, false), s.bytes(), r + " " + name);
                    n++;
                }
            }
            assertTrue(n >= 100, r + ": names " + n);
        }

        void itab(Symbol s) {
            String w = r + " " + s.name();
            String pair = s.name().substring("go:itab.".length());
            int comma = pair.lastIndexOf(',');
            String t = pair.substring(0, comma);
            String i = pair.substring(comma + 1);
            Symbol inter = sym("type:" + i);
            Symbol typ = sym("type:" + t);
            assertEquals(Go119.GO_KIND_INTERFACE(), kind(inter), w);
            long n = value(inter, off("interfacetype", "mhdr"), "slice", "len");
            long fun = off("itab", "fun");
            MemoryLayout funLayout = abi.layout("itab").select(MemoryLayout.PathElement.groupElement(abi.fieldName("itab", "fun")));
            if (!(funLayout instanceof java.lang.foreign.SequenceLayout sl)) {
                throw new AssertionError(w + ": itab.fun is not an array: " + funLayout);
            }
            long funElem = sl.elementLayout().byteSize();
            assertEquals(abi.sizeOf("itab") + (n - 1) * funElem, s.size(), w + ": sizeof(itab) + one Fun word per method after the first");
            Set<Long> at = new HashSet<>();
            reloc(w, s, off("itab", "inter"), 8, "R_ADDR", "type:" + i, 0, at);
            reloc(w, s, off("itab", "_type"), 8, "R_ADDR", "type:" + t, 0, at);
            long hash = value(s, 0, "itab", "hash");
            assertEquals(value(typ, 0, "_type", "hash"), hash, w + ": Hash is type:" + t + "'s Hash");
            assertEquals(typeHash(t) & 0xffffffffL, hash, w + ": Hash");
            List<String> names = methodNames(inter);
            for (int k = 0; k < n; k++) {
                Reloc x = s.relocAt((int) (fun + k * funElem));
                assertNotNull(x, w + ": no Fun[" + k + "]");
                assertEquals("weak R_ADDR", kindName(x), w + " Fun[" + k + "]");
                assertEquals(8, x.size(), w + " Fun[" + k + "]");
                assertTrue(x.target().endsWith("." + names.get(k)), w + " Fun[" + k + "] is " + x.target() + ", not method " + names.get(k));
                at.add(fun + k * funElem);
            }
            assertEquals(at, offsets(s), w + ": relocations only at Inter, Type and Fun");
            for (int b = 0; b < s.size(); b++) {
                if (!s.relocated(b) && (b < off("itab", "hash") || b >= off("itab", "hash") + 4)) {
                    assertEquals(0, s.bytes()[b], w + ": byte " + b);
                }
            }
        }

        /** The names of an interface type's methods, from its Imethods' namedata, in order. */
        List<String> methodNames(Symbol inter) {
            Reloc arr = inter.relocAt((int) (off("interfacetype", "mhdr") + off("slice", "array")));
            long n = value(inter, off("interfacetype", "mhdr"), "slice", "len");
            List<String> out = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Reloc x = inter.relocAt((int) (arr.add() + k * abi.sizeOf("imethod") + off("imethod", "name")));
                out.add(x.target().substring("type:.namedata.".length(), x.target().length() - 1));
            }
            return out;
        }

        void descriptor(Symbol s) {
            String str = s.name().substring("type:".length());
            String w = r + " " + s.name();
            String link = str.replace("noalg.", "");
            Set<Long> at = new HashSet<>();

            // abi.Type
            long size = value(s, 0, "_type", "size");
            long ptrBytes = value(s, 0, "_type", "ptrdata");
            int tflag = u8(s, off("_type", "tflag"));
            int kindByte = u8(s, off("_type", "kind"));
            int kind = kind(s);
            assertEquals(typeHash(link) & 0xffffffffL, value(s, 0, "_type", "hash"), w + ": Hash of " + link);
            for (String a : List.of("align", "fieldAlign")) {
                long v = value(s, 0, "_type", a);
                assertTrue(v == 1 || v == 2 || v == 4 || v == 8, w + " " + a + " " + v);
            }
            assertTrue(ptrBytes <= size && ptrBytes % 8 == 0, w + ": PtrBytes " + ptrBytes + " of " + size);
            boolean direct = size == 8 && ptrBytes == 8;
            OptionalInt kd = constant("GO_KIND_DIRECT_IFACE");
            OptionalInt td = constant("GO_TFLAG_DIRECT_IFACE");
            assertTrue(kd.isPresent() != td.isPresent(), r + ": the direct-interface bit is in Kind_ or in TFlag");
            assertEquals(abi.directIfaceInTFlag(), td.isPresent(), r + ": Abi.directIfaceInTFlag");
            int tflags = Go119.GO_TFLAG_UNCOMMON() | Go119.GO_TFLAG_EXTRA_STAR() | Go119.GO_TFLAG_NAMED() | Go119.GO_TFLAG_REGULAR_MEMORY();
            if (kd.isPresent()) {
                assertEquals(0x20, kd.getAsInt(), r + " GO_KIND_DIRECT_IFACE");
                assertEquals(direct ? kind | kd.getAsInt() : kind, kindByte, w + ": Kind_ (DirectIface 0x20 in Kind_ up to 1.25)");
            } else {
                assertEquals(0x20, td.getAsInt(), r + " GO_TFLAG_DIRECT_IFACE");
                assertEquals(kind, kindByte, w + ": Kind_ is the kind alone from 1.26");
                assertEquals(direct, (tflag & td.getAsInt()) != 0, w + ": TFlag DirectIface (1.26+)");
                tflags |= td.getAsInt();
            }
            assertEquals(0, tflag & ~tflags, w + String.format(": TFlag 0x%x has bits the release does not give compiled types of these sizes", tflag));

            GoTypeString shape = shape(str);
            Integer expectKind = shape != null ? KIND.get(shape.kind()) : BASIC.get(underlying(str));
            if (expectKind != null) {
                assertEquals(expectKind.intValue(), kind, w + ": kind");
            } else {
                assertTrue(str.startsWith("noalg.map.group[") || str.startsWith("noalg.map.bucket["), w + ": a name the test does not know");
                assertEquals(Go119.GO_KIND_STRUCT(), kind, w + ": a map group or bucket is a struct");
            }
            boolean named = str.startsWith("main."); // not the map groups and buckets
            assertEquals(named, (tflag & Go119.GO_TFLAG_NAMED()) != 0, w + ": TFlag Named");

            boolean extraStar = (tflag & Go119.GO_TFLAG_EXTRA_STAR()) != 0;
            Reloc strRel = reloc(w, s, off("_type", "str"), 4, "R_ADDROFF", null, 0, at);
            String strName = (extraStar ? "*" : "") + link;
            assertTrue(strRel.target().equals("type:.namedata." + strName + "-") || strRel.target().equals("type:.namedata." + strName + "."),
                    w + ": Str names " + strRel.target() + ", not " + strName);
            sym(strRel.target());

            Reloc ptr = s.relocAt((int) off("_type", "ptrToThis"));
            if (ptr != null) {
                // a noalg type's pointer: type:*X in 1.21, type:noalg.*X from 1.22
                String star = str.startsWith("noalg.") && minor >= 22 ? "type:noalg.*" + str.substring("noalg.".length()) : "type:*" + link;
                assertTrue(kindName(ptr).equals("R_ADDROFF") || kindName(ptr).equals("weak R_ADDROFF"), w + " PtrToThis " + kindName(ptr));
                assertEquals(4, ptr.size(), w + " PtrToThis");
                assertEquals(star, ptr.target(), w + " PtrToThis");
                at.add(off("_type", "ptrToThis"));
            } else {
                assertEquals(0, value(s, 0, "_type", "ptrToThis"), w + " PtrToThis");
            }

            Reloc eq = s.relocAt((int) off("_type", "equal"));
            if (eq != null) {
                reloc(w, s, off("_type", "equal"), 8, "R_ADDR", eq.target(), 0, at);
                assertTrue(eq.target().endsWith("·f") || eq.target().startsWith("type:.eqfunc"), w + " Equal " + eq.target());
                assertFalse(kind == Go119.GO_KIND_FUNC() || kind == Go119.GO_KIND_MAP() || kind == Go119.GO_KIND_SLICE(),
                        w + ": func, map and slice are not comparable, Equal must be nil");
            }

            Reloc gc = reloc(w, s, off("_type", "gcdata"), 8, "R_ADDR", null, 0, at);
            assertTrue(gc.target().startsWith("runtime.gcbits."), w + " GCData " + gc.target());
            byte[] mask = java.util.HexFormat.of().parseHex(gc.target().substring("runtime.gcbits.".length()));
            assertEquals(ptrBytes, 8L * new java.math.BigInteger(1, reverse(mask)).bitLength(), w + ": the GC mask ends at PtrBytes");
            assertArrayEquals(mask, sym(gc.target()).bytes(), w + ": the mask symbol holds the mask its name spells");

            // kind tail, then the uncommon type, the kind's array, the methods
            long tail = kindSize(s);
            boolean uncommon = (tflag & Go119.GO_TFLAG_UNCOMMON()) != 0;
            long extra = tail + (uncommon ? abi.sizeOf("uncommontype") : 0);
            long extraSize = tailOf(w, s, kind, shape, size, extra, at);
            long end = extra + extraSize;
            if (uncommon) {
                reloc(w, s, tail + off("uncommontype", "pkgpath"), 4, "R_ADDROFF", "type:.importpath.main.", 0, at);
                long mcount = value(s, tail, "uncommontype", "mcount");
                long xcount = value(s, tail, "uncommontype", "xcount");
                long moff = value(s, tail, "uncommontype", "moff");
                assertEquals(end, tail + moff, w + ": Moff points past the kind's array");
                assertEquals(0, value(s, tail, "uncommontype", "_12"), w + ": uncommon padding");
                long exported = 0;
                String prev = "";
                for (int k = 0; k < mcount; k++) {
                    long m = tail + moff + k * abi.sizeOf("method");
                    Reloc nm = reloc(w, s, m + off("method", "name"), 4, "R_ADDROFF", null, 0, at);
                    String name = nm.target().substring("type:.namedata.".length(), nm.target().length() - 1);
                    exported += Character.isUpperCase(name.charAt(0)) ? 1 : 0;
                    assertTrue(name.compareTo(prev) > 0, w + ": methods sorted by name");
                    prev = name;
                    Reloc mt = reloc(w, s, m + off("method", "mtyp"), 4, "R_METHODOFF", null, 0, at);
                    assertTrue(mt.target().startsWith("type:func("), w + " Mtyp " + mt.target());
                    // Ifn is called with the interface's data word: for a type stored indirectly that is a pointer, so the
                    // (*T) method or its wrapper; for a direct (pointer-shaped) T, T's own method. Tfn has T's receiver.
                    String ptrRecv = "main.(*" + str.replaceFirst("^\\*?main\\.", "") + ").";
                    String ifn = direct && !str.startsWith("*") ? str + "." : ptrRecv;
                    reloc(w, s, m + off("method", "ifn"), 4, "R_METHODOFF", ifn + name, 0, at);
                    reloc(w, s, m + off("method", "tfn"), 4, "R_METHODOFF", (str.startsWith("*") ? ptrRecv : str + ".") + name, 0, at);
                }
                assertEquals(exported, xcount, w + " Xcount");
                end = tail + moff + mcount * abi.sizeOf("method");
            }
            assertEquals(end, s.size(), w + ": symbol size = kind struct + uncommon + kind's array + methods");
            assertEquals(at, offsets(s), w + ": relocations outside the fields checked");
        }

        /** Checks the kind-specific struct after the abi.Type and returns the bytes of the kind's array at {@code extra}. */
        long tailOf(String w, Symbol s, int kind, GoTypeString shape, long size, long extra, Set<Long> at) {
            List<String> parts = shape == null ? null : shape.parts();
            if (kind == Go119.GO_KIND_PTR() || kind == Go119.GO_KIND_SLICE()) {
                String st = KIND_STRUCT.get(kind);
                elem(w, s, off(st, "elem"), parts == null ? null : parts.get(0), at);
            } else if (kind == Go119.GO_KIND_ARRAY()) {
                elem(w, s, off("arraytype", "elem"), parts.get(0), at);
                reloc(w, s, off("arraytype", "slice"), 8, "R_ADDR", "type:[]" + parts.get(0), 0, at);
                assertEquals(shape.len(), value(s, 0, "arraytype", "len"), w + " Len");
                Symbol e = syms.get("type:" + parts.get(0));
                if (e != null) {
                    assertEquals(shape.len() * value(e, 0, "_type", "size"), size, w + ": Size_ = Len * the element's Size_");
                }
            } else if (kind == Go119.GO_KIND_CHAN()) {
                elem(w, s, off("chantype", "elem"), parts.get(0), at);
                assertEquals(shape.len(), value(s, 0, "chantype", "dir"), w + " Dir");
            } else if (kind == Go119.GO_KIND_FUNC()) {
                long in = value(s, 0, "functype", "inCount");
                long outWord = value(s, 0, "functype", "outCount");
                assertEquals(shape.len(), in, w + " InCount");
                assertEquals(shape.variadic(), (outWord & 0x8000) != 0, w + ": OutCount bit 15 = variadic");
                long out = outWord & 0x7fff;
                assertEquals(parts.size(), in + out, w + " InCount + OutCount");
                for (int k = 0; k < parts.size(); k++) {
                    reloc(w, s, extra + 8L * k, 8, "R_ADDR", "type:" + parts.get(k), 0, at);
                }
                return 8L * parts.size();
            } else if (kind == Go119.GO_KIND_INTERFACE()) {
                pkgPath(w, s, off("interfacetype", "pkgpath"), shape.names(), at);
                long mhdr = off("interfacetype", "mhdr");
                slice(w, s, mhdr, extra, parts.size(), at);
                long im = abi.sizeOf("imethod");
                for (int k = 0; k < parts.size(); k++) {
                    String name = shape.names().get(k);
                    reloc(w, s, extra + k * im + off("imethod", "name"), 4, "R_ADDROFF", "type:.namedata." + name + (exported(name) ? "." : "-"), 0, at);
                    reloc(w, s, extra + k * im + off("imethod", "ityp"), 4, "R_ADDROFF", "type:" + parts.get(k), 0, at);
                }
                return parts.size() * im;
            } else if (kind == Go119.GO_KIND_STRUCT()) {
                long sf = abi.sizeOf("structfield");
                long fieldsAt = off("structtype", "fields");
                long n = value(s, fieldsAt, "slice", "len");
                if (shape != null) {
                    assertEquals(parts.size(), n, w + ": field count");
                }
                pkgPath(w, s, off("structtype", "pkgPath"), shape == null ? List.of("x") : shape.names(), at);
                slice(w, s, fieldsAt, extra, n, at);
                long prevEnd = 0;
                for (int k = 0; k < n; k++) {
                    long f = extra + k * sf;
                    Reloc nm = reloc(w, s, f + off("structfield", "name") + off("name", "bytes"), 8, "R_ADDR", null, 0, at);
                    String fname = nm.target().substring("type:.namedata.".length(), nm.target().length() - 1);
                    Reloc ty = reloc(w, s, f + off("structfield", "typ"), 8, "R_ADDR", null, 0, at);
                    if (shape != null) {
                        assertEquals(shape.names().get(k), fname, w + " field " + k);
                        assertTrue(ty.target().equals("type:" + parts.get(k)) || ty.target().equals("type:noalg." + parts.get(k)), w + " field " + k + " " + ty.target());
                    }
                    long offset = value(s, f, "structfield", "offset");
                    assertTrue(offset >= prevEnd, w + " field " + fname + " offset " + offset);
                    Symbol ft = syms.get(ty.target());
                    prevEnd = offset + (ft != null ? value(ft, 0, "_type", "size") : 0);
                    assertTrue(prevEnd <= size, w + " field " + fname + " ends past Size_");
                }
                return n * sf;
            } else if (kind == Go119.GO_KIND_MAP()) {
                mapType(w, s, shape, at);
            }
            return 0;
        }

        void mapType(String w, Symbol s, GoTypeString shape, Set<Long> at) {
            String k = shape.parts().get(0);
            String v = shape.parts().get(1);
            reloc(w, s, off("maptype", "key"), 8, "R_ADDR", "type:" + k, 0, at);
            reloc(w, s, off("maptype", "elem"), 8, "R_ADDR", "type:" + v, 0, at);
            boolean swiss = abi.offset("maptype", "GroupSize").isPresent();
            assertEquals(minor >= 24, swiss, r + ": swiss maps from 1.24");
            String group = "type:noalg.map." + (swiss ? "group" : "bucket") + "[" + k + "]" + v;
            reloc(w, s, off("maptype", "bucket"), 8, "R_ADDR", group, 0, at);
            Reloc h = reloc(w, s, off("maptype", "hasher"), 8, "R_ADDR", null, 0, at);
            assertTrue(h.target().startsWith("type:.hashfunc.") || h.target().endsWith("·f"), w + " Hasher " + h.target());
            Symbol g = sym(group);
            long gsize = value(g, 0, "_type", "size");
            Symbol ks = syms.get("type:" + k);
            Symbol vs = syms.get("type:" + v);
            String flags = MAP_FLAGS.get(shape.kind().equals("map") ? "map[" + k + "]" + v : null);
            assertNotNull(flags, w + ": no expected flags");
            int expect = 0;
            long flagsValue = value(s, 0, "maptype", "flags");
            if (!swiss) {
                assertEquals(gsize, value(s, 0, "maptype", "bucketsize"), w + ": BucketSize = the bucket's Size_");
                long keySize = value(s, 0, "maptype", "keysize");
                long elemSize = value(s, 0, "maptype", "elemsize");
                assertEquals(flags.contains("K") ? 8 : ks != null ? value(ks, 0, "_type", "size") : keySize, keySize, w + " KeySize");
                assertEquals(flags.contains("E") ? 8 : vs != null ? value(vs, 0, "_type", "size") : elemSize, elemSize, w + " ValueSize");
                for (char c : flags.toCharArray()) {
                    expect |= switch (c) {
                        case 'K' -> OLD_INDIRECT_KEY;
                        case 'E' -> OLD_INDIRECT_ELEM;
                        case 'R' -> OLD_REFLEXIVE_KEY;
                        case 'U' -> OLD_NEED_KEY_UPDATE;
                        case 'P' -> OLD_HASH_MIGHT_PANIC;
                        default -> throw new AssertionError(c);
                    };
                }
            } else {
                String p = minor <= 25 ? "GO_SWISS_MAP_" : "GO_MAP_";
                for (char c : flags.toCharArray()) {
                    expect |= switch (c) {
                        case 'K' -> constant(p + "INDIRECT_KEY").orElseThrow();
                        case 'E' -> constant(p + "INDIRECT_ELEM").orElseThrow();
                        case 'R' -> 0; // swiss maps have no reflexive-key flag
                        case 'U' -> constant(p + "NEED_KEY_UPDATE").orElseThrow();
                        case 'P' -> constant(p + "HASH_MIGHT_PANIC").orElseThrow();
                        default -> throw new AssertionError(c);
                    };
                }
                assertEquals(gsize, value(s, 0, "maptype", "GroupSize"), w + ": GroupSize = the group's Size_");
                // the group: struct { ctrl uint64; slots [8]struct { key K; elem V } }
                long fieldsAt = off("structtype", "fields");
                long n = value(g, fieldsAt, "slice", "len");
                assertEquals(2, n, group + ": ctrl, slots");
                long first = sym(group).relocAt((int) (fieldsAt + off("slice", "array"))).add();
                long sf = abi.sizeOf("structfield");
                long slotsOff = value(g, first + sf, "structfield", "offset");
                Symbol slots = sym(g.relocAt((int) (first + sf + off("structfield", "typ"))).target());
                Symbol slot = sym(slots.relocAt((int) off("arraytype", "elem")).target());
                long slotSize = value(slot, 0, "_type", "size");
                long sfirst = slot.relocAt((int) (fieldsAt + off("slice", "array"))).add();
                long keyOff = value(slot, sfirst, "structfield", "offset");
                long elemOff = value(slot, sfirst + sf, "structfield", "offset");
                assertEquals(elemOff, value(s, 0, "maptype", "ElemOff"), w + ": ElemOff = the slot's elem offset");
                if (minor <= 26) {
                    assertEquals(slotSize, value(s, 0, "maptype", "SlotSize"), w + ": SlotSize = the slot's Size_");
                } else {
                    assertEquals(slotsOff + keyOff, value(s, 0, "maptype", "KeysOff"), w + ": KeysOff");
                    assertEquals(slotSize, value(s, 0, "maptype", "KeyStride"), w + ": KeyStride");
                    assertEquals(slotsOff + elemOff, value(s, 0, "maptype", "ElemsOff"), w + ": ElemsOff");
                    assertEquals(slotSize, value(s, 0, "maptype", "ElemStride"), w + ": ElemStride");
                }
            }
            assertEquals(expect, flagsValue, w + String.format(": Flags 0x%x, expected 0x%x (%s)", flagsValue, expect, flags));
        }

        /** A Name's bytes pointer at {@code off}: R_ADDR to the package path, or nil when no member is unexported. */
        void pkgPath(String w, Symbol s, long off, List<String> members, Set<Long> at) {
            Reloc x = s.relocAt((int) (off + off("name", "bytes")));
            boolean unexported = members.stream().anyMatch(m -> !exported(m));
            if (x != null) {
                reloc(w, s, off + off("name", "bytes"), 8, "R_ADDR", null, 0, at);
                assertTrue(x.target().startsWith("type:.importpath."), w + " PkgPath " + x.target());
            } else {
                assertFalse(unexported, w + ": no PkgPath, yet unexported members");
                assertEquals(0, u(s, off + off("name", "bytes"), 8), w + " PkgPath");
            }
        }

        /** A slice header at {@code off} pointing into the symbol itself at {@code to}, len = cap = {@code n}. */
        void slice(String w, Symbol s, long off, long to, long n, Set<Long> at) {
            reloc(w, s, off + off("slice", "array"), 8, "R_ADDR", s.name(), to, at); // even when empty (struct {})
            assertEquals(n, value(s, off, "slice", "len"), w + " len");
            assertEquals(n, value(s, off, "slice", "cap"), w + " cap");
        }

        void elem(String w, Symbol s, long off, String part, Set<Long> at) {
            Reloc x = reloc(w, s, off, 8, "R_ADDR", null, 0, at);
            if (part != null) {
                assertTrue(x.target().equals("type:" + part) || x.target().equals("type:noalg." + part), w + " Elem " + x.target() + ", not " + part);
            }
        }

        /** The relocation at {@code off}: its size, kind (named as 1.22+ prints it), target (if given) and addend. */
        Reloc reloc(String w, Symbol s, long off, int size, String kind, String target, long add, Set<Long> at) {
            Reloc x = s.relocAt((int) off);
            assertNotNull(x, w + ": no relocation at " + off + (target == null ? "" : " (" + target + ")"));
            assertEquals(size, x.size(), w + "+" + off + " relocation size");
            assertEquals(kind, kindName(x), w + "+" + off + " relocation kind");
            if (target != null) {
                assertEquals(target, x.target(), w + "+" + off + " relocation target");
            }
            assertEquals(add, x.add(), w + "+" + off + " addend");
            at.add(off);
            return x;
        }

        /** The hash the release's compiler writes into Type.Hash for link string {@code link} (GO-RELEASES.md). */
        int typeHash(String link) {
            return TypeHash.of(new GoRelease(minor), link);
        }
    }

    /** The type string's shape, through the underlying type of a named type of the fixtures. */
    static GoTypeString shape(String str) {
        return GoTypeString.parse(underlying(str).replaceFirst("^noalg\\.", ""));
    }

    static String underlying(String str) {
        return str.startsWith("main.") ? UNDERLYING.getOrDefault(str, str) : str;
    }

    static boolean exported(String name) {
        return Character.isUpperCase(name.charAt(0));
    }

    static int u8(Symbol s, long off) {
        return s.bytes()[(int) off] & 0xff;
    }

    static long u(Symbol s, long off, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (s.bytes()[(int) off + i] & 0xff);
        }
        return v;
    }

    static byte[] reverse(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return out;
    }

    /** The offsets of a symbol's relocations that carry data (R_KEEP and other size-0 markers left out). */
    static Set<Long> offsets(Symbol s) {
        Set<Long> out = new HashSet<>();
        for (Reloc x : s.relocs()) {
            if (x.size() > 0) {
                out.add((long) x.off());
            } else {
                assertEquals("R_KEEP", kindName(x), s.name() + ": a size-0 relocation other than R_KEEP");
            }
        }
        return out;
    }

    /**
     * The relocation kind by name: as printed from 1.22 ({@code R_ADDR}), or from the number 1.21 prints (and
     * {@code RelocType(n)} for weak ones): R_ADDR 1, R_ADDROFF 5, R_METHODOFF 26, R_KEEP 27 in every release's
     * cmd/internal/objabi/reloctype.go, with R_WEAK = -1 << 15 or'ed in for "weak R_ADDR" / "weak R_ADDROFF".
     */
    static String kindName(Reloc x) {
        String k = x.kind();
        if (!k.matches("-?\\d+") && !k.startsWith("RelocType(")) {
            return k;
        }
        int n = x.type();
        String base = switch (n & 0x7fff) {
            case 1 -> "R_ADDR";
            case 5 -> "R_ADDROFF";
            case 26 -> "R_METHODOFF";
            case 27 -> "R_KEEP";
            default -> "R_" + (n & 0x7fff);
        };
        return n < 0 ? "weak " + base : base;
    }
}
