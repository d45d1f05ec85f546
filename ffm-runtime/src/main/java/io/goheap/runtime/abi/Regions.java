package io.goheap.runtime.abi;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
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
        sorted.sort(Comparator.comparingLong(Region::base));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).base() < sorted.get(i - 1).end()) {
                throw new IllegalArgumentException("regions overlap: " + sorted.get(i - 1).name() + " and " + sorted.get(i).name());
            }
        }
        this.regions = sorted.toArray(new Region[0]);
    }

    @Override
    public MemorySegment slice(long addr, long len) {
        if (len < 0) {
            throw new BadAddressException(addr, len, description);
        }
        int lo = 0;
        int hi = regions.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Region r = regions[mid];
            if (Long.compareUnsigned(addr, r.base()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(addr, r.end()) >= 0) {
                lo = mid + 1;
            } else {
                long off = addr - r.base();
                if (len > r.bytes().byteSize() - off) {
                    break;
                }
                return r.bytes().asSlice(off, len);
            }
        }
        throw new BadAddressException(addr, len, description);
    }

    /** The region holding {@code addr}, or null. */
    public Region regionAt(long addr) {
        for (Region r : regions) {
            if (Long.compareUnsigned(addr, r.base()) >= 0 && Long.compareUnsigned(addr, r.end()) < 0) {
                return r;
            }
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
}
