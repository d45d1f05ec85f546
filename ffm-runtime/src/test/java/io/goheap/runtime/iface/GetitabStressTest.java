package io.goheap.runtime.iface;

import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The stress: threads asserting random pairs from 100,000 (interface, type) pairs, so the table
 * grows from 512 to 262,144 entries; afterwards every itab is present exactly once, count is right,
 * each is found by find, none lost. {@code -Dgoheap.stress.getitabThreads=T} (default 4),
 * {@code -Dgoheap.stress.getitabSeconds=S} (default 0.5: random pairs after the first full sweep).
 */
class GetitabStressTest extends NativeMemoryTest {
    @Test
    void hundredThousandPairsGrowTheTableTo256k() throws Exception {
        int threads = Integer.getInteger("goheap.stress.getitabThreads", 4);
        double seconds = Double.parseDouble(System.getProperty("goheap.stress.getitabSeconds", "0.5"));
        Stress.Report r = Stress.run(threads, 1000, 100, seconds);
        assertEquals(262_144, r.size(), "512 grown 9 times");
        assertEquals(9, r.grows());
        assertEquals(100_000, r.count());
        assertEquals(100_000, r.distinct());
        assertEquals(0, r.duplicates());
        assertEquals(0, r.missing());
        assertEquals(100_000, r.probeLengths().values().stream().mapToLong(Long::longValue).sum());
        System.out.printf("getitab stress: %d threads, %d calls, %.0f ops/s, size %d, probe lengths %s%n",
                threads, r.ops(), r.opsPerSecond(), r.size(), r.probeLengths());
    }
}
