package io.goheap.runtime.inspect;

import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.testing.InspectFixtures;
import io.goheap.runtime.testing.InspectFixtures.NmSymbol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * goheap inspect on real Go 1.19 binaries (native/fixtures/inspect, plain and stripped) against what
 * the Go toolchain's own {@code go tool nm} listed for them.
 */
class InspectBinaryTest {
    static GoImage plain;
    static GoImage stripped;
    static List<NmSymbol> nm;

    @BeforeAll
    static void open() throws Exception {
        ElfFile a = ElfFile.open(InspectFixtures.file("inspect"));
        plain = GoImage.ofBinary(a).owning(a);
        ElfFile b = ElfFile.open(InspectFixtures.file("inspect-stripped"));
        stripped = GoImage.ofBinary(b).owning(b);
        nm = InspectFixtures.nm();
    }

    @AfterAll
    static void close() {
        plain.close();
        stripped.close();
    }

    /** {@code go.itab.*main.data,main.Xer} -> {"*main.data", "main.Xer"}, package paths cut to their last element as Go's type strings have them. */
    static String[] itabNames(String sym) {
        String s = sym.substring("go.itab.".length());
        int comma = s.lastIndexOf(',');
        return new String[] {shortPkg(s.substring(0, comma)), shortPkg(s.substring(comma + 1))};
    }

    static String shortPkg(String s) {
        return s.replaceAll("[\\w.\\-]+/", "");
    }

