package io.goheap.runtime.alloc;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.sys.Errno;
import io.goheap.runtime.sys.GoThrow;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.sys.SyscallException;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapTest extends NativeMemoryTest {

    @Test
    void smallObjectsComeFromTheirSizeClassSpans() {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            Heap h = rt.heap();
            long a = h.mallocgc(p.mcache(), 24, false, true);
            long b = h.mallocgc(p.mcache(), 24, false, true);
            assertEquals(SizeClasses.classToSize(SizeClasses.sizeToClass(24)), b - a, "next slot of the same span");
            long c = h.mallocgc(p.mcache(), 24, true, true);
            assertTrue(c < a || c >= a + Heap.PAGE, "noscan objects live in a different span");
            long d = h.mallocgc(p.mcache(), 1000, false, true);
            assertEquals(0, d % 8);
            h.segment(d, 1000).fill((byte) 7);
            assertEquals(0, h.segment(b, 24).get(ValueLayout.JAVA_LONG, 16), "fresh memory is zero");
        }
    }

    @Test
    void tinyObjectsShareA16ByteBlockAtTheirAlignment() {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            Heap h = rt.heap();
            long x = h.mallocgc(p.mcache(), 1, true, true);   // block B, off 0..1
            long y = h.mallocgc(p.mcache(), 4, true, true);   // aligned to 4: off 4
            long z = h.mallocgc(p.mcache(), 8, true, true);   // aligned to 8: off 8
            assertEquals(0, x % 16);
            assertEquals(x + 4, y);
            assertEquals(x + 8, z);
            long w = h.mallocgc(p.mcache(), 2, true, true);   // no room: a new block
            assertEquals(0, w % 16);
            assertNotEquals(x, w);
            assertEquals(2, p.mcache().tinyAllocs(), "y and z came from the tiny block");
            long s = h.mallocgc(p.mcache(), 8, false, true);  // not noscan: no tiny allocator
            assertTrue(s < x || s >= x + Heap.PAGE);
        }
    }

    @Test
    void zeroSizeIsZerobaseAndLargeObjectsGetTheirOwnSpan() {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            Heap h = rt.heap();
            assertEquals(rt.image().lookup("runtime.zerobase").address(), h.mallocgc(p.mcache(), 0, true, true));
            Heap.Stats before = h.stats();
            long big = h.mallocgc(p.mcache(), 100_000, true, true);
            assertEquals(0, big % Heap.PAGE, "a large object starts its span");
            Heap.Stats after = h.stats();
            assertEquals(before.largeObjects() + 1, after.largeObjects());
            assertEquals(before.spanBytes() + 13 * Heap.PAGE, after.spanBytes(), "ceil(100000 / 8192) = 13 pages");
            long huge = h.mallocgc(null, 80L << 20, true, true); // larger than an arena
            h.segment(huge + (80L << 20) - 8, 8).set(ValueLayout.JAVA_LONG, 0, 1);
        }
    }

    @Test
    void arenasFollowGosHintsAndHeapSysIsWhatWasCommitted() {
        try (GoRuntime rt = GoRuntime.start(2)) {
            long firstArena = rt.sys().reservations().getFirst().address();
            org.junit.jupiter.api.Assumptions.assumeTrue(firstArena == 0xc000000000L,
                    "something else of this process holds 0xc000000000 (arena at 0x" + Long.toHexString(firstArena) + ")");
            long firstP = rt.procs().all().getFirst().address();
            assertTrue(rt.heap().contains(firstP));
            long big = rt.heap().mallocgc(null, 70L << 20, true, true); // does not fit the first arena
            assertEquals(0xc004000000L, rt.sys().reservations().get(1).address(), "the hint moved up by 64 MiB");
            assertEquals(0xc004000000L, big);
            assertEquals(rt.heap().stats().committed(), rt.memStats().get(SysStat.HEAP_SYS));
            System.out.printf("heap arenas at 0x%x and 0x%x, P0 at 0x%x%n", firstArena, rt.sys().reservations().get(1).address(), firstP);
        }
    }

    @Test
    void sizesOutOfRangeAreRefused() {
        try (GoRuntime rt = GoRuntime.start(1)) {
            assertThrows(IllegalArgumentException.class, () -> rt.heap().mallocgc(null, -1, true, true));
            GoThrow t = assertThrows(GoThrow.class, () -> rt.heap().mallocgc(null, Long.MAX_VALUE, true, true));
            assertTrue(t.getMessage().contains("runtime: out of memory: cannot allocate"), t.getMessage());
            assertThrows(IllegalArgumentException.class, () -> rt.persistentAlloc().alloc(null, -8, 0, SysStat.OTHER_SYS));
            Heap.Stats s = rt.heap().stats();
            assertTrue(s.spanBytes() >= 0 && s.spans() > 0);
        }
    }

    @Test
    void anMcacheIsUsableOnlyByItsPsHolder() throws Exception {
        try (GoRuntime rt = GoRuntime.start(1)) {
            P p = rt.procs().acquire();
            MCache c = p.mcache();
            rt.procs().release(p);
            assertThrows(IllegalStateException.class, () -> rt.heap().mallocgc(c, 8, true, true), "released");
        }
    }

    @Test
    void manyPsFitAndEveryPStructIsReadable() {
        try (GoRuntime rt = GoRuntime.start(1024)) {
            for (P p : rt.procs().all()) {
                assertEquals(p.id(), rt.heap().segment(p.address(), io.goheap.layouts.go119.p.sizeof())
                        .get(java.lang.foreign.ValueLayout.JAVA_INT, io.goheap.layouts.go119.p.id$offset()));
            }
        }
    }

    /** Threads with and without Ps allocating at once: every object inside the heap, none overlapping. */
    @Test
    void concurrentMallocgcNeverOverlaps() throws Exception {
        try (GoRuntime rt = GoRuntime.start(2)) {
            Heap h = rt.heap();
            int threads = 4;
            long[][] objs = new long[threads][];
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = Thread.ofPlatform().start(() -> {
                    java.util.SplittableRandom r = new java.util.SplittableRandom(id);
                    long[] mine = new long[2 * 20_000];
                    for (int i = 0; i < 20_000; i++) {
                        P p = id < 3 ? rt.procs().acquire() : null; // three threads share the 2 Ps, one has none
                        try {
                            long size = r.nextInt(50) == 0 ? 40_000 + r.nextInt(100_000) : 1 + r.nextInt(2048);
                            long a = h.mallocgc(p == null ? null : p.mcache(), size, r.nextBoolean(), true);
                            mine[2 * i] = a;
                            mine[2 * i + 1] = size;
                        } finally {
                            if (p != null) {
                                p.close();
                            }
                        }
                    }
                    objs[id] = mine;
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            java.util.List<long[]> all = new java.util.ArrayList<>();
            for (long[] mine : objs) {
                for (int i = 0; i < mine.length; i += 2) {
                    all.add(new long[] {mine[i], mine[i + 1]});
                    assertEquals(mine[i + 1], h.segment(mine[i], mine[i + 1]).byteSize(), "readable as one segment");
                }
            }
            all.sort(java.util.Comparator.comparingLong(o -> o[0]));
            for (int i = 1; i < all.size(); i++) {
                long[] prev = all.get(i - 1);
                long[] cur = all.get(i);
                // tiny objects may share a 16-byte block, but never bytes
                assertTrue(prev[0] + prev[1] <= cur[0], "overlap: 0x" + Long.toHexString(prev[0]) + "+" + prev[1]
                        + " and 0x" + Long.toHexString(cur[0]));
            }
        }
    }

    @Test
    void aFailedGrowthLeavesTheHeapAsItWas() {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Heap h = rt.heap();
            Heap.Stats before = h.stats();
            long heapSys = rt.memStats().get(SysStat.HEAP_SYS);
            rt.sys().faults().failNthMmap(1, Errno.ENOMEM);
            GoThrow t = assertThrows(GoThrow.class, () -> h.mallocgc(null, 8L << 20, true, true));
            assertTrue(t.getMessage().contains("runtime: out of memory: cannot grow the heap by 8388608 bytes"), t.getMessage());
            assertInstanceOf(SyscallException.class, t.getCause());
            assertEquals(before, h.stats());
            assertEquals(heapSys, rt.memStats().get(SysStat.HEAP_SYS));
            long ok = h.mallocgc(null, 8L << 20, true, true);
            assertTrue(h.contains(ok));
        }
    }

    @Test
    void aFailedCommitInAFreshArenaGivesTheArenaBack() {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Heap h = rt.heap();
            Heap.Stats before = h.stats();
            int reservations = rt.sys().reservations().size();
            rt.sys().faults().failNthMmap(2, Errno.ENOMEM); // 1: the new arena's reservation, 2: its commit
            assertThrows(GoThrow.class, () -> h.mallocgc(null, 70L << 20, true, true));
            assertEquals(before, h.stats());
            assertEquals(reservations, rt.sys().reservations().size(), "the fresh arena was given back");
            long ok = h.mallocgc(null, 70L << 20, true, true);
            h.segment(ok + (70L << 20) - 8, 8).set(ValueLayout.JAVA_LONG, 0, 3);
        }
    }
}
