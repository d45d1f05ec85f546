package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.imethod;
import io.goheap.layouts.go119.method;
import io.goheap.layouts.go119.interfacetype;
import io.goheap.layouts.go119.name;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.uncommontype;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.SrodataFixture;
import io.goheap.runtime.testing.SrodataFixture.Reloc;
import io.goheap.runtime.testing.SrodataFixture.Symbol;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * View three against view two, on data: the bytes and relocations the Go 1.19 compiler emitted for the
 * Xer/data example (native/fixtures/xer.srodata.txt) decoded through the jextract layouts. Every
 * pointer-sized relocation must sit at a pointer field of the layout, every R_ADDROFF at a nameOff/
 * typeOff field, and the plain values must read back as the compiler meant them.
 */
class CompilerBytesTest {
    static final int R_ADDR = 1;
    static final int R_ADDROFF = 5;
    static final int R_METHODOFF = 26;
    static final int R_WEAKADDR = -32767;
    static final int R_WEAKADDROFF = -32763;

    static final Map<String, Symbol> SYMS = load();

    static Map<String, Symbol> load() {
        try {
            return SrodataFixture.parse(NativeDir.get().resolve("fixtures/xer.srodata.txt"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes in native memory, 8-byte aligned as the linker places type data (heap arrays are not). */
    static MemorySegment seg(byte[] b) {
        return Arena.ofAuto().allocate(b.length, 8).copyFrom(MemorySegment.ofArray(b));
    }

    static Symbol sym(String n) {
        Symbol s = SYMS.get(n);
        assertNotNull(s, "fixture lacks " + n);
        return s;
    }

    static void reloc(Symbol s, long off, long size, int type, String target) {
        Reloc r = s.relocAt((int) off);
        assertNotNull(r, s.name() + ": no relocation at " + off + " (" + target + ")");
        assertEquals(size, r.size(), s.name() + "+" + off + " relocation size");
        assertEquals(type, r.type(), s.name() + "+" + off + " relocation kind");
        assertEquals(target, r.target(), s.name() + "+" + off + " relocation target");
    }

    @Test
    void staticItabDecodesThroughTheItabLayout() {
        Symbol it = sym("go.itab.main.data,main.Xer");
        MemorySegment m = seg(it.bytes());
        assertEquals(ItabDescriptor.sizeOf(2), it.size(), "24 + 8*2");
        assertEquals(4, it.relocs().size());
        reloc(it, ItabDescriptor.INTER_OFFSET, 8, R_ADDR, "type.main.Xer");
        reloc(it, ItabDescriptor.TYPE_OFFSET, 8, R_ADDR, "type.main.data");
        reloc(it, ItabDescriptor.funOffset(0), 8, R_WEAKADDR, "main.(*data).A");
        reloc(it, ItabDescriptor.funOffset(1), 8, R_WEAKADDR, "main.(*data).B");
        // a static itab's hash is the concrete type's hash
        int hash = m.get(io.goheap.layouts.go119.itab.hash$layout(), ItabDescriptor.HASH_OFFSET);
        assertEquals(TypeHash.of("main.data"), hash);
        assertEquals(_type.hash(seg(sym("type.main.data").bytes())), hash);
    }

    @Test
    void typeHeaderOfMainData() {
        Symbol t = sym("type.main.data");
        MemorySegment m = seg(t.bytes());
        assertEquals(16, _type.size(m));
        assertEquals(0, _type.ptrdata(m));
        assertEquals(TypeHash.of("main.data"), _type.hash(m));
        assertEquals(Go119.GO_TFLAG_UNCOMMON() | Go119.GO_TFLAG_EXTRA_STAR() | Go119.GO_TFLAG_NAMED()
                | Go119.GO_TFLAG_REGULAR_MEMORY(), _type.tflag(m));
        assertEquals(8, _type.align(m));
        assertEquals(8, _type.fieldAlign(m));
        assertEquals(Go119.GO_KIND_STRUCT(), _type.kind(m) & Go119.GO_KIND_MASK());
        reloc(t, _type.equal$offset(), 8, R_ADDR, "runtime.memequal128·f");
        reloc(t, _type.gcdata$offset(), 8, R_ADDR, "runtime.gcbits.");
        reloc(t, _type.str$offset(), 4, R_ADDROFF, "type..namedata.*main.data-");
        reloc(t, _type.ptrToThis$offset(), 4, R_ADDROFF, "type.*main.data");
        // structtype.fields points just past the uncommontype (type.main.data+96): that places it
        Reloc fieldsArray = t.relocs().stream().filter(r -> r.target().equals("type.main.data")).findFirst().orElseThrow();
        long uncommonAt = fieldsArray.add() - uncommontype.sizeof();
        MemorySegment u = m.asSlice(uncommonAt, uncommontype.sizeof());
        reloc(t, uncommonAt + uncommontype.pkgpath$offset(), 4, R_ADDROFF, "type..importpath.main.");
        assertEquals(2, uncommontype.mcount(u));
        assertEquals(2, uncommontype.xcount(u));
        long methodsAt = uncommonAt + uncommontype.moff(u);
        assertEquals(t.size(), methodsAt + 2 * method.sizeof(), "[2]method ends the symbol");
        for (int k = 0; k < 2; k++) {
            char mn = (char) ('A' + k);
            long at = methodsAt + k * method.sizeof();
            reloc(t, at + method.name$offset(), 4, R_ADDROFF, "type..namedata." + mn + ".");
            reloc(t, at + method.mtyp$offset(), 4, R_METHODOFF, "type.func() int");
            reloc(t, at + method.ifn$offset(), 4, R_METHODOFF, "main.(*data)." + mn);
            reloc(t, at + method.tfn$offset(), 4, R_METHODOFF, "main.data." + mn);
        }
    }

    @Test
    void interfaceTypeOfMainXer() {
        Symbol t = sym("type.main.Xer");
        MemorySegment m = seg(t.bytes());
        long uncommonAt = interfacetype.sizeof();
        long imethodsAt = uncommonAt + uncommontype.sizeof();
        assertEquals(imethodsAt + 2 * imethod.sizeof(), t.size(), "interfacetype + uncommontype + [2]imethod");
        MemorySegment typ = interfacetype.typ(m);
        assertEquals(16, _type.size(typ));
        assertEquals(16, _type.ptrdata(typ));
        assertEquals(TypeHash.of("main.Xer"), _type.hash(typ));
        assertEquals(Go119.GO_KIND_INTERFACE(), _type.kind(typ));
        long typOff = interfacetype.typ$offset();
        reloc(t, typOff + _type.equal$offset(), 8, R_ADDR, "runtime.interequal·f");
        reloc(t, typOff + _type.str$offset(), 4, R_ADDROFF, "type..namedata.*main.Xer.");
        reloc(t, interfacetype.pkgpath$offset() + name.bytes$offset(), 8, R_ADDR, "type..importpath.main.");
        long mhdr = interfacetype.mhdr$offset();
        reloc(t, mhdr + slice.array$offset(), 8, R_ADDR, "type.main.Xer");
        assertEquals(imethodsAt, t.relocAt((int) (mhdr + slice.array$offset())).add(), "mhdr points at the imethods");
        MemorySegment mh = interfacetype.mhdr(m);
        assertEquals(2, slice.len(mh));
        assertEquals(2, slice.cap(mh));
        MemorySegment u = m.asSlice(uncommonAt, uncommontype.sizeof());
        reloc(t, uncommonAt + uncommontype.pkgpath$offset(), 4, R_ADDROFF, "type..importpath.main.");
        assertEquals(0, uncommontype.mcount(u));
        assertEquals(uncommontype.sizeof() + 2 * imethod.sizeof(), uncommontype.moff(u), "moff skips the imethods");
        for (int k = 0; k < 2; k++) {
            long at = imethodsAt + k * imethod.sizeof();
            reloc(t, at + imethod.name$offset(), 4, R_ADDROFF, "type..namedata." + (char) ('A' + k) + ".");
            reloc(t, at + imethod.ityp$offset(), 4, R_ADDROFF, "type.func() int");
        }
    }

    @Test
    void nameEncodingMatchesTheCompiler() {
        assertArrayEquals(sym("type..namedata.*main.Xer.").bytes(), NameEncoding.encode("*main.Xer", true));
        assertArrayEquals(sym("type..namedata.*main.data-").bytes(), NameEncoding.encode("*main.data", false));
        assertArrayEquals(sym("type..namedata.A.").bytes(), NameEncoding.encode("A", true));
        assertArrayEquals(sym("type..namedata.x-").bytes(), NameEncoding.encode("x", false));
        assertArrayEquals(sym("type..importpath.main.").bytes(), NameEncoding.encode("main", false));
        assertArrayEquals(sym("type..namedata.*func(*main.data) int-").bytes(), NameEncoding.encode("*func(*main.data) int", false));
    }

    @Test
    void typeHashMatchesEveryTypeInTheFixture() {
        // type.X symbols carry hash TypeHash(X) at _type.hash (the link string is the name after "type.")
        int checked = 0;
        for (Symbol s : SYMS.values()) {
            if (s.name().startsWith("type.") && !s.name().startsWith("type..") && s.size() >= _type.sizeof()) {
                String link = s.name().substring("type.".length());
                assertEquals(TypeHash.of(link), _type.hash(seg(s.bytes())), s.name());
                checked++;
            }
        }
        assertTrue(checked >= 8, "type descriptors checked: " + checked);
    }
}
