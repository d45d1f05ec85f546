package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItabsTest extends NativeMemoryTest {

    @Test
    void staticItabsAreInTheTableAndGetitabBuildsTheRest() throws Exception {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Linker l = rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/shapes"))));
            Itabs it = rt.itabs();
            ItabTable t = it.table();
            assertEquals(8, t.count(), "itabsinit added the 8 static itabs");
            long stringer = l.address("type.main.Stringer");
            long celsius = l.address("type.main.Celsius");
            assertEquals(l.address("go.itab.main.Celsius,main.Stringer"), t.find(stringer, celsius));
            assertEquals(l.address("go.itab.main.Celsius,main.Stringer"), it.getitab(stringer, celsius, false));

            long valuer = l.address("type.main.Valuer");
            long ptrCounter = l.address("type.*main.Counter");
            assertEquals(0, t.find(valuer, ptrCounter));
            long m = it.getitab(valuer, ptrCounter, false);
            assertTrue(rt.persistentAlloc().inPersistentAlloc(m), "built in persistentalloc memory");
            ItabView v = new ItabView(l.module(), m);
            assertEquals(0, v.hash(), "getitab's itabs carry hash 0");
            assertEquals(l.address("main.(*Counter).Value"), v.fun(0));
            assertEquals(m, it.getitab(valuer, ptrCounter, false), "found the second time");
            assertEquals(9, t.count());

            long shape = l.address("type.main.Shape");
            TypeAssertionError e = assertThrows(TypeAssertionError.class, () -> it.getitab(shape, celsius, false));
            assertEquals("interface conversion: main.Celsius is not main.Shape: missing method Dist", e.getMessage());
            assertEquals(0, it.getitab(shape, celsius, true));
            assertEquals(10, t.count(), "the negative result is cached once");
            long neg = t.find(shape, celsius);
            assertEquals(0, new ItabView(l.module(), neg).fun(0), "fun[0] == 0 marks it negative");
            // a value Counter lacks Inc (pointer receiver): IncValuer is only implemented by *Counter
            long incValuer = l.address("type.main.IncValuer");
            assertEquals("interface conversion: main.Counter is not main.IncValuer: missing method Inc",
                    assertThrows(TypeAssertionError.class, () -> it.getitab(incValuer, l.address("type.main.Counter"), false)).getMessage());
        }
    }

    @Test
    void concurrentGetitabGrowsTheTableAndLosesNothing() throws Exception {
        int types = Integer.getInteger("goheap.stress.itabTypes", 64);
        int ifaces = Integer.getInteger("goheap.stress.itabIfaces", 32);
        int threads = Integer.getInteger("goheap.stress.itabThreads", 4);
        Stress.Synthetic pkg = Stress.Synthetic.of(types, ifaces);
        try (GoRuntime rt = GoRuntime.start(2)) {
            Linker l = rt.link(pkg.symbols());
            Itabs it = rt.itabs();
            long[] tAddr = pkg.types().stream().mapToLong(t -> l.address(t.symbol())).toArray();
            long[] iAddr = pkg.ifaces().stream().mapToLong(t -> l.address(t.symbol())).toArray();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> ts = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int id = k;
                ts.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom r = new SplittableRandom(id);
                    try {
                        for (int n = 0; n < 3 * types * ifaces; n++) {
                            var p = id % 2 == 0 ? rt.procs().acquire() : null; // half the threads without a P
                            try {
                                long m = it.getitab(iAddr[r.nextInt(ifaces)], tAddr[r.nextInt(types)], false);
                                assertNotEquals(0, m);
                            } finally {
                                if (p != null) {
                                    p.close();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertNull(failure.get(), () -> "failed: " + failure.get());
            // make sure every pair exists, then check the table
            for (long i : iAddr) {
                for (long t : tAddr) {
                    it.getitab(i, t, false);
                }
            }
            ItabTable table = it.table();
            List<long[]> entries = table.entries();
            Set<String> pairs = new HashSet<>();
            for (long[] e : entries) {
                ItabView v = new ItabView(l.module(), e[1]);
                assertTrue(pairs.add(v.inter().address() + "," + v.type().address()), "an itab present twice");
                assertEquals(e[1], table.find(v.inter().address(), v.type().address()), "find finds every itab");
            }
            assertEquals(types * ifaces, pairs.size(), "every pair present exactly once");
            assertEquals(types * ifaces, table.count());
            long size = table.size();
            assertTrue(Long.bitCount(size) == 1 && table.count() < 3 * (size / 4) + 1, "size " + size);
            System.out.printf("getitab stress: %d threads, %d pairs, table size %d after %d grows, count %d%n",
                    threads, types * ifaces, size, table.grows(), table.count());
        }
    }
}
