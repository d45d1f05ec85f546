package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.iface.Itabs;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.Space;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/*
 * Question: where does the time of the itab find go — in the probe, or in the checked access to each word?
 * The same probe over the same table of 557 pairs, read six ways:
 *   live_    ItabProbe.find over the runtime's LiveMemory: window segments, shared arena (what goheap ships);
 *   shared_  ItabProbe.find over the same two spaces as plain shared-arena segments in instance fields;
 *   global_  ItabProbe.find over the same two spaces as global-scope segments in static finals;
 *   direct_  the probe written out against shared_'s segments: no GoMemory interface, one compiled method;
 *   constshared_ the same against shared-arena segments in static finals: constant base and bounds, the
 *            session's liveness still checked (what views the JIT could treat as constants would give);
 *   floor_   the probe written out against global_'s static finals: the JIT folds base and bounds, there is
 *            no liveness check and no interface. Unsafe to ship (a close could unmap memory a reader is in):
 *            the best code C2 makes of FFM access, the floor for any safe design.
 * live_, shared_ and global_ share ItabProbe.find, whose call sites then see three GoMemory classes (in the
 * runtime they see one or two): compare them with each other, and the floor with direct_. The probe is
 * written out three times on purpose (direct_, constshared_, floor_): one shared method is compiled alone,
 * too large to inline, and the static finals it is handed stop being constants.
 *
 * Pitfalls avoided: one pair repeated (no cache misses, no hash-dependent probe lengths); every result
 * returned; the segments of shared_/global_ are bounded to the runtime's reserved spaces and dropped
 * before the runtime closes.
 *
 * How to run: benchmarks/run.sh AccessFloorBenchmark -f 3
 * Results: benchmarks/README.md, "The comparison against Go, C and the JDK" (why find misses its target).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AccessFloorBenchmark {
    /** The runtime the static-final segments of Global cover; set before Global is first touched. */
    static volatile GoRuntime pending;

    private GoRuntime rt;
    private long table;
    private long inter;
    private long type;
    private GoMemory live;
    private GoMemory shared;
    private GoMemory global;
    private Arena arena;

    @Setup(Level.Trial)
    public void setUp() {
        rt = GoRuntime.start(1);
        Workload w = Workload.link(rt, 557);
        Itabs itabs = rt.itabs();
        for (int j = 0; j < w.pairs; j++) {
            itabs.getitab(w.inters[j], w.typeOf[j], false);
        }
        table = itabs.table().current();
        inter = w.inters[0];
        type = w.typeOf[0];
        live = rt.sys().memory();
        arena = Arena.ofShared();
        Space a = rt.sys().osSpace();
        Space b = rt.sys().heapSpace();
        shared = new TwoSegments(a.base(), reinterpret(a, arena), b.base(), reinterpret(b, arena));
        pending = rt;
        global = new Global();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        SharedConst.ARENA.close();
        rt.close();
    }

    // Bounded to the space this process reserved and knows the size of; only committed pages are read.
    @SuppressWarnings("restricted")
    private static MemorySegment reinterpret(Space s, Arena arena) {
        MemorySegment at = MemorySegment.ofAddress(s.base());
        return arena == null ? at.reinterpret(s.size()) : at.reinterpret(s.size(), arena, null);
    }

    @Benchmark
    public long live_find() {
        return ItabProbe.find(live, table, inter, type);
    }

    @Benchmark
    public long shared_find() {
        return ItabProbe.find(shared, table, inter, type);
    }

    @Benchmark
    public long direct_find() {
        return directFind((TwoSegments) shared, table, inter, type);
    }

    /** The probe of ItabProbe.find over two segments held in fields (offsets of Go 1.19's itabTableType and itab). */
    static long directFind(TwoSegments m, long t, long inter, long typ) {
        MemorySegment a = m.a, b = m.b;
        long ba = m.baseA, bb = m.baseB;
        long mask = TwoSegments.get64(a, ba, b, bb, t) - 1;
        long h = Integer.toUnsignedLong(TwoSegments.get32(a, ba, b, bb, inter + ItabProbe.TYPE_HASH) ^ TwoSegments.get32(a, ba, b, bb, typ + ItabProbe.TYPE_HASH)) & mask;
        for (long i = 1; i <= mask + 1; i++) {
            long e = TwoSegments.get64Acquire(a, ba, b, bb, t + ItabProbe.ENTRIES + h * ItabProbe.PTR);
            if (e == 0) {
                return 0;
            }
            if (TwoSegments.get64(a, ba, b, bb, e + ItabDescriptor.INTER_OFFSET) == inter && TwoSegments.get64(a, ba, b, bb, e + ItabDescriptor.TYPE_OFFSET) == typ) {
                return e;
            }
            h = (h + i) & mask;
        }
        return 0;
    }

    /** The probe written out against the global segments: no interface, no liveness check, constant bounds. */
    @Benchmark
    public long floor_find() {
        return Global.find(table, inter, type);
    }

    /** The probe written out against shared-arena segments in static finals: constant bounds, liveness checked. */
    @Benchmark
    public long constshared_find() {
        return SharedConst.find(table, inter, type);
    }

    @Benchmark
    public long global_find() {
        return ItabProbe.find(global, table, inter, type);
    }

    /** Two segments in instance fields; only what the probe reads is implemented. */
    static class TwoSegments implements GoMemory {
        @Override
        public void ensureOpen() {
        }

        private final long baseA;
        private final MemorySegment a;
        private final long baseB;
        private final MemorySegment b;

        TwoSegments(long baseA, MemorySegment a, long baseB, MemorySegment b) {
            this.baseA = baseA;
            this.a = a;
            this.baseB = baseB;
            this.b = b;
        }

        @Override public long u64(long addr) {
            return get64(a, baseA, b, baseB, addr);
        }

        @Override public int u32(long addr) {
            return get32(a, baseA, b, baseB, addr);
        }

        @Override public long u64Acquire(long addr) {
            return get64Acquire(a, baseA, b, baseB, addr);
        }

        // The reads, shared by both classes: inlined into Global, its static finals make them constants.
        static long get64(MemorySegment a, long baseA, MemorySegment b, long baseB, long addr) {
            long o = addr - baseA;
            return Long.compareUnsigned(o, a.byteSize() - 8) <= 0 ? a.get(ValueLayout.JAVA_LONG_UNALIGNED, o)
                    : b.get(ValueLayout.JAVA_LONG_UNALIGNED, addr - baseB);
        }

        static int get32(MemorySegment a, long baseA, MemorySegment b, long baseB, long addr) {
            long o = addr - baseA;
            return Long.compareUnsigned(o, a.byteSize() - 4) <= 0 ? a.get(ValueLayout.JAVA_INT_UNALIGNED, o)
                    : b.get(ValueLayout.JAVA_INT_UNALIGNED, addr - baseB);
        }

        static long get64Acquire(MemorySegment a, long baseA, MemorySegment b, long baseB, long addr) {
            long o = addr - baseA;
            return Long.compareUnsigned(o, a.byteSize() - 8) <= 0 ? (long) ACQ.getAcquire(a, o) : (long) ACQ.getAcquire(b, addr - baseB);
        }

        static final java.lang.invoke.VarHandle ACQ = ValueLayout.JAVA_LONG.varHandle();

        @Override public String describe() { return "two segments"; }
        @Override public MemorySegment slice(long addr, long len) { throw new UnsupportedOperationException(); }
        @Override public boolean contains(long addr, long len) { throw new UnsupportedOperationException(); }
        @Override public int u8(long addr) { throw new UnsupportedOperationException(); }
        @Override public int u16(long addr) { throw new UnsupportedOperationException(); }
        @Override public int u32Acquire(long addr) { throw new UnsupportedOperationException(); }
        @Override public long u64Opaque(long addr) { throw new UnsupportedOperationException(); }
        @Override public void setU8(long addr, int v) { throw new UnsupportedOperationException(); }
        @Override public void setU16(long addr, int v) { throw new UnsupportedOperationException(); }
        @Override public void setU32(long addr, int v) { throw new UnsupportedOperationException(); }
        @Override public void setU64(long addr, long v) { throw new UnsupportedOperationException(); }
        @Override public void setU32Release(long addr, int v) { throw new UnsupportedOperationException(); }
        @Override public void setU64Release(long addr, long v) { throw new UnsupportedOperationException(); }
        @Override public void setU64Opaque(long addr, long v) { throw new UnsupportedOperationException(); }
        @Override public boolean casU32(long addr, int e, int u) { throw new UnsupportedOperationException(); }
        @Override public boolean casU64(long addr, long e, long u) { throw new UnsupportedOperationException(); }
    }

    /** The same two spaces as shared-arena segments in static finals: what a class per runtime holding its views as constants would read through. */
    static final class SharedConst {
        static final Arena ARENA = Arena.ofShared();
        private static final long BASE_A = pending.sys().osSpace().base();
        private static final MemorySegment A = reinterpret(pending.sys().osSpace(), ARENA);
        private static final long BASE_B = pending.sys().heapSpace().base();
        private static final MemorySegment B = reinterpret(pending.sys().heapSpace(), ARENA);

        static long find(long t, long inter, long typ) {
            long mask = TwoSegments.get64(A, BASE_A, B, BASE_B, t) - 1;
            long h = Integer.toUnsignedLong(TwoSegments.get32(A, BASE_A, B, BASE_B, inter + ItabProbe.TYPE_HASH) ^ TwoSegments.get32(A, BASE_A, B, BASE_B, typ + ItabProbe.TYPE_HASH)) & mask;
            for (long i = 1; i <= mask + 1; i++) {
                long e = TwoSegments.get64Acquire(A, BASE_A, B, BASE_B, t + ItabProbe.ENTRIES + h * ItabProbe.PTR);
                if (e == 0) {
                    return 0;
                }
                if (TwoSegments.get64(A, BASE_A, B, BASE_B, e + ItabDescriptor.INTER_OFFSET) == inter && TwoSegments.get64(A, BASE_A, B, BASE_B, e + ItabDescriptor.TYPE_OFFSET) == typ) {
                    return e;
                }
                h = (h + i) & mask;
            }
            return 0;
        }
    }

    /** The same two spaces as global-scope segments in static finals (JIT constants). */
    static final class Global extends TwoSegments {
        private static final long BASE_A = pending.sys().osSpace().base();
        private static final MemorySegment A = reinterpret(pending.sys().osSpace(), null);
        private static final long BASE_B = pending.sys().heapSpace().base();
        private static final MemorySegment B = reinterpret(pending.sys().heapSpace(), null);

        Global() {
            super(BASE_A, A, BASE_B, B);
        }

        static long find(long t, long inter, long typ) {
            long mask = get64(A, BASE_A, B, BASE_B, t) - 1;
            long h = Integer.toUnsignedLong(get32(A, BASE_A, B, BASE_B, inter + ItabProbe.TYPE_HASH) ^ get32(A, BASE_A, B, BASE_B, typ + ItabProbe.TYPE_HASH)) & mask;
            for (long i = 1; i <= mask + 1; i++) {
                long e = get64Acquire(A, BASE_A, B, BASE_B, t + ItabProbe.ENTRIES + h * ItabProbe.PTR);
                if (e == 0) {
                    return 0;
                }
                if (get64(A, BASE_A, B, BASE_B, e + ItabDescriptor.INTER_OFFSET) == inter && get64(A, BASE_A, B, BASE_B, e + ItabDescriptor.TYPE_OFFSET) == typ) {
                    return e;
                }
                h = (h + i) & mask;
            }
            return 0;
        }

        @Override public long u64(long addr) {
            return get64(A, BASE_A, B, BASE_B, addr);
        }

        @Override public int u32(long addr) {
            return get32(A, BASE_A, B, BASE_B, addr);
        }

        @Override public long u64Acquire(long addr) {
            return get64Acquire(A, BASE_A, B, BASE_B, addr);
        }
    }
}
