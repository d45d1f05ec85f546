package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.iface.Assert;
import io.goheap.runtime.iface.Calls;
import io.goheap.runtime.iface.Conv;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.iface.Itabs;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.sys.SysStat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/*
 * Question: what do goheap's interface operations cost, next to their peers on the same workload — the
 * itabTable find (hit, one pair repeated, miss) against the C probe and ConcurrentHashMap.get on the
 * same keys; getitab, assertE2I/E2I2/I2I and a type switch against Go's own; convT16/32/64/string/slice
 * and a small mallocgc against Go's; a call through fun[k] against a critical downcall of the same code —
 * at 557, 100,000 and 1,000,000 distinct (interface, type) pairs (see Workload), in the runtime of each Go
 * release (-p go=1.N, default 1.19)?
 *
 * Each release as it compiles: from Go 1.22, e.(I) is a probe of the site's call-site cache (then
 * runtime.typeAssert on a miss), so assertE2I, assertE2I_one and assertE2I2 go through one CallSites site
 * per interface (and one per interface for the ok form), filled before the timer; up to 1.21 they call
 * runtime.assertE2I/assertE2I2. Go's own loops, built by that release's toolchain, do the same.
 *
 * Pitfalls avoided: the pairs cycle in the order Go's generated loops use (no constant folding of one
 * key; the "_one" variants repeat a single pair on purpose, as Go's AssertE2I benchmark does); every
 * result is returned; the table is built in setup, so find/assert measure the hit path; the allocating
 * benchmarks (convT large, mallocgc) get a fresh runtime every iteration (Alloc), because goheap has no
 * collector and a second of 10 ns allocations would otherwise pile up gigabytes. -prof gc gives the Java
 * heap allocation per op: 0 B/op is part of the claim for every fast path.
 *
 * How to run: benchmarks/run.sh IfaceBenchmark -prof gc ; all peers in one run: benchmarks/compare.sh
 * Results: benchmarks/README.md, "The comparison against Go, C and the JDK".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class IfaceBenchmark {
    @Param({"557", "100000", "1000000"})
    int pairs;

    /** The Go release the runtime simulates ({@code -p go=1.27}; benchmarks/compare.sh --go). */
    @Param({"1.19"})
    String go;

    private GoRuntime rt;
    private Workload w;
    private P p;
    private ItabTable table;
    private Itabs itabs;
    private Assert asserts;
    private Calls calls;
    private long[] tabs;
    private Long[] keys;
    private Assert.TypeSwitch typeSwitch;
    private ConcurrentHashMap<Long, Long> chm;
    private long fun0;
    private int i;
    /** Go 1.22+: the call-site cache of e.(I<k>) and of e.(I<k>) with ok, per interface; null before 1.22 */
    private io.goheap.runtime.iface.CallSites.TypeAssert[] sites;
    private io.goheap.runtime.iface.CallSites.TypeAssert[] sites2;

    /** long f(long receiver), critical: the peer of a call through fun[k] */
    @SuppressWarnings("restricted") // unbound; called only with the address of a linked function
    private static final MethodHandle CRITICAL = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.critical(false));

    @Setup(Level.Trial)
    public void setUp() {
        rt = GoRuntime.start(io.goheap.runtime.abi.GoRelease.parse(go), 1);
        w = Workload.link(rt, pairs);
        p = rt.procs().acquire();
        itabs = rt.itabs();
        table = itabs.table();
        asserts = rt.asserts();
        calls = w.rt.calls();
        tabs = new long[pairs];
        keys = new Long[pairs];
        chm = new ConcurrentHashMap<>();
        for (int j = 0; j < pairs; j++) {
            tabs[j] = itabs.getitab(w.inters[j], w.typeOf[j], false);
            keys[j] = w.inters[j] * 31 + w.typeOf[j];
            chm.put(keys[j], tabs[j]);
        }
        typeSwitch = asserts.typeSwitch(w.typeAddr[0], w.typeAddr[Math.min(1, w.types - 1)], w.typeAddr[Math.min(2, w.types - 1)],
                w.typeAddr[Math.min(3, w.types - 1)]);
        fun0 = rt.sys().memory().u64(tabs[0] + ItabDescriptor.funOffset(0));
        if (rt.release().minor() >= 22) {
            // From Go 1.22, e.(I) is compiled as a probe of the site's cache and runtime.typeAssert on a
            // miss (assertE2I is no longer called): one site per interface, as Go's generated assertI<k>
            // functions have, and the ok form its own site (CanFail). Filled before the timer, every miss
            // let through the gates, so that every timed call is a cache hit as in Go's warmed-up loop.
            io.goheap.runtime.iface.CallSites cs = rt.callSites().withRand(io.goheap.runtime.iface.CheapRand.ZERO);
            sites = new io.goheap.runtime.iface.CallSites.TypeAssert[w.ifaces];
            sites2 = new io.goheap.runtime.iface.CallSites.TypeAssert[w.ifaces];
            for (int k = 0; k < w.ifaces; k++) {
                sites[k] = cs.typeAssert(w.inters[k * w.types], false);
                sites2[k] = cs.typeAssert(w.inters[k * w.types], true);
            }
            for (int j = 0; j < pairs; j++) {
                sites[j / w.types].onEface(w.typeOf[j]);
                sites2[j / w.types].onEface(w.typeOf[j]);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
        rt.close();
    }

    private int next() {
        int k = i++;
        if (i == pairs) {
            i = 0;
        }
        return k;
    }

    @Benchmark
    public long find_hit() {
        int k = next();
        return table.find(w.inters[k], w.typeOf[k]);
    }

    @Benchmark
    public long find_hit_one() {
        return table.find(w.inters[0], w.typeOf[0]);
    }

    @Benchmark
    public long find_miss() {
        return table.find(w.missInter, w.typeAddr[next() % w.types]);
    }

    @Benchmark
    public Long chm_get() {
        return chm.get(keys[next()]);
    }

    @Benchmark
    public long getitab_hit() {
        int k = next();
        return itabs.getitab(w.inters[k], w.typeOf[k], false);
    }

    @Benchmark
    public long assertE2I() {
        int k = next();
        // as the release compiles e.(I): the call-site cache from Go 1.22, runtime.assertE2I before
        return sites != null ? sites[k / w.types].onEface(w.typeOf[k]) : asserts.assertE2I(w.inters[k], w.typeOf[k]);
    }

    @Benchmark
    public long assertE2I_one() {
        return sites != null ? sites[0].onEface(w.typeOf[0]) : asserts.assertE2I(w.inters[0], w.typeOf[0]);
    }

    @Benchmark
    public long assertE2I2() {
        int k = next();
        return sites2 != null ? sites2[k / w.types].onEface(w.typeOf[k]) : asserts.assertE2I2(w.inters[k], w.typeOf[k]);
    }

    /** i.(J) from an I value to the next interface (to I itself with one interface: the fast path). */
    @Benchmark
    public long assertI2I() {
        int k = next();
        return asserts.assertI2I(w.inters[(k + w.types) % pairs], tabs[k]);
    }

    /** switch x.(type) { case T0, T1, T2, T3: ... default: } on an any holding T<t>, t cycling. */
    @Benchmark
    public int typeSwitch() {
        return typeSwitch.onEface(w.typeAddr[next() % w.types]);
    }

    @Benchmark
    public long call_funK() {
        return calls.callLong(tabs[0], 0xc000000000L, 0);
    }

    @Benchmark
    public long call_criticalDowncall() throws Throwable {
        return (long) CRITICAL.invokeExact(MemorySegment.ofAddress(fun0), 0xc000000000L);
    }

    /** convT64 of a value below 256: a pointer into staticuint64s, no allocation. */
    @Benchmark
    public long convT64_small(Alloc a) {
        return a.conv.convT64(next() & 0xff);
    }

    @Benchmark
    public long convT64_large(Alloc a) {
        return a.conv.convT64(1000 + next());
    }

    @Benchmark
    public long convT16(Alloc a) {
        return a.conv.convT16(1000 + (next() & 0xff));
    }

    @Benchmark
    public long convT32(Alloc a) {
        return a.conv.convT32(1000 + next());
    }

    @Benchmark
    public long convTstring(Alloc a) {
        return a.conv.convTstring(0x1000, 1 + (next() & 7));
    }

    @Benchmark
    public long convTslice(Alloc a) {
        return a.conv.convTslice(0x1000, 1 + (next() & 7), 8);
    }

    /** mallocgc(16, scan) through the P's mcache: the path every convT above takes. */
    @Benchmark
    public long mallocgc_small(Alloc a) {
        return a.heap.mallocgc(a.p.mcache(), 16, false, true);
    }

    /** persistentalloc(24, 8) through the thread's P: a bump and a compare, a 256 KiB chunk every ~10,900 calls. */
    @Benchmark
    public long persistentalloc_perP(Alloc a) {
        return a.persistent.alloc(a.p, 24, 8, SysStat.OTHER_SYS);
    }

    /** The JDK's peer: 24 bytes from a shared arena (malloc and the arena's bookkeeping). */
    @Benchmark
    public MemorySegment arena_sharedAllocate(Alloc a) {
        return a.arena.allocate(24, 8);
    }

    /** A fresh runtime (no package) and arena per iteration for the allocating benchmarks: memory stays bounded. */
    @State(Scope.Thread)
    public static class Alloc {
        /** The release, as the benchmark's own ({@code -p go=} sets both). */
        @Param({"1.19"})
        String go;

        GoRuntime rt;
        P p;
        Conv conv;
        Heap heap;
        PersistentAlloc persistent;
        Arena arena;

        @Setup(Level.Iteration)
        public void setUp() {
            arena = Arena.ofShared();
            rt = GoRuntime.start(io.goheap.runtime.abi.GoRelease.parse(go), 1);
            p = rt.procs().acquire();
            conv = rt.conv();
            heap = rt.heap();
            persistent = rt.persistentAlloc();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            p.close();
            rt.close();
            arena.close();
        }
    }
}
