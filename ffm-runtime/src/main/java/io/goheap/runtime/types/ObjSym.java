package io.goheap.runtime.types;

import io.goheap.runtime.abi.GoRelease;

import java.util.ArrayList;
import java.util.List;

/**
 * One data symbol as the compiler writes it into an object file (and prints it with {@code -S}):
 * name, bytes with zeros where relocations go, relocations, and whether it is {@code dupok}.
 */
public final class ObjSym {
    /**
     * Relocation kinds of cmd/internal/objabi as {@code -S} prints them ({@code t=}). Their numbers are the same
     * in every release goheap follows (1.19, 1.21 to 1.27); the listing prints the number up to Go 1.21 and
     * the name from Go 1.22 ({@link #listed(GoRelease)}).
     */
    public enum Kind {
        /** R_ADDR (1): the target's address, a pointer word. */
        ADDR(1, "addr", false, "R_ADDR"),
        /** R_ADDROFF (5): the target's 32-bit offset from the start of its section. */
        ADDROFF(5, "addroff", false, "R_ADDROFF"),
        /** R_METHODOFF (26): as ADDROFF for a method's code, -1 if the method is unreachable. */
        METHODOFF(26, "methodoff", false, "R_METHODOFF"),
        /** R_WEAKADDR: ADDR that does not keep its target alive. */
        WEAKADDR(-32767, "addr", true, "RelocType(-32767)"),
        /** R_WEAKADDROFF: ADDROFF that does not keep its target alive. */
        WEAKADDROFF(-32763, "addroff", true, "RelocType(-32763)"),
        /** R_KEEP (27): no bytes; keeps the target alive while this symbol is (a named map keeps its map type). */
        KEEP(27, "keep", false, "R_KEEP");

        /** The kind's number in cmd/internal/objabi ({@code t=}). */
        public final int t;
        /** The kind's name in goheap's JSON listing. */
        public final String json;
        /** Whether the relocation is weak (does not keep its target alive). */
        public final boolean weak;
        /** what Go 1.22 on prints: the kind's name, or RelocType(n) for the weak forms, which have none */
        private final String name;

        Kind(int t, String json, boolean weak, String name) {
            this.t = t;
            this.json = json;
            this.weak = weak;
            this.name = name;
        }

        /**
         * The kind as {@code release}'s {@code -S} listing prints it after {@code t=}: the number up to Go 1.21
         * ({@code 1}, {@code -32763}), from Go 1.22 the name ({@code R_ADDR}, and {@code RelocType(-32763)} for
         * the weak forms, which have no name).
         */
        public String listed(GoRelease release) {
            return release.minor() <= 21 ? Integer.toString(t) : name;
        }
    }

    /**
     * The kind of data a symbol is: what its name line in the listing says ({@code SRODATA}, ...) and the ELF
     * section the linker gives it (up to Go 1.26; 1.27 moves descriptors, names and itabs to {@code .go.type}).
     */
    public enum Section {
        /** Read-only data: descriptors, name data, itabs, masks, closures. */
        RODATA("SRODATA", ".rodata"),
        /** Writable data without pointers: Go 1.24 to 1.26's {@code type:.gcmask.T}, one zero word. */
        NOPTRDATA("SNOPTRDATA", ".noptrdata"),
        /** Zeroed writable data without pointers, no bytes in the object: Go 1.27's {@code type:.gcmask.T}. */
        NOPTRBSS("SNOPTRBSS", ".noptrbss");

        /** The kind as the {@code -S} listing's name line prints it. */
        public final String listed;
        /** The ELF section the linker puts such a symbol in. */
        public final String elf;

        Section(String listed, String elf) {
            this.listed = listed;
            this.elf = elf;
        }
    }

    /** {@code rel OFF+SIZE t=KIND TARGET+ADD}. */
    public record Reloc(int off, int size, Kind kind, String target, long add) {
    }

    private final String name;
    private final boolean dupok;
    /** the linker lists this type in moduledata.typelinks (set by the writer: reflect may look it up) */
    private boolean typelink;
    /** the content so far is {@code data[0, length)}; the array grows geometrically (appends stay linear) */
    private byte[] data = new byte[0];
    private int length;
    /** the declared size; the content may stop short of it (Go's objw.Global(sym, ot) after a skipped pad) */
    private int declared;
    private final List<Reloc> relocs = new ArrayList<>();
    /** the alignment the compiler declares (Go 1.27 on), 0 where it leaves it to the linker */
    private int align;
    private Section section = Section.RODATA;

