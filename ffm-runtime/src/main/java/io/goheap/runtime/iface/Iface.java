package io.goheap.runtime.iface;

import io.goheap.runtime.abi.HeaderDescriptor;
import io.goheap.runtime.mem.GoMemory;

/**
 * A non-empty interface value, {@code iface{tab, data}}, as a record: the itab and the data word.
 *
 * @param tab  the itab ({@code *itab}), 0 for a nil interface
 * @param data the value: a pointer to it, or the value itself for a pointer-shaped type
 */
public record Iface(long tab, long data) {
    /** The iface at {@code addr} of {@code mem} (bounds-checked: a bad address is a {@code BadAddressException}). */
    public static Iface read(GoMemory mem, long addr) {
        return new Iface(mem.u64(addr + HeaderDescriptor.IFACE_TAB), mem.u64(addr + HeaderDescriptor.IFACE_DATA));
    }
}
