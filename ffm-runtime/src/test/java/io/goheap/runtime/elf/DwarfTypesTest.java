package io.goheap.runtime.elf;

import io.goheap.runtime.inspect.GoImage;
import io.goheap.runtime.testing.ReleaseFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DWARF type names of every release's fixture binary (DWARF 4 up to Go 1.24, DWARF 5 from 1.25, zlib
 * compressed) against the release's own ground truth: {@code types.txt}, which Go's debug/dwarf wrote
 * (native/fixtures/dwarftypes). Every type with a descriptor, by address, and nothing else.
 */
class DwarfTypesTest {
    static Stream<String> releases() {
        return ReleaseFixtures.releases().stream();
    }

    @ParameterizedTest
    @MethodSource("releases")
    void everyTypeOfTheGroundTruth(String release) throws Exception {
        try (ElfFile exe = ElfFile.open(ReleaseFixtures.file(release, "inspect")); GoImage img = GoImage.ofBinary(exe)) {
            DwarfTypes d = DwarfTypes.of(exe);
            assertTrue(d.present(), release);
            long types = img.moduledataWord("types");
            Map<Long, String> got = new TreeMap<>();
            d.byOffset().forEach((off, name) -> got.put(types + off, name));
            assertEquals(new TreeMap<>(ReleaseFixtures.types(release)), got, release);
        }
    }

    @ParameterizedTest
    @MethodSource("releases")
    void aStrippedBinaryHasNone(String release) throws Exception {
        try (ElfFile exe = ElfFile.open(ReleaseFixtures.file(release, "inspect-stripped"))) {
            assertSame(DwarfTypes.NONE, DwarfTypes.of(exe));
            assertFalse(DwarfTypes.NONE.present());
        }
    }

    /** Every cut of .debug_info's compressed bytes and every byte flipped in its first 256: an error naming the section, or names; never another exception. */
    @Test
    void corruptDwarfIsAClearError() throws Exception {
        byte[] file = Files.readAllBytes(ReleaseFixtures.file("1.19", "inspect"));
        ElfFile.Section info;
        try (ElfFile exe = ElfFile.of("x", MemorySegment.ofArray(file))) {
            info = exe.section(".debug_info");
        }
        int failures = 0;
        for (int k = 0; k < 256; k++) {
            byte[] b = file.clone();
            b[(int) info.offset() + k] ^= (byte) (0x5a + k);
            try (ElfFile exe = ElfFile.of("x", MemorySegment.ofArray(b))) {
                DwarfTypes.of(exe);
            } catch (MalformedFileException e) {
                failures++;
                assertTrue(e.getMessage().startsWith("x: offset 0x"), e.getMessage());
            }
        }
        assertTrue(failures > 0);
        // the header's size cut to 1 byte: inflating stops short, and the message says so
        byte[] b = file.clone();
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, info.offset() + 8, 1L);
        try (ElfFile exe = ElfFile.of("x", MemorySegment.ofArray(b))) {
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> DwarfTypes.of(exe));
            assertTrue(e.getMessage().contains(".debug_info"), e.getMessage());
        }
    }
}
