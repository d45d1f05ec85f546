package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call-site caches of a Go 1.22 runtime over the shapes package, one behaviour per test: sites as
 * the compiler defines them, hits and misses, nil, CanFail, the switch's case and itab, the rebuild gates
 * and the table a rebuild makes.
 */
class CallSitesTest extends NativeMemoryTest {
    static final GoRelease GO122 = new GoRelease(22);

    /** A 1.22 runtime with shapes linked as Go 1.22's compiler names its symbols. */
    static GoRuntime shapes() throws Exception {
        GoRuntime rt = GoRuntime.start(GO122, 2);
        try {
            rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/shapes")), GO122));
            return rt;
        } catch (Exception | Error e) {
            rt.close();
            throw e;
        }
    }

    /** The address of a symbol named as Go 1.19 does ({@code type.main.T}, {@code go.itab.main.T,main.I}), in the runtime's release's spelling. */
    static long a(GoRuntime rt, String sym) {
        io.goheap.runtime.types.SymbolNames n = io.goheap.runtime.types.SymbolNames.of(rt.release());
        String name = sym;
        if (sym.startsWith("type.")) {
            name = n.type(sym.substring("type.".length()));
        } else if (sym.startsWith("go.itab.")) {
            String[] ti = sym.substring("go.itab.".length()).split(",");
            name = n.itab(ti[0], ti[1]);
        }
        return rt.image().lookup(name).address();
    }

    @Test
    void sitesAreDefinedAsTheCompilerDoes() throws Exception {
        try (GoRuntime rt = shapes()) {
            CallSites cs = rt.callSites();
            CallSiteDescriptor d = cs.descriptor();
            GoMemory mem = rt.sys().memory();
            long stringer = a(rt, "type.main.Stringer");
            long shape = a(rt, "type.main.Shape");
            CallSites.TypeAssert t0 = cs.typeAssert(stringer, false);
            CallSites.TypeAssert t1 = cs.typeAssert(shape, true);
            CallSites.InterfaceSwitch s0 = cs.interfaceSwitch(shape, stringer);
            assertEquals("main..typeAssert.0", t0.symbol().name());
            assertEquals("main..typeAssert.1", t1.symbol().name());
            assertEquals("main..interfaceSwitch.0", s0.symbol().name());
            assertEquals(Section.DATA, t0.symbol().section());
            assertEquals(24, t0.symbol().size());
            assertEquals(32, s0.symbol().size(), "24 + 8 per case beyond the first");
            assertEquals(Section.NOPTRBSS, cs.emptyTypeAssertCache().section());
            assertEquals(24, cs.emptyTypeAssertCache().size());
            assertEquals(32, cs.emptyInterfaceSwitchCache().size());
            assertEquals(cs.emptyTypeAssertCache().address(), mem.u64(t0.address() + d.assertCache));
            assertEquals(stringer, mem.u64(t0.address() + d.assertInter));
            assertEquals(0, mem.u8(t0.address() + d.assertCanFail));
            assertEquals(1, mem.u8(t1.address() + d.assertCanFail));
            assertEquals(cs.emptyInterfaceSwitchCache().address(), s0.cache());
            assertEquals(2, mem.u64(s0.address() + d.switchNCases));
            assertEquals(shape, s0.caseAt(0));
            assertEquals(stringer, s0.caseAt(1));
            assertThrows(IllegalArgumentException.class, () -> cs.typeAssert(a(rt, "type.main.Point"), false), "not an interface");
            assertThrows(IllegalArgumentException.class, () -> cs.interfaceSwitch());
        }
    }

