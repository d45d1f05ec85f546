package io.goheap.runtime.abi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Memory as a Go program sees it, addressed by its own pointers: live goheap memory, a dump, an
 * executable's sections, a core file. Every read is bounds-checked against the regions the space
 * knows; an address outside them is a {@link BadAddressException} naming it, never a fault.
 *
 * <p>Reads are little endian and may be unaligned (x86-64). Implementations are thread-safe for reads.
 */
public interface AddressSpace {
    /**
     * The bytes {@code [addr, addr + len)}, bounded to them.
     *
     * @throws BadAddressException if the range is not inside one region
     */
    MemorySegment slice(long addr, long len);

    /** What this space is, for messages ("live runtime", "core file x.core"). */
    String describe();

    /** A byte, zero-extended. */
    default int u8(long addr) {
        return slice(addr, 1).get(ValueLayout.JAVA_BYTE, 0) & 0xff;
    }

    /** A little-endian uint16, zero-extended. */
    default int u16(long addr) {
        return slice(addr, 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0) & 0xffff;
    }

    /** A little-endian 32-bit word. */
    default int u32(long addr) {
        return slice(addr, 4).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** A little-endian 64-bit word (a pointer or uintptr). */
    default long u64(long addr) {
        return slice(addr, 8).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    /** True when {@code [addr, addr + len)} lies inside one region. */
    default boolean contains(long addr, long len) {
        try {
            slice(addr, len);
            return true;
        } catch (BadAddressException e) {
            return false;
        }
    }
}
