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
}
