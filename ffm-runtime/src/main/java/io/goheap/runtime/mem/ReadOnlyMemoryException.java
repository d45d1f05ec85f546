package io.goheap.runtime.mem;

/**
 * A write named memory that exists but may not be written: a read-only page of a runtime (such as
 * {@code .text} once it is read+execute), or a file mapped read-only. The message names the address,
 * the length and the memory. Nothing was written.
 */
public final class ReadOnlyMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The first byte written to. */
    private final long address;

    /** Thrown by the memory layer only. */
    ReadOnlyMemoryException(long address, long length, String memory) {
        super("write to read-only address 0x" + Long.toHexString(address) + " (" + length + " bytes) in " + memory);
        this.address = address;
    }

    /** The first byte written to. */
    public long address() {
        return address;
    }
}
