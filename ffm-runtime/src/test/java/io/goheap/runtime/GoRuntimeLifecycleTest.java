package io.goheap.runtime;

import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.Reservation;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.testing.ProcMaps;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoRuntimeLifecycleTest extends NativeMemoryTest {

    /**
     * The kernel's view: count and bytes of this runtime's ranges in /proc/self/maps go from 0 to what
     * it mapped and back to 0 after close. (Counted over the runtime's own ranges: the rest of the JVM maps
     * and unmaps concurrently, so totals over the whole process are printed, not asserted.)
     */
    @Test
    void closeUnmapsEverythingTheRuntimeMapped() throws Exception {
        List<ProcMaps.Range> start = ProcMaps.read();
        List<long[]> explicit = new ArrayList<>();
        List<long[]> all = new ArrayList<>();
        long ranges;
        long bytes;
        GoRuntime rt = GoRuntime.start(2);
        try (rt) {
            long sysAtStart = rt.memStats().sys();
            for (int i = 0; i < 8; i++) {
                Mapping m = rt.sys().sysAlloc((i + 1) * 65536L, SysStat.OTHER_SYS, "chunk " + i);
                explicit.add(new long[] {m.address(), m.end()});
            }
            Reservation r = rt.sys().sysReserve(0, 4L << 20);
            explicit.add(new long[] {r.address(), r.end()});
            rt.sys().sysMap(r, r.address(), 1 << 20, SysStat.HEAP_SYS, "arena");
            rt.persistentAlloc().alloc(null, 100, 0, SysStat.OTHER_SYS);
            assertEquals(36 * 65536L + (1 << 20) + PersistentAlloc.CHUNK_SIZE, rt.memStats().sys() - sysAtStart);
            for (long[] o : explicit) {
                assertEquals(0, ProcMaps.mappedBytes(start, o[0], o[1]), "range was free before start");
            }
            // everything the runtime owns: image sections, heap arenas, chunks, and the ranges above
            rt.sys().mappings().stream().filter(m -> m.within() == null).forEach(m -> all.add(new long[] {m.address(), m.end()}));
            rt.sys().reservations().forEach(x -> all.add(new long[] {x.address(), x.end()}));
            List<ProcMaps.Range> live = ProcMaps.read();
            ranges = all.stream().filter(o -> ProcMaps.mappedBytes(live, o[0], o[1]) == o[1] - o[0]).count();
            bytes = all.stream().mapToLong(o -> ProcMaps.mappedBytes(live, o[0], o[1])).sum();
            assertEquals(all.size(), ranges, "every range fully mapped");
            assertEquals(all.stream().mapToLong(o -> o[1] - o[0]).sum(), bytes);
        }
        List<ProcMaps.Range> after = ProcMaps.read();
        // The JVM may map something of its own into a just-freed range at any moment (a thread stack, a
        // malloc arena), so the robust check is that no range of ours is mapped again as a whole.
        long afterRanges = all.stream().filter(o -> ProcMaps.mappedBytes(after, o[0], o[1]) == o[1] - o[0]).count();
        long afterBytes = all.stream().mapToLong(o -> ProcMaps.mappedBytes(after, o[0], o[1])).sum();
        System.out.printf("proc/self/maps: runtime ranges before=0 live=%d (%d bytes) after close=%d (%d bytes);"
                        + " whole process lines %d -> %d%n", ranges, bytes, afterRanges, afterBytes, start.size(), after.size());
        assertEquals(0, afterRanges, "ranges still fully mapped after close");
        assertTrue(afterBytes < bytes / 100, "bytes of our ranges mapped after close (the JVM's own reuse only): " + afterBytes);
    }

    @Test
    void everyUseAfterCloseIsIllegalState() {
        GoRuntime rt = GoRuntime.start();
        Mapping m = rt.sys().sysAlloc(4096, SysStat.OTHER_SYS, "x");
        MemorySegment seg = m.segment();
        rt.close();
        rt.close();
        assertFalse(rt.isOpen());
        assertThrows(IllegalStateException.class, rt::sys);
        assertThrows(IllegalStateException.class, rt::memStats);
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> seg.set(ValueLayout.JAVA_LONG, 0, 1));
        assertThrows(IllegalStateException.class, () -> seg.asSlice(8).get(ValueLayout.JAVA_BYTE, 0));
    }

    /**
     * Close races with readers and writers on other threads: each access either completes on live memory
     * or throws IllegalStateException; none faults (a fault would kill this JVM and fail the build).
     * Repeated so that the close lands in the middle of accesses many times.
     */
    @Test
    void closeRacingWithAccessNeverFaults() throws Exception {
        int rounds = Integer.getInteger("goheap.test.closeRaceRounds", 200);
        int threads = 3;
        AtomicLong completed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        for (int round = 0; round < rounds; round++) {
            GoRuntime rt = GoRuntime.start();
            List<MemorySegment> segs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                segs.add(rt.sys().sysAlloc(65536, SysStat.OTHER_SYS, "race").segment());
            }
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(threads);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        long n = 0;
                        while (true) {
                            MemorySegment s = segs.get((int) (n & 3));
                            long off = (n * 8 * 131) % 65536;
                            s.set(ValueLayout.JAVA_LONG, off, n + id);
                            n += s.get(ValueLayout.JAVA_LONG, off) >= 0 ? 1 : 0;
                            completed.incrementAndGet();
                            if (n == 1000) {
                                running.countDown(); // close only once every thread is in full swing
                            }
                        }
                    } catch (IllegalStateException expected) {
                        refused.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.compareAndSet(null, e);
                    }
                }));
            }
            go.countDown();
            running.await();
            rt.close();
            for (Thread t : ts) {
                t.join(10_000);
                assertFalse(t.isAlive(), "reader still running after close");
            }
        }
        assertNull(unexpected.get(), () -> "unexpected " + unexpected.get());
        assertEquals((long) rounds * threads, refused.get(), "every thread ended with IllegalStateException");
        assertTrue(completed.get() > 0);
        System.out.printf("close race: %d rounds x %d threads, %d accesses completed, %d refused after close%n",
                rounds, threads, completed.get(), refused.get());
    }
}
