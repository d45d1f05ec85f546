package io.goheap.runtime.abi;

import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.PtypeFixture;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every release's gdb view (native/fixtures/ptype-o.txt for 1.19, ptype-o-1.N.txt for 1.21 .. 1.27, made by
 * make-fixtures.sh and make-release-fixtures.sh from xer built with each release's own toolchain) against the
 * measured table of ../shared/GO-RELEASES.md: the type descriptor, itab, persistentAlloc, globalAlloc, p.palloc
 * and sizeof(p), moduledata field by field, _func, pcHeader, the map type, and the fixed kind-specific parts;
 * from 1.22 the call-site assert caches of internal/abi/switch.go, which only those files have (at their end,
 * from xer + native/fixtures/asserts/asserts.go, keyed by their C names: {@code ==== typeAssert = internal/abi.TypeAssert}).
 * Nothing here is consumer code: the jextract layouts are still Go 1.19's only (PtypeFixtureTest).
 *
 * <p>Structs are keyed by their 1.19 name ({@code ==== _type = internal/abi.Type} in a release file). gdb's
 * C mode gives func-typed fields (Equal, Hasher) the size 1; only offsets and struct sizes are checked here.
 */
class ReleasePtypeTest {
    /** One release's file, its structs by 1.19 name, and the DWARF name each had. */
    record Release(String release, String header, Map<String, PtypeFixture.Struct> structs, Map<String, String> dwarf) {
        PtypeFixture.Struct struct(String logical) {
            PtypeFixture.Struct s = structs.get(logical);
            assertNotNull(s, release + ": no " + logical + " in " + structs.keySet());
            return s;
        }

        PtypeFixture.Field field(String logical, String name) {
            for (PtypeFixture.Field f : struct(logical).fields()) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
            throw new AssertionError(release + ": " + logical + " has no field " + name + ": " + struct(logical).fields());
        }

        boolean has(String logical, String name) {
            return struct(logical).fields().stream().anyMatch(f -> f.name().equals(name));
        }

        long off(String logical, String name) {
            return field(logical, name).offset();
        }

        long size(String logical) {
            return struct(logical).size();
        }

        /** 1.N as a number N, for "from 1.23 on" checks. */
        int minor() {
            return Integer.parseInt(release.substring(2));
        }
    }

    private static final Pattern MARK = Pattern.compile("^==== (\\S+)(?: = (\\S+))?$");

