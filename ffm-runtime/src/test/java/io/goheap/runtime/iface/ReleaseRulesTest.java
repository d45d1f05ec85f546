package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import io.goheap.runtime.types.SymbolNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The rules of the itab machinery that changed between releases, each against the release that
 * changed it: {@code itabInit(m, firstTime)} (Go 1.23) writes nothing when it only looks for the missing
 * method's name, where {@code itab.init} (up to 1.22) wrote fun[] again; {@code itabTableType.add}
 * (Go 1.27) skips an itab whose (inter, type) pair is in the table already, where earlier releases
 * skip only the same itab.
 */
class ReleaseRulesTest extends NativeMemoryTest {
    /** I has three methods; T has the first two: its itab is negative, and init writes fun[1] before it misses C. */
    static final String SRC = """
            package main
            type I interface { A() int; B() int; C() int }
            type T struct{ x int }
            func (t T) A() int { return 1 }
            func (t T) B() int { return 2 }
            var _ = 0
            """;

    @ParameterizedTest
    @ValueSource(ints = {19, 21, 22, 23, 24, 25, 26, 27})
    void theNameLookupOfAFailedAssertionRewritesFunOnlyUpTo122(int minor) throws Exception {
        GoRelease release = new GoRelease(minor);
        SymbolNames n = SymbolNames.of(release);
        try (GoRuntime rt = GoRuntime.start(release, 1)) {
            Linker l = rt.link(PackageImage.compile(GoSource.parse("t.go", SRC), release));
            Itabs it = rt.itabs();
            long inter = l.address(n.type("main.I"));
            long typ = l.address(n.type("main.T"));
            assertEquals(0, it.getitab(inter, typ, true), "T lacks C");
            long m = it.table().find(inter, typ);
            GoMemory mem = rt.sys().memory();
            long fun1 = m + ItabDescriptor.funOffset(1);
            long b = l.address("main.(*T).B"); // ifn: the pointer wrapper of the value method
            assertEquals(b, mem.u64(fun1), "the first init wrote fun[1] = (*T).B before it missed C");
            assertEquals(0, mem.u64(m + ItabDescriptor.funOffset(0)), "negative: fun[0] == 0");
            mem.setU64(fun1, 0x5151);
            TypeAssertionError e = assertThrows(TypeAssertionError.class, () -> it.getitab(inter, typ, false));
            assertEquals("interface conversion: main.T is not main.I: missing method C", e.getMessage());
            assertEquals(minor <= 22 ? b : 0x5151, mem.u64(fun1),
                    minor <= 22 ? "itab.init wrote fun[1] again" : "itabInit(m, false) wrote nothing");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void go127AddsOneItabPerPair(boolean go127) throws Exception {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Linker l = rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/shapes"))));
            GoMemory mem = rt.sys().memory();
            long stat = l.address("go.itab.main.Celsius,main.Stringer");
            long size = ItabDescriptor.sizeOf(1);
            long copy = rt.heap().mallocgc(null, size, true, true);
            for (long off = 0; off < size; off += 8) {
                mem.setU64(copy + off, mem.u64(stat + off)); // a second itab of the same pair, as a plugin has
            }
            ItabTable t = new ItabTable(mem, rt.heap());
            t.dedupByPair(go127);
            t.lockItabs();
            try {
                t.add(stat);
                t.add(stat);
                t.add(copy);
            } finally {
                t.unlockItabs();
            }
            assertEquals(go127 ? 1 : 2, t.count(), "the same itab is added once in every release; another of its pair only before 1.27");
            assertEquals(stat, t.find(mem.u64(stat + ItabDescriptor.INTER_OFFSET), mem.u64(stat + ItabDescriptor.TYPE_OFFSET)));
        }
    }

    @Test
    void eachRuntimesTableFollowsItsRelease() throws Exception {
        for (GoRelease r : GoRuntime.VERSIONS.keySet()) {
            try (GoRuntime rt = GoRuntime.start(r, 1)) {
                rt.link(PackageImage.compile(GoSource.parse("t.go", SRC), r));
                assertEquals(r.minor() >= 27, rt.itabs().table().dedupsByPair(), r.toString());
            }
        }
    }
}