    /** The fixture's bytes with its build info's version {@code go1.19.8} rewritten to {@code to} (same length). */
    private static byte[] withVersion(String fixture, String to) throws java.io.IOException {
        byte[] b = java.nio.file.Files.readAllBytes(InspectFixtures.file(fixture));
        byte[] from = "go1.19.8".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] with = to.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int n = 0;
        for (int i = 0; i + from.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + from.length, from, 0, from.length) && b[i - 1] == from.length) {
                System.arraycopy(with, 0, b, i, with.length); // the varint-prefixed version after the header
                n++;
            }
        }
        assertTrue(n >= 1, "the build info's version found");
        return b;
    }

    /**
     * A release goheap does not read is refused by the name its build info gives, before anything is
     * decoded (Go 1.20: no toolchain here to prove it); {@code --go} overrides the build info, and a
     * release that is not read is refused by that name too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inspect", "inspect-stripped"})
    void anUnreadReleaseIsRefusedByTheNameItsBuildInfoGives(String fixture, @TempDir Path dir) throws Exception {
        Path f = dir.resolve(fixture + "-go120");
        java.nio.file.Files.write(f, withVersion(fixture, "go1.20.9"));
        try (ElfFile e = ElfFile.open(f)) {
            IllegalStateException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> GoImage.ofBinary(e));
            assertTrue(x.getMessage().contains("built by go1.20.9 (its build info); Go 1.20 is not read: goheap has no Go 1.20 toolchain"),
                    x.getMessage());
            // --go overrides the build info: read as 1.19 (which it is), the disagreement a finding
            try (GoImage g = GoImage.ofBinary(e, io.goheap.runtime.abi.GoRelease.parse("1.19"))) {
                assertEquals(plain.itabs().size(), g.itabs().size(), "decoded as the Go 1.19 binary it is");
                assertTrue(g.findings().contains("read as Go 1.19 (--go), though its build info says go1.20.9"), g.findings().toString());
            }
            IllegalStateException y = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> GoImage.ofBinary(e, io.goheap.runtime.abi.GoRelease.parse("go1.28")));
            assertTrue(y.getMessage().endsWith("--go 1.28: goheap reads Go 1.18, 1.19 and 1.21 to 1.27 programs only"), y.getMessage());
        }
    }

    /**
     * A build info naming a release the program's layouts are not of (a Go 1.19 binary claiming Go 1.24)
     * is refused by the pclntab magic, naming both, instead of decoding 1.19's moduledata at 1.24's offsets.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inspect", "inspect-stripped"})
    void aBuildInfoThatLiesIsCaughtByThePclntabMagic(String fixture, @TempDir Path dir) throws Exception {
        Path f = dir.resolve(fixture + "-go124");
        java.nio.file.Files.write(f, withVersion(fixture, "go1.24.4"));
        try (ElfFile e = ElfFile.open(f)) {
            IllegalStateException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> GoImage.ofBinary(e));
            assertTrue(x.getMessage().contains("magic 0xfffffff0 (Go 1.18 or 1.19)"), x.getMessage());
            assertTrue(x.getMessage().contains("Go 1.24"), x.getMessage());
        }
    }

    /**
     * Without build info (its magic wiped) a stripped binary's release comes from its pclntab's magic:
     * the fixture's pcHeader magic rewritten to Go 1.20+'s 0xfffffff1 makes it be read as Go 1.25, and
     * its Go 1.19 moduledata, which does not read as 1.25's, is refused by that shape, naming how the
     * release was found.
     */
    @Test
    void withoutBuildInfoTheReleaseComesFromThePclntabMagic(@TempDir Path dir) throws Exception {
        byte[] b = java.nio.file.Files.readAllBytes(InspectFixtures.file("inspect-stripped"));
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] magic = "\u00ff Go buildinf:".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int wiped = 0;
        int pcln = 0;
        for (int i = 0; i + 16 <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + magic.length, magic, 0, magic.length)) {
                java.util.Arrays.fill(b, i, i + magic.length, (byte) 0);
                wiped++;
            }
            if (i % 4 == 0 && bb.getInt(i) == 0xfffffff0 && b[i + 4] == 0 && b[i + 5] == 0 && b[i + 6] == 1 && b[i + 7] == 8) {
                bb.putInt(i, 0xfffffff1);
                pcln++;
            }
        }
        assertEquals(1, wiped, "one build info header");
        assertEquals(1, pcln, "one pcHeader");
        Path f = dir.resolve("inspect-go120");
        java.nio.file.Files.write(f, b);
        try (ElfFile e = ElfFile.open(f)) {
            IllegalStateException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> GoImage.ofBinary(e));
            assertTrue(x.getMessage().contains("does not read as Go 1.25's"), x.getMessage());
            assertTrue(x.getMessage().contains("Go 1.25 by the moduledata's shape and pclntab magic"), x.getMessage());
        }
        // the magic restored, without build info: read as Go 1.19 by the magic alone, a finding says so
        java.nio.file.Files.write(f, withoutBuildInfo("inspect-stripped"));
        try (ElfFile e = ElfFile.open(f); GoImage g = GoImage.ofBinary(e)) {
            assertEquals(new io.goheap.runtime.abi.GoRelease(19), g.release());
            assertEquals(plain.itabs().size(), g.itabs().size());
            assertTrue(g.findings().stream().anyMatch(s -> s.startsWith("release not named by a build info: read as Go 1.19")), g.findings().toString());
        }
    }

    private static byte[] withoutBuildInfo(String fixture) throws java.io.IOException {
        byte[] b = java.nio.file.Files.readAllBytes(InspectFixtures.file(fixture));
        byte[] magic = "\u00ff Go buildinf:".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i + magic.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + magic.length, magic, 0, magic.length)) {
                java.util.Arrays.fill(b, i, i + magic.length, (byte) 0);
            }
        }
        return b;
    }

    @Test
    void everyItabNmListsIsListedWithTheSameInterfaceAndType() {
        List<NmSymbol> goItabs = nm.stream().filter(s -> s.name().startsWith("go.itab.")).toList();
        assertEquals(14, goItabs.size(), "the fixture's go.itab symbols");
        Map<Long, GoImage.ItabInfo> ours = plain.itabs().stream().collect(Collectors.toMap(GoImage.ItabInfo::address, i -> i));
        assertEquals(goItabs.size(), ours.size(), "itablinks has one entry per go.itab symbol");
        for (NmSymbol s : goItabs) {
            GoImage.ItabInfo i = ours.get(s.address());
            assertNotNull(i, "no itab at " + s);
            String[] want = itabNames(s.name());
            assertEquals(want[0], i.type(), s.name());
            assertEquals(want[1], i.inter(), s.name());
            assertEquals(8 + 8 + 4 + 4 + 8L * i.fun().size(), s.size(), "itab size = 24 + 8 per method: " + s.name());
            assertNull(i.error());
        }
        assertTrue(plain.findings().isEmpty(), plain.findings().toString());
    }

    @Test
    void funTargetsAreTheFunctionsNmNames() {
        Map<String, Long> text = new HashMap<>();
        nm.stream().filter(s -> s.kind() == 'T' || s.kind() == 't').forEach(s -> text.putIfAbsent(s.name(), s.address()));
        GoImage.ItabInfo xer = plain.itabs().stream().filter(i -> i.inter().equals("main.Xer")).findFirst().orElseThrow();
        assertEquals(List.of("main.(*data).A", "main.(*data).B"), xer.funNames());
        assertEquals(List.of(text.get("main.(*data).A"), text.get("main.(*data).B")), xer.fun());
        assertEquals(nm.stream().filter(s -> s.name().equals("go.itab.*main.data,main.Xer")).findFirst().orElseThrow().address(), xer.address());
        // and the hash is *main.data's type hash, as the linker writes it
        long typ = plain.space().u64(xer.address() + io.goheap.runtime.abi.ItabDescriptor.TYPE_OFFSET);
        assertEquals(plain.module().typeAt(typ).hash(), xer.hash());
    }

    @Test
    void thePclntabNamesEveryFunctionNmLists() {
        int checked = 0;
        List<String> wrong = new ArrayList<>();
        for (NmSymbol s : nm) {
            if ((s.kind() == 'T' || s.kind() == 't') && s.size() > 0) {
                checked++;
                // the pclntab spells names as runtime.FuncForPC reports them: no ABI suffix (nm's
                // ".abi0" on assembly functions) and array lengths in generated names as "[...]"
                String want = s.name().replaceFirst("\\.abi0$", "").replaceAll("\\[\\d+\\]", "[...]");
                String n = plain.funcName(s.address());
                if (!want.equals(n)) {
                    wrong.add(s.name() + " @" + Long.toHexString(s.address()) + " -> " + n);
                }
                String mid = stripped.funcName(s.address() + s.size() / 2);
                if (!want.equals(mid)) {
                    wrong.add("stripped, mid " + s.name() + " -> " + mid);
                }
            }
        }
        assertTrue(checked > 1000, "functions checked: " + checked);
        assertEquals(List.of(), wrong.subList(0, Math.min(wrong.size(), 10)), wrong.size() + " names differ");
    }

    @Test
    void aStrippedBinaryFindsModuledataThroughThePclntab() {
        assertTrue(stripped.symbols().isEmpty(), "-s -w leaves no .symtab");
        assertTrue(stripped.moduledataFoundBy().startsWith("pclntab at 0x"), stripped.moduledataFoundBy());
        assertEquals("symbol runtime.firstmoduledata", plain.moduledataFoundBy());
        NmSymbol md = nm.stream().filter(s -> s.name().equals("runtime.firstmoduledata")).findFirst().orElseThrow();
        assertEquals(md.address(), plain.moduledata());
        assertEquals(md.address(), stripped.moduledata(), "same layout: -s -w drops no loaded section");
        List<String> a = plain.itabs().stream().map(i -> i.inter() + " " + i.type() + " " + i.hash() + " " + i.funNames()).toList();
        List<String> b = stripped.itabs().stream().map(i -> i.inter() + " " + i.type() + " " + i.hash() + " " + i.funNames()).toList();
        assertEquals(a, b);
        assertEquals(plain.types(null).size(), stripped.types(null).size());
    }

    @Test
    void typesCarryKindSizeNameAndMethods() {
        Map<String, GoImage.TypeInfo> byName = new HashMap<>();
        List<GoImage.TypeInfo> types = plain.types(null);
        types.forEach(t -> byName.putIfAbsent(t.name(), t));
        assertTrue(types.size() > 300, "types: " + types.size());
        assertTrue(types.stream().allMatch(t -> t.error() == null), types.stream().filter(t -> t.error() != null).toList().toString());
        GoImage.TypeInfo pdata = byName.get("*main.data");
        assertEquals("ptr", pdata.kind());
        assertEquals(8, pdata.size());
        assertEquals(List.of("A", "B"), pdata.methods());
        GoImage.TypeInfo data = byName.get("main.data");
        assertEquals("struct", data.kind());
        assertEquals("main", data.pkgPath());
        GoImage.TypeInfo xer = byName.get("main.Xer");
        assertEquals("interface", xer.kind());
        assertEquals(16, xer.size());
        assertEquals(List.of("A", "B"), xer.methods());
        GoImage.TypeInfo square = byName.get("main.square");
        assertEquals(List.of("Area", "Name"), square.methods());
        assertEquals(8, square.size());
        assertEquals("map", byName.values().stream().filter(t -> t.name().startsWith("map[")).findFirst().orElseThrow().kind());
        assertTrue(plain.findings().isEmpty(), plain.findings().toString());
    }

    @Test
    void buildInfoIsWhatGoVersionMPrints() throws Exception {
        // inspect.buildinfo.txt: `go version -m inspect`, first line the version, then tab-separated rows
        List<String> lines = java.nio.file.Files.readAllLines(io.goheap.runtime.testing.NativeDir.get().resolve("fixtures/inspect.buildinfo.txt"));
        List<String> settings = lines.stream().filter(l -> l.startsWith("\tbuild\t")).map(l -> l.substring("\tbuild\t".length())).toList();
        for (GoImage img : List.of(plain, stripped)) {
            BuildInfo bi = img.buildInfo();
            assertEquals(lines.get(0).trim(), bi.goVersion());
            assertEquals("go1.19.8", img.goVersion());
            assertTrue(lines.contains("\tpath\t" + bi.path()), bi.path());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("\tmod\t" + bi.main().path() + "\t" + bi.main().version())), bi.main().toString());
            assertEquals(settings, bi.settings());
            assertEquals(List.of(), bi.deps());
        }
    }

    /** Another release's moduledata has other offsets: refused by its pcHeader magic, not decoded as garbage. */
    @Test
    void aGo120PclntabIsRefusedByItsMagic() throws Exception {
        byte[] b = java.nio.file.Files.readAllBytes(InspectFixtures.file("inspect"));
        ElfFile f = ElfFile.of("copy", java.lang.foreign.MemorySegment.ofArray(b));
        long at = f.section(".gopclntab").offset();
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) at, 0xfffffff1);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> GoImage.ofBinary(ElfFile.of("go120", java.lang.foreign.MemorySegment.ofArray(b))));
        assertTrue(e.getMessage().contains("magic 0xfffffff1 (Go 1.20 or later)"), e.getMessage());
    }
}
