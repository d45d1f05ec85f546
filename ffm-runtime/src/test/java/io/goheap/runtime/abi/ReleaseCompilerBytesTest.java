package io.goheap.runtime.abi;

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
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compiler's bytes of the Go 1.22+ call-site assert caches against each release's jextract layouts
 * ({@code io.goheap.layouts.go1N.typeAssert} and {@code interfaceSwitch}): native/fixtures/asserts-1.N.srodata.txt
 * holds the {@code main..typeAssert.N} and {@code main..interfaceSwitch.N} blocks of {@code go build -gcflags=-S}
 * of xer + native/fixtures/asserts/asserts.go, made by make-release-fixtures.sh with each release's toolchain.
 *
 * <p>asserts.go has {@code boxed.(Aer)} (typeAssert.0, panics on failure), {@code boxed.(Ber)} with comma-ok
 * (typeAssert.1) and a type switch with cases Aer, Ber (interfaceSwitch.0). Each descriptor's size is the layout's
 * (the switch: plus one {@code Cases} element per case after the first), its pointer relocations sit at the
 * layout's pointer fields and nowhere else, and its plain values (CanFail, NCases) read back through the layout.
 */
class ReleaseCompilerBytesTest {
    /** The releases with assert caches: those of ReleasePtypeTest.RELEASES from 1.22 on. */
    static List<String> releases() {
        return ReleasePtypeTest.RELEASES.stream().filter(r -> Integer.parseInt(r.substring(2)) >= 22).toList();
    }

