package io.goheap.runtime.inspect;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.GoRelease;

import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;

import java.nio.charset.StandardCharsets;

/**
 * The function table of a Go module (runtime/symtab.go; the same walk in every release since 1.18,
 * with the release's {@code _func} size and pcHeader magic): {@code moduledata.ftab} is a
 * sorted array of {entryoff, funcoff} pairs, one per function plus an end marker;
 * {@code funcoff} leads to a {@code _func} in {@code pclntable} whose {@code nameoff} indexes the
 * NUL-terminated names of {@code funcnametab}. {@link #funcName} is what {@code runtime.FuncForPC}
 * answers, found the way {@code findfunc} does without its bucket index: a binary search of ftab.
 *
 * <p>Stripped binaries keep all of it ({@code -s -w} drops .symtab and DWARF, not the pclntab the
 * runtime itself needs), so code addresses are named there too. Reads are bounded by the slices'
 * lengths and the address space.
 */
public final class Pclntab {
    /** Most functions believed: the Go toolchain's largest binaries have under a million. */
    static final long MAX_FUNCS = 1 << 26;
    private final GoMemory space;
    private final long header;
    private final long text;
    private final long etext;
    private final long ftab;
    private final long nftab;
    private final long pclntable;
    private final long pclntableLen;
    private final long funcnametab;
    private final long funcnametabLen;
    private final long funcSize;
    private final long nameoff;
    private final long functabSize;
    private final long entryoff;
    private final long funcoffField;
    /** The pcHeader offsets every release since Go 1.16 shares (GO-RELEASES.md, "pcHeader"). */
    private static final Abi HEADER = Abi.of(new GoRelease(19));

    /**
     * The pclntab of the moduledata at {@code md}.
     *
     * @throws BadAddressException if moduledata or the pcHeader it points at cannot be read
     * @throws IllegalStateException if the pcHeader's magic is not the release's
     */
    public Pclntab(GoMemory space, long md, Abi abi) {
        this.space = space;
        this.header = space.u64(md + abi.offsetOf("moduledata", "pcHeader"));
        int magic = space.u32(header + abi.offsetOf("pcHeader", "magic"));
        if (magic != abi.pclntabMagic()) {
            throw new IllegalStateException(String.format("pcHeader at 0x%x has magic 0x%x, not %s's 0x%x", header,
                    magic, abi.release(), abi.pclntabMagic()));
        }
        long arr = abi.offsetOf("slice", "array");
        long len = abi.offsetOf("slice", "len");
        this.text = space.u64(md + abi.offsetOf("moduledata", "text"));
        this.etext = space.u64(md + abi.offsetOf("moduledata", "etext"));
        this.ftab = space.u64(md + abi.offsetOf("moduledata", "ftab") + arr);
        this.nftab = Math.max(0, space.u64(md + abi.offsetOf("moduledata", "ftab") + len) - 1);
        this.pclntable = space.u64(md + abi.offsetOf("moduledata", "pclntable") + arr);
        this.pclntableLen = space.u64(md + abi.offsetOf("moduledata", "pclntable") + len);
        this.funcnametab = space.u64(md + abi.offsetOf("moduledata", "funcnametab") + arr);
        this.funcnametabLen = space.u64(md + abi.offsetOf("moduledata", "funcnametab") + len);
        this.funcSize = abi.sizeOf("_func");
        this.nameoff = abi.offsetOf("_func", "nameoff");
        this.functabSize = abi.sizeOf("functab");
        this.entryoff = abi.offsetOf("functab", "entryoff");
        this.funcoffField = abi.offsetOf("functab", "funcoff");
        if (nftab > MAX_FUNCS) {
            throw new IllegalStateException(String.format("moduledata at 0x%x: ftab of %d functions (corrupt?)", md, nftab));
        }
        // the whole function table must be readable: one bounds check here, none per lookup
        space.slice(ftab, (nftab + 1) * functabSize);
    }

    /**
     * True when {@code addr} holds a pcHeader with {@code magic} for 64-bit code: the magic, two zero pad
     * bytes, a minimum instruction size of 1, 2 or 4 and a pointer size of 8.
     */
    public static boolean isHeader(GoMemory space, long addr, int magic) {
        return space.contains(addr, HEADER.sizeOf("pcHeader")) && space.u32(addr + HEADER.offsetOf("pcHeader", "magic")) == magic
                && hasHeaderShape(space, addr);
    }

    /**
     * The header's shape after the magic, a prefix every release since Go 1.16 shares with 1.19's
     * pcHeader: two zero pad bytes, a minimum instruction size of 1, 2 or 4 and a pointer size of 8.
     * {@code addr} must hold at least that prefix.
     */
    static boolean hasHeaderShape(GoMemory space, long addr) {
        int minLC = space.u8(addr + HEADER.offsetOf("pcHeader", "minLC"));
        return space.u8(addr + HEADER.offsetOf("pcHeader", "pad1")) == 0 && space.u8(addr + HEADER.offsetOf("pcHeader", "pad2")) == 0
                && (minLC == 1 || minLC == 2 || minLC == 4) && space.u8(addr + HEADER.offsetOf("pcHeader", "ptrSize")) == Abi.PTR_SIZE;
    }

    /** The pcHeader's address (moduledata.pcHeader). */
    public long header() {
        return header;
    }

    /** Functions in the table. */
    public long functions() {
        return nftab;
    }

    /** The name of the function holding {@code pc}, or null outside every function. */
    public String funcName(long pc) {
        if (Long.compareUnsigned(pc, text) < 0 || Long.compareUnsigned(pc, etext) >= 0) {
            return null;
        }
        long off = pc - text;
        // nftab fits an int: it was capped at MAX_FUNCS
        long best = io.goheap.runtime.mem.Floor.index((int) nftab,
                k -> Integer.toUnsignedLong(space.u32(ftab + k * functabSize + entryoff)), off);
        if (best < 0) {
            return null;
        }
        long funcoff = Integer.toUnsignedLong(space.u32(ftab + best * functabSize + funcoffField));
        if (funcoff + funcSize > pclntableLen) {
            throw new BadAddressException(pclntable + funcoff, funcSize, space.describe() + " (funcoff past pclntable)");
        }
        long name = Integer.toUnsignedLong(space.u32(pclntable + funcoff + nameoff));
        return cstring(funcnametab, funcnametabLen, name);
    }

    private String cstring(long table, long len, long index) {
        if (index >= len) {
            throw new BadAddressException(table + index, 1, space.describe() + " (nameoff past funcnametab)");
        }
        long max = Math.min(len - index, 4096);
        var seg = space.slice(table + index, max);
        for (long i = 0; i < max; i++) {
            if (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) == 0) {
                return new String(seg.asSlice(0, i).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
        }
        throw new BadAddressException(table + index, max, space.describe() + " (function name not terminated)");
    }
}
