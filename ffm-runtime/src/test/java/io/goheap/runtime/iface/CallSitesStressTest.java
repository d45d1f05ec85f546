package io.goheap.runtime.iface;

import io.goheap.runtime.alloc.P;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads asserting and switching on random types through shared sites while the caches are rebuilt
 * under them: every result equals getitab's, and every cache left behind is valid. The rebuild gates
 * pass far more often than Go's (each one time in 8, see {@link #oneIn8()}) so that rebuilds, and CASes
 * lost to another thread's, happen all the time; a new set of sites (in the heap) replaces the shared one every
 * {@code ROUND} operations of thread 0, so caches keep being built from empty. Both probe starts are
 * run: from the type's hash (an empty interface) and from a getitab-built itab's hash 0 (a non-empty one).
 * {@code -Dgoheap.stress.callSitesThreads=T} (default 4), {@code -Dgoheap.stress.callSitesSeconds=S}
 * (default 0.5).
 */
class CallSitesStressTest extends NativeMemoryTest {
    static final int TYPES = 200;
    static final int ROUND = 20_000;

    record Sites(CallSites.TypeAssert must, CallSites.TypeAssert may, CallSites.InterfaceSwitch sw) {
    }

    @Test
    void threadsAgreeWithGetitabWhileCachesAreRebuilt() throws Exception {
        int threads = Integer.getInteger("goheap.stress.callSitesThreads", 4);
        double seconds = Double.parseDouble(System.getProperty("goheap.stress.callSitesSeconds", "0.5"));
        try (SiteWorld w = new SiteWorld(TYPES, threads)) {
            CallSites cs = w.rt.callSites().withRand(oneIn8());
            // a non-empty interface value per type: its I0 itab, static (the type's hash) for even types,
            // built by getitab (hash 0) for odd ones
            long[] srcTab = w.tabI0;
            AtomicReference<Sites> current = new AtomicReference<>(fresh(cs, w));
            List<Sites> all = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(current.get()));
            AtomicLong ops = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong deadlineAt = new AtomicLong();
            // the clock starts when every thread holds its P
            CyclicBarrier start = new CyclicBarrier(threads, () -> deadlineAt.set(System.nanoTime() + (long) (seconds * 1e9)));
            List<Thread> ts = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int id = k;
                Thread t = new Thread(() -> {
                    try (P _ = w.rt.procs().acquire()) {
                        SplittableRandom r = new SplittableRandom(id);
                        CallSites.Match m = new CallSites.Match();
                        start.await();
                        long deadline = deadlineAt.get();
                        long n = 0;
                        while (System.nanoTime() < deadline && failure.get() == null) {
                            Sites s = current.get();
                            for (int i = 0; i < 1000; i++, n++) {
                                int ti = r.nextInt(TYPES);
                                long typ = w.types[ti];
                                boolean iface = (i & 1) == 1;
                                long got = iface ? s.must.onIface(srcTab[ti]) : s.must.onEface(typ);
                                check(w.tabI0[ti], got, "must", ti);
                                got = iface ? s.may.onIface(srcTab[ti]) : s.may.onEface(typ);
                                check(w.tabI1[ti], got, "may", ti);
                                int kase = iface ? s.sw.onIface(srcTab[ti], m) : s.sw.onEface(typ, m);
                                check(w.tabI1[ti] != 0 ? 0 : 1, kase, "switch case", ti);
                                check(w.tabI1[ti] != 0 ? w.tabI1[ti] : w.tabI0[ti], m.itab(), "switch itab", ti);
                            }
                            if (id == 0 && n % ROUND == 0) {
                                Sites next = fresh(cs, w);
                                all.add(next);
                                current.set(next);
                            }
                        }
                        ops.addAndGet(n);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "callsites-" + k);
                ts.add(t);
                t.start();
            }
            for (Thread t : ts) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            int entries = 0;
            for (Sites s : all) {
                entries += w.checkAssertCache(cs, s.must.cache(), w.tabI0, false);
                entries += w.checkAssertCache(cs, s.may.cache(), w.tabI1, false);
                entries += w.checkSwitchCache(cs, s.sw.cache(), false);
            }
            assertTrue(cs.rebuilds() > 0, "caches were rebuilt");
            assertTrue(entries > 0);
            System.out.printf("call-site stress: %d threads, %d ops (x3 sites), %d site sets, %d slow paths, %d rebuilds, %d CAS lost%n",
                    threads, ops.get(), all.size(), cs.slowPaths(), cs.rebuilds(), cs.lostCas());
        }
    }

    /**
     * Draws that are 0 one time in 8 and never 0 mod 1024 otherwise: a slow path rebuilds one time in 64,
     * whatever the mask. Go's rate (1 in 1024, then 1 in Mask + 1) would leave the caches nearly empty in
     * a short run; 1 in 1 ({@link CheapRand#ZERO}) lets a site whose probe starts at a wrong hash (the
     * odd types' hash-0 itabs) add a duplicate on every miss and rebuild an ever larger table.
     */
    private static CheapRand oneIn8() {
        CheapRand r = CheapRand.perThread();
        return () -> {
            int v = r.next();
            return (v & 7) == 0 ? 0 : v | 1;
        };
    }

    private static Sites fresh(CallSites cs, SiteWorld w) {
        return new Sites(cs.typeAssertInHeap(w.i0, false), cs.typeAssertInHeap(w.i1, true), cs.interfaceSwitchInHeap(w.i1, w.i0));
    }

    private static void check(long want, long got, String what, int t) {
        if (want != got) {
            assertEquals(want, got, what + " of T" + t);
        }
    }
}
