package io.goheap.runtime.inspect;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.dump.DumpWriter;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.testing.ReleaseFixtures;
import io.goheap.runtime.types.PackageImage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * goheap's simulation of a real program against that program's core, per release: the program is
 * native/fixtures/inspect-rel (its cores of every release are in native/fixtures/releases/1.N), goheap
 * simulates its declarations (native/fixtures/inspect-decls) in a runtime of the same release, dumps it,
 * and reads the dump back with {@code inspect dump}. Every type of package main the real core has must read
 * back from the dump the same (string, kind byte, tflag, size, ptrdata, hash, package path, methods), and
 * every static itab of the real program involving package main the same (interface, type, hash, the
 * functions of its fun words, but for the methods Go's linker pruned as unreachable). The simulation may have more: goheap's linker keeps every type it is given,
 * Go's drops the unreachable ones (main.Xer: the real program devirtualizes its only use).
 */
class SimulationVsCoreTest extends NativeMemoryTest {
    @TempDir
    Path tmp;

    static Stream<GoRelease> releases() {
        return GoRuntime.VERSIONS.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("releases")
    void theSimulationReadsBackAsTheRealProgramsCore(GoRelease release) throws Exception {
        String rel = "1." + release.minor();
        Path dump = tmp.resolve("sim-" + rel + ".core");
        try (GoRuntime rt = GoRuntime.start(release, 2)) {
            rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/inspect-decls")), release));
            DumpWriter.write(rt, dump);
        }
        Map<String, String> simTypes;
        Map<String, String> simItabs;
        try (ElfFile f = ElfFile.open(dump); GoImage img = GoImage.ofDump(f)) {
            assertEquals(release, img.release(), "the dump reads back as " + release);
            assertEquals(GoRuntime.VERSIONS.get(release), img.goVersion());
            simTypes = mainTypes(img);
            simItabs = mainItabs(img);
            assertTrue(img.findings().isEmpty(), img.findings().toString());
        }
        Map<String, String> realTypes;
        Map<String, String> realItabs;
        try (ElfFile core = ElfFile.open(ReleaseFixtures.file(rel, "inspect.core"));
             ElfFile exe = ElfFile.open(ReleaseFixtures.file(rel, "inspect"));
             GoImage img = GoImage.ofCore(core, exe)) {
            assertEquals(release, img.release());
            realTypes = mainTypes(img);
            realItabs = mainItabs(img);
        }
        assertTrue(realTypes.size() >= 13, "the real program's main types: " + realTypes.keySet());
        assertTrue(realItabs.size() >= 3, "the real program's static main itabs: " + realItabs.keySet());
        List<String> diffs = new ArrayList<>();
        realTypes.forEach((name, desc) -> {
            if (!desc.equals(simTypes.get(name))) {
                diffs.add("type " + name + "\n  real " + desc + "\n  sim  " + simTypes.get(name));
            }
        });
        realItabs.forEach((name, desc) -> {
            if (!sameItab(desc, simItabs.get(name))) {
                diffs.add("itab " + name + "\n  real " + desc + "\n  sim  " + simItabs.get(name));
            }
        });
        assertEquals(List.of(), diffs, String.join("\n", diffs));
        System.out.printf("simulation vs core %s: %d main types and %d static itabs the same (the simulation has %d and %d)%n",
                rel, realTypes.size(), realItabs.size(), simTypes.size(), simItabs.size());
    }

    /**
     * Whether an itab of the real core and one of the simulation say the same: hash and functions, except
     * that where the real linker's dead-code pass pruned a method no call can reach (from Go 1.22 it
     * points such a fun word at {@code runtime.unreachableMethod}; here: {@code x.A()} on a devirtualized
     * {@code x}), the simulation, which keeps every method, may name the method itself.
     */
    private static boolean sameItab(String real, String sim) {
        if (sim == null) {
            return false;
        }
        String[] r = real.split(" funs ", 2);
        String[] s = sim.split(" funs ", 2);
        if (!r[0].equals(s[0])) {
            return false;
        }
        List<String> rf = List.of(r[1].substring(1, r[1].length() - 1).split(", "));
        List<String> sf = List.of(s[1].substring(1, s[1].length() - 1).split(", "));
        if (rf.size() != sf.size()) {
            return false;
        }
        for (int k = 0; k < rf.size(); k++) {
            if (!rf.get(k).equals(sf.get(k)) && !rf.get(k).equals("runtime.unreachableMethod")) {
                return false;
            }
        }
        return true;
    }

    /** The types of package main (and pointers to them) by string, each as what its descriptor says. */
    private static Map<String, String> mainTypes(GoImage img) {
        Map<String, String> out = new TreeMap<>();
        for (GoImage.TypeInfo t : img.types(null)) {
            if (t.error() == null && (t.name().startsWith("main.") || t.name().startsWith("*main."))) {
                TypeView v = img.module().typeAt(t.address());
                out.put(t.name(), String.format("kind 0x%02x tflag 0x%02x size %d ptrdata %d hash 0x%08x pkg %s methods %s",
                        v.kindByte(), v.tflag(), t.size(), img.space().u64(t.address() + 8), v.hash(), t.pkgPath(), t.methods()));
            }
        }
        return out;
    }

    /** The static itabs naming a type of package main, as "interface,type", each with its hash and functions. */
    private static Map<String, String> mainItabs(GoImage img) {
        Map<String, String> out = new TreeMap<>();
        for (long a : img.itablinks()) {
            GoImage.ItabInfo i = img.itab(a);
            if (i.error() == null && (i.type().contains("main.") || i.inter().contains("main."))) {
                out.put(i.inter() + "," + i.type(), String.format("hash 0x%08x funs %s", i.hash(), i.funNames()));
            }
        }
        return out;
    }
}
