package io.goheap.runtime;

import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.iface.TypeAssertionError;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import io.goheap.runtime.types.SymbolNames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Types and itabs by their Go names instead of raw addresses ({@code rt.type("main.Rect")},
 * {@code rt.itab("main.Shape", "*main.Rect")}), the itab table's typed entries, and {@code describe(addr)}
 * for every kind of memory a runtime has, in the reference release and the newest.
 */
class TypedHandlesTest extends NativeMemoryTest {
    @ParameterizedTest
    @ValueSource(ints = {19, 27})
    void typesAndItabsByName(int minor) throws Exception {
        GoRelease r = new GoRelease(minor);
        SymbolNames n = SymbolNames.of(r);
        try (GoRuntime rt = GoRuntime.start(r, 1)) {
            Linker l = rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/shapes")), r));
            TypeView celsius = rt.type("main.Celsius");
            assertEquals(l.address(n.type("main.Celsius")), celsius.address());
            assertEquals("main.Celsius", celsius.string());
            assertEquals(l.address(n.type("*main.Counter")), rt.type("*main.Counter").address());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> rt.type("main.Celsiu"));
            assertTrue(none.getMessage().startsWith("no linked type main.Celsiu; did you mean main.Celsius"), none.getMessage());

            ItabView stat = rt.itab("main.Stringer", "main.Celsius");
            assertEquals(l.address(n.itab("main.Celsius", "main.Stringer")), stat.address(), "the compiler's static itab");
            ItabView built = rt.itab("main.Valuer", "*main.Counter");
            assertTrue(rt.persistentAlloc().inPersistentAlloc(built.address()), "getitab's, in persistentalloc memory");
            assertEquals(l.address("main.(*Counter).Value"), built.fun(0));
            assertEquals(built.address(), rt.itabs().getitab(rt.type("main.Valuer"), rt.type("*main.Counter")).address());
            TypeAssertionError miss = assertThrows(TypeAssertionError.class, () -> rt.itab("main.Shape", "main.Celsius"));
            assertEquals("interface conversion: main.Celsius is not main.Shape: missing method Dist", miss.getMessage());
            assertThrows(IllegalArgumentException.class, () -> rt.itab("main.Celsius", "main.Celsius"), "not an interface");

            var slots = rt.itabs().table().slots();
            assertEquals(rt.itabs().table().count(), slots.size());
            assertTrue(slots.stream().anyMatch(e -> e.itab() == built.address()));

            // describe, each kind of memory
            assertEquals("runtime.staticuint64s[7]", rt.describe(rt.conv().convT64(7)));
            assertEquals("itab " + n.itab("main.Celsius", "main.Stringer") + " + 24 (fun[0])", rt.describe(stat.address() + 24));
            assertEquals("itab " + n.itab("main.Celsius", "main.Stringer") + " + 16 (hash)", rt.describe(stat.address() + 16));
            String d = rt.describe(built.address() + 24);
            assertTrue(d.startsWith("itab main.Valuer,*main.Counter (built by getitab) + 24 (fun[0]) in persistent chunk 0x"), d);
            assertEquals("type descriptor " + n.type("main.Celsius"), rt.describe(celsius.address()));
            assertEquals("type descriptor " + n.type("main.Celsius") + " + 8", rt.describe(celsius.address() + 8));
            long big;
            try (P _ = rt.procs().acquire()) {
                big = rt.conv().convT64(1000);
                rt.conv().convT64(1001);
            }
            String h = rt.describe(big);
            // an 8-byte noscan value goes to a 16-byte tiny block (size class 2), as Go's tiny allocator does
            assertTrue(h.startsWith("heap span 0x") && h.contains("(size class 2, 16-byte objects, noscan), object"), h);
            assertTrue(rt.describe(big + 3).endsWith(" + 3"), rt.describe(big + 3));
            long table = rt.itabs().table().current();
            assertTrue(rt.describe(table + 16).startsWith("the itab table (512 entries"), rt.describe(table + 16));
            assertEquals("0x10 is not in this runtime's memory", rt.describe(0x10));

            // interface values as records
            long boxed;
            try (P _ = rt.procs().acquire()) {
                boxed = rt.conv().convT64(1001);
            }
            long iv = rt.conv().newIface(built.address(), boxed);
            assertEquals(new io.goheap.runtime.iface.Iface(built.address(), boxed), rt.iface(iv));
            long ev = rt.conv().newEface(celsius.address(), boxed);
            assertEquals(new io.goheap.runtime.iface.Eface(celsius.address(), boxed), rt.eface(ev));

            // a struct at an address, field by field (JOL-like), its pointers described
            String lay = rt.layout("itab", stat.address());
            assertTrue(lay.startsWith(String.format("itab (%s, 32 bytes) at 0x%x", minor == 19 ? "runtime.itab" : "internal/abi.ITab",
                    stat.address())), lay);
            assertTrue(lay.contains("-> type descriptor " + n.type("main.Stringer")), lay);
            assertTrue(lay.contains("-> type descriptor " + n.type("main.Celsius")), lay);
            assertTrue(lay.lines().anyMatch(line -> line.contains(minor == 19 ? " fun " : " Fun ") && line.contains("-> main.")), lay);
            assertThrows(IllegalArgumentException.class, () -> rt.layout("nope", stat.address()));
            assertThrows(io.goheap.runtime.mem.BadAddressException.class, () -> rt.layout("itab", 0x10));
        }
    }
}
