package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.Pkg;
import io.goheap.runtime.types.TypeWriter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Go 1.22 runtime with {@code n} types for call sites to meet: {@code T0..} (each {@code struct{ x int }}
 * with method {@code M}; every third one also {@code N}), {@code I0 interface{ M() int }} (all implement
 * it) and {@code I1 interface{ M() int; N() int }} (every third type), a static itab (T, I0) for every even
 * T (its hash the type's; getitab builds the odd ones' with hash 0); the itabs each site must answer
 * with, from {@code getitab}; and the checks of a cache every test runs.
 */
final class SiteWorld implements AutoCloseable {
    final GoRuntime rt;
    final long i0;
    final long i1;
    final long[] types;
    /** getitab(I0, T, false), getitab(I1, T, true) per type */
    final long[] tabI0;
    final long[] tabI1;
    final GoMemory mem;

    SiteWorld(int n, int procs) {
        rt = GoRuntime.start(new GoRelease(22), procs);
        try {
            Pkg main = Pkg.MAIN;
            GoType.Func sig = new GoType.Func(List.of(), List.of(GoType.Basic.of("int")), false);
            GoType.Named gi0 = new GoType.Named(main, "I0").underlying(new GoType.Interface(List.of(new GoType.IMethod("M", sig, main))));
            GoType.Named gi1 = new GoType.Named(main, "I1").underlying(new GoType.Interface(List.of(
                    new GoType.IMethod("M", sig, main), new GoType.IMethod("N", sig, main))));
            List<GoType.Named> ts = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                GoType.Named nt = new GoType.Named(main, "T" + t).underlying(new GoType.Struct(List.of(
                        new GoType.Field("x", GoType.Basic.of("int"), false, "", main)))).method("M", sig, false);
                if (t % 3 == 0) {
                    nt = nt.method("N", sig, false);
                }
                ts.add(nt);
            }
            TypeWriter w = new TypeWriter(main, false, rt.release()); // type:main.T0, as Go 1.22's compiler names it
            List<String> names = ts.stream().map(w::writeType).toList();
            String n0 = w.writeType(gi0);
            String n1 = w.writeType(gi1);
            for (int t = 0; t < n; t += 2) {
                w.writeItab(ts.get(t), gi0); // a static go:itab.main.T<even>,main.I0: hash = T's hash
            }
            Linker l = rt.link(new ArrayList<>(w.symbols().values()));
            i0 = l.address(n0);
            i1 = l.address(n1);
            types = names.stream().mapToLong(l::address).toArray();
            tabI0 = new long[n];
            tabI1 = new long[n];
            for (int t = 0; t < n; t++) {
                tabI0[t] = rt.itabs().getitab(i0, types[t], false);
                tabI1[t] = rt.itabs().getitab(i1, types[t], true);
            }
            mem = rt.sys().memory();
        } catch (RuntimeException | Error e) {
            rt.close();
            throw e;
        }
    }

    @Override
    public void close() {
        rt.close();
    }

    /** type address to index */
    Map<Long, Integer> index() {
        Map<Long, Integer> m = new HashMap<>();
        for (int t = 0; t < types.length; t++) {
            m.put(types[t], t);
        }
        return m;
    }

    long hash(long typ) {
        return Integer.toUnsignedLong(mem.u32(typ + ItabProbe.TYPE_HASH));
    }

    /**
     * The invariants of a published {@code TypeAssertCache} of a site asserting to {@code inter}: Mask + 1
     * a power of two, at most half the slots used (an empty one always ends a probe), every entry found by
     * the compiled probe from its type's hash and holding getitab's itab ({@code want}). With
     * {@code exact}, a single-threaded history: no duplicate, Mask + 1 == slots(entries).
     *
     * @return the entries
     */
    int checkAssertCache(CallSites cs, long c, long[] want, boolean exact) {
        CallSiteDescriptor d = cs.descriptor();
        long mask = mem.u64(c + d.assertCacheMask);
        assertEquals(1, Long.bitCount(mask + 1), "Mask + 1 a power of two: " + mask);
        Map<Long, Integer> idx = index();
        int used = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long i = 0; i <= mask; i++) {
            long e = c + d.assertCacheEntries + i * d.assertEntrySize;
            long typ = mem.u64(e + d.assertEntryTyp);
            if (typ == 0) {
                continue;
            }
            used++;
            Integer t = idx.get(typ);
            assertTrue(t != null, String.format("entry %d: 0x%x is a type of the world", i, typ));
            assertEquals(want[t], mem.u64(e + d.assertEntryItab), "entry " + i + " holds getitab's itab");
            long f = d.findAssert(mem, c, typ, hash(typ));
            assertNotEquals(0, f, "the probe finds entry " + i);
            assertEquals(want[t], mem.u64(f + d.assertEntryItab));
            boolean fresh = seen.add(typ);
            if (exact) {
                assertTrue(fresh, "no duplicate");
            }
        }
        assertTrue(2L * used <= mask + 1, used + " entries in " + (mask + 1) + " slots: at most half full");
        if (exact && used > 0) {
            assertEquals(CallSites.slots(used), mask + 1, "2 * entries rounded up to a power of two");
        }
        return used;
    }

    /** The same for an {@code InterfaceSwitchCache} over cases (I1, I0): case 0 with I1's itab, else case 1 with I0's. */
    int checkSwitchCache(CallSites cs, long c, boolean exact) {
        CallSiteDescriptor d = cs.descriptor();
        long mask = mem.u64(c + d.switchCacheMask);
        assertEquals(1, Long.bitCount(mask + 1));
        Map<Long, Integer> idx = index();
        int used = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long i = 0; i <= mask; i++) {
            long e = c + d.switchCacheEntries + i * d.switchEntrySize;
            long typ = mem.u64(e + d.switchEntryTyp);
            if (typ == 0) {
                continue;
            }
            used++;
            int t = idx.get(typ);
            long kase = mem.u64(e + d.switchEntryCase);
            assertEquals(tabI1[t] != 0 ? 0 : 1, kase, "entry " + i + " case");
            assertEquals(tabI1[t] != 0 ? tabI1[t] : tabI0[t], mem.u64(e + d.switchEntryItab));
            long f = d.findSwitch(mem, c, typ, hash(typ));
            assertNotEquals(0, f, "the probe finds entry " + i);
            assertEquals(kase, mem.u64(f + d.switchEntryCase), "the entry found (or an equal duplicate)");
            boolean fresh = seen.add(typ);
            if (exact) {
                assertTrue(fresh, "no duplicate");
            }
        }
        assertTrue(2L * used <= mask + 1);
        if (exact && used > 0) {
            assertEquals(CallSites.slots(used), mask + 1);
        }
        return used;
    }
}
