package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.iface.Calls;
import io.goheap.runtime.iface.Conv;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.iface.Itabs;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.TypeWriter;
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

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker.Option;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongUnaryOperator;

/*
 * Question: what do goheap's interface operations cost next to each other and to their peers —
 * itabTable find (hit and miss), assertE2I, convT64 small/large, convTstring, a call through fun[k]
 * against a plain downcall of the same code and a Java interface call, and ConcurrentHashMap.get on the
 * same (interface, type) keys — at a table of 557 entries (small) and of 100,000 (grown to 262,144)?
 *
 * Pitfalls avoided: keys cycle through a precomputed array (no constant folding of one key); every
 * result is returned; the table is fully built in setup, so find/assert measure the hit path only.
 * -prof gc shows the Java heap allocation per op.
 *
 * How to run: benchmarks/run.sh IfaceBenchmark -prof gc ; Go's own numbers: benchmarks/go/bench.sh
 * Results: README.md "Interface machinery".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class IfaceBenchmark {
    @Param({"557", "100000"})
    int pairs;

    private GoRuntime rt;
    private P p;
    private ItabTable table;
    private Itabs itabs;
    private Conv conv;
    private Calls calls;
    private long[] inters;
    private long[] types;
    private long[] keys;
    private long[] tabs;
    private long missInter;
    private ConcurrentHashMap<Long, Long> chm;
    private MethodHandle direct;
    private long fun0;
    private LongUnaryOperator javaIface;
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        int ifaces = pairs <= 1000 ? 1 : 100;
        int ntypes = (pairs + ifaces - 1) / ifaces;
        Pkg main = Pkg.MAIN;
        GoType.Func sig = new GoType.Func(List.of(), List.of(GoType.Basic.of("int")), false);
        List<GoType.Named> is = new ArrayList<>();
        for (int k = 0; k <= ifaces; k++) { // one extra interface, never asserted: the misses
            is.add(new GoType.Named(main, "I" + k).underlying(new GoType.Interface(List.of(new GoType.IMethod("M" + k, sig, main)))));
        }
        List<GoType.Named> ts = new ArrayList<>();
        for (int t = 0; t < ntypes; t++) {
            GoType.Named n = new GoType.Named(main, "T" + t).underlying(new GoType.Struct(List.of(
                    new GoType.Field("x", GoType.Basic.of("int"), false, "", main))));
            for (int k = 0; k <= ifaces; k++) {
                n.method("M" + k, sig, false);
            }
            ts.add(n);
        }
        TypeWriter w = new TypeWriter(main);
        ts.forEach(w::writeType);
        is.forEach(w::writeType);
        rt = GoRuntime.start(1);
        Linker l = rt.link(new ArrayList<>(w.symbols().values()));
        p = rt.procs().acquire();
        itabs = rt.itabs();
        table = itabs.table();
        conv = rt.conv();
        calls = new Calls(l.module());
        int n = ntypes * ifaces;
        inters = new long[n];
        types = new long[n];
        keys = new long[n];
        tabs = new long[n];
        chm = new ConcurrentHashMap<>();
        for (int k = 0; k < n; k++) {
            inters[k] = l.address(is.get(k % ifaces).symbol());
            types[k] = l.address(ts.get(k / ifaces).symbol());
            tabs[k] = itabs.getitab(inters[k], types[k], false);
            keys[k] = inters[k] * 31 + types[k];
            chm.put(keys[k], tabs[k]);
        }
        missInter = l.address(is.get(ifaces).symbol());
        fun0 = l.module().space().u64(tabs[0] + io.goheap.runtime.abi.ItabDescriptor.funOffset(0));
        direct = java.lang.foreign.Linker.nativeLinker().downcallHandle(FunctionDescriptor.of(ValueLayout.JAVA_INT),
                Option.critical(false));
        javaIface = x -> x + 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
        rt.close();
    }

    private int next() {
        int k = i++;
        if (i == keys.length) {
            i = 0;
        }
        return k;
    }

    @Benchmark
    public long find_hit() {
        int k = next();
        return table.find(inters[k], types[k]);
    }

    @Benchmark
    public long find_miss() {
        int k = next();
        return table.find(missInter, types[k]);
    }

    @Benchmark
    public long assertE2I() {
        int k = next();
        return itabs.getitab(inters[k], types[k], false);
    }

    @Benchmark
    public Long chm_get() {
        return chm.get(keys[next()]);
    }

    @Benchmark
    public long convT64_small() {
        return conv.convT64(next() & 0xff);
    }

    @Benchmark
    public long convT64_large() {
        return conv.convT64(1000 + next());
    }

    @Benchmark
    public long convTstring() {
        return conv.convTstring(0x1000, 1 + (next() & 7));
    }

    @Benchmark
    public long call_funK() {
        return calls.callMethod(tabs[0], 0xc000000000L, 0).function();
    }

    @Benchmark
    public int call_directCriticalDowncall() throws Throwable {
        return (int) direct.invokeExact(MemorySegment.ofAddress(fun0));
    }

    @Benchmark
    public long call_javaInterface() {
        return javaIface.applyAsLong(next());
    }
}
