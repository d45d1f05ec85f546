package io.goheap.runtime.types;

import java.util.ArrayList;
import java.util.List;

/**
 * One data symbol as the compiler writes it into an object file (and prints it with {@code -S}):
 * name, bytes with zeros where relocations go, relocations, and whether it is {@code dupok}.
 */
public final class ObjSym {
    /** Relocation kinds of cmd/internal/objabi as {@code -S} prints them ({@code t=}). */
    public enum Kind {
        ADDR(1, "addr", false), ADDROFF(5, "addroff", false), METHODOFF(26, "methodoff", false),
        WEAKADDR(-32767, "addr", true), WEAKADDROFF(-32763, "addroff", true);

        public final int t;
        public final String json;
        public final boolean weak;

        Kind(int t, String json, boolean weak) {
            this.t = t;
            this.json = json;
            this.weak = weak;
        }
    }

    /** {@code rel OFF+SIZE t=KIND TARGET+ADD}. */
    public record Reloc(int off, int size, Kind kind, String target, long add) {
    }

    private final String name;
    private final boolean dupok;
    private byte[] data = new byte[0];
    private final List<Reloc> relocs = new ArrayList<>();

    ObjSym(String name, boolean dupok) {
        this.name = name;
        this.dupok = dupok;
    }

    public String name() { return name; }
    public boolean dupok() { return dupok; }
    public int size() { return data.length; }
    public byte[] bytes() { return data.clone(); }
    public List<Reloc> relocs() { return List.copyOf(relocs); }

    int u8(int off, int v) { grow(off + 1); data[off] = (byte) v; return off + 1; }
    int u16(int off, int v) { grow(off + 2); data[off] = (byte) v; data[off + 1] = (byte) (v >>> 8); return off + 2; }
    int u32(int off, long v) { for (int i = 0; i < 4; i++) { u8(off + i, (int) (v >>> (8 * i))); } return off + 4; }
    int u64(int off, long v) { for (int i = 0; i < 8; i++) { u8(off + i, (int) (v >>> (8 * i))); } return off + 8; }
    int bytes(int off, byte[] b) { for (int i = 0; i < b.length; i++) { u8(off + i, b[i]); } return off + b.length; }

    /** An 8-byte slot holding {@code target + add}. */
    int addr(int off, String target, long add, boolean weak) {
        grow(off + 8);
        relocs.add(new Reloc(off, 8, weak ? Kind.WEAKADDR : Kind.ADDR, target, add));
        return off + 8;
    }

    /** A 4-byte slot holding {@code target - moduledata.types}. */
    int addrOff(int off, String target, boolean weak) {
        grow(off + 4);
        relocs.add(new Reloc(off, 4, weak ? Kind.WEAKADDROFF : Kind.ADDROFF, target, 0));
        return off + 4;
    }

    /** A 4-byte method offset (typeOff or textOff, resolved by the linker). */
    int methodOff(int off, String target) {
        grow(off + 4);
        relocs.add(new Reloc(off, 4, Kind.METHODOFF, target, 0));
        return off + 4;
    }

    void pad(int size) { grow(size); }

    private void grow(int n) {
        if (n > data.length) {
            data = java.util.Arrays.copyOf(data, n);
        }
    }
}