    /**
     * The sites hold the bytes the Go 1.22-1.27 compilers emit for asserts.go ({@code asserts-1.N.srodata.txt}):
     * the same size, the same unrelocated bytes (CanFail, NCases), and a pointer wherever the compiler put
     * a relocation, to the same target (the empty cache, the asserted or case interface: main.Aer and
     * main.Ber there, two interfaces of shapes here).
     */
    @Test
    void sitesHoldTheCompilersBytes() throws Exception {
        for (String rel : List.of("1.22", "1.23", "1.24", "1.25", "1.26", "1.27")) {
            java.util.Map<String, io.goheap.runtime.testing.SrodataFixture.Symbol> blocks =
                    io.goheap.runtime.testing.SrodataFixture.parse(NativeDir.get().resolve("fixtures/asserts-" + rel + ".srodata.txt"));
            try (GoRuntime rt = shapes()) {
                CallSites cs = rt.callSites();
                java.util.Map<String, Long> targets = java.util.Map.of("runtime.emptyTypeAssertCache", cs.emptyTypeAssertCache().address(),
                        "runtime.emptyInterfaceSwitchCache", cs.emptyInterfaceSwitchCache().address(),
                        "type:main.Aer", a(rt, "type.main.Stringer"), "type:main.Ber", a(rt, "type.main.Valuer"));
                List<Object> sites = new ArrayList<>();
                sites.add(cs.typeAssert(targets.get("type:main.Aer"), false)); // asserted = boxed.(Aer)
                sites.add(cs.typeAssert(targets.get("type:main.Ber"), true)); // b, ok := boxed.(Ber)
                sites.add(cs.interfaceSwitch(targets.get("type:main.Aer"), targets.get("type:main.Ber")));
                assertEquals(3, blocks.size(), rel);
                for (Object o : sites) {
                    io.goheap.runtime.image.Symbol sym = o instanceof CallSites.TypeAssert t ? t.symbol() : ((CallSites.InterfaceSwitch) o).symbol();
                    io.goheap.runtime.testing.SrodataFixture.Symbol b = blocks.get(sym.name());
                    assertEquals(b.size(), sym.size(), rel + " " + sym.name());
                    byte[] ours = rt.sys().memory().read(sym.address(), (int) sym.size());
                    for (int i = 0; i < b.size(); i++) {
                        if (!b.relocated(i)) {
                            assertEquals(b.bytes()[i], ours[i], rel + " " + sym.name() + " byte " + i);
                        }
                    }
                    for (io.goheap.runtime.testing.SrodataFixture.Reloc r : b.relocs()) {
                        assertEquals(targets.get(r.target()) + r.add(), rt.sys().memory().u64(sym.address() + r.off()),
                                rel + " " + sym.name() + " +" + r.off() + " -> " + r.target());
                    }
                }
            }
        }
    }

    @Test
    void aMissFillsTheCacheAndTheNextCallHits() throws Exception {
        try (GoRuntime rt = shapes(); P _ = rt.procs().acquire()) {
            CallSites cs = rt.callSites().withRand(CheapRand.ZERO);
            CallSiteDescriptor d = cs.descriptor();
            GoMemory mem = rt.sys().memory();
            long stringer = a(rt, "type.main.Stringer");
            long point = a(rt, "type.main.Point");
            long celsius = a(rt, "type.main.Celsius");
            CallSites.TypeAssert site = cs.typeAssert(stringer, false);
            long slow = cs.slowPaths();
            long want = a(rt, "go.itab.main.Point,main.Stringer");
            assertEquals(want, site.onEface(point), "a miss: the runtime answers with getitab's itab");
            assertEquals(slow + 1, cs.slowPaths());
            long c = site.cache();
            assertNotEquals(cs.emptyTypeAssertCache().address(), c, "a new cache published");
            assertTrue(rt.heap().contains(c), "from the heap");
            assertEquals(1, mem.u64(c + d.assertCacheMask), "one entry: two slots");
            long e = d.findAssert(mem, c, point, Integer.toUnsignedLong(mem.u32(point + ItabProbe.TYPE_HASH)));
            assertEquals(c + d.assertCacheEntries + (mem.u32(point + ItabProbe.TYPE_HASH) & 1) * d.assertEntrySize, e, "at Hash & Mask");
            assertEquals(want, mem.u64(e + d.assertEntryItab));
            assertEquals(want, site.onEface(point), "a hit");
            assertEquals(slow + 1, cs.slowPaths(), "no call into the runtime");
            long celsiusTab = site.onEface(celsius);
            assertEquals(a(rt, "go.itab.main.Celsius,main.Stringer"), celsiusTab);
            assertEquals(3, mem.u64(site.cache() + d.assertCacheMask), "two entries: four slots");
            assertEquals(slow + 2, cs.slowPaths());
            assertEquals(want, site.onEface(point), "the old entry was copied");
            assertEquals(celsiusTab, site.onEface(celsius));
            assertEquals(slow + 2, cs.slowPaths());
            // from a non-empty interface (a Shape holding *Point) whose static itab carries the type's hash
            long shapeTab = a(rt, "go.itab.*main.Point,main.Shape");
            long ptrTab = site.onIface(shapeTab);
            assertEquals(rt.itabs().getitab(stringer, a(rt, "type.*main.Point"), false), ptrTab);
            assertEquals(slow + 3, cs.slowPaths());
            assertEquals(ptrTab, site.onIface(shapeTab), "a hit: probed from itab.Hash, the type's");
            assertEquals(slow + 3, cs.slowPaths());
        }
    }

