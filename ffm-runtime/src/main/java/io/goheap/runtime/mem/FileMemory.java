package io.goheap.runtime.mem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Go memory held in a file, or in any set of segments: non-overlapping regions, each a base address and
 * a segment holding its bytes (a section of a mapped executable, a {@code PT_LOAD} of a core or dump, an
 * array). An address is found by a binary search over the regions ({@link Floor}); a range must lie
 * inside one region.
 *
 * <p>Writable only where the region's segment is (a file mapped read-only is not: writes throw
 * {@link ReadOnlyMemoryException}); atomic stores and CAS need a native segment and natural alignment.
 * Acquire and opaque loads are real on writable regions (segments shared between threads, such as the
 * jcstress tests' memory) and plain loads on read-only ones, at any alignment: the bytes of a mapped
 * dump, core or executable are not written while goheap reads them, so there is no writer to order
 * against, and a hostile file's misaligned pointer stays a value to check rather than an exception of
 * the wrong kind. The modes are there so that one algorithm runs on live and file memory alike (such as
 * the itab probe of {@code goheap inspect --verify-table}).
 *
 * <p>Immutable and thread-safe; the segments' own lifetimes still apply (a closed arena throws
 * {@link IllegalStateException} on access).
 */
public final class FileMemory implements GoMemory {
    /** One region: the address of its first byte and its bytes. */
    public record Region(String name, long base, MemorySegment bytes) {
        /** The address after the region's last byte. */
        public long end() {
            return base + bytes.byteSize();
        }
    }

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final String description;
    private final Region[] regions;
    /**
     * The region the last lookup found: readers walk one section or segment at a time, so most lookups
     * end here without the search. A plain field: a racing reader may see an older region, which is
     * immutable and checked like any other, so the race only costs a search.
     */
    private Region last;

    /**
     * The memory of {@code regions}, named {@code description} in messages.
     *
     * @throws IllegalArgumentException if two regions overlap
     */
    public FileMemory(String description, List<Region> regions) {
        this.description = description;
        List<Region> sorted = new ArrayList<>(regions);
        sorted.sort((a, b) -> Long.compareUnsigned(a.base(), b.base()));
        for (int i = 1; i < sorted.size(); i++) {
            Region prev = sorted.get(i - 1);
            if (Long.compareUnsigned(sorted.get(i).base() - prev.base(), prev.bytes().byteSize()) < 0) {
                throw new IllegalArgumentException("regions overlap: " + sorted.get(i - 1).name() + " and " + sorted.get(i).name());
            }
        }
        this.regions = sorted.toArray(new Region[0]);
    }

    /** One region holding {@code bytes} at {@code base}. */
    public static FileMemory of(String description, long base, MemorySegment bytes) {
        return new FileMemory(description, List.of(new Region(description, base, bytes)));
    }

    @Override
    public MemorySegment slice(long addr, long len) {
        Region r = at(addr, len);
        return r.bytes().asSlice(addr - r.base(), len);
    }

    /** The region if {@code [addr, addr + len)} lies inside one. */
    private Region at(long addr, long len) {
        Region r = regionAt(addr);
        if (r != null && len >= 0) {
            long off = addr - r.base();
            // unsigned offset arithmetic: a region may end at the top of the address space (end() wraps to 0)
            if (len <= r.bytes().byteSize() - off) {
                return r;
            }
        }
        throw new BadAddressException(addr, len, description);
    }

    private Region writable(long addr, long len) {
        Region r = at(addr, len);
        if (r.bytes().isReadOnly()) {
            throw new ReadOnlyMemoryException(addr, len, description);
        }
        return r;
    }

    /** The region holding {@code addr}, or null: a binary search for the last region starting at or below it. */
    public Region regionAt(long addr) {
        Region r = last;
        if (r != null && Long.compareUnsigned(addr - r.base(), r.bytes().byteSize()) < 0) {
            return r;
        }
        int best = Floor.index(regions.length, k -> regions[k].base(), addr);
        if (best < 0) {
            return null;
        }
        r = regions[best];
        if (Long.compareUnsigned(addr - r.base(), r.bytes().byteSize()) < 0) {
            last = r;
            return r;
        }
        return null;
    }

    /** Every region, by address. */
    public List<Region> regions() {
        return List.of(regions);
    }

    @Override
    public String describe() {
        return description;
    }

    /** A file's memory lives as long as its regions' segments; their accesses check that themselves. */
    @Override
    public void ensureOpen() {
    }

