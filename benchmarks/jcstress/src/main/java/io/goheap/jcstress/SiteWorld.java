package io.goheap.jcstress;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.iface.CallSites;
import io.goheap.runtime.iface.CheapRand;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.TypeWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * One Go 1.22 runtime shared by the call-site jcstress tests: types T0..T2 with method M0, the interface
 * I0 { M0() int } they all implement, and call sites whose every slow path rebuilds the cache
 * ({@link CheapRand#ZERO}). Each test state makes its own site in this runtime's heap (24 bytes, plus
 * a cache of 40 or 72 bytes per rebuild; never freed, so long runs grow the native heap) and races on it.
 */
final class SiteWorld {
    static final GoRuntime RT = GoRuntime.start(new GoRelease(22), 1);
    static final long IFACE;
    static final long[] TYPE = new long[3];
    /** getitab(I0, T<i>) */
    static final long[] ITAB = new long[3];
    static final CallSites SITES;
    static final CallSiteDescriptor D;
    static final GoMemory MEM = RT.sys().memory();

    static {
        Pkg main = Pkg.MAIN;
        GoType.Func sig = new GoType.Func(List.of(), List.of(GoType.Basic.of("int")), false);
        GoType.Named i0 = new GoType.Named(main, "I0").underlying(new GoType.Interface(List.of(new GoType.IMethod("M0", sig, main))));
        List<GoType.Named> ts = new ArrayList<>();
        for (int t = 0; t < TYPE.length; t++) {
            ts.add(new GoType.Named(main, "T" + t).underlying(new GoType.Struct(List.of(
                    new GoType.Field("x", GoType.Basic.of("int"), false, "", main)))).method("M0", sig, false));
        }
        TypeWriter w = new TypeWriter(main, false, RT.release()); // Go 1.22's symbol names
        List<String> names = ts.stream().map(w::writeType).toList();
        String iname = w.writeType(i0);
        Linker l = RT.link(new ArrayList<>(w.symbols().values()));
        IFACE = l.address(iname);
        for (int t = 0; t < TYPE.length; t++) {
            TYPE[t] = l.address(names.get(t));
            ITAB[t] = RT.itabs().getitab(IFACE, TYPE[t], false); // built now: the races are on the caches only
        }
        SITES = RT.callSites().withRand(CheapRand.ZERO);
        D = SITES.descriptor();
    }

    private SiteWorld() {
    }

    /** The entry for type {@code t} in cache {@code c} (the compiled probe), or 0. */
    static long find(long c, int t) {
        return D.findAssert(MEM, c, TYPE[t], Integer.toUnsignedLong(MEM.u32(TYPE[t] + ItabProbe.TYPE_HASH)));
    }
}
