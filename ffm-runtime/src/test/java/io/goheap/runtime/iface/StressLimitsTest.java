package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stress's limits are computed before anything is allocated, so they must be exact: the footprint
 * of N types x M interfaces is what the linker really lays out, and the check refuses exactly the sizes
 * whose image would not fit (.text full, .rodata full), naming the argument, its value and the most that
 * fits.
 */
class StressLimitsTest extends NativeMemoryTest {
    private static final long HEAP = 1L << 40; // no heap limit: the image's limits only

    @Test
    void theFootprintIsWhatTheLinkerLaysOut() {
        // digit boundaries (names grow a byte at 10, 100, 1000) and both shapes, few types or few interfaces
        int[][] sizes = {{1, 1}, {1, 2}, {2, 1}, {9, 1}, {10, 1}, {11, 3}, {1, 10}, {1, 11}, {99, 101}, {101, 7}, {7, 1000}, {1001, 3}};
        List<String> diffs = new ArrayList<>();
        for (int[] nm : sizes) {
            Stress.Footprint f = Stress.Footprint.of(nm[0], nm[1]);
            try (GoRuntime rt = GoRuntime.start(1)) {
                rt.link(Stress.Synthetic.of(nm[0], nm[1]).symbols());
                long rodata = rt.image().used(Section.RODATA);
                long text = rt.image().used(Section.TEXT);
                if (rodata != f.rodata() || text != f.text()) {
                    diffs.add(nm[0] + "x" + nm[1] + ": linked rodata " + rodata + " text " + text + ", footprint " + f);
                }
            }
        }
        assertEquals(List.of(), diffs);
    }

    @Test
    void theCheckRefusesExactlyWhatWouldNotFit() {
        // measured by linking: 1048 x 1000 uses 67,072,064 bytes of .text, 1049 x 1000 fails with ".text full";
        // 119,154 x 1 uses 67,108,328 bytes of .rodata, 119,155 x 1 fails with ".rodata full"
        assertEquals(67_072_064, Stress.Footprint.of(1048, 1000).text());
        assertEquals(67_108_328, Stress.Footprint.of(119_154, 1).rodata());
        assertNull(Stress.check(4, 1048, 1000, 0, HEAP));
        assertEquals(new Stress.Violation("types", "1049", "with 1000 interfaces the image needs 67136064 bytes of .text (a 32-byte "
                + "function for each method and its pointer wrapper), over its 67108864 (64 MiB); at most 1048 types fit with 1000 interfaces"),
                Stress.check(4, 1049, 1000, 0, HEAP));
        assertNull(Stress.check(4, 119_154, 1, 0, HEAP));
        assertEquals(new Stress.Violation("types", "119155", "even with 1 interface the image needs 67108896 bytes of .rodata (type "
                + "descriptors with a method entry for each interface), over its 67108864 (64 MiB); at most 119154 types fit"),
                Stress.check(4, 119_155, 1, 0, HEAP));
        assertEquals("interfaces", Stress.check(4, 100_000, 100_000, 0, HEAP).argument(), "itab.init: 10^10 steps even with 1 type");
        assertTrue(Stress.check(4, 1000, 100, 0, 128L << 20).reason().startsWith("with 100 interfaces the run needs about 271 MiB of Java heap"),
                "a heap too small for the run (1000 x 100 ran out of memory at -Xmx128m, not at -Xmx256m)");
        assertEquals(Long.MAX_VALUE, Stress.Footprint.of(Integer.MAX_VALUE, Integer.MAX_VALUE).initSteps(), "saturates, no overflow");
    }

    @Test
    void argumentsOutOfRangeAreRefusedBeforeAnythingIsAllocated() {
        assertEquals("threads", Stress.check(0, 10, 10, 0, HEAP).argument());
        assertEquals("threads", Stress.check(Stress.MAX_THREADS + 1, 10, 10, 0, HEAP).argument());
        for (double s : new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY, Stress.MAX_SECONDS + 1}) {
            assertEquals("seconds", Stress.check(1, 10, 10, s, HEAP).argument(), "seconds=" + s);
        }
        assertEquals("types", Stress.check(1, 0, 10, 0, HEAP).argument());
        assertEquals("interfaces", Stress.check(1, 10, 0, 0, HEAP).argument());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Stress.run(0, 10, 10, 0));
        assertEquals("threads=0: must be 1 to 1024", e.getMessage());
    }

    @Test
    void distinctPairsAreCountedByPairNotByAKeyThatCollides() throws Exception {
        // the check keyed an itab by inter*31 + type: with 1000 methods a type descriptor is ~16 KiB, and
        // 995 of these 2000 pairs collided, reported as duplicates
        Stress.Report r = Stress.run(2, 2, 1000, 0);
        assertEquals(2000, r.count());
        assertEquals(2000, r.distinct());
        assertEquals(0, r.duplicates());
        assertEquals(0, r.missing());
    }
}