    static final List<String> RELEASES = List.of("1.19", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26", "1.27");
    static final Map<String, Release> ALL = load();

    static Map<String, Release> load() {
        Map<String, Release> out = new LinkedHashMap<>();
        for (String r : RELEASES) {
            out.put(r, read(r, NativeDir.get().resolve(r.equals("1.19") ? "fixtures/ptype-o.txt" : "fixtures/ptype-o-" + r + ".txt")));
        }
        return out;
    }

    /** Rewrites each marker to its 1.19 name ({@code ==== _type}) and lets PtypeFixture parse the rest as it does for 1.19. */
    static Release read(String release, Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            Map<String, String> dwarf = new LinkedHashMap<>();
            List<String> rewritten = new ArrayList<>();
            for (String line : lines) {
                Matcher m = MARK.matcher(line);
                if (m.matches()) {
                    String logical = m.group(2) != null ? m.group(1) : m.group(1).replaceFirst("^runtime\\.", "");
                    dwarf.put(logical, m.group(2) != null ? m.group(2) : m.group(1));
                    rewritten.add("==== " + logical);
                } else {
                    rewritten.add(line);
                }
            }
            Path tmp = Files.createTempFile("ptype-o-" + release, ".txt");
            try {
                Files.write(tmp, rewritten);
                return new Release(release, lines.getFirst(), PtypeFixture.parse(tmp), dwarf);
            } finally {
                Files.delete(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyReleaseFileIsChecked() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(NativeDir.get().resolve("fixtures"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("ptype-o-1\\.\\d+\\.txt"))
                    .forEach(n -> files.add(n.substring("ptype-o-".length(), n.length() - 4)));
        }
        assertEquals(new TreeSet<>(RELEASES.subList(1, RELEASES.size())), files);
    }

    @TestFactory
    List<DynamicNode> eachRelease() {
        List<DynamicNode> out = new ArrayList<>();
        for (Release r : ALL.values()) {
            out.add(DynamicContainer.dynamicContainer(r.release(), List.of(
                    DynamicTest.dynamicTest("header", () -> header(r)),
                    DynamicTest.dynamicTest("sameStructsAs1.19", () -> sameStructs(r)),
                    DynamicTest.dynamicTest("dwarfNames", () -> dwarfNames(r)),
                    DynamicTest.dynamicTest("typeDescriptor", () -> typeDescriptor(r)),
                    DynamicTest.dynamicTest("itab", () -> itab(r)),
                    DynamicTest.dynamicTest("persistentAlloc", () -> persistentAlloc(r)),
                    DynamicTest.dynamicTest("pPalloc", () -> pPalloc(r)),
                    DynamicTest.dynamicTest("moduledata", () -> moduledata(r)),
                    DynamicTest.dynamicTest("func", () -> func(r)),
                    DynamicTest.dynamicTest("pcHeader", () -> pcHeader(r)),
                    DynamicTest.dynamicTest("mapType", () -> mapType(r)),
                    DynamicTest.dynamicTest("fixedParts", () -> fixedParts(r)),
                    DynamicTest.dynamicTest("assertCaches", () -> assertCaches(r)))));
        }
        return out;
    }

    static void header(Release r) {
        if (r.release().equals("1.19")) {
            assertTrue(r.header().startsWith("# go1.19."), r.header());
        } else {
            assertTrue(r.header().startsWith("# release " + r.release() + ", go" + r.release() + "."), r.header());
        }
        assertTrue(r.header().contains("linux/amd64: gdb 13."), r.header());
    }

    /** 1.19's structs in every release, plus the assert caches from 1.22 on (and nothing else). */
    static void sameStructs(Release r) {
        Set<String> want = new LinkedHashSet<>(ALL.get("1.19").structs().keySet());
        if (r.minor() >= 22) {
            want.addAll(ASSERT_CACHES.keySet());
        }
        assertEquals(want, r.structs().keySet());
        assertEquals(r.structs().keySet(), r.dwarf().keySet());
    }

    /**
     * GO-RELEASES.md (b), "Assert caches" (1.22+, internal/abi/switch.go), under their C names: the DWARF name,
     * then field name and offset pairs, then the size. The same in every release from 1.22 to 1.27.
     */
    static final Map<String, List<Object>> ASSERT_CACHES = assertCaches();

    private static Map<String, List<Object>> assertCaches() {
        Map<String, List<Object>> m = new LinkedHashMap<>();
        m.put("typeAssert", List.of("internal/abi.TypeAssert", "Cache", 0L, "Inter", 8L, "CanFail", 16L, 24L));
        m.put("typeAssertCache", List.of("internal/abi.TypeAssertCache", "Mask", 0L, "Entries", 8L, 24L));
        m.put("typeAssertCacheEntry", List.of("internal/abi.TypeAssertCacheEntry", "Typ", 0L, "Itab", 8L, 16L));
        m.put("interfaceSwitch", List.of("internal/abi.InterfaceSwitch", "Cache", 0L, "NCases", 8L, "Cases", 16L, 24L));
        m.put("interfaceSwitchCache", List.of("internal/abi.InterfaceSwitchCache", "Mask", 0L, "Entries", 8L, 32L));
        m.put("interfaceSwitchCacheEntry", List.of("internal/abi.InterfaceSwitchCacheEntry", "Typ", 0L, "Case", 8L,
                "Itab", 16L, 24L));
        return m;
    }

    /** The assert caches: absent before 1.22; from 1.22 every field's offset, the struct sizes and the Go types. */
    static void assertCaches(Release r) {
        for (Map.Entry<String, List<Object>> e : ASSERT_CACHES.entrySet()) {
            String s = e.getKey();
            List<Object> w = e.getValue();
            if (r.minor() < 22) {
                assertFalse(r.structs().containsKey(s), r.release() + " has no " + s);
                continue;
            }
            assertEquals(w.getFirst(), r.dwarf().get(s), s + " DWARF name");
            int nFields = (w.size() - 2) / 2;
            assertEquals(nFields, r.struct(s).fields().size(), s + " fields " + r.struct(s).fields());
            for (int i = 0; i < nFields; i++) {
                String f = (String) w.get(1 + 2 * i);
                assertEquals(f, r.struct(s).fields().get(i).name(), s + " field #" + i);
                assertEquals((long) w.get(2 + 2 * i), r.off(s, f), s + "." + f);
            }
            assertEquals((long) w.getLast(), r.size(s), "sizeof " + s);
        }
        if (r.minor() >= 22) {
            assertEquals("*internal/abi.TypeAssertCache", r.field("typeAssert", "Cache").goType());
            assertEquals("*internal/abi.InterfaceType", r.field("typeAssert", "Inter").goType());
            assertEquals("bool", r.field("typeAssert", "CanFail").goType());
            assertEquals("[1]internal/abi.TypeAssertCacheEntry", r.field("typeAssertCache", "Entries").goType());
            assertEquals("[1]*internal/abi.InterfaceType", r.field("interfaceSwitch", "Cases").goType());
            assertEquals("int", r.field("interfaceSwitch", "NCases").goType());
            assertEquals("[1]internal/abi.InterfaceSwitchCacheEntry", r.field("interfaceSwitchCache", "Entries").goType());
            assertEquals("int", r.field("interfaceSwitchCacheEntry", "Case").goType());
        }
    }

    /** GO-RELEASES.md (b), "DWARF names": internal/abi.* from 1.21, runtime.itab up to 1.22, abi.ITab from 1.23. */
    static void dwarfNames(Release r) {
        int n = r.minor();
        assertEquals(n == 19 ? "runtime._type" : "internal/abi.Type", r.dwarf().get("_type"));
        assertEquals(n <= 22 ? "runtime.itab" : "internal/abi.ITab", r.dwarf().get("itab"));
        assertEquals(n == 19 ? "runtime.interfacetype" : "internal/abi.InterfaceType", r.dwarf().get("interfacetype"));
        assertEquals(n == 19 ? "runtime.uncommontype" : "internal/abi.UncommonType", r.dwarf().get("uncommontype"));
        assertEquals(n == 19 ? "runtime.name" : "internal/abi.Name", r.dwarf().get("name"));
        assertEquals(n == 19 ? "runtime.maptype" : n == 24 || n == 25 ? "internal/abi.SwissMapType" : "internal/abi.MapType",
                r.dwarf().get("maptype"));
        for (String same : List.of("moduledata", "itabTableType", "persistentAlloc", "iface", "eface", "_func", "pcHeader", "p")) {
            assertEquals("runtime." + same, r.dwarf().get(same), same);
        }
    }

    /** abi.Type / _type: 48 B, Size_ @0 .. PtrToThis @44 (1.19 lowercase names); Kind_ typed abi.Kind from 1.23. */
    static void typeDescriptor(Release r) {
        assertEquals(48, r.size("_type"));
        List<String> names = r.minor() == 19
                ? List.of("size", "ptrdata", "hash", "tflag", "align", "fieldAlign", "kind", "equal", "gcdata", "str", "ptrToThis")
                : List.of("Size_", "PtrBytes", "Hash", "TFlag", "Align_", "FieldAlign_", "Kind_", "Equal", "GCData", "Str", "PtrToThis");
        long[] offs = {0, 8, 16, 20, 21, 22, 23, 24, 32, 40, 44};
        assertEquals(names.size(), r.struct("_type").fields().size(), r.struct("_type").fields().toString());
        for (int i = 0; i < offs.length; i++) {
            assertEquals(offs[i], r.off("_type", names.get(i)), names.get(i));
        }
        String kind = r.field("_type", names.get(6)).goType();
        assertEquals(r.minor() >= 23 ? "internal/abi.Kind" : "uint8", kind, "Kind_ type");
    }

    /** itab: Inter @0, Type @8, Hash @16, `_ [4]byte` @20 in 1.19-1.22 (a hole after), Fun @24; 32 B with one method. */
    static void itab(Release r) {
        assertEquals(32, r.size("itab"));
        boolean old = r.minor() <= 22;
        List<String> names = old ? List.of("inter", "_type", "hash", "fun") : List.of("Inter", "Type", "Hash", "Fun");
        long[] offs = {0, 8, 16, 24};
        for (int i = 0; i < offs.length; i++) {
            assertEquals(offs[i], r.off("itab", names.get(i)), names.get(i));
        }
        assertEquals(old, r.has("itab", "_"), "itab._ pad field");
        if (old) {
            assertEquals(20, r.off("itab", "_"));
        }
        assertEquals(old ? 5 : 4, r.struct("itab").fields().size());
        assertEquals("[1]uintptr", r.field("itab", names.get(3)).goType());
    }

    /** persistentAlloc {base @0, off @8} 16 B; globalAlloc {mutex @0, persistentAlloc @8} 24 B (all releases). */
    static void persistentAlloc(Release r) {
        assertEquals(16, r.size("persistentAlloc"));
        assertEquals(0, r.off("persistentAlloc", "base"));
        assertEquals(8, r.off("persistentAlloc", "off"));
        assertEquals(24, r.size("globalAlloc"));
        assertEquals(0, r.off("globalAlloc", "mutex"));
        assertEquals(8, r.off("globalAlloc", "persistentAlloc"));
        assertEquals(8, r.size("mutex"));
        assertEquals(4112, r.size("itabTableType"));
        assertEquals(0, r.off("itabTableType", "size"));
        assertEquals(8, r.off("itabTableType", "count"));
        assertEquals(16, r.off("itabTableType", "entries"));
    }

    /** GO-RELEASES.md (a), "p.palloc / sizeof(p)". */
    static void pPalloc(Release r) {
        Map<String, long[]> table = Map.of(
                "1.19", new long[] {4592, 8912}, "1.21", new long[] {4600, 8912}, "1.22", new long[] {4632, 8944},
                "1.23", new long[] {4624, 8944}, "1.24", new long[] {4624, 8952}, "1.25", new long[] {4624, 9512},
                "1.26", new long[] {4632, 15920}, "1.27", new long[] {4632, 15920});
        long[] want = table.get(r.release());
        assertEquals(want[0], r.off("p", "palloc"), "p.palloc");
        assertEquals("persistentAlloc", r.field("p", "palloc").goType());
        assertEquals(want[1], r.size("p"), "sizeof(p)");
    }

    private static final String MD_COMMON = "pcHeader 0 funcnametab 8 cutab 32 filetab 56 pctab 80 pclntable 104 ftab 128"
            + " findfunctab 152 minpc 160 maxpc 168 text 176 etext 184 noptrdata 192 enoptrdata 200 data 208 edata 216"
            + " bss 224 ebss 232 noptrbss 240 enoptrbss 248";
    /** GO-RELEASES.md (b), the moduledata table, one column per release group; "-" = no such field. */
    private static final Map<String, String> MD = Map.of(
            "1.19", "covctrs - ecovctrs - end 256 gcdata 264 gcbss 272 types 280 typedesclen - etypes 288 itaboffset - itabsize -"
                    + " rodata 296 gofunc 304 epclntab - textsectmap 312 typelinks 336 itablinks 360 ptab 384 pluginpath 408"
                    + " pkghashes 424 inittasks - modulename 448 modulehashes 464 hasmain 488 bad 536 gcdatamask 496"
                    + " gcbssmask 512 typemap 528 next 544 SIZE 552",
            "1.21", "covctrs 256 ecovctrs 264 end 272 gcdata 280 gcbss 288 types 296 typedesclen - etypes 304 itaboffset - itabsize -"
                    + " rodata 312 gofunc 320 epclntab - textsectmap 328 typelinks 352 itablinks 376 ptab 400 pluginpath 424"
                    + " pkghashes 440 inittasks 464 modulename 488 modulehashes 504 hasmain 528 bad 576 gcdatamask 536"
                    + " gcbssmask 552 typemap 568 next 584 SIZE 592",
            "1.23", "covctrs 256 ecovctrs 264 end 272 gcdata 280 gcbss 288 types 296 typedesclen - etypes 304 itaboffset - itabsize -"
                    + " rodata 312 gofunc 320 epclntab - textsectmap 328 typelinks 352 itablinks 376 ptab 400 pluginpath 424"
                    + " pkghashes 440 inittasks 464 modulename 488 modulehashes 504 hasmain 528 bad 529 gcdatamask 536"
                    + " gcbssmask 552 typemap 568 next 576 SIZE 584",
            "1.26", "covctrs 256 ecovctrs 264 end 272 gcdata 280 gcbss 288 types 296 typedesclen - etypes 304 itaboffset - itabsize -"
                    + " rodata 312 gofunc 320 epclntab 328 textsectmap 336 typelinks 360 itablinks 384 ptab 408 pluginpath 432"
                    + " pkghashes 448 inittasks 472 modulename 496 modulehashes 512 hasmain 536 bad 537 gcdatamask 544"
                    + " gcbssmask 560 typemap 576 next 584 SIZE 592",
            "1.27", "covctrs 256 ecovctrs 264 end 272 gcdata 280 gcbss 288 types 296 typedesclen 304 etypes 312 itaboffset 320"
                    + " itabsize 328 rodata 336 gofunc 344 epclntab 352 textsectmap 360 typelinks - itablinks - ptab 384"
                    + " pluginpath 408 pkghashes 424 inittasks 448 modulename 472 modulehashes 488 hasmain 512 bad 513"
                    + " gcdatamask 520 gcbssmask 536 typemap 552 next 560 SIZE 568");

    static String mdColumn(String release) {
        return switch (release) {
            case "1.19" -> "1.19";
            case "1.21", "1.22" -> "1.21";
            case "1.23", "1.24", "1.25" -> "1.23";
            case "1.26" -> "1.26";
            default -> "1.27";
        };
    }

    static void moduledata(Release r) {
        String[] t = (MD_COMMON + " " + MD.get(mdColumn(r.release()))).split(" ");
        int named = 0;
        for (int i = 0; i < t.length; i += 2) {
            if (t[i].equals("SIZE")) {
                assertEquals(Long.parseLong(t[i + 1]), r.size("moduledata"), "sizeof(moduledata)");
            } else if (t[i + 1].equals("-")) {
                assertFalse(r.has("moduledata", t[i]), "moduledata." + t[i] + " should not exist");
            } else {
                assertEquals(Long.parseLong(t[i + 1]), r.off("moduledata", t[i]), "moduledata." + t[i]);
                named++;
            }
        }
        // the table names every field gdb shows, nothing more
        assertEquals(named, r.struct("moduledata").fields().size(), r.struct("moduledata").fields().toString());
        // typemap keyed by typeOff up to 1.26, by *Type in 1.27
        String tm = r.field("moduledata", "typemap").goType();
        assertTrue(r.minor() >= 27 ? tm.startsWith("map[*internal/abi.Type]") : tm.contains("ypeOff]"), tm);
    }

    /** _func: 40 B in 1.19 (funcID @36, flag @37, nfuncdata @39); 44 B from 1.21 (+startLine @36). */
    static void func(Release r) {
        boolean v19 = r.minor() == 19;
        assertEquals(v19 ? 40 : 44, r.size("_func"));
        assertEquals(v19, !r.has("_func", "startLine"));
        if (!v19) {
            assertEquals(36, r.off("_func", "startLine"));
        }
        int d = v19 ? 0 : 4;
        assertEquals(32, r.off("_func", "cuOffset"));
        assertEquals(36 + d, r.off("_func", "funcID"));
        assertEquals(37 + d, r.off("_func", "flag"));
        assertEquals(39 + d, r.off("_func", "nfuncdata"));
        assertEquals(8, r.size("functab"));
    }

    /** pcHeader 72 B; textStart @24, named `_` from 1.26. */
    static void pcHeader(Release r) {
        assertEquals(72, r.size("pcHeader"));
        String ts = r.minor() >= 26 ? "_" : "textStart";
        String[] names = {"magic", "pad1", "pad2", "minLC", "ptrSize", "nfunc", "nfiles", ts, "funcnameOffset",
                "cuOffset", "filetabOffset", "pctabOffset", "pclnOffset"};
        long[] offs = {0, 4, 5, 6, 7, 8, 16, 24, 32, 40, 48, 56, 64};
        for (int i = 0; i < offs.length; i++) {
            assertEquals(offs[i], r.off("pcHeader", names[i]), names[i]);
        }
    }

    /** Old map type 88 B (1.19-1.23), swiss 112 B (1.24-1.26), 1.27's 136 B. */
    static void mapType(Release r) {
        int n = r.minor();
        String[] names;
        long[] offs;
        long size;
        if (n == 19) {
            names = new String[] {"typ", "key", "elem", "bucket", "hasher", "keysize", "elemsize", "bucketsize", "flags"};
            offs = new long[] {0, 48, 56, 64, 72, 80, 81, 82, 84};
            size = 88;
        } else if (n <= 23) {
            names = new String[] {"Type", "Key", "Elem", "Bucket", "Hasher", "KeySize", "ValueSize", "BucketSize", "Flags"};
            offs = new long[] {0, 48, 56, 64, 72, 80, 81, 82, 84};
            size = 88;
        } else if (n <= 26) {
            names = new String[] {"Type", "Key", "Elem", "Group", "Hasher", "GroupSize", "SlotSize", "ElemOff", "Flags"};
            offs = new long[] {0, 48, 56, 64, 72, 80, 88, 96, 104};
            size = 112;
        } else {
            names = new String[] {"Type", "Key", "Elem", "Group", "Hasher", "GroupSize", "KeysOff", "KeyStride", "ElemsOff",
                    "ElemStride", "ElemOff", "Flags"};
            offs = new long[] {0, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128};
            size = 136;
        }
        assertEquals(size, r.size("maptype"));
        assertEquals(names.length, r.struct("maptype").fields().size(), r.struct("maptype").fields().toString());
        for (int i = 0; i < names.length; i++) {
            assertEquals(offs[i], r.off("maptype", names[i]), names[i]);
        }
    }

    /** Unchanged in all releases: the offsets and sizes of the kind-specific parts, eface/iface, uncommon, method. */
    static void fixedParts(Release r) {
        Object[][] want = {
                {"uncommontype", 16L, new long[] {0, 4, 6, 8, 12}},
                {"method", 16L, new long[] {0, 4, 8, 12}},
                {"imethod", 8L, new long[] {0, 4}},
                {"ptrtype", 56L, new long[] {0, 48}},
                {"slicetype", 56L, new long[] {0, 48}},
                {"arraytype", 72L, new long[] {0, 48, 56, 64}},
                {"chantype", 64L, new long[] {0, 48, 56}},
                {"functype", 56L, new long[] {0, 48, 50}},
                {"interfacetype", 80L, new long[] {0, 48, 56}},
                {"structtype", 80L, new long[] {0, 48, 56}},
                {"structfield", 24L, new long[] {0, 8, 16}},
                {"iface", 16L, new long[] {0, 8}},
                {"eface", 16L, new long[] {0, 8}},
                {"name", 8L, new long[] {0}},
                {"slice", 24L, new long[] {0, 8, 16}},
                {"stringStruct", 16L, new long[] {0, 8}},
                {"textsect", 24L, new long[] {0, 8, 16}},
                {"bitvector", 16L, new long[] {0, 8}},
                {"pageCache", 24L, new long[] {0, 8, 16}},
                {"wbBuf", 4112L, new long[] {0, 8, 16}},
        };
        for (Object[] w : want) {
            String s = (String) w[0];
            assertEquals((long) w[1], r.size(s), s + " size");
            long[] offs = (long[]) w[2];
            List<PtypeFixture.Field> fs = r.struct(s).fields();
            assertEquals(offs.length, fs.size(), s + " fields " + fs);
            for (int i = 0; i < offs.length; i++) {
                assertEquals(offs[i], fs.get(i).offset(), s + "." + fs.get(i).name());
            }
        }
    }
}
