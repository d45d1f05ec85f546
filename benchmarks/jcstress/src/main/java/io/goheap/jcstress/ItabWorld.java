package io.goheap.jcstress;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.iface.Itabs;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.TypeWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * One runtime shared by the itab jcstress tests: a linked package of types T0..T{N-1} with method M0
 * and the interface I0 { M0() int }, plus {@link #PREFILLED} itabs (I0, T1..) built once. Each test
 * state makes its own private {@link ItabTable} in this runtime's heap (about 4 KiB, 12 KiB once grown;
 * never freed, so long runs grow the native heap) and races on it.
 */
final class ItabWorld {
    static final int TYPES = 512;
    /** itabs that bring a fresh 512-entry table to its growth threshold 3*(512/4) */
    static final int PREFILLED = 384;

    static final GoRuntime RT = GoRuntime.start(1);
    static final Linker LINKED;
    static final long IFACE;
    static final long[] TYPE;
    static final long[] ITAB;
    static final long FUN0;

    static {
        Pkg main = Pkg.MAIN;
        GoType.Func sig = new GoType.Func(List.of(), List.of(GoType.Basic.of("int")), false);
        GoType.Named i0 = new GoType.Named(main, "I0").underlying(new GoType.Interface(List.of(new GoType.IMethod("M0", sig, main))));
        List<GoType.Named> ts = new ArrayList<>();
        for (int t = 0; t < TYPES; t++) {
            ts.add(new GoType.Named(main, "T" + t).underlying(new GoType.Struct(List.of(
                    new GoType.Field("x", GoType.Basic.of("int"), false, "", main)))).method("M0", sig, false));
        }
        TypeWriter w = new TypeWriter(main);
        ts.forEach(w::writeType);
        w.writeType(i0);
        LINKED = RT.link(new ArrayList<>(w.symbols().values()));
        IFACE = LINKED.address(i0.symbol());
        TYPE = ts.stream().mapToLong(t -> LINKED.address(t.symbol())).toArray();
        FUN0 = LINKED.address("main.(*T0).M0");
        Itabs builder = RT.itabs();
        ITAB = new long[TYPES];
        for (int t = 1; t <= PREFILLED + 1; t++) { // one more than prefilled: the itab whose add grows the table
            ITAB[t] = builder.getitab(IFACE, TYPE[t], false);
        }
    }

    private ItabWorld() {
    }

    /** A fresh private table in the shared runtime. */
    static ItabTable table() {
        return new ItabTable(RT.sys().memory(), RT.heap());
    }

    /** getitab over a private table. */
    static Itabs itabs(ItabTable table) {
        return new Itabs(LINKED.module(), table, RT.persistentAlloc());
    }
}
