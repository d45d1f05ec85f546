package io.goheap.runtime.inspect;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.iface.Itabs;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.types.SymbolNames;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A goheap dump round-trips: written from a live runtime of any simulated release, read back by
 * {@code inspect dump}, it reads as that release and gives the same itabs, table, chunks, Ps and types as
 * the same code reading the live memory; readelf lists its
 * segments and gdb shows the same words as live memory.
 */
class DumpRoundTripTest extends NativeMemoryTest {
    @TempDir
    Path tmp;

    /** A runtime with the shapes package linked and some itabs built by getitab, dumped to {@code file}. */
    static GoRuntime populated(Path file, List<Long> probeAddrs) throws Exception {
        return populated(GoRuntime.RELEASE, file, probeAddrs);
    }

    /** {@link #populated(Path, List)} in a runtime of Go {@code release}. */
    static GoRuntime populated(GoRelease release, Path file, List<Long> probeAddrs) throws Exception {
        GoRuntime rt = GoRuntime.start(release, 2);
        SymbolNames n = SymbolNames.of(release);
        Linker l = rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/shapes")), release));
        Itabs it = rt.itabs();
        long stringer = l.address(n.type("main.Stringer"));
        long valuer = l.address(n.type("main.Valuer"));
        it.getitab(valuer, l.address(n.type("*main.Counter")), false);
        it.getitab(stringer, l.address(n.type("main.Celsius")), false);
        it.getitab(l.address(n.type("main.Shape")), l.address(n.type("main.Celsius")), true); // a negative entry
        probeAddrs.add(rt.itabs().table().current());
        probeAddrs.add(l.address(n.itab("main.Celsius", "main.Stringer")));
        if (release.minor() >= 22) {
            // a call site of each kind, as a 1.22+ program has them: x.(Stringer) and a type switch, each
            // used until its cache holds entries
            var sites = rt.callSites();
            var ta = sites.typeAssert(stringer, true);
            var sw = sites.interfaceSwitch(stringer, valuer);
            for (int i = 0; i < 20_000; i++) {
                ta.onEface(l.address(n.type("main.Celsius")));
                sw.onEface(l.address(n.type("*main.Counter")), new io.goheap.runtime.iface.CallSites.Match());
            }
            probeAddrs.add(ta.address());
        }
        io.goheap.runtime.dump.DumpWriter.write(rt, file);
        return rt;
    }

    static List<String> describe(GoImage img, RuntimeState st) {
        List<String> out = new ArrayList<>();
        for (GoImage.ItabInfo i : img.itabs()) {
            out.add(String.format("itab 0x%x %s %s %d %s %s", i.address(), i.inter(), i.type(), i.hash(), i.fun(), i.funNames()));
        }
        RuntimeState.Table t = st.table();
        out.add(String.format("table 0x%x size %d count %d", t.address(), t.size(), t.count()));
        t.entries().forEach(e -> out.add(String.format("slot %d 0x%x %s %s", e.slot(), e.itab(), e.inter(), e.type())));
        st.chunks().forEach(c -> out.add(String.format("chunk 0x%x", c)));
        st.ps().forEach(p -> out.add(p.toString()));
        img.types(null).forEach(ty -> out.add(ty.toString()));
        return out;
    }