    @Override
    public boolean contains(long addr, long len) {
        Region r = regionAt(addr);
        return r != null && len >= 0 && len <= r.bytes().byteSize() - (addr - r.base());
    }

    @Override
    public int u8(long addr) {
        Region r = at(addr, 1);
        return r.bytes().get(ValueLayout.JAVA_BYTE, addr - r.base()) & 0xff;
    }

    @Override
    public int u16(long addr) {
        Region r = at(addr, 2);
        return r.bytes().get(ValueLayout.JAVA_SHORT_UNALIGNED, addr - r.base()) & 0xffff;
    }

    @Override
    public int u32(long addr) {
        Region r = at(addr, 4);
        return r.bytes().get(ValueLayout.JAVA_INT_UNALIGNED, addr - r.base());
    }

    @Override
    public long u64(long addr) {
        Region r = at(addr, 8);
        return r.bytes().get(ValueLayout.JAVA_LONG_UNALIGNED, addr - r.base());
    }

    /**
     * An acquire load where the region is writable (someone may be writing it: an in-memory segment shared
     * between threads) and the address aligned; a plain load on a read-only region (a mapped file, which
     * nobody writes while it is read) or at a misaligned address (see the class documentation).
     */
    @Override
    public int u32Acquire(long addr) {
        Region r = at(addr, 4);
        return (addr & 3) == 0 && !r.bytes().isReadOnly() ? (int) INT.getAcquire(r.bytes(), addr - r.base())
                : r.bytes().get(ValueLayout.JAVA_INT_UNALIGNED, addr - r.base());
    }

    /** As {@link #u32Acquire}: acquire on a writable region, plain on a read-only one. */
    @Override
    public long u64Acquire(long addr) {
        Region r = at(addr, 8);
        return (addr & 7) == 0 && !r.bytes().isReadOnly() ? (long) LONG.getAcquire(r.bytes(), addr - r.base())
                : r.bytes().get(ValueLayout.JAVA_LONG_UNALIGNED, addr - r.base());
    }

    /** As {@link #u32Acquire}, in opaque mode. */
    @Override
    public long u64Opaque(long addr) {
        Region r = at(addr, 8);
        return (addr & 7) == 0 && !r.bytes().isReadOnly() ? (long) LONG.getOpaque(r.bytes(), addr - r.base())
                : r.bytes().get(ValueLayout.JAVA_LONG_UNALIGNED, addr - r.base());
    }

    @Override
    public void setU8(long addr, int v) {
        Region r = writable(addr, 1);
        r.bytes().set(ValueLayout.JAVA_BYTE, addr - r.base(), (byte) v);
    }

    @Override
    public void setU16(long addr, int v) {
        Region r = writable(addr, 2);
        r.bytes().set(ValueLayout.JAVA_SHORT_UNALIGNED, addr - r.base(), (short) v);
    }

    @Override
    public void setU32(long addr, int v) {
        Region r = writable(addr, 4);
        r.bytes().set(ValueLayout.JAVA_INT_UNALIGNED, addr - r.base(), v);
    }

    @Override
    public void setU64(long addr, long v) {
        Region r = writable(addr, 8);
        r.bytes().set(ValueLayout.JAVA_LONG_UNALIGNED, addr - r.base(), v);
    }

    @Override
    public void setU32Release(long addr, int v) {
        Region r = writable(addr, 4);
        INT.setRelease(r.bytes(), addr - r.base(), v);
    }

    @Override
    public void setU64Release(long addr, long v) {
        Region r = writable(addr, 8);
        LONG.setRelease(r.bytes(), addr - r.base(), v);
    }

    @Override
    public void setU64Opaque(long addr, long v) {
        Region r = writable(addr, 8);
        LONG.setOpaque(r.bytes(), addr - r.base(), v);
    }

    @Override
    public boolean casU32(long addr, int expect, int update) {
        Region r = writable(addr, 4);
        return INT.compareAndSet(r.bytes(), addr - r.base(), expect, update);
    }

    @Override
    public boolean casU64(long addr, long expect, long update) {
        Region r = writable(addr, 8);
        return LONG.compareAndSet(r.bytes(), addr - r.base(), expect, update);
    }

    @Override
    public void write(long addr, byte[] bytes) {
        Region r = writable(addr, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, r.bytes(), addr - r.base(), bytes.length);
    }
}