    @Test
    void aNilValuePanicsOrFailsWithoutTheCache() throws Exception {
        try (GoRuntime rt = shapes()) {
            CallSites cs = rt.callSites().withRand(CheapRand.ZERO);
            long stringer = a(rt, "type.main.Stringer");
            CallSites.TypeAssert must = cs.typeAssert(stringer, false);
            CallSites.TypeAssert may = cs.typeAssert(stringer, true);
            long slow = cs.slowPaths();
            assertEquals("interface conversion: interface is nil, not main.Stringer",
                    assertThrows(TypeAssertionError.Nil.class, () -> must.onEface(0)).getMessage());
            assertThrows(TypeAssertionError.Nil.class, () -> must.onIface(0));
            assertEquals(0, may.onEface(0));
            assertEquals(0, may.onIface(0));
            assertEquals(slow, cs.slowPaths(), "nil is the compiled code's branch, never the runtime's");
            assertThrows(TypeAssertionError.Nil.class, () -> must.typeAssert(0), "the runtime's own nil check");
            assertEquals(0, may.typeAssert(0));
            assertEquals(cs.emptyTypeAssertCache().address(), may.cache(), "nil is never cached");
            CallSites.Match m = new CallSites.Match();
            CallSites.InterfaceSwitch sw = cs.interfaceSwitch(stringer);
            assertEquals(1, sw.onEface(0, m));
            assertEquals(1, m.kase());
            assertEquals(0, m.itab());
            assertEquals(cs.emptyInterfaceSwitchCache().address(), sw.cache());
        }
    }

    @Test
    void canFailCachesTheFailureAndMustPanics() throws Exception {
        try (GoRuntime rt = shapes()) {
            CallSites cs = rt.callSites().withRand(CheapRand.ZERO);
            GoMemory mem = rt.sys().memory();
            CallSiteDescriptor d = cs.descriptor();
            long shape = a(rt, "type.main.Shape");
            long celsius = a(rt, "type.main.Celsius"); // String only: no Dist
            CallSites.TypeAssert may = cs.typeAssert(shape, true);
            assertEquals(0, may.onEface(celsius));
            long slow = cs.slowPaths();
            long c = may.cache();
            long e = d.findAssert(mem, c, celsius, Integer.toUnsignedLong(mem.u32(celsius + ItabProbe.TYPE_HASH)));
            assertNotEquals(0, e, "the failure is cached");
            assertEquals(0, mem.u64(e + d.assertEntryItab), "with itab 0");
            assertEquals(0, may.onEface(celsius));
            assertEquals(slow, cs.slowPaths(), "answered from the cache");
            CallSites.TypeAssert must = cs.typeAssert(shape, false);
            TypeAssertionError err = assertThrows(TypeAssertionError.class, () -> must.onEface(celsius));
            assertEquals("interface conversion: main.Celsius is not main.Shape: missing method Dist", err.getMessage());
            assertEquals(cs.emptyTypeAssertCache().address(), must.cache(), "a panic caches nothing");
        }
    }

    @Test
    void theSwitchReturnsTheFirstMatchingCaseAndItsItab() throws Exception {
        try (GoRuntime rt = shapes()) {
            CallSites cs = rt.callSites().withRand(CheapRand.ZERO);
            Itabs itabs = rt.itabs();
            long shape = a(rt, "type.main.Shape");
            long stringer = a(rt, "type.main.Stringer");
            long point = a(rt, "type.main.Point");
            long celsius = a(rt, "type.main.Celsius");
            long counter = a(rt, "type.main.Counter");
            CallSites.InterfaceSwitch sw = cs.interfaceSwitch(shape, stringer);
            CallSites.Match m = new CallSites.Match();
            for (int round = 0; round < 2; round++) { // a miss, then a hit from the cache
                long slow = cs.slowPaths();
                assertEquals(0, sw.onEface(point, m), "Point has String and Dist: the first case");
                assertEquals(itabs.getitab(shape, point, true), m.itab());
                assertEquals(1, sw.onEface(celsius, m));
                assertEquals(itabs.getitab(stringer, celsius, true), m.itab());
                assertEquals(2, sw.onEface(counter, m), "no case: NCases");
                assertEquals(0, m.itab());
                assertEquals(round == 0 ? slow + 3 : slow, cs.slowPaths());
            }
            assertEquals(7, rt.sys().memory().u64(sw.cache() + cs.descriptor().switchCacheMask), "three entries: eight slots");
            assertEquals(1, sw.onIface(a(rt, "go.itab.main.Celsius,main.Stringer"), m));
            assertEquals(itabs.getitab(stringer, celsius, true), m.itab());
            assertEquals(0, sw.onEface(point, null), "the case alone");
        }
    }

