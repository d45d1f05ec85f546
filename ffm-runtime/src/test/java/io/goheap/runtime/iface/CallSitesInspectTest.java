package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.dump.DumpWriter;
import io.goheap.runtime.dump.LiveImage;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.inspect.GoImage;
import io.goheap.runtime.inspect.RuntimeState;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.goheap.runtime.iface.CallSitesTest.a;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The inspector, which reads the call-site caches of real Go 1.22+ processes
 * ({@code RuntimeState.caches()}, proved against gdb on every release's core), reads the simulated ones
 * back as they are in memory: live through {@link LiveImage} and from a goheap dump, site by site and
 * entry by entry, every entry checked "ok" against the itab table.
 */
class CallSitesInspectTest extends NativeMemoryTest {
    @TempDir
    Path tmp;

    /** What the simulator holds, in the inspector's records: one per site, entries in slot order. */
    static RuntimeState.CacheSite expected(GoRuntime rt, Module module, CallSites cs, Object site) {
        GoMemory mem = rt.sys().memory();
        CallSiteDescriptor d = cs.descriptor();
        Function<Long, String> name = t -> module.typeAt(t).string();
        List<RuntimeState.CacheEntry> entries = new ArrayList<>();
        if (site instanceof CallSites.TypeAssert t) {
            long c = t.cache();
            long mask = mem.u64(c + d.assertCacheMask);
            for (long i = 0; i <= mask; i++) {
                long e = c + d.assertCacheEntries + i * d.assertEntrySize;
                long typ = mem.u64(e + d.assertEntryTyp);
                if (typ != 0) {
                    entries.add(new RuntimeState.CacheEntry(i, typ, name.apply(typ), -1, mem.u64(e + d.assertEntryItab), "ok"));
                }
            }
            return new RuntimeState.CacheSite(t.symbol().name(), t.address(), "typeAssert", List.of(name.apply(t.inter())),
                    t.canFail(), c, mask, entries);
        }
        CallSites.InterfaceSwitch s = (CallSites.InterfaceSwitch) site;
        long c = s.cache();
        long mask = mem.u64(c + d.switchCacheMask);
        for (long i = 0; i <= mask; i++) {
            long e = c + d.switchCacheEntries + i * d.switchEntrySize;
            long typ = mem.u64(e + d.switchEntryTyp);
            if (typ != 0) {
                entries.add(new RuntimeState.CacheEntry(i, typ, name.apply(typ), mem.u64(e + d.switchEntryCase),
                        mem.u64(e + d.switchEntryItab), "ok"));
            }
        }
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < s.ncases(); i++) {
            cases.add(name.apply(s.caseAt(i)));
        }
        return new RuntimeState.CacheSite(s.symbol().name(), s.address(), "interfaceSwitch", cases, false, c, mask, entries);
    }

    @Test
    void theInspectorReadsTheSimulatedCachesBackLiveAndFromADump() throws Exception {
        try (GoRuntime rt = CallSitesTest.shapes()) {
            CallSites cs = rt.callSites().withRand(CheapRand.ZERO);
            long stringer = a(rt, "type.main.Stringer");
            long shape = a(rt, "type.main.Shape");
            long valuer = a(rt, "type.main.Valuer");
            long point = a(rt, "type.main.Point");
            long celsius = a(rt, "type.main.Celsius");
            long counter = a(rt, "type.main.Counter");
            long ptrCounter = a(rt, "type.*main.Counter");
            CallSites.TypeAssert must = cs.typeAssert(stringer, false);
            must.onEface(point);
            must.onEface(celsius);
            CallSites.TypeAssert may = cs.typeAssert(shape, true);
            may.onEface(celsius); // a cached failure: itab 0
            may.onEface(point);
            may.onEface(counter);
            CallSites.TypeAssert untouched = cs.typeAssert(valuer, false);
            CallSites.InterfaceSwitch sw = cs.interfaceSwitch(shape, stringer, valuer);
            for (long t : new long[] {point, celsius, counter, ptrCounter, a(rt, "type.main.Base")}) {
                sw.onEface(t, null); // Base: no case, NCases and itab 0
            }
            List<Object> sites = List.of(must, may, untouched, sw);
            List<RuntimeState.CacheSite> want;
            try (GoImage img = LiveImage.of(rt)) {
                want = sites.stream().map(s -> expected(rt, img.module(), cs, s)).toList();
            }
            assertEquals(0, want.get(2).mask(), "an untouched site keeps the empty cache");
            assertEquals(rt.callSites().emptyTypeAssertCache().address(), want.get(2).cache());
            assertEquals(5, want.get(3).entries().size());

            List<RuntimeState.CacheSite> live;
            try (GoImage img = LiveImage.of(rt)) {
                RuntimeState st = new RuntimeState(img);
                assertNotNull(st.caches(), st.findings().toString());
                assertEquals("the symbols pkg..typeAssert.N and pkg..interfaceSwitch.N", st.cachesFoundBy());
                assertEquals(List.of(), st.findings(), "nothing the inspector finds odd");
                live = st.caches();
            }
            assertEquals(byAddress(want), byAddress(live), "live, through the inspector");
            Path file = tmp.resolve("sites.core");
            DumpWriter.write(rt, file);
            try (ElfFile f = ElfFile.open(file); GoImage img = GoImage.ofDump(f)) {
                assertEquals(22, img.release().minor(), "the dump names the release the runtime simulates");
                RuntimeState st = new RuntimeState(img);
                assertEquals(live, st.caches(), "the dump reads as the live memory");
            }
        }
    }

    /** Every release with call-site caches: its sites, filled, read back live through the inspector at that release's layouts. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {22, 23, 24, 25, 26, 27})
    void everyReleaseFrom122ReadsBack(int minor) throws Exception {
        io.goheap.runtime.abi.GoRelease r = new io.goheap.runtime.abi.GoRelease(minor);
        try (GoRuntime rt = GoRuntime.start(r, 1)) {
            rt.link(io.goheap.runtime.types.PackageImage.compileAll(io.goheap.runtime.gosrc.GoModule.load(
                    io.goheap.runtime.testing.NativeDir.get().resolve("fixtures/shapes")), r));
            CallSites cs = rt.callSites().withRand(CheapRand.ZERO);
            long stringer = a(rt, "type.main.Stringer");
            long shape = a(rt, "type.main.Shape");
            CallSites.TypeAssert t = cs.typeAssert(stringer, true);
            CallSites.InterfaceSwitch sw = cs.interfaceSwitch(shape, stringer);
            for (String ty : List.of("type.main.Point", "type.main.Celsius", "type.main.Counter")) {
                long typ = a(rt, ty);
                assertEquals(rt.itabs().getitab(stringer, typ, true), t.onEface(typ), r + " " + ty);
                sw.onEface(typ, null);
            }
            List<RuntimeState.CacheSite> want;
            List<RuntimeState.CacheSite> live;
            try (GoImage img = LiveImage.of(rt)) {
                want = List.of(expected(rt, img.module(), cs, t), expected(rt, img.module(), cs, sw));
                RuntimeState st = new RuntimeState(img);
                assertNotNull(st.caches(), r + " " + st.findings());
                live = st.caches();
            }
            assertEquals(3, want.get(0).entries().size(), r.toString());
            assertEquals(byAddress(want), byAddress(live), r + ": the inspector reads what the simulator holds");
        }
    }

    private static Map<Long, RuntimeState.CacheSite> byAddress(List<RuntimeState.CacheSite> l) {
        return l.stream().collect(Collectors.toMap(RuntimeState.CacheSite::address, c -> c));
    }
}
