package io.goheap.runtime.abi;

import com.fasterxml.jackson.databind.JsonNode;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.PtypeFixture;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Two independent views of each later release: gcc's sizeof/offsetof on native/include/goheap/go1_N_amd64.h
 * (written from that release's Go source; a layoutcheck program generated from native/structs.manifest prints
 * them, {@link #gcc(String, Path)}) against gdb's ptype/o of a binary that release built
 * (native/fixtures/ptype-o-1.N.txt). Every header go1_N_amd64.h other than 1.19's is checked, and needs its
 * structs in the manifest and its ptype-o-1.N.txt; every release 1.21 .. 1.27 has one.
 *
 * <p>Struct names are the 1.19 header's ({@code string} is runtime.stringStruct); the C-only helper structs
 * (pGFree, pMspancache, pTraceState, pTimers, xRegPerP: Go's anonymous or nested structs of p; spanQueue,
 * gcWork's) are checked as fields of p and gcWork. C's {@code _N} is Go's {@code _}. gdb gives func-typed fields
 * the size 1: their size is taken from the next field's offset (or the struct's size).
 *
 * <p>Where gdb prints a field's struct inline ({@code []T}, {@code string}, and Go's anonymous structs: p.gFree
 * up to 1.24, p.mspancache), its fields are also checked one by one against the C struct of that field
 * ({@link #inlineTwin}): {@code 1.24 p.gFree} is gdb's {@code struct { gList; n int32 }} against C's pGFree.
 * An inline struct with no C twin fails. Named struct types (pTraceState, timers, xRegPerP, spanQueue, 1.25's
 * gList) are one line in ptype/o: for those only the size and offset as a field are checked.
 */
class ReleaseLayoutCheckTest {
    @TempDir
    static Path tmp;

    private static final Pattern HEADER = Pattern.compile("go1_(\\d+)_amd64\\.h");
    /** Go's anonymous structs that gdb prints inline, by STRUCT.field: the C struct that stands for them. */
    private static final Map<String, String> INLINE = Map.of("p.gFree", "pGFree", "p.mspancache", "pMspancache");
    private static final Set<String> C_ONLY = Set.of("pGFree", "pMspancache", "pTraceState", "pTimers", "xRegPerP",
            "spanQueue");

    static List<String> releases() throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(NativeDir.get().resolve("include/goheap"))) {
            s.forEach(p -> {
                Matcher m = HEADER.matcher(p.getFileName().toString());
                if (m.matches() && !m.group(1).equals("19")) {
                    out.add("1." + m.group(1));
                }
            });
        }
        return List.copyOf(out);
    }

    /** Every release of ReleasePtypeTest.RELEASES after 1.19 (whose header is go1_19_amd64.h, PtypeFixtureTest's) has one. */
    @Test
    void everyReleaseHasAHeader() throws IOException {
        List<String> want = ReleasePtypeTest.RELEASES.stream().filter(r -> !r.equals("1.19")).toList();
        assertEquals(want, releases());
    }

    @TestFactory
    List<DynamicNode> eachReleaseHeader() throws Exception {
        List<DynamicNode> out = new ArrayList<>();
        for (String r : releases()) {
            Map<String, JsonNode> gcc = gcc(r);
            ReleasePtypeTest.Release gdb = ReleasePtypeTest.read(r,
                    NativeDir.get().resolve("fixtures/ptype-o-" + r + ".txt"));
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("sameStructs", () -> {
                Set<String> c = new TreeSet<>();
                for (String s : gcc.keySet()) {
                    if (!C_ONLY.contains(s)) {
                        c.add(logical(s));
                    }
                }
                assertEquals(new TreeSet<>(gdb.structs().keySet()), c);
            }));
            for (Map.Entry<String, JsonNode> e : gcc.entrySet()) {
                if (C_ONLY.contains(e.getKey())) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(e.getKey(), () -> compare(r, e.getValue(), gdb.struct(logical(e.getKey())))));
                if (!gdb.structs().containsKey(logical(e.getKey()))) {
                    continue; // sameStructs and the test above fail
                }
                for (PtypeFixture.Field f : gdb.struct(logical(e.getKey())).fields()) {
                    if (f.nested().isEmpty()) {
                        continue;
                    }
                    String where = e.getKey() + "." + f.name();
                    tests.add(DynamicTest.dynamicTest(where, () -> {
                        String twin = inlineTwin(e.getKey(), f);
                        assertNotNull(twin, r + " " + where + ": gdb prints " + f.goType() + " inline, no C struct for it");
                        assertNotNull(gcc.get(twin), r + " " + where + ": the " + r + " layoutcheck program prints no " + twin);
                        compareAs(r + " " + where + " (C " + twin + ")", gcc.get(twin), inline(f));
                    }));
                }
            }
            out.add(DynamicContainer.dynamicContainer(r, tests));
        }
        return out;
    }

    /** The C struct of a field gdb prints inline: slice for {@code []T}, string, or {@link #INLINE}'s; null if none. */
    static String inlineTwin(String cStruct, PtypeFixture.Field f) {
        if (f.goType().startsWith("[]")) {
            return "slice";
        }
        if (f.goType().equals("string")) {
            return "string";
        }
        return INLINE.get(cStruct + "." + f.name());
    }

    /** gdb's inline struct of {@code f} as a struct of its own: offsets from the field's start. */
    static PtypeFixture.Struct inline(PtypeFixture.Field f) {
        List<PtypeFixture.Field> fs = new ArrayList<>();
        for (PtypeFixture.Field n : f.nested()) {
            fs.add(new PtypeFixture.Field(n.name(), n.offset() - f.offset(), n.size(), n.goType(), n.nested()));
        }
        return new PtypeFixture.Struct(f.goType(), f.size(), List.copyOf(fs));
    }

    static String logical(String cName) {
        return cName.equals("string") ? "stringStruct" : cName;
    }

    static void compare(String release, JsonNode c, PtypeFixture.Struct g) {
        compareAs(release + " " + c.get("struct").asText(), c, g);
    }

    /** {@code s} names the struct in the messages. */
    static void compareAs(String s, JsonNode c, PtypeFixture.Struct g) {
        assertEquals(g.size(), c.get("size").asLong(), s + " sizeof");
        JsonNode cf = c.get("fields");
        assertEquals(g.fields().size(), cf.size(), s + " field count, gdb: " + g.fields());
        for (int i = 0; i < cf.size(); i++) {
            PtypeFixture.Field gf = g.fields().get(i);
            String cname = cf.get(i).get("name").asText();
            String where = s + "." + gf.name();
            assertEquals(gf.name(), cname.matches("_\\d+") ? "_" : cname, s + " field #" + i);
            assertEquals(gf.offset(), cf.get(i).get("offset").asLong(), where + " offset");
            long gsize = gf.size();
            if (gf.goType().startsWith("func(")) {
                gsize = (i + 1 < g.fields().size() ? g.fields().get(i + 1).offset() : g.size()) - gf.offset();
            }
            assertEquals(gsize, cf.get(i).get("size").asLong(), where + " size");
        }
    }

    static Map<String, JsonNode> gcc(String release) throws Exception {
        return gcc(release, tmp);
    }

    /**
     * gcc's view of {@code release}: the layoutcheck program of the manifest's structs and fields of that release
     * ({@link LayoutManifestTest#gcc(String, Path)}) compiled and run in {@code dir}, by C struct name.
     */
    static Map<String, JsonNode> gcc(String release, Path dir) throws Exception {
        return LayoutManifestTest.gcc(release, dir);
    }
}
