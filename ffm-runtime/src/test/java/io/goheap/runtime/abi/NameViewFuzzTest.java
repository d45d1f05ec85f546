package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.FileMemory;
import io.goheap.runtime.mem.BadAddressException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@link NameView} over arbitrary bytes: a corrupt or hostile {@code runtime.name} (in a core file, a
 * damaged executable) is either decoded or reported as a {@link BadAddressException}; any other
 * exception ({@link IndexOutOfBoundsException}, {@link ArithmeticException}, {@link OutOfMemoryError},
 * ...) is a finding.
 *
 * <p>The pattern for goheap's fuzz tests. Under plain {@code mvn verify} Jazzer runs in regression mode:
 * each method runs once with an empty input and once per file in
 * {@code src/test/resources/io/goheap/runtime/abi/NameViewFuzzTestInputs/<method>/} (raw bytes; a
 * finding of a fuzzing run lands there as {@code crash-<sha1>} and stays as a regression test once
 * fixed). {@code .ci/fuzz.sh} runs them in fuzzing mode.
 */
class NameViewFuzzTest {
    /** Where a Go 1.19 amd64 executable's rodata usually starts. */
    static final long RODATA = 0x4c_0000L;

    /**
     * The input is the region's bytes, at {@link #RODATA}, and the name is its first byte. Seeds are raw
     * encoded names ({@link NameEncoding}'s format), easy to write by hand.
     */
    @FuzzTest
    void decode(byte[] input) {
        GoMemory space = space(RODATA, input);
        decodeEverything(new NameView(space, RODATA));
    }

    /**
     * Any base address (a region near the top of the address space ends past 2^64 and wraps) and the
     * name anywhere in or past the region: the address arithmetic of {@link FileMemory} and
     * {@link NameView} must not overflow into a read outside the region.
     *
     * <p>A seed file is laid out as Jazzer's {@link FuzzedDataProvider} reads it, primitives from the
     * end: the region's bytes, one byte for the offset (0..64 as is, 0x49.. for -8..-1), the base as 8
     * bytes little endian only when the last byte is odd, and that last byte.
     */
    @FuzzTest
    void decodeAnywhere(FuzzedDataProvider data) {
        long base = data.consumeBoolean() ? data.consumeLong() : RODATA;
        int offset = data.consumeInt(-8, 64);
        byte[] bytes = data.consumeRemainingAsBytes();
        GoMemory space = space(base, bytes);
        decodeEverything(new NameView(space, base + offset));
    }

    static GoMemory space(long base, byte[] bytes) {
        return new FileMemory("fuzz input", List.of(new FileMemory.Region("input", base, MemorySegment.ofArray(bytes))));
    }

    /** Every accessor, each on its own: one failing must not hide another. */
    static void decodeEverything(NameView v) {
        Integer flags = decodeOrBadAddress(v::flags);
        String name = decodeOrBadAddress(v::name);
        String tag = decodeOrBadAddress(v::tag);
        Integer pkgPathOff = decodeOrBadAddress(v::pkgPathOff);
        if (flags != null) {
            // a name without HAS_TAG has tag "", without HAS_PKG pkgPathOff 0, whatever follows it
            if ((flags & NameEncoding.HAS_TAG) == 0 && name != null) {
                assertEquals("", tag);
            }
            if ((flags & NameEncoding.HAS_PKG) == 0 && name != null) {
                assertEquals(0, pkgPathOff);
            }
        }
    }

    /** The result, or null for a {@link BadAddressException}; anything else propagates and is a finding. */
    static <T> T decodeOrBadAddress(Supplier<T> read) {
        try {
            T result = read.get();
            assertNotNull(result);
            return result;
        } catch (BadAddressException e) {
            assertNotNull(e.getMessage());
            return null;
        }
    }
}
