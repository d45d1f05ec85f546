package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvTest extends NativeMemoryTest {
    @Test
    void smallValuesPointIntoStaticuint64sLargeOnesAreBoxed() {
        try (GoRuntime rt = GoRuntime.start(1); P _ = rt.procs().acquire()) {
            Conv c = rt.conv();
            long st = c.staticuint64s().address();
            assertEquals(st + 8 * 5, c.convT64(5));
            assertEquals(st + 8 * 255, c.convT16(255));
            assertEquals(st, c.convT32(0));
            long big = c.convT64(300);
            assertTrue(rt.heap().contains(big));
            assertEquals(300, rt.heap().segment(big, 8).get(ValueLayout.JAVA_LONG, 0));
            long s16 = c.convT16(256);
            long s16b = c.convT16(257);
            assertEquals(s16 + 2, s16b, "uint16 boxes share a tiny block, 2-byte aligned");
            assertEquals(257, rt.heap().segment(s16b, 2).get(ValueLayout.JAVA_SHORT, 0));
            long neg = c.convT64(-1);
            assertEquals(-1, rt.heap().segment(neg, 8).get(ValueLayout.JAVA_LONG, 0), "-1 is uint64 max: boxed");
            assertEquals(7, rt.image().segment(c.staticuint64s()).getAtIndex(ValueLayout.JAVA_LONG, 7));
        }
    }

    @Test
    void emptyStringsAndNilSlicesPointAtZeroVal() {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Conv c = rt.conv();
            assertEquals(c.zeroVal().address(), c.convTstring(0x1234, 0));
            assertEquals(c.zeroVal().address(), c.convTslice(0, 0, 0));
            long s = c.convTstring(0x1000, 5);
            assertNotEquals(c.zeroVal().address(), s);
            assertEquals(0x1000, rt.heap().segment(s, 16).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(5, rt.heap().segment(s, 16).get(ValueLayout.JAVA_LONG, 8));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocate(24);
                v.set(ValueLayout.JAVA_LONG, 16, 42);
                long x = c.convT(v, true);
                assertEquals(42, rt.heap().segment(x, 24).get(ValueLayout.JAVA_LONG, 16));
            }
            long e = c.newEface(0xabc0, c.convT64(9));
            assertEquals(0xabc0, rt.heap().segment(e, 16).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(c.staticuint64s().address() + 72, rt.heap().segment(e, 16).get(ValueLayout.JAVA_LONG, 8));
        }
    }
}
