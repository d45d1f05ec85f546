package io.goheap.runtime;

import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.alloc.Procs;
import io.goheap.runtime.iface.Conv;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.iface.Itabs;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.sys.SysMemory;
import io.goheap.runtime.iface.Assert;
import io.goheap.runtime.iface.Calls;
import io.goheap.runtime.iface.Stress;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link GoRuntime#close()} racing every public operation on a linked runtime: each call either completes
 * on live memory or throws {@link IllegalStateException} (never before close, never another exception), no
 * thread is left hanging on a lock, and nothing faults (a fault kills this JVM and fails the build). After
 * close, every operation throws {@link IllegalStateException} on every call, also those that need no memory
 * access (a small {@code convT64} is arithmetic).
 *
 * <p>{@code goheap.test.closeRaceRounds} rounds per operation (default 12; {@code .ci/close-race.sh} runs
 * 1,000), {@code goheap.test.closeRaceSeed} picks the close delays and the operation mix of the mixed rounds.
 */
class CloseRaceTest extends NativeMemoryTest {
    static final int ROUNDS = Integer.getInteger("goheap.test.closeRaceRounds", 12);
    static final long SEED = Long.getLong("goheap.test.closeRaceSeed", 0x5eedL);
    static final int THREADS = 3;
    /** 24 types x 6 interfaces: 144 pairs, so getitab keeps adding (and growing the table) for a while */
    static final Stress.Synthetic PKG = Stress.Synthetic.of(24, 6);

    /** One linked runtime and the addresses the operations use. */
    static final class Ctx {
        final GoRuntime rt;
        final Linker linker;
        final long[] types;
        final long[] ifaces;
        /** itabs of (I0, Tt), made before the race: hits */
        final long[] tabs;
        final Calls calls;
        final Assert.TypeSwitch sw;
        // the runtime's parts, fetched while open and kept, as a user's code keeps them
        final Itabs itabs;
        final ItabTable table;
        final Assert asserts;
        final Conv conv;
        final Heap heap;
        final PersistentAlloc persistent;
        final Procs procs;
        final SysMemory sys;
        final Image image;

        Ctx() {
            rt = GoRuntime.start(2);
            try {
                linker = rt.link(PKG.symbols());
                types = PKG.types().stream().mapToLong(t -> linker.address(t.symbol())).toArray();
                ifaces = PKG.ifaces().stream().mapToLong(t -> linker.address(t.symbol())).toArray();
                tabs = new long[types.length];
                for (int t = 0; t < types.length; t++) {
                    tabs[t] = rt.itabs().getitab(ifaces[0], types[t], false);
                }
                calls = rt.calls();
                sw = rt.asserts().typeSwitch(types[0], types[1], types[2]);
                itabs = rt.itabs();
                table = itabs.table();
                asserts = rt.asserts();
                conv = rt.conv();
                heap = rt.heap();
                persistent = rt.persistentAlloc();
                procs = rt.procs();
                sys = rt.sys();
                image = rt.image();
            } catch (RuntimeException | Error e) {
                rt.close();
                throw e;
            }
        }
    }

    /** An operation on a runtime; {@code i} varies the arguments call to call. */
    @FunctionalInterface
    interface Op {
        void run(Ctx c, long i) throws Throwable;
    }

    static final Map<String, Op> OPS = new LinkedHashMap<>();