    @Test
    void aGetitabItabHasHashZeroSoTheProbeStartsAtZeroAndMayMiss() throws Exception {
        try (GoRuntime rt = shapes()) {
            CallSites cs = rt.callSites().withRand(CheapRand.ZERO);
            GoMemory mem = rt.sys().memory();
            long stringer = a(rt, "type.main.Stringer");
            long shape = a(rt, "type.main.Shape");
            long ptrPoint = a(rt, "type.*main.Point");
            long dyn = rt.itabs().getitab(stringer, ptrPoint, false); // no static (*Point, Stringer): built, hash 0
            assertEquals(0, mem.u32(dyn + ItabDescriptor.HASH_OFFSET));
            CallSites.TypeAssert site = cs.typeAssert(shape, false);
            long want = a(rt, "go.itab.*main.Point,main.Shape");
            for (int i = 0; i < 4; i++) {
                assertEquals(want, site.onIface(dyn), "the result is right whether the probe finds the entry or not");
            }
            long c = site.cache();
            long found = cs.descriptor().findAssert(mem, c, ptrPoint, 0);
            long fromHash = cs.descriptor().findAssert(mem, c, ptrPoint, Integer.toUnsignedLong(mem.u32(ptrPoint + ItabProbe.TYPE_HASH)));
            assertNotEquals(0, fromHash, "the entry sits at typ.Hash & Mask");
            if (found == 0) {
                assertTrue(cs.slowPaths() >= 4, "every call missed and went to the runtime");
            }
        }
    }

    @Test
    void theGatesDrawTwiceAndBlockAsGoDoes() throws Exception {
        try (GoRuntime rt = shapes()) {
            long stringer = a(rt, "type.main.Stringer");
            long point = a(rt, "type.main.Point");
            AtomicInteger draws = new AtomicInteger();
            // never 0 mod 1024: the first gate stops every rebuild after one draw
            CallSites.TypeAssert closed = rt.callSites().withRand(() -> {
                draws.incrementAndGet();
                return 1;
            }).typeAssert(stringer, false);
            for (int i = 0; i < 10; i++) {
                closed.onEface(point);
            }
            assertEquals(10, draws.get(), "one draw per slow path");
            assertEquals(rt.callSites().emptyTypeAssertCache().address(), closed.cache());
            // 1024 passes the first gate, and the second while Mask has no bit 10 (Mask < 1024)
            draws.set(0);
            CallSites cs = rt.callSites().withRand(() -> {
                draws.incrementAndGet();
                return 1024;
            });
            CallSites.TypeAssert open = cs.typeAssert(stringer, false);
            long before = cs.rebuilds();
            for (int i = 0; i < 12; i++) {
                open.typeAssert(point); // the runtime function itself: each call adds an entry (Go does not look first)
            }
            assertEquals(24, draws.get(), "two draws per rebuild");
            assertEquals(before + 12, cs.rebuilds());
            GoMemory mem = rt.sys().memory();
            assertEquals(31, mem.u64(open.cache() + cs.descriptor().assertCacheMask), "12 entries: 32 slots");
        }
    }

