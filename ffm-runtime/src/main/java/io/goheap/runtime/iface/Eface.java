package io.goheap.runtime.iface;

import io.goheap.runtime.abi.HeaderDescriptor;
import io.goheap.runtime.mem.GoMemory;

/**
 * An empty interface value, {@code eface{_type, data}} ({@code any}), as a record.
 *
 * @param type the dynamic type ({@code *_type}), 0 for a nil {@code any}
 * @param data the value: a pointer to it, or the value itself for a pointer-shaped type
 */
public record Eface(long type, long data) {
    /** The eface at {@code addr} of {@code mem} (bounds-checked: a bad address is a {@code BadAddressException}). */
    public static Eface read(GoMemory mem, long addr) {
        return new Eface(mem.u64(addr + HeaderDescriptor.EFACE_TYPE), mem.u64(addr + HeaderDescriptor.EFACE_DATA));
    }
}
