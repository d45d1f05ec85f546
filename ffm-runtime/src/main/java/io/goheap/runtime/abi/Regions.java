package io.goheap.runtime.abi;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AddressSpace} made of non-overlapping regions, each a base address and a segment holding
 * its bytes (a mapping of this process, a mapped file section, a heap array). Lookup is a binary
 * search; a range must lie inside one region.
 *
 * <p>Immutable and thread-safe; the segments' own lifetimes still apply (a closed mapping throws
 * {@link IllegalStateException} on read).
 */
public final class Regions implements AddressSpace {
    /** One region: the address of its first byte and its bytes. */
    public record Region(String name, long base, MemorySegment bytes) {
        public long end() {
            return base + bytes.byteSize();
        }
    }

    private final String description;
    private final Region[] regions;

    /**
     * @throws IllegalArgumentException if two regions overlap
     */
    public Regions(String description, List<Region> regions) {
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

    @Override
    public MemorySegment slice(long addr, long len) {
        Region r = regionAt(addr);
        if (r != null && len >= 0) {
            long off = addr - r.base();
            // unsigned offset arithmetic: a region may end at the top of the address space (end() wraps to 0)
            if (len <= r.bytes().byteSize() - off) {
                return r.bytes().asSlice(off, len);
            }
        }
        throw new BadAddressException(addr, len, description);
    }

    /** The region holding {@code addr}, or null: a binary search for the last region starting at or below it. */
    public Region regionAt(long addr) {
        int best = Floor.index(regions.length, k -> regions[k].base(), addr);
        if (best < 0) {
            return null;
        }
        Region r = regions[best];
        return Long.compareUnsigned(addr - r.base(), r.bytes().byteSize()) < 0 ? r : null;
    }

    /** Every region, by address. */
    public List<Region> regions() {
        return List.of(regions);
    }

    @Override
    public String describe() {
        return description;
    }
}