    @Test
    void theTableAfterManyTypesHoldsEveryTypeOnceAtHalfLoad() {
        try (SiteWorld w = new SiteWorld(300, 1); P _ = w.rt.procs().acquire()) {
            CallSites cs = w.rt.callSites().withRand(CheapRand.ZERO); // every miss rebuilds
            CallSites.TypeAssert must = cs.typeAssert(w.i0, false);
            CallSites.TypeAssert may = cs.typeAssert(w.i1, true);
            CallSites.InterfaceSwitch sw = cs.interfaceSwitch(w.i1, w.i0);
            CallSites.Match m = new CallSites.Match();
            List<Long> masks = new ArrayList<>();
            for (int t = 0; t < w.types.length; t++) {
                assertEquals(w.tabI0[t], must.onEface(w.types[t]));
                assertEquals(w.tabI1[t], may.onEface(w.types[t]));
                assertEquals(w.tabI1[t] != 0 ? 0 : 1, sw.onEface(w.types[t], m));
                assertEquals(w.tabI1[t] != 0 ? w.tabI1[t] : w.tabI0[t], m.itab());
                long mask = w.mem.u64(must.cache() + cs.descriptor().assertCacheMask);
                if (masks.isEmpty() || masks.getLast() != mask) {
                    masks.add(mask);
                }
            }
            assertEquals(List.of(1L, 3L, 7L, 15L, 31L, 63L, 127L, 255L, 511L, 1023L), masks, "doubling past half load");
            assertEquals(300, w.checkAssertCache(cs, must.cache(), w.tabI0, true));
            assertEquals(300, w.checkAssertCache(cs, may.cache(), w.tabI1, true), "failures (itab 0) are entries too");
            assertEquals(300, w.checkSwitchCache(cs, sw.cache(), true));
            long slow = cs.slowPaths();
            for (int t = 0; t < w.types.length; t++) {
                assertEquals(w.tabI0[t], must.onEface(w.types[t]));
                assertEquals(w.tabI1[t], may.onEface(w.types[t]));
                sw.onEface(w.types[t], m);
            }
            assertEquals(slow, cs.slowPaths(), "every type a hit");
            assertEquals(0, cs.lostCas(), "one thread: no CAS lost");
        }
    }

    @Test
    void gosGatesRebuildRarelyAndTheTableStaysValid() {
        try (SiteWorld w = new SiteWorld(300, 1)) {
            CallSites cs = w.rt.callSites(); // Go's per-thread wyrand
            CallSites.TypeAssert site = cs.typeAssert(w.i0, false);
            long slow0 = cs.slowPaths();
            java.util.SplittableRandom r = new java.util.SplittableRandom(7);
            for (int i = 0; i < 300_000; i++) {
                int t = r.nextInt(w.types.length);
                assertEquals(w.tabI0[t], site.onEface(w.types[t]));
            }
            long slow = cs.slowPaths() - slow0;
            int used = w.checkAssertCache(cs, site.cache(), w.tabI0, true);
            assertTrue(cs.rebuilds() > 0 && used == cs.rebuilds(), "each rebuild added one type: " + cs.rebuilds() + " vs " + used);
            // the first gate alone passes 1 in 1024: rebuilds stay below slow/1024 (with room for chance)
            assertTrue(cs.rebuilds() * 1024 < 3 * slow + 3 * 1024, cs.rebuilds() + " rebuilds in " + slow + " slow paths");
            System.out.printf("Go's gates: %d calls, %d slow paths, %d rebuilds, %d types cached%n", 300_000, slow, cs.rebuilds(), used);
        }
    }

    @Test
    void slotsAreTwiceTheEntriesRoundedUpToAPowerOfTwo() {
        assertEquals(2, CallSites.slots(1));
        assertEquals(4, CallSites.slots(2));
        assertEquals(8, CallSites.slots(3));
        assertEquals(8, CallSites.slots(4));
        assertEquals(16, CallSites.slots(5));
        assertEquals(1024, CallSites.slots(512));
        assertEquals(2048, CallSites.slots(513));
    }

    @Test
    void releasesBefore122HaveNoCallSites() throws Exception {
        for (GoRelease r : List.of(new GoRelease(19), new GoRelease(21))) {
            try (GoRuntime rt = GoRuntime.start(r, 1)) {
                rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/shapes")), r));
                IllegalStateException e = assertThrows(IllegalStateException.class, rt::callSites);
                assertTrue(e.getMessage().startsWith(r + " has no call-site caches"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> rt.image().lookup("runtime.emptyTypeAssertCache"));
            }
            assertThrows(IllegalArgumentException.class, () -> new CallSiteDescriptor(Abi.of(r)));
        }
    }

    @Test
    void wyrandIsGosGenerator() {
        // the same arithmetic done with BigInteger: s += 0xa0761d6478bd642f; hi^lo of s * (s ^ 0xe7037ed1a0b428db)
        CheapRand r = CheapRand.sequence(42);
        java.math.BigInteger two64 = java.math.BigInteger.ONE.shiftLeft(64);
        long s = 42;
        for (int i = 0; i < 100; i++) {
            s += 0xa0761d6478bd642fL;
            java.math.BigInteger a = new java.math.BigInteger(Long.toUnsignedString(s));
            java.math.BigInteger b = new java.math.BigInteger(Long.toUnsignedString(s ^ 0xe7037ed1a0b428dbL));
            java.math.BigInteger prod = a.multiply(b);
            long want = prod.shiftRight(64).longValue() ^ prod.mod(two64).longValue();
            assertEquals((int) want, r.next());
        }
    }
}