    /** A closure symbol {@code name} (e.g. runtime.memequal64·f): one word pointing at function {@code fn}. */
    public static ObjSym closure(String name, String fn) {
        ObjSym c = new ObjSym(name, true);
        c.addr(0, fn, 0, false);
        return c;
    }

    ObjSym(String name, boolean dupok) {
        this.name = name;
        this.dupok = dupok;
    }

    /** The symbol's name, as the linker spells it. */
    public String name() { return name; }
    /** Whether moduledata.typelinks lists it. */
    public boolean typelink() { return typelink; }
    void typelink(boolean t) { typelink = t; }
    /** Whether the linker may find it in several packages and keep one ({@code DUPOK}). */
    public boolean dupok() { return dupok; }
    /** The symbol's size, as {@code size=} in the listing. */
    public int size() { return Math.max(declared, length); }
    /** The content written (zeros at relocations); may be shorter than {@link #size()}, like {@code -S} shows it. */
    public byte[] bytes() { return java.util.Arrays.copyOf(data, length); }
    /** The relocations, in the order written. */
    public List<Reloc> relocs() { return List.copyOf(relocs); }
    /**
     * The alignment the compiler declares for the symbol, in bytes ({@code align=} in Go 1.27's listing: 1 for
     * name data, 8 for descriptors, itabs and masks), or 0 where it declares none and the linker chooses (every
     * symbol of the releases before 1.27, and 1.27's closures and GC mask words).
     */
    public int align() { return align; }
    void align(int a) { align = a; }
    /**
     * The kind of data: {@link Section#RODATA} but for Go 1.24's on-demand mask word {@code type:.gcmask.T}, which
     * the runtime fills in at run time ({@link Section#NOPTRDATA}, from 1.27 {@link Section#NOPTRBSS}).
     */
    public Section section() { return section; }
    void section(Section s) { section = s; }

    // little-endian writers; each returns the offset after what it wrote
    int u8(int off, int v) { return le(off, v, Byte.BYTES); }
    int u16(int off, int v) { return le(off, v, Short.BYTES); }
    int u32(int off, long v) { return le(off, v, Integer.BYTES); }
    int u64(int off, long v) { return le(off, v, Long.BYTES); }
    int bytes(int off, byte[] b) {
        grow(off + b.length);
        System.arraycopy(b, 0, data, off, b.length);
        return off + b.length;
    }

    private int le(int off, long v, int width) {
        grow(off + width);
        for (int i = 0; i < width; i++) {
            data[off + i] = (byte) (v >>> (Byte.SIZE * i));
        }
        return off + width;
    }

    /** An 8-byte slot holding {@code target + add}. */
    int addr(int off, String target, long add, boolean weak) {
        relocs.add(new Reloc(off, Long.BYTES, weak ? Kind.WEAKADDR : Kind.ADDR, target, add));
        return u64(off, 0);
    }

    /** A 4-byte slot holding {@code target - moduledata.types}. */
    int addrOff(int off, String target, boolean weak) {
        relocs.add(new Reloc(off, Integer.BYTES, weak ? Kind.WEAKADDROFF : Kind.ADDROFF, target, 0));
        return u32(off, 0);
    }

    /** A 4-byte method offset (typeOff or textOff, resolved by the linker). */
    int methodOff(int off, String target) {
        relocs.add(new Reloc(off, Integer.BYTES, Kind.METHODOFF, target, 0));
        return u32(off, 0);
    }

    /** Declares the size without writing the bytes up to it (the compiler's trailing padding). */
    void pad(int size) { declared = Math.max(declared, size); }

    /** An R_KEEP relocation to {@code target}. */
    void keep(String target) {
        relocs.add(new Reloc(0, 0, Kind.KEEP, target, 0));
    }

    /**
     * Makes the content at least {@code n} bytes long (zero-filled). The array at least doubles when it
     * must grow, so writing a symbol of n bytes front to back copies O(n) bytes in all, not O(n^2).
     */
    private void grow(int n) {
        if (n < 0) {
            throw new ArithmeticException("symbol " + name + " over 2 GiB");
        }
        if (n > data.length) {
            long doubled = Math.min(Integer.MAX_VALUE - 8L, Math.max(16L, 2L * data.length));
            data = java.util.Arrays.copyOf(data, (int) Math.max(n, doubled));
        }
        length = Math.max(length, n);
    }
}
