package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.TypeWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The (interface, type) pairs every comparison runs on, the same on every side: goheap's JMH suites,
 * the C probe ({@code benchmarks/c/find.c}) and Go's own benchmarks ({@code benchmarks/go/gen.sh}).
 *
 * <p>For N pairs: {@code I = N <= 1000 ? 1 : N <= 100000 ? 100 : 1000} interfaces {@code I0..} (each
 * {@code interface{ M() int }}), {@code T = ceil(N / I)} types {@code T0..} (each {@code struct{ x int }}
 * with the value method {@code M() int}), and pair {@code j} is interface {@code j / T} with type
 * {@code j % T} (interface-major, the order Go's generated loops assert in). One more interface
 * {@code I<I>} is linked but never asserted: the misses. The types are written as the runtime's release's
 * compiler writes them (its type hashes: the itab table's slots follow them).
 */
final class Workload {
    final int pairs;
    final int ifaces;
    final int types;
    final GoRuntime rt;
    final Linker linked;
    /** per pair j: the interfacetype and the _type */
    final long[] inters;
    final long[] typeOf;
    /** per type t: its _type */
    final long[] typeAddr;
    final long missInter;

    private Workload(int pairs, GoRuntime rt) {
        this.pairs = pairs;
        this.ifaces = interfacesFor(pairs);
        this.types = (pairs + ifaces - 1) / ifaces;
        this.rt = rt;
        Pkg main = Pkg.MAIN;
        GoType.Func sig = new GoType.Func(List.of(), List.of(GoType.Basic.of("int")), false);
        List<GoType.Named> is = new ArrayList<>();
        for (int k = 0; k <= ifaces; k++) {
            is.add(new GoType.Named(main, "I" + k).underlying(new GoType.Interface(List.of(new GoType.IMethod("M", sig, main)))));
        }
        List<GoType.Named> ts = new ArrayList<>();
        for (int t = 0; t < types; t++) {
            ts.add(new GoType.Named(main, "T" + t).underlying(new GoType.Struct(List.of(
                    new GoType.Field("x", GoType.Basic.of("int"), false, "", main)))).method("M", sig, false));
        }
        // as the runtime's release's compiler writes them, spelled as it spells them
        TypeWriter w = new TypeWriter(main, false, rt.release());
        ts.forEach(w::writeType);
        is.forEach(w::writeType);
        linked = rt.link(new ArrayList<>(w.symbols().values()));
        typeAddr = ts.stream().mapToLong(t -> linked.address(w.symbol(t))).toArray();
        long[] interAddr = is.stream().mapToLong(i -> linked.address(w.symbol(i))).toArray();
        inters = new long[pairs];
        typeOf = new long[pairs];
        for (int j = 0; j < pairs; j++) {
            inters[j] = interAddr[j / types];
            typeOf[j] = typeAddr[j % types];
        }
        missInter = interAddr[ifaces];
    }

    /** The workload of {@code pairs} pairs linked into {@code rt} (which must hold no package yet). */
    static Workload link(GoRuntime rt, int pairs) {
        return new Workload(pairs, rt);
    }

    static int interfacesFor(int pairs) {
        return pairs <= 1000 ? 1 : pairs <= 100_000 ? 100 : 1000;
    }
}
