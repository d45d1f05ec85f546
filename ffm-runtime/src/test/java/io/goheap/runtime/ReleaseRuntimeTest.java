package io.goheap.runtime;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.SizeClasses;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.sys.ArenaHints;
import io.goheap.runtime.testing.ReleaseFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A runtime of each simulated release, before anything is linked, against that release's binary
 * (native/fixtures/releases/1.N): its Go version is the one the binary's build info names, its Ps are
 * {@code runtime.p} of the release's size with palloc where the release has it, its image has the
 * release's sections, {@code staticuint64s} sits where the binary's symbol table puts it (a {@code D}
 * symbol up to 1.23, {@code R} from 1.24), and the size classes goheap allocates by are the tables the
 * binary carries.
 */
class ReleaseRuntimeTest {
    static Stream<GoRelease> releases() {
        return GoRuntime.VERSIONS.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("releases")
    void startsAsTheReleasesBinary(GoRelease release) throws Exception {
        String rel = "1." + release.minor();
        try (GoRuntime rt = GoRuntime.start(release, 2)) {
            assertEquals(release, rt.release());
            String built = ReleaseFixtures.lines(rel, "buildinfo.txt").getFirst().strip();
            assertEquals(built, rt.goVersion(), "the Go version the release's fixture binary was built by");
            Abi abi = rt.abi();
            assertEquals(release, abi.release());
            for (P p : rt.procs().all()) {
                long palloc = abi.offsetOf("p", "palloc");
                assertEquals(p.pallocBase(), rt.sys().memory().u64(p.address() + palloc), "P" + p.id() + " palloc.base at +" + palloc);
            }
            for (Section s : Section.values()) {
                boolean expected = switch (s) {
                    case GO_TYPE -> release.minor() >= 27;
                    case GO_MODULE -> release.minor() >= 26;
                    default -> true;
                };
                assertEquals(expected, rt.image().has(s), s.elfName() + " in a " + release + " image");
            }
            Symbol su = rt.image().lookup("runtime.staticuint64s");
            char nmKind = nmKind(rel, "runtime.staticuint64s");
            assertEquals(nmKind == 'R' ? Section.RODATA : Section.NOPTRDATA, su.section(),
                    "staticuint64s is '" + nmKind + "' in the " + rel + " binary's symbol table");
            assertEquals(su.address() + 8 * 7, rt.conv().convT64(7));
        }
    }

    @ParameterizedTest
    @MethodSource("releases")
    void sizeClassesAreTheBinarysTables(GoRelease release) throws Exception {
        String rel = "1." + release.minor();
        String prefix = release.minor() >= 25 ? "internal/runtime/gc." : "runtime.";
        String sizes = prefix + (release.minor() >= 25 ? "SizeClassToSize" : "class_to_size");
        String pages = prefix + (release.minor() >= 25 ? "SizeClassToNPages" : "class_to_allocnpages");
        String c8 = prefix + (release.minor() >= 25 ? "SizeToSizeClass8" : "size_to_class8");
        String c128 = prefix + (release.minor() >= 25 ? "SizeToSizeClass128" : "size_to_class128");
        try (ElfFile exe = ElfFile.open(ReleaseFixtures.file(rel, "inspect"))) {
            byte[] sz = bytes(exe, sizes);
            byte[] pg = bytes(exe, pages);
            assertEquals(SizeClasses.NUM * 2, sz.length, sizes);
            for (int c = 0; c < SizeClasses.NUM; c++) {
                assertEquals((sz[2 * c] & 0xff) | (sz[2 * c + 1] & 0xff) << 8, SizeClasses.classToSize(c), sizes + "[" + c + "]");
                assertEquals(pg[c] & 0xff, SizeClasses.classToPages(c), pages + "[" + c + "]");
            }
            assertArrayEquals(bytes(exe, c8), SizeClasses.sizeToClass8(), c8);
            assertArrayEquals(bytes(exe, c128), SizeClasses.sizeToClass128(), c128);
        }
    }

    @ParameterizedTest
    @MethodSource("releases")
    void theHeapStartsWhereTheReleasePutsIt(GoRelease release) {
        try (GoRuntime rt = GoRuntime.start(release, 1)) {
            ArenaHints h = rt.sys().arenaHints();
            assertEquals(release.minor() >= 26, h.randomized(), "Go 1.26 randomizes the heap base");
            assertEquals(release.minor() == 19 ? 0x80 : 0x40, h.count(), "hints for the heap (1.20 gave half to user arenas)");
            long space = rt.sys().heapSpace().base();
            assertTrue(java.util.stream.IntStream.range(0, h.count()).anyMatch(i -> h.hint(i) == space),
                    String.format("the heap space 0x%x is at one of the hints (%s)", space, h));
            long p0 = rt.procs().all().getFirst().address();
            long start = space + h.chunkOffset() + h.paddingPages() * 8192;
            long before;
            try (GoRuntime ref = GoRuntime.start(1)) { // what the heap holds before P0, at the fixed base
                before = ref.procs().all().getFirst().address() - ref.sys().heapSpace().base();
            }
            assertEquals(start + before, p0, String.format("P0 at 0x%x: the heap starts at 0x%x (%s)", p0, start, h));
            if (!h.randomized()) {
                assertEquals(0, space & 0xffffffffL, "a fixed hint: 0x00XXc0 << 32");
            } else {
                assertTrue(p0 < 1L << 46 && (p0 & 8191) == 0, String.format("0x%x: a page below 2^46", p0));
            }
        }
    }

    @Test
    void randomizedHintsFollowGo126() {
        // 0x0123456789abcdef, bits taken from the top: 20 bits 0x01234 give the base 0x01234 << 26 (top
        // byte 1 at bit 38), 4 bits 0x5 the chunk 5 << 22, 22 bits 0x19e2b (from 0x6789ab...) 207 pages
        ArenaHints h = ArenaHints.randomized(0x0123456789abcdefL);
        assertEquals(0x48d0000000L, h.hint(0));
        assertEquals(0xc8d0000000L, h.hint(1), "the next hint raises the top byte by one, from bit 38");
        assertEquals(0x1400000L, h.chunkOffset());
        assertEquals(207, h.paddingPages());
        assertEquals(0xc000000000L, ArenaHints.of(25, 42).hint(0));
        assertEquals(0xc000000000L | 1L << 40, ArenaHints.of(19, 42).hint(1));
        assertEquals(ArenaHints.randomized(7).hint(3), ArenaHints.of(27, 7).hint(3));
        for (long seed : new long[] {0, -1, 1L << 63, 0x5555555555555555L}) {
            ArenaHints r = ArenaHints.randomized(seed);
            for (int i = 0; i < r.count(); i++) {
                assertTrue(r.hint(i) >= 0 && r.hint(i) < 1L << 46 && (r.hint(i) & ((1L << 26) - 1)) == 0,
                        String.format("seed 0x%x hint %d = 0x%x: 64 MiB-aligned below 2^46", seed, i, r.hint(i)));
            }
            assertTrue(r.chunkOffset() < 64L << 20 && r.paddingPages() < 512);
        }
    }

    @Test
    void theTypeImageFollowsEverySimulatedRelease() {
        assertEquals(List.copyOf(GoRuntime.VERSIONS.keySet()), io.goheap.runtime.types.TypeWriter.SUPPORTED,
                "a runtime of each release links what that release's compiler emits");
    }

    @Test
    void refusesWhatItDoesNotSimulate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoRuntime.start(new GoRelease(20), 1));
        assertTrue(e.getMessage().contains("Go 1.20 is not simulated"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoRuntime.start(new GoRelease(28), 1));
        assertEquals(List.of(19, 21, 22, 23, 24, 25, 26, 27), GoRuntime.VERSIONS.keySet().stream().map(GoRelease::minor).toList());
    }

    /** The bytes of a data symbol of the binary, read from its section in the file. */
    private static byte[] bytes(ElfFile exe, String name) {
        ElfFile.Symbol s = exe.symbol(name);
        ElfFile.Section sec = exe.sections().get(s.shndx());
        MemorySegment b = exe.bytes(sec).asSlice(s.value() - sec.addr(), s.size());
        return b.toArray(ValueLayout.JAVA_BYTE);
    }

    /** The kind letter of {@code name} in the release's {@code go tool nm} listing. */
    private static char nmKind(String rel, String name) {
        for (String l : ReleaseFixtures.lines(rel, "nm.txt")) {
            String[] f = l.strip().split("\\s+");
            if (f.length == 4 && f[3].equals(name)) {
                return f[2].charAt(0);
            }
        }
        throw new AssertionError(name + " not in " + rel + "'s nm.txt");
    }
}
