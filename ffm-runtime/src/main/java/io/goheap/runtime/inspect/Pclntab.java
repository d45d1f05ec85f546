package io.goheap.runtime.inspect;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119._func;
import io.goheap.layouts.go119.functab;
import io.goheap.layouts.go119.moduledata;
import io.goheap.layouts.go119.pcHeader;
import io.goheap.layouts.go119.slice;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;

import java.nio.charset.StandardCharsets;

/**
 * The function table of a Go 1.18/1.19 module (runtime/symtab.go): {@code moduledata.ftab} is a
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

    /**
     * The pclntab of the moduledata at {@code md}.
     *
     * @throws BadAddressException if moduledata or the pcHeader it points at cannot be read
     * @throws IllegalStateException if the pcHeader is not a Go 1.18/1.19 one
     */
    public Pclntab(GoMemory space, long md) {
        this.space = space;
        this.header = space.u64(md + moduledata.pcHeader$offset());
        int magic = space.u32(header + pcHeader.magic$offset());
        if (magic != Go119.GO_PCHEADER_MAGIC_1_18()) {
            throw new IllegalStateException(String.format("pcHeader at 0x%x has magic 0x%x, not Go 1.18/1.19's 0x%x", header,
                    magic, Go119.GO_PCHEADER_MAGIC_1_18()));
        }
        this.text = space.u64(md + moduledata.text$offset());
        this.etext = space.u64(md + moduledata.etext$offset());
        this.ftab = space.u64(md + moduledata.ftab$offset() + slice.array$offset());
        this.nftab = Math.max(0, space.u64(md + moduledata.ftab$offset() + slice.len$offset()) - 1);
        this.pclntable = space.u64(md + moduledata.pclntable$offset() + slice.array$offset());
        this.pclntableLen = space.u64(md + moduledata.pclntable$offset() + slice.len$offset());
        this.funcnametab = space.u64(md + moduledata.funcnametab$offset() + slice.array$offset());
        this.funcnametabLen = space.u64(md + moduledata.funcnametab$offset() + slice.len$offset());
        if (nftab > MAX_FUNCS) {
            throw new IllegalStateException(String.format("moduledata at 0x%x: ftab of %d functions (corrupt?)", md, nftab));
        }
        // the whole function table must be readable: one bounds check here, none per lookup
        space.slice(ftab, (nftab + 1) * functab.sizeof());
    }

    /**
     * True when {@code addr} holds a Go 1.18/1.19 pcHeader for 64-bit code: the magic, two zero pad
     * bytes, a minimum instruction size of 1, 2 or 4 and a pointer size of 8.
     */
    public static boolean isHeader(GoMemory space, long addr) {
        return space.contains(addr, pcHeader.sizeof()) && space.u32(addr + pcHeader.magic$offset()) == Go119.GO_PCHEADER_MAGIC_1_18()
                && hasHeaderShape(space, addr);
    }

    /**
     * The header's shape after the magic, a prefix every release since Go 1.16 shares with 1.19's
     * pcHeader: two zero pad bytes, a minimum instruction size of 1, 2 or 4 and a pointer size of 8.
     * {@code addr} must hold at least that prefix.
     */
    static boolean hasHeaderShape(GoMemory space, long addr) {
        int minLC = space.u8(addr + pcHeader.minLC$offset());
        return space.u8(addr + pcHeader.pad1$offset()) == 0 && space.u8(addr + pcHeader.pad2$offset()) == 0
                && (minLC == 1 || minLC == 2 || minLC == 4) && space.u8(addr + pcHeader.ptrSize$offset()) == Go119.GO_PTR_SIZE();
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
                k -> Integer.toUnsignedLong(space.u32(ftab + k * functab.sizeof() + functab.entryoff$offset())), off);
        if (best < 0) {
            return null;
        }
        long funcoff = Integer.toUnsignedLong(space.u32(ftab + best * functab.sizeof() + functab.funcoff$offset()));
        if (funcoff + _func.sizeof() > pclntableLen) {
            throw new BadAddressException(pclntable + funcoff, _func.sizeof(), space.describe() + " (funcoff past pclntable)");
        }
        long nameoff = Integer.toUnsignedLong(space.u32(pclntable + funcoff + _func.nameoff$offset()));
        return cstring(funcnametab, funcnametabLen, nameoff);
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
