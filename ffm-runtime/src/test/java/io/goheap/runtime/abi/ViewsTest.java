package io.goheap.runtime.abi;

import io.goheap.runtime.mem.BadAddressException;

import io.goheap.layouts.go119.Go119;
import io.goheap.runtime.testing.FixtureLinker;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.SrodataFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abi views decode what the Go 1.19 compiler emitted for the Xer/data example, after a minimal
 * link ({@link FixtureLinker}) into real memory: names, kinds, methods in the compiler's order, struct
 * fields, func signatures, pointer elements, the static itab.
 */
class ViewsTest {
    static FixtureLinker linked;

    @BeforeAll
    static void link() throws Exception {
        linked = new FixtureLinker(SrodataFixture.parse(NativeDir.get().resolve("fixtures/xer.srodata.txt")));
    }

    @AfterAll
    static void unlink() {
        linked.close();
    }

    static TypeView type(String sym) {
        return linked.module.typeAt(linked.addr(sym));
    }

    @Test
    void interfaceXer() {
        TypeView t = type("type.main.Xer");
        assertEquals("main.Xer", t.string());
        assertEquals("interface", t.kindName());
        assertEquals(16, t.size());
        assertEquals(TypeHash.of("main.Xer"), t.hash());
        InterfaceTypeView i = t.asInterface();
        assertEquals("main", i.pkgPath());
        List<InterfaceTypeView.IMethod> ms = i.methods();
        assertEquals(List.of("A", "B"), ms.stream().map(m -> m.name().name()).toList());
        assertTrue(ms.getFirst().name().isExported());
        assertEquals("func() int", ms.get(1).type().string());
        assertEquals("main", t.uncommon().pkgPath());
        assertEquals(0, t.uncommon().mcount());
    }

    @Test
    void structDataWithValueMethods() {
        TypeView t = type("type.main.data");
        assertEquals("main.data", t.string());
        assertEquals(Go119.GO_KIND_STRUCT(), t.kind());
        List<TypeView.Field> fs = t.fields();
        assertEquals(List.of("x", "y"), fs.stream().map(f -> f.name().name()).toList());
        assertEquals(List.of(0L, 8L), fs.stream().map(TypeView.Field::offset).toList());
        assertEquals(linked.addr("type.int"), fs.getFirst().type().address());
        assertFalse(fs.getFirst().name().isExported());
        UncommonTypeView u = t.uncommon();
        assertEquals("main", u.pkgPath());
        assertEquals(2, u.mcount());
        assertEquals(2, u.xcount());
        List<UncommonTypeView.Method> ms = u.methods();
        assertEquals(List.of("A", "B"), ms.stream().map(m -> m.name().name()).toList());
        assertEquals("func() int", ms.getFirst().type().string());
        assertEquals(linked.addr("main.(*data).A"), ms.getFirst().ifn(), "ifn: the pointer wrapper");
        assertEquals(linked.addr("main.data.A"), ms.getFirst().tfn(), "tfn: the value method");
        assertEquals(linked.addr("type.*main.data"), linked.module.type(t.ptrToThis()).address());
    }

    @Test
    void pointerAndFuncTypes() {
        TypeView p = type("type.*main.data");
        assertEquals("*main.data", p.string());
        assertEquals("ptr", p.kindName());
        assertEquals(linked.addr("type.main.data"), p.elem().address());
        assertEquals(List.of("A", "B"), p.uncommon().methods().stream().map(m -> m.name().name()).toList());
        TypeView f = type("type.func() int");
        assertEquals("func() int", f.string());
        assertEquals(0, f.in().size());
        assertEquals(List.of(linked.addr("type.int")), f.out().stream().map(TypeView::address).toList());
        assertFalse(f.isVariadic());
        assertNull(f.uncommon());
        TypeView m = type("type.func(*main.data) int");
        assertEquals(List.of(linked.addr("type.*main.data")), m.in().stream().map(TypeView::address).toList());
    }

    @Test
    void staticItab() {
        ItabView it = new ItabView(linked.module, linked.addr("go.itab.main.data,main.Xer"));
        assertEquals("main.Xer", it.inter().type().string());
        assertEquals("main.data", it.type().string());
        assertEquals(it.type().hash(), it.hash());
        assertEquals(List.of(linked.addr("main.(*data).A"), linked.addr("main.(*data).B")), it.funs());
    }

    @Test
    void badPointersAreErrorsNamingTheAddress() {
        TypeView wild = linked.module.typeAt(0xdead0000L);
        BadAddressException e = assertThrows(BadAddressException.class, wild::size);
        assertTrue(e.getMessage().startsWith("bad address 0xdead0000 (8 bytes) in linked fixture"), e.getMessage());
        assertThrows(BadAddressException.class, () -> linked.module.name(Integer.MAX_VALUE));
        assertThrows(IllegalStateException.class, () -> type("type.main.data").elem());
        assertThrows(IllegalStateException.class, () -> type("type.main.data").asInterface());
    }
}
