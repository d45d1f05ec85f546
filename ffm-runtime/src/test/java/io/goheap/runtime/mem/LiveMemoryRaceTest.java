package io.goheap.runtime.mem;

import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.MemStats;
import io.goheap.runtime.sys.SysMemory;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory layer racing the owner's changes (time-boxed; {@code goheap.test.memRaceMillis}, default 600
 * per test): frees and protection changes elsewhere swap the views under readers, a free of the very
 * mapping being read turns its reads into bad addresses, a close turns every access into an
 * {@link IllegalStateException}. In none of them does a reader see a wrong value, a wrong exception, or
 * fault the JVM (which would end the test run).
 */
class LiveMemoryRaceTest extends NativeMemoryTest {
    static final long MILLIS = Long.getLong("goheap.test.memRaceMillis", 600);
    static final int READERS = 3;

    @Test
    void readersAreNeverDisturbedByFreesAndProtectionChangesElsewhere() throws Exception {
        try (SysMemory sys = new SysMemory(new MemStats())) {
            GoMemory mem = sys.memory();
            Mapping stable = sys.sysAlloc(1 << 16, SysStat.OTHER_SYS, "stable");
            for (int i = 0; i < (1 << 13); i++) {
                mem.setU64(stable.address() + 8L * i, i);
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            long deadline = System.nanoTime() + MILLIS * 1_000_000;
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                readers.add(Thread.ofPlatform().start(() -> {
                    long n = 0;
                    try {
                        while (System.nanoTime() < deadline) {
                            for (int i = 0; i < (1 << 13); i++) {
                                long v = mem.u64Acquire(stable.address() + 8L * i);
                                if (v != i) {
                                    throw new AssertionError("word " + i + " read " + v);
                                }
                                mem.setU64(stable.address() + 8L * i, i);
                                n++;
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                    reads.addAndGet(n);
                }));
            }
            int swaps = 0;
            while (System.nanoTime() < deadline) {
                Mapping x = sys.sysAlloc(4096, SysStat.OTHER_SYS, "churn");
                sys.protect(x, io.goheap.runtime.sys.Mman.PROT_READ); // a swap: write permission goes
                sys.sysFree(x);                                        // another swap
                swaps += 2;
            }
            for (Thread t : readers) {
                t.join();
            }
            assertNull(failure.get(), () -> "a reader failed after " + reads.get() + " reads: " + failure.get());
            assertTrue(swaps > 0 && reads.get() > 0, swaps + " swaps, " + reads.get() + " reads");
        }
    }

    @Test
    void readersOfAMappingBeingFreedSeeItsValueOrABadAddress() throws Exception {
        for (long end = System.nanoTime() + MILLIS * 1_000_000; System.nanoTime() < end; ) {
            try (SysMemory sys = new SysMemory(new MemStats())) {
                GoMemory mem = sys.memory();
                Mapping m = sys.sysAlloc(4096, SysStat.OTHER_SYS, "doomed");
                mem.setU64(m.address(), 77);
                AtomicLong gone = new AtomicLong();
                Throwable failure = race(() -> {
                    try {
                        for (;;) {
                            long v = mem.u64(m.address());
                            if (v != 77) {
                                throw new AssertionError("read " + v);
                            }
                        }
                    } catch (BadAddressException e) {
                        gone.incrementAndGet(); // the free won: from now on the address is not this runtime's memory
                    }
                }, () -> sys.sysFree(m));
                assertNull(failure);
                assertEquals(READERS, gone.get(), "every reader ended with a bad address");
            }
        }
    }

    @Test
    void aCloseRacingAccessesGivesIllegalStateOnly() throws Exception {
        for (long end = System.nanoTime() + MILLIS * 1_000_000; System.nanoTime() < end; ) {
            SysMemory sys = new SysMemory(new MemStats());
            GoMemory mem = sys.memory();
            Mapping m = sys.sysAlloc(1 << 16, SysStat.OTHER_SYS, "x");
            AtomicLong closedSeen = new AtomicLong();
            Throwable failure = race(() -> {
                try {
                    for (long i = 0; ; i = (i + 8) & 0xfff8) {
                        mem.setU64(m.address() + i, i);
                        if (mem.u64(m.address() + i) != i) {
                            throw new AssertionError("lost a write");
                        }
                    }
                } catch (IllegalStateException closed) {
                    closedSeen.incrementAndGet();
                }
            }, sys::close);
            assertNull(failure);
            assertEquals(READERS, closedSeen.get(), "every reader ended with IllegalStateException");
        }
    }

    /**
     * Starts {@link #READERS} threads running {@code reader} (which returns once it met the exception it
     * expects), runs {@code action} once all have started, joins them, and returns the first thing a
     * reader threw, or null.
     */
    private static Throwable race(Runnable reader, Runnable action) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(READERS);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < READERS; t++) {
            readers.add(Thread.ofPlatform().start(() -> {
                started.countDown();
                try {
                    reader.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        started.await();
        action.run();
        for (Thread t : readers) {
            t.join();
        }
        return failure.get();
    }
}
