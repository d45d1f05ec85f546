package io.goheap.runtime.inspect;

import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.testing.ReleaseFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.goheap.runtime.testing.ReleaseFixtures.all;
import static io.goheap.runtime.testing.ReleaseFixtures.first;
import static io.goheap.runtime.testing.ReleaseFixtures.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code goheap inspect} on every release's own fixtures (native/fixtures/releases/1.N, built by
 * that release's toolchain): the plain, stripped, internally linked PIE and externally linked PIE
 * binaries list exactly the static itabs the release's tools list (address, interface, type, hash,
 * fun words), every type its DWARF gives a runtime type; the cores give the itabTable (address, size,
 * count, every slot), the persistent chunk chain, every P's palloc, globalAlloc and the call-site caches
 * exactly as gdb reads them through DWARF, and goheap's own probe finds every entry of the real table.
 */
class ReleaseInspectTest {
    static Stream<String> releases() {
        return ReleaseFixtures.releases().stream();
    }

    /** (release, binary, its itab listing) for every binary of every release. */
    static Stream<Arguments> binaries() {
        List<Arguments> out = new ArrayList<>();
        for (String r : ReleaseFixtures.releases()) {
            out.add(Arguments.of(r, "inspect", "itabs.txt"));
            out.add(Arguments.of(r, "inspect-stripped", "itabs.txt"));
            out.add(Arguments.of(r, "inspect-pie", "itabs-pie.txt"));
            out.add(Arguments.of(r, "inspect-extpie", "itabs-extpie.txt"));
        }
        return out.stream();
    }

    /**
     * (release, core's binary, its gdb listing, the core) for every core with a gdb reading: gcore's cores of
     * each binary, and the kernel's own core of the plain binary (SIGABRT under GOTRACEBACK=crash).
     */
    static Stream<Arguments> cores() {
        List<Arguments> out = new ArrayList<>();
        for (String r : ReleaseFixtures.releases()) {
            for (String[] c : new String[][] {{"inspect", "gdb.txt", "inspect.core"}, {"inspect-stripped", "gdb-stripped.txt", "inspect-stripped.core"},
                    {"inspect-pie", "gdb-pie.txt", "inspect-pie.core"}, {"inspect-extpie", "gdb-extpie.txt", "inspect-extpie.core"},
                    {"inspect", "gdb-kernel.txt", "inspect.kernel-core"}}) {
                if (ReleaseFixtures.has(r, c[2]) && ReleaseFixtures.has(r, c[1])) {
                    out.add(Arguments.of(r, c[0], c[1], c[2]));
                }
            }
        }
        return out.stream();
    }

    /** Every release has the kernel's core of its plain binary and gdb's reading of it. */
    @ParameterizedTest
    @MethodSource("releases")
    void everyReleaseHasAKernelCore(String release) {
        assertTrue(ReleaseFixtures.has(release, "inspect.kernel-core"), release);
        assertTrue(ReleaseFixtures.has(release, "gdb-kernel.txt"), release);
    }