    @Test
    void everyReleaseWithAssertCachesHasAFixture() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(NativeDir.get().resolve("fixtures"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("asserts-1\\.\\d+\\.srodata\\.txt"))
                    .forEach(n -> files.add(n.substring("asserts-".length(), n.length() - ".srodata.txt".length())));
        }
        assertEquals(new TreeSet<>(releases()), files);
    }

    @TestFactory
    List<DynamicNode> eachRelease() throws Exception {
        List<DynamicNode> out = new ArrayList<>();
        for (String r : releases()) {
            Path file = NativeDir.get().resolve("fixtures/asserts-" + r + ".srodata.txt");
            String pkg = "io.goheap.layouts.go1" + r.substring(2);
            GroupLayout ta = ReleaseJextractTest.layout(pkg, "typeAssert");
            GroupLayout is = ReleaseJextractTest.layout(pkg, "interfaceSwitch");
            out.add(DynamicContainer.dynamicContainer(r, List.of(
                    DynamicTest.dynamicTest("header", () -> {
                        String first = Files.readAllLines(file).getFirst();
                        assertTrue(first.startsWith("# release " + r + ", go" + r + "."), first);
                        assertTrue(first.contains("linux/amd64"), first);
                    }),
                    DynamicTest.dynamicTest("onlyAssertBlocks", () -> {
                        Map<String, Symbol> syms = SrodataFixture.parse(file);
                        assertEquals(Set.of("main..typeAssert.0", "main..typeAssert.1", "main..interfaceSwitch.0"),
                                syms.keySet());
                    }),
                    DynamicTest.dynamicTest("typeAssertPanics", () ->
                            typeAssert(r, ta, sym(file, "main..typeAssert.0"), "type:main.Aer", false)),
                    DynamicTest.dynamicTest("typeAssertCommaOk", () ->
                            typeAssert(r, ta, sym(file, "main..typeAssert.1"), "type:main.Ber", true)),
                    DynamicTest.dynamicTest("interfaceSwitch", () ->
                            interfaceSwitch(r, is, sym(file, "main..interfaceSwitch.0"), List.of("type:main.Aer", "type:main.Ber"))))));
        }
        return out;
    }

    static Symbol sym(Path file, String name) throws IOException {
        Symbol s = SrodataFixture.parse(file).get(name);
        assertNotNull(s, file.getFileName() + " lacks " + name);
        return s;
    }

    /** TypeAssert {Cache, Inter, CanFail}: 24 B; R_ADDR at Cache (the runtime's empty cache) and Inter only. */
    static void typeAssert(String r, GroupLayout ta, Symbol s, String inter, boolean canFail) {
        String w = r + " " + s.name();
        assertEquals(24, ta.byteSize(), w + ": sizeof(typeAssert)");
        assertEquals(ta.byteSize(), s.size(), w + " size");
        long cache = ta.byteOffset(groupElement("Cache"));
        long interOff = ta.byteOffset(groupElement("Inter"));
        long canFailOff = ta.byteOffset(groupElement("CanFail"));
        assertEquals(List.of(0L, 8L, 16L), List.of(cache, interOff, canFailOff), w + ": Cache, Inter, CanFail");
        assertEquals(2, s.relocs().size(), w + " relocations " + s.relocs());
        reloc(w, s, cache, pointerSize(ta, "Cache"), "runtime.emptyTypeAssertCache");
        reloc(w, s, interOff, pointerSize(ta, "Inter"), inter);
        assertFalse(s.relocated((int) canFailOff), w + ": CanFail is plain data");
        MemorySegment m = MemorySegment.ofArray(s.bytes());
        assertEquals(canFail ? 1 : 0, m.get(ValueLayout.JAVA_BYTE, canFailOff), w + " CanFail");
        assertEquals(1, ta.select(groupElement("CanFail")).byteSize(), w + ": CanFail is a bool");
        zeroElsewhere(w, s, Set.of(canFailOff));
    }

    /** InterfaceSwitch {Cache, NCases, Cases[NCases]}: 24 B declared, 16 + 8*NCases emitted; R_ADDR at Cache and each case. */
    static void interfaceSwitch(String r, GroupLayout is, Symbol s, List<String> cases) {
        String w = r + " " + s.name();
        long cache = is.byteOffset(groupElement("Cache"));
        long nCases = is.byteOffset(groupElement("NCases"));
        long casesOff = is.byteOffset(groupElement("Cases"));
        assertEquals(List.of(0L, 8L, 16L), List.of(cache, nCases, casesOff), w + ": Cache, NCases, Cases");
        assertEquals(24, is.byteSize(), w + ": sizeof(interfaceSwitch)");
        SequenceLayout cs = (SequenceLayout) is.select(groupElement("Cases"));
        assertEquals(1, cs.elementCount(), w + ": Cases declared [1]");
        long elem = cs.elementLayout().byteSize();
        assertEquals(8, elem, w + ": a case is a pointer");
        assertEquals(is.byteSize() + (cases.size() - 1) * elem, s.size(), w + " size: the layout + NCases-1 more cases");
        MemorySegment m = MemorySegment.ofArray(s.bytes());
        assertEquals(8, is.select(groupElement("NCases")).byteSize(), w + ": NCases is an int");
        assertEquals(cases.size(), m.get(ValueLayout.JAVA_LONG_UNALIGNED, nCases), w + " NCases");
        assertFalse(s.relocated((int) nCases), w + ": NCases is plain data");
        assertEquals(1 + cases.size(), s.relocs().size(), w + " relocations " + s.relocs());
        reloc(w, s, cache, pointerSize(is, "Cache"), "runtime.emptyInterfaceSwitchCache");
        for (int k = 0; k < cases.size(); k++) {
            reloc(w + " case " + k, s, casesOff + k * elem, (int) elem, cases.get(k));
        }
        zeroElsewhere(w, s, Set.of(nCases));
    }

    static int pointerSize(GroupLayout g, String field) {
        MemoryLayout f = g.select(groupElement(field));
        assertTrue(f instanceof java.lang.foreign.AddressLayout, g.name().orElse("?") + "." + field + " is not a pointer: " + f);
        return (int) f.byteSize();
    }

    /** An absolute address (R_ADDR, printed by name from 1.22) of {@code size} bytes to {@code target}+0 at {@code off}. */
    static void reloc(String w, Symbol s, long off, int size, String target) {
        Reloc r = s.relocAt((int) off);
        assertNotNull(r, w + ": no relocation at " + off + " (" + target + ")");
        assertEquals(size, r.size(), w + "+" + off + " relocation size");
        assertEquals("R_ADDR", r.kind(), w + "+" + off + " relocation kind");
        assertEquals(target, r.target(), w + "+" + off + " relocation target");
        assertEquals(0, r.add(), w + "+" + off + " addend");
    }

    /** Every byte that is neither relocated nor one of the plain values at {@code plain} is zero. */
    static void zeroElsewhere(String w, Symbol s, Set<Long> plain) {
        for (int i = 0; i < s.size(); i++) {
            if (!s.relocated(i) && !plain.contains((long) i)) {
                assertEquals(0, s.bytes()[i], w + ": byte " + i);
            }
        }
    }
}