    static java.util.stream.Stream<GoRelease> releases() {
        return GoRuntime.VERSIONS.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("releases")
    void aDumpReadsBackAsTheLiveRuntime(GoRelease release) throws Exception {
        Path file = tmp.resolve("shapes.core");
        List<Long> addrs = new ArrayList<>();
        try (GoRuntime rt = populated(release, file, addrs)) {
            List<String> live;
            try (GoImage img = io.goheap.runtime.dump.LiveImage.of(rt)) {
                RuntimeState st = new RuntimeState(img);
                live = describe(img, st);
                assertEquals(st.table().count(), st.verify().found());
                assertEquals(rt.itabs().table().count(), st.table().count());
                assertEquals(rt.itabs().table().entries().size(), st.table().entries().size());
                assertTrue(st.findings().isEmpty(), st.findings().toString());
            }
            try (ElfFile f = ElfFile.open(file); GoImage img = GoImage.ofDump(f)) {
                RuntimeState st = new RuntimeState(img);
                assertEquals(live, describe(img, st));
                RuntimeState.Verify v = st.verify();
                assertEquals(v.of(), v.found());
                assertEquals(rt.goVersion(), img.goVersion());
                assertEquals(release, img.release(), "the dump reads back as the runtime's release");
                assertTrue(st.chunks().size() >= 1);
                assertEquals(2, st.ps().size());
                assertTrue(img.findings().isEmpty(), img.findings().toString());
                assertTrue(st.findings().isEmpty(), st.findings().toString());
                // the dynamic itabs are in the table, and named
                assertTrue(st.table().entries().stream().anyMatch(e -> "main.Valuer".equals(e.inter()) && "*main.Counter".equals(e.type())));
            }
        }
    }

    @Test
    void readelfListsTheSegmentsAndGdbShowsTheLiveWords() throws Exception {
        Path file = tmp.resolve("shapes.core");
        List<Long> addrs = new ArrayList<>();
        try (GoRuntime rt = populated(file, addrs)) {
            int mappings = (int) rt.sys().mappings().stream().filter(m -> m.prot() != 0).count();
            Assumptions.assumeTrue(onPath("readelf"), "readelf not installed: skipping the readelf check");
            String readelf = run("readelf", "-l", "-W", file.toString());
            assertTrue(readelf.contains("Elf file type is CORE"), readelf);
            assertEquals(mappings, readelf.lines().filter(l -> l.trim().startsWith("LOAD")).count(), readelf);
            assertEquals(1, readelf.lines().filter(l -> l.trim().startsWith("NOTE")).count(), readelf);

            Assumptions.assumeTrue(onPath("gdb"), "gdb not installed: skipping the gdb check");
            for (long a : addrs) {
                String gdb = run("gdb", "-batch", "-nx", "-ex", "core-file " + file, "-ex", String.format("x/5gx 0x%x", a));
                List<Long> words = new ArrayList<>();
                for (String line : gdb.lines().filter(l -> l.startsWith("0x") && l.contains(":")).toList()) {
                    for (String w : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        words.add(Long.parseUnsignedLong(w.substring(2), 16));
                    }
                }
                List<Long> want = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    want.add(rt.sys().memory().u64(a + 8L * i));
                }
                assertEquals(want, words, "gdb x/5gx 0x" + Long.toHexString(a) + ":\n" + gdb);
            }
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Path.of(dir, tool).toFile().canExecute()) {
                return true;
            }
        }
        return false;
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * The descriptors package runtime emits (type.error, found by inspecting goheap's own memory, and the
     * basic types) carry the words a real Go 1.19 binary has for them: hash, size, ptrdata, kind, tflag,
     * alignment, method names.
     */
    @Test
    void runtimeTypesAreTheOnesARealGoBinaryHas() throws Exception {
        java.util.Map<String, GoImage.TypeInfo> real = new java.util.HashMap<>();
        java.util.Map<String, Long> realAddr = new java.util.HashMap<>();
        try (ElfFile f = ElfFile.open(io.goheap.runtime.testing.InspectFixtures.file("inspect")); GoImage go = GoImage.ofBinary(f)) {
            for (GoImage.TypeInfo t : go.types(null)) {
                real.putIfAbsent(t.name(), t);
                realAddr.putIfAbsent(t.name(), t.address());
            }
            try (GoRuntime rt = populated(tmp.resolve("x.core"), new ArrayList<>()); GoImage img = io.goheap.runtime.dump.LiveImage.of(rt)) {
                int compared = 0;
                for (GoImage.TypeInfo t : img.types(null)) {
                    if (!List.of("error", "int", "int64", "string", "bool", "float64", "uint8").contains(t.name())) {
                        continue;
                    }
                    GoImage.TypeInfo r = real.get(t.name());
                    assertEquals(r.kind(), t.kind(), t.name());
                    assertEquals(r.size(), t.size(), t.name());
                    assertEquals(r.methods(), t.methods(), t.name());
                    io.goheap.runtime.abi.TypeView a = img.module().typeAt(t.address());
                    io.goheap.runtime.abi.TypeView b = go.module().typeAt(realAddr.get(t.name()));
                    assertEquals(b.hash(), a.hash(), t.name() + " hash");
                    assertEquals(b.ptrdata(), a.ptrdata(), t.name() + " ptrdata");
                    assertEquals(b.tflag(), a.tflag(), t.name() + " tflag");
                    assertEquals(b.kindByte(), a.kindByte(), t.name() + " kind byte");
                    assertEquals(b.align(), a.align(), t.name() + " align");
                    compared++;
                }
                assertTrue(compared >= 3 && img.findings().isEmpty(), compared + " " + img.findings());
                assertTrue(img.types(null).stream().anyMatch(t -> t.name().equals("error")), "type.error is a type, not code");
            }
        }
    }
}
