package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.itabTableType;
import io.goheap.runtime.mem.GoMemory;

/**
 * The lookup of Go 1.19's {@code itabTableType.find} (iface.go), over any {@link GoMemory}: the
 * simulator's lock-free {@code find} and {@code goheap inspect core --verify-table} run this one method, so
 * a real Go process's table whose every entry it finds proves the hash and the probe sequence equal Go's.
 *
 * <pre>
 * itabTableType   +0 size    uintptr   a power of two
 *                 +8 count   uintptr   entries in use, &lt; 3/4 size
 *                +16 entries [size]*itab   0 = empty
 * hash  = inter.typ.hash ^ typ.hash   (an interfacetype starts with its _type)
 * probe = h, h+1, h+1+2, h+1+2+3, ... (mod size): triangular numbers visit every slot
 * </pre>
 */
public final class ItabProbe {
    /** Offsets of {@code itabTableType}: size, count, entries. */
    public static final long SIZE = itabTableType.size$offset();
    /** {@code itabTableType.count}. */
    public static final long COUNT = itabTableType.count$offset();
    /** {@code itabTableType.entries}: the first slot. */
    public static final long ENTRIES = itabTableType.entries$offset();
    /** Bytes of one entry (a pointer). */
    public static final long PTR = Go119.GO_PTR_SIZE();
    /** sizeof(itabTableType) as declared: {@link #INIT_ENTRIES} entries, the size of {@code itabTableInit}. */
    public static final long DECLARED_SIZE = itabTableType.sizeof();
    /** {@code itabInitSize}: the entries of {@code itabTableInit}, the first table (a power of two). */
    public static final long INIT_ENTRIES = Abi.ITAB_INIT_SIZE;
    /** Offset of {@code _type.hash} (an {@code interfacetype} starts with its {@code _type}). */
    public static final long TYPE_HASH = _type.hash$offset();

    private ItabProbe() {
    }

    /**
     * The itab in table {@code t} whose {@code inter} and {@code _type} words equal the arguments, or 0 at
     * the first empty slot.
     *
     * <p>Ordering (live memory): the caller loaded {@code t} with acquire from {@code itabTable}; the
     * table's size was written before the table was published, so the plain load sees it. Each entry is
     * an acquire load, pairing with the release store of {@code itabTableType.add}: an itab seen here was
     * fully written before it was stored, so its plain {@code inter}/{@code _type} loads see its fields.
     * A full table (never live: add grows at 75%) has no empty slot; the probe stops after size slots.
     */
    public static long find(GoMemory mem, long t, long inter, long typ) {
        long mask = mem.u64(t + SIZE) - 1;
        long h = hash(mem, inter, typ) & mask;
        for (long i = 1; i <= mask + 1; i++) {
            long m = mem.u64Acquire(t + ENTRIES + h * PTR);
            if (m == 0) {
                return 0;
            }
            if (mem.u64(m + ItabDescriptor.INTER_OFFSET) == inter && mem.u64(m + ItabDescriptor.TYPE_OFFSET) == typ) {
                return m;
            }
            h = (h + i) & mask;
        }
        return 0;
    }

    /** The probe's start, {@code itabHashFunc}: {@code inter.typ.hash ^ typ.hash}, unsigned. */
    public static long hash(GoMemory mem, long inter, long typ) {
        return Integer.toUnsignedLong(mem.u32(inter + TYPE_HASH) ^ mem.u32(typ + TYPE_HASH));
    }
}
