package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.iface.Assert;
import io.goheap.runtime.iface.CallSites;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/*
 * Question: what does a Go 1.22+ type assertion cost when its call-site cache answers (CallSites: an
 * acquire load of the site's Cache word, Type.Hash, a probe of one or two entries), next to Go 1.22's own
 * compiled code on the same workload (benchmarks/go/callsite_bench_test.go), and next to the path Go 1.19
 * takes for the same assertion, assertE2I through getitab's itab-table find (uncached_)? And the same for a
 * type switch with two interface cases.
 *
 * Workload, the same on both sides: 8 types T0..T7 (struct{ x int }, method M() int; T0, T2, T4, T6 also
 * N() int), interfaces I { M() int } and J { M() int; N() int }; an `any` holding T<t>, t cycling over the
 * 8 (the _cycle variants) or T0 repeated (_one). Sites: x.(I) (cannot fail), switch x.(type) { case J:
 * case I: }.
 *
 * Pitfalls avoided: the caches are filled in setup through Go's own gates (cheaprand, 1 rebuild in 1024
 * misses and fewer as the table grows) until a whole pass over the 8 types misses nowhere, so every
 * measured call is a hit, as in a Go program in its steady state (the Go side runs 2^22 assertions before
 * its timer for the same reason); the types cycle so the probe start is not a constant; every result is
 * returned; -prof gc shows 0 B/op on the Java heap, the fast path allocates nothing.
 *
 * How to run: benchmarks/run.sh CallSiteBenchmark -prof gc ; with Go's side: benchmarks/compare.sh
 * (needs a Go 1.22+: GO122=/path/to/go/bin/go).
 *
 * Results (2 cores, AMD EPYC, load average about 3; JDK 25.0.3, 1 fork, 3 x 1 s warm-up, 5 x 1 s; Go 1.22.12
 * -count 5 -benchtime 1s, median [min-max]; ns/op):
 *
 *   Benchmark                  goheap        B/op     Go 1.22.12
 *   cached_assertE2I_one       21.4 +- 6.0   0.0016   2.59 [2.33-3.25]
 *   cached_assertE2I_cycle     20.2 +- 3.8   0.0015   2.39 [2.22-2.86]
 *   cached_typeSwitch_cycle    26.4 +- 1.9   0.0019   2.81 [2.41-3.62]
 *   uncached_assertE2I_cycle   25.2 +- 5.5   0.0018   -
 *
 * Each of the hit's five words is a checked access through goheap's memory layer (benchmarks/README.md,
 * "Call-site caches (Go 1.22+)").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class CallSiteBenchmark {
    static final int TYPES = 8;

    /** The Go release the runtime simulates, 1.22 or later ({@code -p go=1.27}; benchmarks/compare.sh --go). */
    @Param({"1.22"})
    String go;

    private GoRuntime rt;
    private P p;
    private Assert asserts;
    private CallSites.TypeAssert assertI;
    private CallSites.InterfaceSwitch switchJI;
    private final CallSites.Match match = new CallSites.Match();
    private long inter;
    private long[] types;
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        rt = GoRuntime.start(GoRelease.parse(go), 1);
        Pkg main = Pkg.MAIN;
        GoType.Func sig = new GoType.Func(List.of(), List.of(GoType.Basic.of("int")), false);
        GoType.Named gi = new GoType.Named(main, "I").underlying(new GoType.Interface(List.of(new GoType.IMethod("M", sig, main))));
        GoType.Named gj = new GoType.Named(main, "J").underlying(new GoType.Interface(List.of(
                new GoType.IMethod("M", sig, main), new GoType.IMethod("N", sig, main))));
        List<GoType.Named> ts = new ArrayList<>();
        for (int t = 0; t < TYPES; t++) {
            GoType.Named nt = new GoType.Named(main, "T" + t).underlying(new GoType.Struct(List.of(
                    new GoType.Field("x", GoType.Basic.of("int"), false, "", main)))).method("M", sig, false);
            ts.add(t % 2 == 0 ? nt.method("N", sig, false) : nt);
        }
        TypeWriter w = new TypeWriter(main, false, rt.release()); // Go 1.22's symbol names
        List<String> names = ts.stream().map(w::writeType).toList();
        String iname = w.writeType(gi);
        String jname = w.writeType(gj);
        Linker l = rt.link(new ArrayList<>(w.symbols().values()));
        inter = l.address(iname);
        types = names.stream().mapToLong(l::address).toArray();
        p = rt.procs().acquire();
        asserts = rt.asserts();
        CallSites cs = rt.callSites(); // Go's gates
        assertI = cs.typeAssert(inter, false);
        switchJI = cs.interfaceSwitch(l.address(jname), inter);
        // fill both caches the way a Go program does: call until a whole pass misses nowhere
        for (long slow = -1; slow != cs.slowPaths(); ) {
            slow = cs.slowPaths();
            for (int k = 0; k < 1024; k++) {
                for (long t : types) {
                    assertI.onEface(t);
                    switchJI.onEface(t, match);
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
        rt.close();
    }

    private long next() {
        int k = i;
        i = (k + 1) & (TYPES - 1);
        return types[k];
    }

    /** x.(I) with x an any holding T0, every call a cache hit. */
    @Benchmark
    public long cached_assertE2I_one() {
        return assertI.onEface(types[0]);
    }

    /** x.(I) with x cycling over T0..T7: every call a cache hit. */
    @Benchmark
    public long cached_assertE2I_cycle() {
        return assertI.onEface(next());
    }

    /** switch x.(type) { case J: case I: } over T0..T7: the case index, the itab in match. */
    @Benchmark
    public long cached_typeSwitch_cycle() {
        return switchJI.onEface(next(), match) + match.itab();
    }

    /** The Go 1.19 path of x.(I) on the same workload: assertE2I, getitab's table find (a hit). */
    @Benchmark
    public long uncached_assertE2I_cycle() {
        return asserts.assertE2I(inter, next());
    }
}