    @Test
    void everyReleaseGoheapReadsHasFixtures() {
        Set<String> have = new HashSet<>(ReleaseFixtures.releases());
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            assertTrue(have.contains("1." + r.minor()), "no fixtures of " + r + " in " + ReleaseFixtures.root());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaries")
    void aBinaryListsExactlyTheStaticItabsOfItsRelease(String release, String binary, String listing) throws Exception {
        List<ReleaseFixtures.Itab> want = ReleaseFixtures.itabs(release, listing);
        assertFalse(want.isEmpty());
        try (ElfFile exe = ElfFile.open(ReleaseFixtures.file(release, binary)); GoImage img = GoImage.ofBinary(exe)) {
            assertEquals(ReleaseFixtures.minor(release), img.release().minor(), img.releaseFoundBy());
            List<GoImage.ItabInfo> got = img.itabs();
            assertEquals(want.size(), got.size(), "itabs of " + binary);
            assertEquals(List.of(), img.findings());
            if (binary.equals("inspect-stripped")) {
                // -s -w moves the data: the same itabs at other addresses
                assertEquals(want.stream().map(i -> i.inter() + " " + i.type() + " " + i.hash() + " " + i.nfun()).sorted().toList(),
                        got.stream().map(i -> i.inter() + " " + i.type() + " " + i.hash() + " " + i.fun().size()).sorted().toList());
                assertTrue(img.moduledataFoundBy().contains(ReleaseFixtures.minor(release) >= 26 ? ".go.module" : "pclntab"), img.moduledataFoundBy());
                return;
            }
            Map<Long, GoImage.ItabInfo> byAddr = got.stream().collect(Collectors.toMap(GoImage.ItabInfo::address, i -> i));
            for (ReleaseFixtures.Itab w : want) {
                GoImage.ItabInfo g = byAddr.get(w.address());
                assertNotNull(g, String.format("no itab at 0x%x (%s, %s)", w.address(), w.inter(), w.type()));
                assertEquals(w.inter(), g.inter(), w.toString());
                assertEquals(w.type(), g.type(), w.toString());
                assertEquals(w.hash(), g.hash(), w.toString());
                assertEquals(w.nfun(), g.fun().size(), w.toString());
                assertNull(g.error());
            }
        }
    }

    /** Up to Go 1.26 every static itab is a go:itab (go.itab in 1.19) symbol of the release's own nm; 1.27 has none. */
    @ParameterizedTest
    @MethodSource("releases")
    void theItabsAreTheNmItabSymbolsUpTo126(String release) {
        long syms = ReleaseFixtures.lines(release, "nm.txt").stream().map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length >= 4 && (f[3].startsWith("go:itab.") || f[3].startsWith("go.itab."))).count();
        int want = ReleaseFixtures.itabs(release, "itabs.txt").size();
        assertEquals(ReleaseFixtures.minor(release) >= 27 ? 0 : want, syms);
    }

    /**
     * Every DWARF type that carries a runtime type ({@code DW_AT_go_runtime_type}) is among the types
     * goheap lists, at that address, with the same name (DWARF spells packages by path and marks local
     * types {@code ·N}; Go's type string uses the package name). Some of them only code refers to (an
     * interface literal of a type assertion, a closure's context): the type scan finds those. A DWARF
     * offset that leaves the module's types (1.19's and 1.21's {@code uintptr} names 0x8f4400 in a
     * 1.3 MB binary) names no descriptor and is left out.
     */
    @ParameterizedTest
    @MethodSource("releases")
    void theTypesCoverEveryDwarfRuntimeType(String release) throws Exception {
        Map<Long, String> dwarf = ReleaseFixtures.types(release);
        try (ElfFile exe = ElfFile.open(ReleaseFixtures.file(release, "inspect")); GoImage img = GoImage.ofBinary(exe)) {
            Map<Long, String> ours = new HashMap<>();
            img.types(null).forEach(t -> ours.put(t.address(), t.name()));
            List<String> missing = new ArrayList<>();
            List<String> named = new ArrayList<>();
            long types = img.module().types();
            long etypes = img.module().etypes();
            dwarf.forEach((a, n) -> {
                if (Long.compareUnsigned(a, types) < 0 || Long.compareUnsigned(a, etypes) >= 0) {
                    return;
                }
                if (!ours.containsKey(a)) {
                    missing.add(String.format("0x%x %s", a, n));
                } else if (!goName(n).equals(ours.get(a))) {
                    named.add(String.format("0x%x dwarf %s goheap %s", a, n, ours.get(a)));
                }
            });
            assertEquals(List.of(), missing, dwarf.size() + " DWARF runtime types, " + ours.size() + " listed");
            assertEquals(List.of(), named);
            assertTrue(ours.size() >= dwarf.size() - 1);
            assertTrue(img.scannedTypes() > 0, "some types only code refers to");
            System.out.printf("%s: %d DWARF runtime types, %d listed, %d of them found by the type scan alone%n", release, dwarf.size(),
                    ours.size(), img.scannedTypes());
        }
    }