    static {
        OPS.put("find hit", (c, i) -> check(c.table.find(c.ifaces[0], c.types[(int) (i % c.types.length)]) != 0));
        OPS.put("find miss", (c, i) -> check(c.table.find(c.ifaces[5], c.types[(int) (i % c.types.length)] + 8) == 0));
        OPS.put("getitab hit", (c, i) -> check(c.itabs.getitab(c.ifaces[0], c.types[(int) (i % c.types.length)], false) != 0));
        OPS.put("getitab add", (c, i) -> check(c.itabs.getitab(c.ifaces[(int) (i % c.ifaces.length)],
                c.types[(int) ((i / c.ifaces.length) % c.types.length)], false) != 0));
        OPS.put("table count", (c, i) -> check(c.table.count() > 0));
        OPS.put("table entries", (c, i) -> check(!c.table.entries().isEmpty()));
        OPS.put("assertE2I", (c, i) -> check(c.asserts.assertE2I(c.ifaces[0], c.types[(int) (i % c.types.length)]) != 0));
        OPS.put("assertE2I2", (c, i) -> check(c.asserts.assertE2I2(c.ifaces[0], c.types[(int) (i % c.types.length)]) != 0));
        OPS.put("assertI2I", (c, i) -> check(c.asserts.assertI2I(c.ifaces[0], c.tabs[(int) (i % c.tabs.length)]) != 0));
        OPS.put("typeSwitchE", (c, i) -> check(c.asserts.typeSwitchE(c.types[(int) (i % 3)], c.types[0], c.types[1], c.types[2]) >= 0));
        OPS.put("compiled switch", (c, i) -> {
            // getitab's itabs carry hash 0 (Go 1.19: only static itabs take part in switches): no case matches
            check(c.sw.onEface(c.types[(int) (i % 3)]) == i % 3);
            check(c.sw.onIface(c.tabs[(int) (i % 3)]) == -1);
        });
        OPS.put("nil assertE2I2 / switch", (c, i) -> {
            check(c.asserts.assertE2I2(c.ifaces[0], 0) == 0);
            check(c.sw.onEface(0) == -1);
            check(c.asserts.assertI2I2(c.ifaces[0], 0) == 0);
            check(c.sw.onIface(0) == -1);
        });
        OPS.put("convT64 small", (c, i) -> check(c.conv.convT64(i & 255) != 0));
        OPS.put("convT16 small", (c, i) -> check(c.conv.convT16((int) (i & 255)) != 0));
        OPS.put("convT32 small", (c, i) -> check(c.conv.convT32((int) (i & 255)) != 0));
        OPS.put("convTstring empty", (c, i) -> check(c.conv.convTstring(0, 0) != 0));
        OPS.put("convTslice nil", (c, i) -> check(c.conv.convTslice(0, 0, 0) != 0));
        OPS.put("convT64 large", (c, i) -> check(c.conv.convT64(1000 + i) != 0));
        OPS.put("convTstring", (c, i) -> check(c.conv.convTstring(0x1000, 3) != 0));
        OPS.put("mallocgc", (c, i) -> check(c.heap.mallocgc(null, 8 + (i & 63), true, true) != 0));
        OPS.put("persistentalloc per-P", (c, i) -> {
            P p = c.procs.acquire();
            try {
                check(c.persistent.alloc(p, 16 + (i & 255), 8, SysStat.OTHER_SYS) != 0);
            } finally {
                p.close();
            }
        });
        OPS.put("persistentalloc global", (c, i) -> check(c.persistent.alloc(null, 16 + (i & 255), 8, SysStat.OTHER_SYS) != 0));
        OPS.put("callLong", (c, i) -> check(c.calls.callLong(c.tabs[(int) (i % c.tabs.length)], i, 0) >= 0));
        OPS.put("callMethod", (c, i) -> check(c.calls.callMethod(c.tabs[(int) (i % c.tabs.length)], i, 0).receiver() == i));
        OPS.put("call (general)", (c, i) -> check((int) c.calls.call(c.tabs[(int) (i % c.tabs.length)], i, 0,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)) >= 0));
        OPS.put("sysAlloc/sysFree", (c, i) -> {
            Mapping m = c.sys.sysAlloc(4096, SysStat.OTHER_SYS, "race");
            m.segment().set(ValueLayout.JAVA_LONG, 0, i);
            c.sys.sysFree(m);
        });
        OPS.put("image lookup", (c, i) -> check(c.image.lookup("runtime.staticuint64s") != null));
    }

    static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("wrong result on a live runtime");
        }
    }

    static Stream<String> ops() {
        return OPS.keySet().stream();
    }

    /** What a batch of rounds saw. */
    record Tally(long completed, long refused, long rounds) {
    }

    /** Each operation fails with IllegalStateException once the runtime is closed, every time. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void afterCloseEveryOperationIsIllegalState(String name) throws Throwable {
        Op op = OPS.get(name);
        Ctx c = new Ctx();
        op.run(c, 1); // works while open
        c.rt.close();
        for (int i = 0; i < 1000; i++) {
            long k = i;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.run(c, k), name + " after close");
            if (i == 0) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a message");
            }
        }
    }

    /** close() racing THREADS threads that run one operation in a loop, ROUNDS times. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void closeRacingOneOperation(String name) throws Throwable {
        Tally t = race(List.of(OPS.get(name)), ROUNDS, new SplittableRandom(SEED ^ name.hashCode()));
        System.out.printf("close race [%s]: %d rounds x %d threads, %d calls completed, %d refused after close%n",
                name, t.rounds(), THREADS, t.completed(), t.refused());
    }

    /** Rounds in which each thread runs a random mix of every operation. */
    @Test
    void closeRacingAMixOfOperations() throws Throwable {
        List<Op> all = new ArrayList<>(OPS.values());
        Tally t = race(all, ROUNDS * 4, new SplittableRandom(SEED));
        System.out.printf("close race [mixed]: %d rounds x %d threads, %d calls completed, %d refused after close%n",
                t.rounds(), THREADS, t.completed(), t.refused());
    }

    /**
     * While the runtime is open, a free elsewhere in the same space (which swaps the space's view)
     * is invisible to every operation, also those that work on a slice of the memory (persistentalloc's
     * palloc and globalAlloc, convT's copy, name reads): they carve or copy again on the fresh view.
     * (Found by the mixed close race: persistentalloc's global path threw "Already closed" while open.)
     */
    @Test
    void viewSwapsWhileOpenAreInvisible() throws Throwable {
        Ctx c = new Ctx();
        List<Op> ops = List.of(OPS.get("persistentalloc global"), OPS.get("persistentalloc per-P"),
                (x, i) -> check(x.conv.convT(java.lang.foreign.MemorySegment.ofArray(new long[] {i, i + 1, i + 2}), true) != 0),
                (x, i) -> check(!x.linker.module().typeAt(x.types[(int) (i % x.types.length)]).string().isEmpty()));
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            Op op = ops.get(k);
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (long i = 0; !stop.get(); i++) {
                        op.run(c, i);
                        done.incrementAndGet();
                    }
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            }));
        }
        long frees = 0;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.getLong("goheap.test.swapMillis", 600));
        while (System.nanoTime() < until && unexpected.get() == null) {
            c.sys.sysFree(c.sys.sysAlloc(4096, SysStat.OTHER_SYS, "swap"));
            frees++;
        }
        stop.set(true);
        for (Thread t : ts) {
            t.join(20_000);
        }
        c.rt.close();
        if (unexpected.get() != null) {
            throw new AssertionError("an operation saw a view swap while the runtime was open", unexpected.get());
        }
        System.out.printf("view swaps while open: %d frees, %d operations, 0 failed%n", frees, done.get());
    }

    /** Calls made from a module find their runtime's gate; a file's module has no code to call; a closed runtime none. */
    @Test
    void callsNeedALiveRuntime() {
        Ctx c = new Ctx();
        Calls viaModule = new Calls(c.linker.module());
        assertEquals(c.calls.callLong(c.tabs[0], 5, 0), viaModule.callLong(c.tabs[0], 5, 0));
        io.goheap.runtime.mem.FileMemory file = io.goheap.runtime.mem.FileMemory.of("a file", 0x1000,
                java.lang.foreign.Arena.ofAuto().allocate(64));
        assertThrows(IllegalArgumentException.class, () -> new Calls(new io.goheap.runtime.abi.Module(file, 0x1000, 0x1040, 0x1000, 0x1040)));
        c.rt.close();
        assertThrows(IllegalStateException.class, () -> new Calls(c.linker.module()));
        assertThrows(IllegalStateException.class, () -> viaModule.callLong(c.tabs[0], 5, 0));
    }

    /** A Go method implemented in Java: returns {7, receiver}. */
    static java.lang.foreign.MemorySegment javaM5(long receiver) {
        java.lang.foreign.MemorySegment r = java.lang.foreign.Arena.ofAuto().allocate(Calls.RESULT);
        r.set(ValueLayout.JAVA_LONG, 0, 7);
        r.set(ValueLayout.JAVA_LONG, 8, receiver);
        return r;
    }

    /**
     * The linker patches {@code .text} (bindJava: PROT_READ|PROT_WRITE, write, PROT_READ|PROT_EXEC) while
     * other threads call through fun[k] into the same pages: the calls wait while the code is not
     * executable, none faults, none fails; then close races them too.
     */
    @Test
    void callsWaitWhileTheLinkerPatchesText() throws Throwable {
        Ctx c = new Ctx();
        java.lang.invoke.MethodHandle impl = java.lang.invoke.MethodHandles.lookup().findStatic(CloseRaceTest.class, "javaM5",
                java.lang.invoke.MethodType.methodType(java.lang.foreign.MemorySegment.class, long.class));
        long tab = c.itabs.getitab(c.ifaces[5], c.types[23], false);
        String bound = c.linker.functions().get((int) c.calls.callMethod(tab, 1, 0).function()); // what fun[0] runs
        AtomicLong calls = new AtomicLong();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (long i = 0; ; i++) {
                        check(c.calls.callLong(c.tabs[(int) (i % c.tabs.length)], i, 0) >= 0);
                        calls.incrementAndGet();
                    }
                } catch (IllegalStateException closed) {
                    if (!closing.get()) {
                        unexpected.compareAndSet(null, closed);
                    }
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            }));
        }
        int patches = 200;
        for (int i = 0; i < patches; i++) {
            c.linker.bindJava(bound, impl, FunctionDescriptor.of(Calls.RESULT, ValueLayout.JAVA_LONG));
        }
        Calls.Result r = c.calls.callMethod(tab, 99, 0);
        long fast = c.calls.callLong(tab, 99, 0);
        long during = calls.get();
        closing.set(true);
        c.rt.close();
        for (Thread t : ts) {
            t.join(20_000);
            assertTrue(!t.isAlive(), "a caller hung");
        }
        if (unexpected.get() != null) {
            throw new AssertionError(unexpected.get());
        }
        assertEquals(new Calls.Result(7, 99), r, "the Java implementation answers");
        assertEquals(7, fast, "the fast path takes the non-critical way to a Java method (a critical call into an upcall aborts the JVM)");
        assertTrue(during > 0, "calls ran while the linker patched");
        System.out.printf("text patched %d times while 2 threads made %d calls through fun[0]%n", patches, during);
    }

    /** Set by {@link #javaSlow}: the runtime whose memory it reads. */
    static volatile Ctx slowCtx;
    static final CountDownLatch IN_SLOW = new CountDownLatch(1);

    /** A Go method implemented in Java that uses the runtime (reads a symbol's word, allocates) and takes 300 ms. */
    static java.lang.foreign.MemorySegment javaSlow(long receiver) {
        Ctx c = slowCtx;
        IN_SLOW.countDown();
        long sum = 0;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < until) {
            sum += c.sys.memory().u64(c.image.lookup("runtime.staticuint64s").address() + 8 * 7);
            sum += c.heap.mallocgc(null, 16, true, true) != 0 ? 1 : 0;
        }
        java.lang.foreign.MemorySegment r = java.lang.foreign.Arena.ofAuto().allocate(Calls.RESULT);
        r.set(ValueLayout.JAVA_LONG, 0, sum > 0 ? 1 : 0);
        r.set(ValueLayout.JAVA_LONG, 8, receiver);
        return r;
    }

    /**
     * close() while a Java-implemented method, reached through fun[k], is using the runtime: close waits
     * for it (the method's reads and allocations all succeed: an exception in an upcall would end the
     * JVM), then releases everything; the call returns its result.
     */
    @Test
    void closeWaitsForAJavaMethodThatUsesTheRuntime() throws Throwable {
        Ctx c = new Ctx();
        slowCtx = c;
        long tab = c.itabs.getitab(c.ifaces[4], c.types[22], false);
        String fn = c.linker.functions().get((int) c.calls.callMethod(tab, 1, 0).function());
        c.linker.bindJava(fn, java.lang.invoke.MethodHandles.lookup().findStatic(CloseRaceTest.class, "javaSlow",
                java.lang.invoke.MethodType.methodType(java.lang.foreign.MemorySegment.class, long.class)),
                FunctionDescriptor.of(Calls.RESULT, ValueLayout.JAVA_LONG));
        AtomicReference<Object> got = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                got.set(c.calls.callMethod(tab, 42, 0));
            } catch (Throwable e) {
                got.set(e);
            }
        });
        IN_SLOW.await();
        long t0 = System.nanoTime();
        c.rt.close();
        long waited = (System.nanoTime() - t0) / 1_000_000;
        t.join(20_000);
        assertEquals(new Calls.Result(1, 42), got.get(), "the method ran to its end on live memory");
        assertTrue(waited >= 100, "close waited for the call: " + waited + " ms");
        assertThrows(IllegalStateException.class, () -> c.calls.callMethod(tab, 42, 0));
        System.out.printf("close waited %d ms for a Java method using the runtime%n", waited);
    }

    static Tally race(List<Op> ops, int rounds, SplittableRandom random) throws Throwable {
        AtomicLong completed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        for (int round = 0; round < rounds; round++) {
            Ctx c = new Ctx();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            // set just before close(): from then on IllegalStateException is the right answer (the
            // call gate refuses calls as close's first step, before the runtime reads as closed)
            java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
            CountDownLatch running = new CountDownLatch(THREADS);
            long seed = random.nextLong();
            List<Thread> ts = new ArrayList<>();
            for (int k = 0; k < THREADS; k++) {
                int id = k;
                ts.add(Thread.ofPlatform().name("race-" + k).start(() -> {
                    SplittableRandom r = new SplittableRandom(seed + id);
                    long n = 0;
                    try {
                        while (!stop.get()) { // set only when a round failed: a thread that never sees ISE ends
                            Op op = ops.get(r.nextInt(ops.size()));
                            op.run(c, n++);
                            completed.incrementAndGet();
                            if (n == 64) {
                                running.countDown();
                            }
                        }
                    } catch (IllegalStateException e) {
                        if (!closing.get()) {
                            unexpected.compareAndSet(null, new AssertionError("IllegalStateException before close", e));
                        }
                        refused.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.compareAndSet(null, e);
                    } finally {
                        running.countDown(); // a thread that failed early does not hold the round up
                    }
                }));
            }
            running.await();
            long delay = random.nextLong(200_000); // close at a random point of the threads' work
            long until = System.nanoTime() + delay;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            closing.set(true);
            c.rt.close();
            for (Thread t : ts) {
                t.join(TimeUnit.SECONDS.toMillis(20));
                if (t.isAlive()) {
                    stop.set(true);
                    StringBuilder sb = new StringBuilder(t.getName() + " still running 20 s after close (hung):");
                    for (StackTraceElement e : t.getStackTrace()) {
                        sb.append("\n  at ").append(e);
                    }
                    fail(sb.toString());
                }
            }
            if (unexpected.get() != null) {
                throw new AssertionError("round " + round + ": " + unexpected.get(), unexpected.get());
            }
        }
        assertEquals((long) rounds * THREADS, refused.get(), "every thread ended with IllegalStateException");
        return new Tally(completed.get(), refused.get(), rounds);
    }
}
