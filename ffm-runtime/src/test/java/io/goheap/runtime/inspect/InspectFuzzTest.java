package io.goheap.runtime.inspect;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.elf.MalformedFileException;
import io.goheap.runtime.testing.InspectFixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every reader of {@code goheap inspect} over hostile input: arbitrary ELF bytes, a real Go binary and
 * a real core with bytes overwritten by the fuzzer, arbitrary dump notes. Each run either decodes or
 * fails with one of the documented errors, whose message names an offset or address:
 * {@link MalformedFileException} (the file's structure), {@link BadAddressException} (a pointer into
 * no region) or {@link IllegalStateException} (a value no Go program has: no moduledata, an
 * implausible count). Anything else, or a JVM crash, is a finding. Seeds are in
 * {@code src/test/resources/io/goheap/runtime/inspect/InspectFuzzTestInputs/<method>/}; long runs:
 * {@code .ci/fuzz.sh InspectFuzzTest}.
 */
class InspectFuzzTest {
    /** The fixture binary, once per JVM; each run patches a copy. */
    private static byte[] binary;
    /** The fixture core in native memory, once per JVM; each run patches it and puts the bytes back. */
    private static MemorySegment core;

    private static synchronized byte[] binary() {
        if (binary == null) {
            try {
                binary = Files.readAllBytes(InspectFixtures.file("inspect"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return binary;
    }

    private static synchronized MemorySegment core() {
        if (core == null) {
            try (FileChannel ch = FileChannel.open(InspectFixtures.file("inspect.core"), StandardOpenOption.READ)) {
                core = Arena.global().allocate(ch.size(), 8);
                core.copyFrom(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return core;
    }

    /** Arbitrary bytes as an ELF file: headers, sections, segments, notes, symbols. */
    @FuzzTest
    void elf(byte[] input) {
        expected(() -> {
            ElfFile f = ElfFile.of("fuzz.elf", MemorySegment.ofArray(input));
            f.segments().forEach(p -> {
                if (p.isLoad()) {
                    expected(() -> f.bytes(p));
                }
            });
            f.sections().forEach(s -> {
                if (s.hasBytes()) {
                    expected(() -> f.bytes(s));
                }
            });
            expected(f::notes);
            expected(f::symbols);
            expected(() -> f.symbol("runtime.firstmoduledata"));
            expected(() -> GoImage.ofBinary(f).itabs());
            return f;
        });
    }

    /** The real binary with up to 16 runs of bytes overwritten (and maybe truncated), then inspected fully. */
    @FuzzTest
    void binary(FuzzedDataProvider data) {
        byte[] b = binary().clone();
        int len = b.length;
        if (data.consumeBoolean()) {
            len = data.consumeInt(0, b.length);
        }
        patch(data, MemorySegment.ofArray(b), len);
        MemorySegment seg = MemorySegment.ofArray(b).asSlice(0, len);
        expected(() -> {
            GoImage img = GoImage.ofBinary(ElfFile.of("fuzz-binary", seg));
            List<GoImage.ItabInfo> itabs = img.itabs();
            img.types(null);
            img.buildInfo();
            return img;
        });
    }

    /** The real core with runs of its bytes overwritten, inspected with its binary: table, verify, chunks, Ps, pictures. */
    @FuzzTest
    void core(FuzzedDataProvider data) throws Exception {
        readPatchedCore(of(data), core(), InspectFixtures.file("inspect"));
    }

    /**
     * Overwrites runs of {@code core}'s bytes, reads it with the executable at {@code exe} (the table,
     * verify, chunks, Ps, globalAlloc, caches, itabs, pictures) under the oracle of {@link #expected}, and puts the
     * bytes back.
     */
    static void readPatchedCore(Choices data, MemorySegment core, java.nio.file.Path exe) throws IOException {
        List<long[]> undo = patch(data, core, core.byteSize());
        try (ElfFile e = ElfFile.open(exe)) {
            expected(() -> {
                GoImage img = GoImage.ofCore(ElfFile.of("fuzz.core", core), e);
                RuntimeState st = new RuntimeState(img);
                st.verify();
                img.itabs();
                Svg.render(Picture.of(img, st, null)); // the pictures draw whatever was read (Png paints the same model)
                return st;
            });
        } finally {
            undo(core, undo);
        }
    }

    /** One release's fixture binary in memory, and the file ranges of its sections other than .text. */
    private record Fixture(String name, byte[] bytes, long[][] ranges) {
    }

    private static List<Fixture> releaseBinaries;
    private static final java.util.Map<String, MemorySegment> RELEASE_CORES = new java.util.HashMap<>();
    private static final String[] VARIANTS = {"inspect", "inspect-stripped", "inspect-pie", "inspect-extpie"};

    /** Every release's four binaries, once per JVM (about 60 MB of heap). */
    private static synchronized List<Fixture> releaseBinaries() {
        if (releaseBinaries == null) {
            List<Fixture> out = new java.util.ArrayList<>();
            for (String r : io.goheap.runtime.testing.ReleaseFixtures.releases()) {
                for (String v : VARIANTS) {
                    try {
                        byte[] b = Files.readAllBytes(io.goheap.runtime.testing.ReleaseFixtures.file(r, v));
                        ElfFile f = ElfFile.of(v, MemorySegment.ofArray(b));
                        List<long[]> ranges = new java.util.ArrayList<>();
                        for (ElfFile.Section sec : f.sections()) {
                            if (sec.hasBytes() && sec.size() > 0 && !sec.name().equals(".text")) {
                                ranges.add(new long[] {sec.offset(), sec.size()});
                            }
                        }
                        ranges.add(new long[] {0, 64}); // the ELF header
                        out.add(new Fixture(r + "/" + v, b, ranges.toArray(new long[0][])));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            releaseBinaries = List.copyOf(out);
        }
        return releaseBinaries;
    }

    /** A release's core of {@code binary} in native memory, once per JVM. */
    private static synchronized MemorySegment releaseCore(String release, String binary) {
        return RELEASE_CORES.computeIfAbsent(release + "/" + binary, k -> {
            try (FileChannel ch = FileChannel.open(io.goheap.runtime.testing.ReleaseFixtures.file(release, binary + ".core"), StandardOpenOption.READ)) {
                MemorySegment c = Arena.global().allocate(ch.size(), 8);
                c.copyFrom(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto()));
                return c;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Where a run's choices come from: the fuzzer's data ({@link FuzzedDataProvider}), or a seeded
     * random source ({@link InspectMutationTest}, the unguided campaign of a million runs).
     */
    interface Choices {
        int intIn(int min, int max);

        long longIn(long min, long max);

        byte[] bytes(int n);
    }

    static Choices of(FuzzedDataProvider data) {
        return new Choices() {
            @Override
            public int intIn(int min, int max) {
                return data.consumeInt(min, max);
            }

            @Override
            public long longIn(long min, long max) {
                return data.consumeLong(min, max);
            }

            @Override
            public byte[] bytes(int n) {
                return data.consumeBytes(n);
            }
        };
    }

    /**
     * Every release's binaries (plain, stripped, PIE, externally linked PIE of Go 1.19 and 1.21-1.27)
     * with up to 16 runs of bytes overwritten in the sections goheap reads (all but .text: headers,
     * build info, pclntab, moduledata, types, itabs, relocations), then inspected fully, as its release.
     */
    @FuzzTest
    void releaseBinary(FuzzedDataProvider data) {
        releaseBinary(of(data));
    }

    static void releaseBinary(Choices data) {
        List<Fixture> all = releaseBinaries();
        Fixture fx = all.get(data.intIn(0, all.size() - 1));
        MemorySegment seg = MemorySegment.ofArray(fx.bytes());
        List<long[]> undo = new java.util.ArrayList<>();
        int runs = data.intIn(0, 16);
        for (int r = 0; r < runs; r++) {
            long[] range = fx.ranges()[data.intIn(0, fx.ranges().length - 1)];
            long at = range[0] + data.longIn(0, range[1] - 1);
            byte[] bytes = data.bytes(data.intIn(1, 8));
            for (int i = 0; i < bytes.length && at + i < seg.byteSize(); i++) {
                undo.add(new long[] {at + i, seg.get(ValueLayout.JAVA_BYTE, at + i)});
                seg.set(ValueLayout.JAVA_BYTE, at + i, bytes[i]);
            }
        }
        try {
            expected(() -> {
                GoImage img = GoImage.ofBinary(ElfFile.of(fx.name(), seg));
                img.itabs();
                img.types(null);
                return img;
            });
        } finally {
            undo(seg, undo);
        }
    }

    /**
     * Every release's cores (of the plain, stripped and PIE binaries) with runs of bytes overwritten,
     * read with their binary: the table, --verify-table, chunks, Ps, globalAlloc, call-site caches.
     */
    @FuzzTest
    void releaseCore(FuzzedDataProvider data) throws Exception {
        releaseCore(of(data));
    }

    static void releaseCore(Choices data) throws Exception {
        List<String> releases = io.goheap.runtime.testing.ReleaseFixtures.releases();
        String release = releases.get(data.intIn(0, releases.size() - 1));
        String binary = VARIANTS[data.intIn(0, 2)];
        if (!io.goheap.runtime.testing.ReleaseFixtures.has(release, binary + ".core")) {
            return;
        }
        readPatchedCore(data, releaseCore(release, binary), io.goheap.runtime.testing.ReleaseFixtures.file(release, binary));
    }

    /** Arbitrary bytes as a goheap dump: its notes, then the image they describe. */
    @FuzzTest
    void dump(byte[] input) {
        expected(() -> {
            ElfFile f = ElfFile.of("fuzz.dump", MemorySegment.ofArray(input));
            DumpFile.Notes n = DumpFile.readNotes(f);
            GoImage img = GoImage.ofDump(f);
            new RuntimeState(img).verify();
            return n;
        });
    }

    /**
     * Overwrites up to 16 runs of 1-8 bytes at offsets the fuzzer picks (below {@code limit}), returning
     * {offset, old byte} pairs to undo them.
     */
    static List<long[]> patch(FuzzedDataProvider data, MemorySegment s, long limit) {
        return patch(of(data), s, limit);
    }

    static List<long[]> patch(Choices data, MemorySegment s, long limit) {
        List<long[]> undo = new java.util.ArrayList<>();
        int runs = data.intIn(0, 16);
        for (int r = 0; r < runs && limit > 0; r++) {
            long at = data.longIn(0, limit - 1);
            byte[] bytes = data.bytes(data.intIn(1, 8));
            for (int i = 0; i < bytes.length && at + i < limit; i++) {
                undo.add(new long[] {at + i, s.get(ValueLayout.JAVA_BYTE, at + i)});
                s.set(ValueLayout.JAVA_BYTE, at + i, bytes[i]);
            }
        }
        return undo;
    }

    /** Puts back the bytes {@link #patch} overwrote, last first. */
    static void undo(MemorySegment s, List<long[]> undo) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            s.set(ValueLayout.JAVA_BYTE, undo.get(i)[0], (byte) undo.get(i)[1]);
        }
    }

    interface Body {
        Object run() throws Exception;
    }

    /** Runs {@code body}: a result, or one of the documented errors with a message naming where. */
    static void expected(Body body) {
        try {
            body.run(); // any result will do (a missing symbol is null)
        } catch (MalformedFileException e) {
            assertTrue(e.getMessage().contains("offset 0x"), e.getMessage());
        } catch (BadAddressException e) {
            assertTrue(e.getMessage().contains("0x"), e.getMessage());
        } catch (IllegalStateException e) {
            assertNotNull(e.getMessage());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
