package io.goheap.runtime.abi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every release's layouts under the 1.19 names: the structs GO-RELEASES.md measured as unchanged since
 * 1.19 resolve, field by 1.19 field, to the same offsets and sizes in every release; the ones that
 * changed resolve where the field still exists.
 */
class AbiTest {
    /** Unchanged in every release (GO-RELEASES.md, "Unchanged in all releases", and the measured type descriptor). */
    static final List<String> SAME_LAYOUT = List.of("_type", "itab", "uncommontype", "method", "imethod", "interfacetype",
            "ptrtype", "slicetype", "arraytype", "chantype", "functype", "structfield", "structtype", "eface", "iface",
            "persistentAlloc", "itabTableType", "slice", "string", "functab", "bitvector", "textsect");

    @Test
    void unchangedStructsResolveToTheSameOffsetsInEveryRelease() {
        Abi go119 = Abi.of(new GoRelease(19));
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            Abi abi = Abi.of(r);
            for (String s : SAME_LAYOUT) {
                assertEquals(go119.sizeOf(s), abi.sizeOf(s), r + " sizeof " + s);
                for (String f : go119.fields(s)) {
                    if (f.matches("_\\d+")) {
                        continue; // a blank field: no name to carry
                    }
                    String n = abi.fieldName(s, f);
                    assertNotNull(n, r + " " + s + "." + f + " among " + abi.fields(s));
                    assertEquals(go119.offsetOf(s, f), abi.offsetOf(s, f), r + " " + s + "." + f + " (" + n + ")");
                }
            }
        }
        assertEquals("PtrBytes", Abi.of(new GoRelease(24)).fieldName("_type", "ptrdata"));
        assertEquals("Methods", Abi.of(new GoRelease(27)).fieldName("interfacetype", "mhdr"));
        assertEquals("Type", Abi.of(new GoRelease(23)).fieldName("itab", "_type"));
        assertEquals(24, Abi.of(new GoRelease(26)).offsetOf("itab", "fun"));
    }

    @Test
    void changedStructsResolveWhereTheFieldStillExists() {
        Abi go119 = Abi.of(new GoRelease(19));
        TreeMap<String, List<String>> gone = new TreeMap<>();
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            Abi abi = Abi.of(r);
            for (String s : List.of("moduledata", "p", "pcHeader", "_func", "maptype")) {
                List<String> missing = new ArrayList<>();
                for (String f : go119.fields(s)) {
                    if (!f.matches("_\\d+") && abi.fieldName(s, f) == null) {
                        missing.add(f);
                    }
                }
                if (!missing.isEmpty()) {
                    gone.put(r.minor() + " " + s, missing);
                }
            }
        }
        System.out.println("1.19 fields a later release no longer has: " + gone);
        // the measured facts: palloc moves, moduledata.itablinks and typelinks go in 1.27
        assertEquals(4592, Abi.of(new GoRelease(19)).offsetOf("p", "palloc"));
        assertEquals(4632, Abi.of(new GoRelease(22)).offsetOf("p", "palloc"));
        assertEquals(4624, Abi.of(new GoRelease(24)).offsetOf("p", "palloc"));
        assertEquals(4632, Abi.of(new GoRelease(27)).offsetOf("p", "palloc"));
        assertTrue(Abi.of(new GoRelease(26)).offset("moduledata", "itablinks").isPresent());
        assertTrue(Abi.of(new GoRelease(27)).offset("moduledata", "itablinks").isEmpty());
        assertEquals(568, Abi.of(new GoRelease(27)).sizeOf("moduledata"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Abi.of(new GoRelease(27)).offsetOf("moduledata", "typelinks"));
        assertEquals("Go 1.27: struct moduledata has no field typelinks", e.getMessage());
    }

    /**
     * The call-site assert caches (GO-RELEASES.md, "Assert caches") by their C names, the names abi.Abi loads them
     * by: from 1.22 the same sizes and Go field names at the same offsets in every release; none before.
     */
    @Test
    void assertCachesFrom122() {
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            Abi abi = Abi.of(r);
            for (String s : ReleasePtypeTest.ASSERT_CACHES.keySet()) {
                if (r.minor() < 22) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> abi.layout(s));
                    assertEquals(r + " has no struct " + s, e.getMessage());
                    continue;
                }
                List<Object> w = ReleasePtypeTest.ASSERT_CACHES.get(s);
                List<String> names = new ArrayList<>();
                for (int i = 1; i < w.size() - 1; i += 2) {
                    names.add((String) w.get(i));
                    assertEquals((long) w.get(i + 1), abi.offsetOf(s, (String) w.get(i)), r + " " + s + "." + w.get(i));
                }
                assertEquals(names, abi.fields(s), r + " " + s + " fields");
                assertEquals((long) w.getLast(), abi.sizeOf(s), r + " sizeof " + s);
            }
        }
        assertEquals(24, Abi.of(new GoRelease(22)).sizeOf("typeAssert"));
        assertEquals(16, Abi.of(new GoRelease(27)).offsetOf("typeAssert", "CanFail"));
        assertEquals(16, Abi.of(new GoRelease(25)).offsetOf("interfaceSwitch", "Cases"));
    }

    @Test
    void onlyReleasesWithLayouts() {
        assertSame(Abi.of(new GoRelease(21)), Abi.of(GoRelease.parse("go1.21.13")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Abi.of(new GoRelease(20)));
        assertTrue(e.getMessage().startsWith("no layouts of Go 1.20"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Abi.of(new GoRelease(19)).layout("nosuchstruct"));
    }

    /** The reader's rules per release (GO-RELEASES.md): map type sizes, noswissmap, the type region, .go.module, the pcHeader. */
    @Test
    void readerRulesPerRelease() {
        assertEquals(88, Abi.of(new GoRelease(19)).mapTypeSize());
        assertEquals(88, Abi.of(new GoRelease(23)).mapTypeSize());
        assertEquals(112, Abi.of(new GoRelease(24)).mapTypeSize());
        assertEquals(88, Abi.of(new GoRelease(24)).withOldMaps().mapTypeSize(), "GOEXPERIMENT=noswissmap");
        assertEquals(88, Abi.of(new GoRelease(25)).withOldMaps().mapTypeSize());
        assertSame(Abi.of(new GoRelease(26)), Abi.of(new GoRelease(26)).withOldMaps(), "1.26 rejects noswissmap");
        assertEquals(112, Abi.of(new GoRelease(26)).mapTypeSize());
        assertEquals(136, Abi.of(new GoRelease(27)).mapTypeSize());
        assertEquals(64, Abi.of(new GoRelease(27)).offsetOf("maptype", "bucket"), "1.27's Group");
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            Abi a = Abi.of(r);
            assertEquals(r.minor() >= 27, a.hasTypeRegion(), r.toString());
            assertEquals(r.minor() >= 26 ? ".go.module" : null, a.moduledataSection(), r.toString());
            assertEquals(r.minor() < 26, a.pcHeaderHasTextStart(), r.toString());
            assertEquals(r.minor() >= 20 ? 0xfffffff1 : 0xfffffff0, a.pclntabMagic(), r.toString());
        }
        assertSame(Abi.of(new GoRelease(19)), Abi.forReading(new GoRelease(18)), "1.18 reads as 1.19");
        assertThrows(IllegalArgumentException.class, () -> Abi.forReading(new GoRelease(20)));
    }

    @Test
    void compilerRulesPerRelease() {
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            Abi abi = Abi.of(r);
            int m = r.minor();
            // the hash of main.Xer at offset 16 of type:main.Xer in each release's -S listing (releases/1.N/image/xer)
            int xer = m <= 23 ? 0xd2c8c7a2 : m == 24 ? 0x6591ad55 : 0x2d3738a2;
            assertEquals(xer, TypeHash.of(r, "main.Xer"), r + " type hash");
            assertEquals(m <= 23, abi.hasGCProgs(), r + " GC programs");
            assertEquals(m <= 23, abi.constant("GO_KIND_GC_PROG").isPresent(), r.toString());
            assertEquals(m >= 27 ? 16 : 2048, abi.maxPtrmaskBytes(), r + " MaxPtrmaskBytes");
            assertEquals(0x20, abi.directIfaceBit(), r + " direct-interface bit (kind byte, from 1.26 tflag)");
            if (m >= 24) {
                assertEquals(0x10, abi.tflagGCMaskOnDemand(), r.toString());
                assertEquals(List.of(1, 2, 4, 8), List.of(abi.mapFlag("NEED_KEY_UPDATE"), abi.mapFlag("HASH_MIGHT_PANIC"),
                        abi.mapFlag("INDIRECT_KEY"), abi.mapFlag("INDIRECT_ELEM")), r + " swiss map flags");
            } else {
                assertThrows(IllegalArgumentException.class, abi::tflagGCMaskOnDemand, r.toString());
                assertThrows(IllegalArgumentException.class, () -> abi.mapFlag("INDIRECT_KEY"), r.toString());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Abi.of(new GoRelease(24)).withOldMaps().mapFlag("INDIRECT_KEY"));
        assertTrue(Abi.of(new GoRelease(27)).constant("GO_NO_SUCH_CONSTANT").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> TypeHash.of(new GoRelease(18), "main.Xer"));
    }
}