    /**
     * A DWARF type name as Go's type string spells it. DWARF spells a package by its path, qualifies an
     * anonymous struct's unexported fields with it, marks local types {@code ·N} and the compiler's
     * {@code noalg.} types; Go's string uses the package name and none of those marks, except inside a
     * generic instantiation's brackets, whose type arguments keep their paths (the brackets of
     * {@code map.bucket[...]} and {@code map.group[...]} are type strings like any other), and inside a
     * shape type's braces ({@code go.shape.struct { internal/sync.isEntry bool }}).
     */
    static String goName(String dwarf) {
        String d = dwarf.replaceAll("·\\d+", "").replace("noalg.", "");
        StringBuilder out = new StringBuilder();
        java.util.ArrayDeque<Boolean> generic = new java.util.ArrayDeque<>();
        int i = 0;
        while (i < d.length()) {
            char c = d.charAt(i);
            boolean inGeneric = generic.contains(Boolean.TRUE);
            if (c == '{') {
                // a shape type (go.shape.struct { ... }) spells its fields with paths, as type arguments do
                generic.push(out.toString().stripTrailing().matches(".*go\\.shape\\.\\w+$"));
                out.append(c);
                i++;
            } else if (c == '}') {
                if (!generic.isEmpty()) {
                    generic.pop();
                }
                out.append(c);
                i++;
            } else if (c == '[') {
                String before = out.toString();
                boolean afterName = !before.isEmpty() && (Character.isLetterOrDigit(before.charAt(before.length() - 1)) || before.endsWith("_"));
                generic.push(afterName && !before.endsWith("map.bucket") && !before.endsWith("map.group") && !before.endsWith("map"));
                out.append(c);
                i++;
            } else if (c == ']') {
                if (!generic.isEmpty()) {
                    generic.pop();
                }
                out.append(c);
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < d.length() && (Character.isLetterOrDigit(d.charAt(j)) || "_./-".indexOf(d.charAt(j)) >= 0)) {
                    j++;
                }
                String word = d.substring(i, j);
                if (!inGeneric) {
                    int slash = word.lastIndexOf('/');
                    if (slash >= 0) {
                        word = word.substring(slash + 1); // a/b/c.T -> c.T
                    }
                    // an anonymous struct's field "pkg.name T" (not an embedded "pkg.T;"): Go prints "name T"
                    String prev = out.toString().stripTrailing();
                    int dot = word.lastIndexOf('.');
                    if (dot > 0 && (prev.endsWith("{") || prev.endsWith(";")) && j < d.length() && d.charAt(j) == ' ') {
                        word = word.substring(dot + 1);
                    }
                }
                out.append(word);
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * A core reads as gdb reads it through DWARF. The kernel's core keeps only the first page of the
     * read-only text mapping and none of rodata (its PT_LOADs there have no file bytes): the
     * executable's sections fill those in.
     */
    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("cores")
    void aCoreReadsAsGdbReadsIt(String release, String binary, String listing, String coreName) throws Exception {
        List<String[]> gdb = ReleaseFixtures.gdb(release, listing);
        try (ElfFile core = ElfFile.open(ReleaseFixtures.file(release, coreName));
             ElfFile exe = ElfFile.open(ReleaseFixtures.file(release, binary));
             GoImage img = GoImage.ofCore(core, exe)) {
            assertEquals(ReleaseFixtures.minor(release), img.release().minor());
            if (coreName.contains("kernel-core")) {
                ElfFile.Segment text = core.segments().stream().filter(s -> s.isLoad() && s.vaddr() == 0x400000L).findFirst().orElseThrow();
                assertTrue(text.filesz() < text.memsz(), "the kernel wrote only part of the text mapping: " + text);
                assertTrue(img.areas().stream().anyMatch(a -> a.name().equals(".text") && a.base() == 0x400000L + text.filesz()),
                        img.areas().toString());
            }
            RuntimeState st = new RuntimeState(img);
            RuntimeState.Table t = st.table();
            assertNotNull(t, st.findings().toString());
            assertEquals(number(first(gdb, "itabTable")[0]), t.address());
            assertEquals(number(first(gdb, "itabTable.size")[0]), t.size());
            assertEquals(number(first(gdb, "itabTable.count")[0]), t.count());
            TreeMap<Long, Long> slots = new TreeMap<>();
            all(gdb, "slot").forEach(s -> slots.put(number(s[0]), number(s[1])));
            TreeMap<Long, Long> ours = new TreeMap<>();
            t.entries().forEach(e -> ours.put(e.slot(), e.itab()));
            assertEquals(slots, ours, "every slot of the table");
            RuntimeState.Verify v = st.verify();
            assertEquals(t.entries().size(), v.found(), "goheap's probe finds every entry");
            if (first(gdb, "chunk") != null) {
                assertEquals(all(gdb, "chunk").stream().map(c -> number(c[0])).toList(), st.chunks(), "the chunk chain, newest first");
            }
            if (first(gdb, "allp.len") != null) {
                assertEquals(number(first(gdb, "allp.len")[0]), st.ps().size());
                for (RuntimeState.PInfo p : st.ps()) {
                    String[] w = first(gdb, "p" + p.id() + ".palloc");
                    assertNotNull(w, "p" + p.id());
                    assertEquals(number(w[0]), p.pallocBase(), "p" + p.id() + ".palloc.base");
                    assertEquals(number(w[1]), p.pallocOff(), "p" + p.id() + ".palloc.off");
                }
            }
            String[] ga = first(gdb, "globalAlloc.persistentAlloc");
            if (ga != null && !binary.contains("stripped")) {
                assertNotNull(st.globalAlloc());
                assertEquals(number(ga[0]), st.globalAlloc().base());
                assertEquals(number(ga[1]), st.globalAlloc().off());
            }
            checkCaches(release, binary, gdb, st);
        }
    }

    private static void checkCaches(String release, String binary, List<String[]> gdb, RuntimeState st) {
        if (ReleaseFixtures.minor(release) < 22) {
            assertNull(st.caches(), "no call-site caches before Go 1.22");
            return;
        }
        assertNotNull(st.caches(), st.findings().toString());
        if (binary.contains("stripped")) {
            assertTrue(st.cachesFoundBy().startsWith("a scan"), st.cachesFoundBy());
        }
        // by address: a stripped binary has no symbols to name the sites, the scan finds them by their shape
        Map<Long, RuntimeState.CacheSite> sites = st.caches().stream().collect(Collectors.toMap(RuntimeState.CacheSite::address, c -> c));
        int filled = 0;
        for (String kind : new String[] {"typeAssert", "interfaceSwitch"}) {
            for (String[] s : all(gdb, kind)) {
                RuntimeState.CacheSite c = sites.get(number(s[1]));
                assertNotNull(c, s[0] + " among " + st.caches().stream().map(RuntimeState.CacheSite::symbol).toList());
                if (!binary.contains("stripped")) {
                    assertEquals(s[0], c.symbol());
                }
                assertEquals(kind, c.kind());
                assertEquals(number(s[1]), c.address(), s[0]);
                assertEquals(number(s[3]), c.cache(), s[0] + " cache");
                String[] mask = all(gdb, kind + ".mask").stream().filter(m -> m[0].equals(s[0])).findFirst().orElse(null);
                assertEquals(mask == null ? 0 : number(mask[1]), c.mask(), s[0] + " mask");
                List<String> want = all(gdb, kind + ".entry").stream().filter(e -> e[0].equals(s[0]) && number(e[2]) != 0)
                        .map(e -> number(e[1]) + " " + number(e[2]) + " " + number(e[e.length - 1])).toList();
                List<String> got = c.entries().stream().map(e -> e.slot() + " " + e.typ() + " " + e.itab()).toList();
                assertEquals(want, got, s[0] + " entries");
                c.entries().forEach(e -> assertEquals("ok", e.check(), s[0] + " " + e));
                filled += c.entries().isEmpty() ? 0 : 1;
            }
        }
        assertTrue(filled > 0, "the fixture fills some caches");
        assertEquals(all(gdb, "typeAssert").size() + all(gdb, "interfaceSwitch").size(), st.caches().size(), "no site more than gdb lists");
    }
}
