package io.goheap.runtime.abi;

import com.fasterxml.jackson.databind.JsonNode;
import io.goheap.runtime.testing.HeaderDwarf;
import io.goheap.runtime.testing.LayoutCheckProgram;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.PtypeFixture;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * native/structs.manifest cannot drift: for every release, the manifest, the header (gcc's own view of it: the
 * DWARF of the header compiled alone, {@link HeaderDwarf}; and its {@code struct X &#123;} lines) and the jextract
 * output in layouts/ ({@code io.goheap.layouts.go1N}) have the same structs, and each struct the same fields in
 * the same order. The Go side of the manifest is held to gdb (native/fixtures/ptype-o*.txt): each struct's Go
 * name to its DWARF name, each field's Go type to gdb's, wherever gdb prints them.
 *
 * <p>Also the home of the manifest for the other layout tests: {@link #manifest()} and {@link #gcc(String, Path)},
 * the layoutcheck program of a release generated from it.
 */
class LayoutManifestTest {
    @TempDir
    static Path tmp;

    /** native/structs.manifest, parsed (the copy GoStructs reads from the class path must be the same bytes). */
    static GoStructs.Manifest manifest() {
        try {
            return GoStructs.Manifest.parse(Files.readAllLines(NativeDir.get().resolve("structs.manifest")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 1.21} -> {@code 21}. */
    static String minor(String release) {
        return release.substring("1.".length());
    }

    static String header(String release) {
        return "go1_" + minor(release) + "_amd64.h";
    }

    /** The manifest's structs of {@code release} with their C field names, in the manifest's order. */
    static Map<String, List<String>> cStructs(GoStructs.Manifest m, String release) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (GoStructs.Manifest.Struct s : m.structs(release)) {
            out.put(s.cName(), s.fields(release).stream().map(GoStructs.Manifest.Field::cName).toList());
        }
        return out;
    }

    /** gcc's sizeof/offsetof of every struct and field the manifest gives {@code release}, by C struct name. */
    static Map<String, JsonNode> gcc(String release, Path dir) throws Exception {
        return LayoutCheckProgram.run("layoutcheck-" + release, header(release), cStructs(manifest(), release), dir);
    }

    @Test
    void releasesAreTheHeadersAndTheGdbFixtures() throws IOException {
        assertEquals(ReleasePtypeTest.RELEASES, manifest().releases());
        List<String> headers = new ArrayList<>(ReleaseLayoutCheckTest.releases());
        headers.addFirst("1.19");
        assertEquals(headers, manifest().releases());
    }

    @Test
    void theJarCarriesNativesManifest() throws IOException {
        try (InputStream in = GoStructs.class.getResourceAsStream(GoStructs.Manifest.RESOURCE)) {
            assertNotNull(in, "structs.manifest is not on the class path next to GoStructs");
            assertArrayEquals(Files.readAllBytes(NativeDir.get().resolve("structs.manifest")), in.readAllBytes(),
                    "the class path copy of structs.manifest is stale: rebuild");
        }
    }

    @Test
    void goStructsIsTheManifestsRelease119() {
        GoStructs.Manifest m = manifest();
        assertEquals(cStructs(m, "1.19"), toMap(GoStructs.all()));
        for (GoStructs.Struct s : GoStructs.all()) {
            GoStructs.Manifest.Struct ms = m.structs("1.19").stream().filter(x -> x.cName().equals(s.name())).findFirst()
                    .orElseThrow();
            assertEquals(ms.goName("1.19"), s.goName());
            assertEquals(ms.anonymous().contains("1.19"), s.anonymous(), s.name());
            assertEquals(ms.fields("1.19").stream().map(GoStructs.Manifest.Field::goType).toList(),
                    s.fields().stream().map(GoStructs.Field::goType).toList(), s.name());
        }
    }

    private static Map<String, List<String>> toMap(List<GoStructs.Struct> all) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (GoStructs.Struct s : all) {
            out.put(s.name(), s.fields().stream().map(GoStructs.Field::cName).toList());
        }
        return out;
    }

    @TestFactory
    List<DynamicNode> eachRelease() throws Exception {
        GoStructs.Manifest m = manifest();
        List<DynamicNode> out = new ArrayList<>();
        for (String r : m.releases()) {
            String n = minor(r);
            String pkg = "io.goheap.layouts.go1" + n;
            Map<String, List<String>> want = cStructs(m, r);
            Map<String, List<String>> dwarf = HeaderDwarf.structs(header(r), tmp);
            Set<String> text = ReleaseJextractTest.headerStructs(n);
            Set<String> jextract = jextractStructs(n);
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("structs", () -> {
                assertEquals(new TreeSet<>(want.keySet()), new TreeSet<>(dwarf.keySet()),
                        "structs of the manifest against gcc's DWARF of " + header(r));
                assertEquals(new TreeSet<>(want.keySet()), new TreeSet<>(text), "against the struct lines of " + header(r));
                assertEquals(new TreeSet<>(want.keySet()), jextract, "against the jextract classes of " + pkg);
            }));
            for (Map.Entry<String, List<String>> s : want.entrySet()) {
                tests.add(DynamicTest.dynamicTest(s.getKey(), () -> {
                    assertEquals(s.getValue(), dwarf.get(s.getKey()), r + " " + s.getKey()
                            + ": fields of the manifest against gcc's DWARF of " + header(r));
                    assertEquals(s.getValue(), jextractFields(ReleaseJextractTest.layout(pkg, s.getKey())),
                            r + " " + s.getKey() + ": fields of the manifest against " + pkg);
                }));
            }
            ReleasePtypeTest.Release gdb = ReleasePtypeTest.ALL.get(r);
            tests.add(DynamicTest.dynamicTest("goNamesAndTypes", () -> goSide(m, r, gdb)));
            out.add(DynamicContainer.dynamicContainer(r, tests));
        }
        return out;
    }

    /**
     * Go names and types against gdb: a struct gdb lists has its DWARF name and gdb's field types, one by one. A
     * C-only helper (a named struct type gdb prints as one line, or an anonymous one it prints inline) is named
     * by the field that holds it: that field's Go type, or for an anonymous one {@code runtime.HOLDER.FIELD}, whose
     * inline fields give the types; where gdb gives none, the manifest says {@code -}.
     */
    static void goSide(GoStructs.Manifest m, String r, ReleasePtypeTest.Release gdb) {
        for (GoStructs.Manifest.Struct s : m.structs(r)) {
            String where = r + " " + s.cName();
            List<String> types = s.fields(r).stream().map(GoStructs.Manifest.Field::goType).toList();
            String logical = ReleaseLayoutCheckTest.logical(s.cName());
            if (gdb.structs().containsKey(logical)) {
                assertEquals(gdb.dwarf().get(logical), s.goName(r), where + " Go name");
                assertTrue(!s.anonymous().contains(r), where + " is a named type in gdb");
                assertEquals(gdb.struct(logical).fields().stream().map(PtypeFixture.Field::goType).toList(), types,
                        where + " Go types");
                continue;
            }
            String go = s.goName(r);
            assertTrue(go.startsWith("runtime."), where + ": a C-only helper's Go name is runtime.*: " + go);
            if (s.anonymous().contains(r)) {
                String[] holder = go.substring("runtime.".length()).split("\\.");
                assertEquals(2, holder.length, where + ": an anonymous struct is named runtime.STRUCT.FIELD: " + go);
                PtypeFixture.Field f = gdb.field(holder[0], holder[1]);
                assertTrue(f.goType().startsWith("struct {"), where + ": gdb's " + go + " is " + f.goType());
                assertEquals(f.nested().stream().map(PtypeFixture.Field::goType).toList(), types, where + " Go types");
            } else {
                String type = go.substring("runtime.".length());
                List<PtypeFixture.Field> holders = gdb.structs().values().stream()
                        .flatMap(g -> g.fields().stream()).filter(f -> f.goType().equals(type)).toList();
                assertTrue(!holders.isEmpty(), where + ": no field of type " + type + " in gdb's " + r);
                for (PtypeFixture.Field h : holders) {
                    assertTrue(h.nested().isEmpty(), where + ": gdb prints " + type + " inline: take its types");
                }
                assertEquals(types.stream().map(t -> "-").toList(), types, where + ": gdb gives no Go types");
            }
        }
    }

    /** The struct classes jextract.sh wrote for release 1.N (every class of the package but Go1N and Go1N$shared). */
    static Set<String> jextractStructs(String n) throws IOException {
        Path dir = NativeDir.get().resolveSibling("layouts").resolve("src/main/java/io/goheap/layouts/go1" + n);
        assertTrue(Files.isDirectory(dir), "no " + dir);
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".java") && !f.startsWith("Go1" + n))
                    .forEach(f -> out.add(f.substring(0, f.length() - ".java".length())));
        }
        return out;
    }

    static List<String> jextractFields(GroupLayout l) {
        List<String> out = new ArrayList<>();
        for (MemoryLayout member : l.memberLayouts()) {
            if (!(member instanceof PaddingLayout)) {
                out.add(member.name().orElse("(unnamed)"));
            }
        }
        return out;
    }
}
