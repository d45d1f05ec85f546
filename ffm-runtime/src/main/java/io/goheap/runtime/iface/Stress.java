package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.ObjSym;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.TypeWriter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Concurrent {@code getitab} over N types x M interfaces: a package of types {@code T0..} with methods
 * {@code M0..}, and one-method interfaces {@code I0..}, is written, linked and then asserted from several
 * threads in random order (threads with even ids hold a P, the others take the global paths), until
 * every pair was asked for at least once and the time is up. Afterwards the table is checked: every
 * itab present exactly once, found by {@code find}, count exact.
 */
public final class Stress {
    /** What a run measured. */
    public record Report(long size, long count, long distinct, long duplicates, long missing, int grows,
                         double opsPerSecond, long ops, Map<Long, Long> probeLengths) {
    }

    /**
     * The workload's package: named types {@code T0..} (a struct with one int field) each with methods
     * {@code M0..M(ifaces-1)} of type {@code func() int}, interfaces {@code I0..} with the one method
     * {@code Mi} each, and the symbols that {@link TypeWriter} emitted for all of them, ready to link.
     */
    public record Synthetic(List<GoType.Named> types, List<GoType.Named> ifaces, List<ObjSym> symbols) {
        /** Writes the package of {@code types} types and {@code ifaces} interfaces. */
        public static Synthetic of(int types, int ifaces) {
            Pkg main = Pkg.MAIN;
            GoType.Func sig = new GoType.Func(List.of(), List.of(GoType.Basic.of("int")), false);
            List<GoType.Named> is = new ArrayList<>();
            for (int i = 0; i < ifaces; i++) {
                is.add(new GoType.Named(main, "I" + i).underlying(new GoType.Interface(List.of(new GoType.IMethod("M" + i, sig, main)))));
            }
            List<GoType.Named> ts = new ArrayList<>();
            for (int t = 0; t < types; t++) {
                GoType.Named n = new GoType.Named(main, "T" + t).underlying(new GoType.Struct(List.of(
                        new GoType.Field("x", GoType.Basic.of("int"), false, "", main))));
                for (int i = 0; i < ifaces; i++) {
                    n.method("M" + i, sig, false);
                }
                ts.add(n);
            }
            TypeWriter w = new TypeWriter(main);
            ts.forEach(w::writeType);
            is.forEach(w::writeType);
            return new Synthetic(List.copyOf(ts), List.copyOf(is), List.copyOf(w.symbols().values()));
        }
    }

    private Stress() {
    }

    /** Runs it in a fresh runtime of {@code threads} Ps... at least 1. */
    public static Report run(int threads, int types, int ifaces, double seconds) throws InterruptedException {
        return run(threads, types, ifaces, seconds, rt -> { });
    }

    /** As {@link #run(int, int, int, double)}, handing the runtime to {@code atEnd} (say, to dump it) before it closes. */
    public static Report run(int threads, int types, int ifaces, double seconds, java.util.function.Consumer<GoRuntime> atEnd)
            throws InterruptedException {
        if (threads < 1 || types < 1 || ifaces < 1 || seconds < 0) {
            throw new IllegalArgumentException("threads=" + threads + " types=" + types + " interfaces=" + ifaces + " seconds=" + seconds);
        }
        Synthetic pkg = Synthetic.of(types, ifaces);
        try (GoRuntime rt = GoRuntime.start(Math.max(1, (threads + 1) / 2))) {
            Linker l = rt.link(pkg.symbols());
            Itabs it = rt.itabs();
            long[] tAddr = pkg.types().stream().mapToLong(t -> l.address(t.symbol())).toArray();
            long[] iAddr = pkg.ifaces().stream().mapToLong(t -> l.address(t.symbol())).toArray();
            long pairs = (long) types * ifaces;
            AtomicLong ops = new AtomicLong();
            AtomicLong next = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            List<Thread> workers = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int id = k;
                workers.add(Thread.ofPlatform().name("getitab-" + k).start(() -> {
                    SplittableRandom r = new SplittableRandom(id * 7919L);
                    long done = 0;
                    try {
                        while (true) {
                            // first a shared sweep hands out every pair once, then random pairs until the deadline
                            long seq = next.getAndIncrement();
                            long pair = seq < pairs ? (seq * 7_919L) % pairs : r.nextLong(pairs);
                            if (seq >= pairs && System.nanoTime() > deadline) {
                                break;
                            }
                            P p = id % 2 == 0 ? rt.procs().acquire() : null;
                            try {
                                if (it.getitab(iAddr[(int) (pair % ifaces)], tAddr[(int) (pair / ifaces)], false) == 0) {
                                    throw new AssertionError("no itab");
                                }
                            } finally {
                                if (p != null) {
                                    p.close();
                                }
                            }
                            done++;
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        ops.addAndGet(done);
                    }
                }));
            }
            for (Thread t : workers) {
                t.join();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("a getitab thread failed: " + failure.get(), failure.get());
            }
            ItabTable table = it.table();
            List<long[]> entries = table.entries();
            Set<Long> seen = new HashSet<>();
            long duplicates = 0;
            Map<Long, Long> probes = new TreeMap<>();
            long mask = table.size() - 1;
            for (long[] e : entries) {
                ItabView v = new ItabView(l.module(), e[1]);
                long key = v.inter().address() * 31 + v.type().address();
                if (!seen.add(key)) {
                    duplicates++;
                }
                long h = (Integer.toUnsignedLong(v.inter().type().hash() ^ v.type().hash())) & mask;
                long len = 1;
                for (long i = 1; h != e[0]; i++) {
                    h = (h + i) & mask;
                    len++;
                }
                probes.merge(len, 1L, Long::sum);
            }
            long missing = 0;
            for (long i : iAddr) {
                for (long t : tAddr) {
                    if (table.find(i, t) == 0) {
                        missing++;
                    }
                }
            }
            Report report = new Report(table.size(), table.count(), seen.size(), duplicates, missing, table.grows(),
                    ops.get() / secs, ops.get(), new LinkedHashMap<>(probes));
            atEnd.accept(rt);
            return report;
        }
    }
}
