package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.ObjSym;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.TypeWriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        /** Writes the package of {@code types} types and {@code ifaces} interfaces as Go 1.19's compiler would. */
        public static Synthetic of(int types, int ifaces) {
            return of(types, ifaces, GoRuntime.RELEASE);
        }

        /**
         * Writes the package of {@code types} types and {@code ifaces} interfaces as {@code release}'s
         * compiler would.
         *
         * @throws IllegalArgumentException if the type image does not follow that release
         */
        public static Synthetic of(int types, int ifaces, io.goheap.runtime.abi.GoRelease release) {
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
            TypeWriter w = new TypeWriter(main, false, release);
            ts.forEach(w::writeType);
            is.forEach(w::writeType);
            return new Synthetic(List.copyOf(ts), List.copyOf(is), List.copyOf(w.symbols().values()));
        }
    }

    private Stress() {
    }

    /** The most threads a run starts (they hold up to 512 Ps between them). */
    public static final int MAX_THREADS = 1024;
    /** The longest a run keeps asserting random pairs after the sweep: a day. */
    public static final double MAX_SECONDS = 86_400;
    /**
     * The most method-table entries the sweep's {@code itab.init} calls may walk: each pair's init walks
     * the type's methods (one per interface) to find the interface's one, so a sweep costs about
     * types x interfaces x interfaces steps; 2^30 of them take a few minutes.
     */
    public static final long MAX_INIT_STEPS = 1L << 30;

    /**
     * What a run of {@code types} x {@code ifaces} needs, computed before anything is allocated.
     *
     * @param rodata    bytes of {@code .rodata} the linked image uses: exactly what the {@link Linker} lays out
     *                  for {@link Synthetic#of} (type descriptors, names, the runtime's symbols, typelinks)
     * @param text      bytes of {@code .text}: a 32-byte function for each method and its pointer
     *                  wrapper, and the runtime's two equality functions
     * @param initSteps method-table entries the sweep's itab.init calls walk, at most
     * @param heap      bytes of Java heap the run needs, a measured upper bound (the symbols, the linker's
     *                  tables and the check at the end)
     */
    public record Footprint(long rodata, long text, long initSteps, long heap) {
        // sizes of what Synthetic.of writes, from the runtime structs goheap lays out
        private static final long COMMON = size("_type");
        private static final long UNCOMMON = size("uncommontype");
        private static final long METHOD = size("method");
        /** type.main.Tk: structtype, uncommontype, one structfield, then one method per interface */
        private static final long TYPE = size("structtype") + UNCOMMON + size("structfield");
        /** type.*main.Tk: ptrtype, uncommontype, then the same methods */
        private static final long PTR_TYPE = size("ptrtype") + UNCOMMON;
        /** type.func(main.Tk) int and type.func(*main.Tk) int: functype, receiver and result pointers; with their pointer types */
        private static final long METHOD_TYPES = 2 * (size("functype") + 2L * Long.BYTES) + 2 * size("ptrtype");
        /** type.main.Ik (interfacetype, uncommontype, one imethod) and type.*main.Ik */
        private static final long IFACE_TYPES = size("interfacetype") + UNCOMMON + size("imethod") + size("ptrtype");
        /**
         * Whatever the sizes: type.func() int (functype and one result) and its pointer type, and the
         * runtime's type.int (with an uncommontype) and type.*int.
         */
        private static final long FIXED_TYPES = (size("functype") + Long.BYTES) + size("ptrtype") + (COMMON + UNCOMMON) + size("ptrtype");
        /** namedata (a flags byte and a one-byte length, then the name): "main", "x", "*func() int", "*int" */
        private static final long FIXED_NAMES = (2 + 4) + (2 + 1) + (2 + 11) + (2 + 4);
        /** typelinks of func() int, *func() int and *int */
        private static final long FIXED_TYPELINKS = 3;
        /** after the types: runtime.gcbits. (empty), .01 and .02, padded to 8; memequal64·f and interequal·f */
        private static final long TAIL = 8 + 2 * Long.BYTES;
        /** the equality functions of the runtime in .text: memequal64, interequal */
        private static final long RUNTIME_FUNCTIONS = 2;

        /** Measured upper bounds of the Java heap a run holds (symbols, linker tables, the final check). */
        private static final long HEAP_BASE = 64L << 20;
        private static final long HEAP_PER_TYPE = 12L << 10;
        private static final long HEAP_PER_IFACE = 4L << 10;
        private static final long HEAP_PER_PAIR = 2L << 10;

        private static long size(String struct) {
            return io.goheap.runtime.abi.GoStructs.byName(struct).orElseThrow().size();
        }

        /**
         * The footprint of {@code types} x {@code ifaces} (each 1 to {@code Integer.MAX_VALUE}); a value
         * past {@code Long.MAX_VALUE} is {@code Long.MAX_VALUE}.
         */
        public static Footprint of(long types, long ifaces) {
            long n = types;
            long m = ifaces;
            long pairs = mul(n, m);
            // namedata: "*main.Tk", "*func(main.Tk) int", "*func(*main.Tk) int"; "*main.Ik", "Mk"
            long names = FIXED_NAMES + n * ((2 + 7) + (2 + 17) + (2 + 18)) + 3 * digits(n) + m * ((2 + 7) + (2 + 1)) + 2 * digits(m);
            long descriptors = add(FIXED_TYPES + n * (TYPE + PTR_TYPE + METHOD_TYPES) + m * IFACE_TYPES, mul(2 * METHOD, pairs));
            long typelinks = FIXED_TYPELINKS + 5 * n + m; // *Tk, both method types and their pointers; *Ik
            // the linker: runtime.types (8 bytes), the names (align 1), the descriptors (align 8, sizes multiples of 8),
            // the tail, the typelinks (4 bytes each), the empty itablinks (align 8)
            long rodata = align8(add(align8(8 + names) + TAIL + 4 * typelinks, descriptors));
            long text = mul(add(mul(2, pairs), RUNTIME_FUNCTIONS), Linker.FUNC_ALIGN);
            long heap = add(HEAP_BASE + n * HEAP_PER_TYPE + m * HEAP_PER_IFACE, mul(pairs, HEAP_PER_PAIR));
            return new Footprint(rodata, text, mul(pairs, m), heap);
        }

        private static long mul(long a, long b) {
            long hi = Math.multiplyHigh(a, b);
            long lo = a * b;
            return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
        }

        private static long add(long a, long b) {
            long r = a + b;
            return r < 0 ? Long.MAX_VALUE : r;
        }

        /** The first limit this footprint passes, as a phrase ("... over ..."), or null if it fits. */
        String over(long maxHeap) {
            if (text > io.goheap.runtime.image.Section.TEXT.capacity()) {
                return "the image needs " + text + " bytes of .text (a 32-byte function for each method and its pointer wrapper), over its "
                        + io.goheap.runtime.image.Section.TEXT.capacity() + " (64 MiB)";
            }
            if (rodata > io.goheap.runtime.image.Section.RODATA.capacity()) {
                return "the image needs " + rodata + " bytes of .rodata (type descriptors with a method entry for each interface), over its "
                        + io.goheap.runtime.image.Section.RODATA.capacity() + " (64 MiB)";
            }
            if (initSteps > MAX_INIT_STEPS) {
                return "itab.init would walk " + initSteps + " method-table entries (types x interfaces x interfaces), over goheap's limit of "
                        + MAX_INIT_STEPS + " (2^30, minutes of work)";
            }
            if (heap > maxHeap) {
                return "the run needs about " + (heap >> 20) + " MiB of Java heap, the JVM may use " + (maxHeap >> 20)
                        + " MiB (raise it, e.g. JDK_JAVA_OPTIONS=-Xmx" + ((heap >> 30) + 1) + "g)";
            }
            return null;
        }

        /** {@code x} rounded up to the pointer size (the linker's alignment of these symbols), saturating. */
        private static long align8(long x) {
            long word = Abi.PTR_SIZE;
            return x > Long.MAX_VALUE - word ? Long.MAX_VALUE : (x + word - 1) & -word;
        }

        /** The decimal digits of 0, 1, ..., n-1 together. */
        static long digits(long n) {
            long sum = 0;
            long lo = 0;
            for (int d = 1; lo < n; d++) {
                long hi = d == 1 ? 10 : lo * 10;
                sum += (Math.min(n, hi) - lo) * d;
                lo = hi;
            }
            return sum;
        }
    }

    /** An argument out of range: its name ({@code threads}, {@code types}, {@code interfaces}, {@code seconds}), value and why. */
    public record Violation(String argument, String value, String reason) {
    }

    /**
     * Checks a run's arguments before anything is allocated: threads 1..{@value #MAX_THREADS}, seconds
     * finite and 0..{@value #MAX_SECONDS}, types and interfaces at least 1 and together within what the
     * image's {@code .text} and {@code .rodata} hold, {@link #MAX_INIT_STEPS} and {@code maxHeap}
     * ({@link Footprint}).
     *
     * @return the first argument out of range, with the largest value that would fit, or null
     */
    public static Violation check(int threads, int types, int ifaces, double seconds, long maxHeap) {
        if (threads < 1 || threads > MAX_THREADS) {
            return new Violation("threads", Integer.toString(threads), "must be 1 to " + MAX_THREADS);
        }
        if (!(seconds >= 0 && seconds <= MAX_SECONDS)) { // NaN fails both
            return new Violation("seconds", Double.toString(seconds), "must be a number from 0 to " + (long) MAX_SECONDS + " (a day)");
        }
        if (types < 1) {
            return new Violation("types", Integer.toString(types), "must be at least 1");
        }
        if (ifaces < 1) {
            return new Violation("interfaces", Integer.toString(ifaces), "must be at least 1");
        }
        String over = Footprint.of(types, ifaces).over(maxHeap);
        if (over == null) {
            return null;
        }
        String least = Footprint.of(1, 1).over(maxHeap);
        if (least != null) {
            return new Violation("types", Integer.toString(types), "even 1 type with 1 interface: " + least);
        }
        String alone = Footprint.of(types, 1).over(maxHeap);
        if (alone != null) {
            return new Violation("types", Integer.toString(types), "even with 1 interface " + alone + "; at most "
                    + most(types, n -> Footprint.of(n, 1).over(maxHeap) == null) + " types fit");
        }
        alone = Footprint.of(1, ifaces).over(maxHeap);
        if (alone != null) {
            return new Violation("interfaces", Integer.toString(ifaces), "even with 1 type " + alone + "; at most "
                    + most(ifaces, m -> Footprint.of(1, m).over(maxHeap) == null) + " interfaces fit");
        }
        return new Violation("types", Integer.toString(types), "with " + ifaces + " interfaces " + over + "; at most "
                + most(types, n -> Footprint.of(n, ifaces).over(maxHeap) == null) + " types fit with " + ifaces + " interfaces");
    }

    /** The largest k in 1..limit with {@code fits(k)} ({@code fits} is true at 1, false at limit, monotone). */
    private static long most(long limit, java.util.function.LongPredicate fits) {
        long lo = 1;
        long hi = limit;
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (fits.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Runs it in a fresh runtime of {@code (threads + 1) / 2} Ps. */
    public static Report run(int threads, int types, int ifaces, double seconds) throws InterruptedException {
        return run(threads, types, ifaces, seconds, rt -> { });
    }

    /**
     * As {@link #run(int, int, int, double)}, handing the runtime to {@code atEnd} (say, to dump it) before it closes.
     *
     * @throws IllegalArgumentException if {@link #check} refuses the arguments (with the JVM's heap limit)
     */
    public static Report run(int threads, int types, int ifaces, double seconds, java.util.function.Consumer<GoRuntime> atEnd)
            throws InterruptedException {
        return run(GoRuntime.RELEASE, threads, types, ifaces, seconds, atEnd);
    }

    /**
     * As {@link #run(int, int, int, double, java.util.function.Consumer)} in a runtime of Go {@code release}.
     *
     * @throws IllegalArgumentException if {@link #check} refuses the arguments, or the release is not simulated
     */
    public static Report run(io.goheap.runtime.abi.GoRelease release, int threads, int types, int ifaces, double seconds,
                             java.util.function.Consumer<GoRuntime> atEnd) throws InterruptedException {
        Violation bad = check(threads, types, ifaces, seconds, Runtime.getRuntime().maxMemory());
        if (bad != null) {
            throw new IllegalArgumentException(bad.argument() + "=" + bad.value() + ": " + bad.reason());
        }
        Synthetic pkg = Synthetic.of(types, ifaces, release);
        io.goheap.runtime.types.SymbolNames names = io.goheap.runtime.types.SymbolNames.of(release);
        try (GoRuntime rt = GoRuntime.start(release, Math.max(1, (threads + 1) / 2))) {
            Linker l = rt.link(pkg.symbols());
            Itabs it = rt.itabs();
            long[] tAddr = pkg.types().stream().mapToLong(t -> l.address(names.type(t.linkString()))).toArray();
            long[] iAddr = pkg.ifaces().stream().mapToLong(t -> l.address(names.type(t.linkString()))).toArray();
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
            // each entry's pair by index (inter*31 + type as a key collided for distinct pairs and counted them twice)
            Map<Long, Integer> typeIndex = new java.util.HashMap<>();
            Map<Long, Integer> ifaceIndex = new java.util.HashMap<>();
            for (int k = 0; k < tAddr.length; k++) {
                typeIndex.put(tAddr[k], k);
            }
            for (int k = 0; k < iAddr.length; k++) {
                ifaceIndex.put(iAddr[k], k);
            }
            java.util.BitSet seen = new java.util.BitSet();
            long distinct = 0;
            long duplicates = 0;
            Map<Long, Long> probes = new TreeMap<>();
            long mask = table.size() - 1;
            for (long[] e : entries) {
                ItabView v = new ItabView(l.module(), e[1]);
                Integer ti = typeIndex.get(v.type().address());
                Integer ii = ifaceIndex.get(v.inter().address());
                int bit = ti == null || ii == null ? -1 : Math.toIntExact((long) ti * ifaces + ii);
                if (bit < 0 || seen.get(bit)) {
                    duplicates++; // again, or not one of the run's pairs at all
                } else {
                    seen.set(bit);
                    distinct++;
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
            Report report = new Report(table.size(), table.count(), distinct, duplicates, missing, table.grows(),
                    ops.get() / secs, ops.get(), new LinkedHashMap<>(probes));
            atEnd.accept(rt);
            return report;
        }
    }
}
