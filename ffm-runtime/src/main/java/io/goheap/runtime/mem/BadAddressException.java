package io.goheap.runtime.mem;

/**
 * A read named an address (or range) that lies in no region of the address space: a dangling or
 * corrupt pointer in the memory being decoded. The message names the address, the length and the
 * address space.
 */
public final class BadAddressException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The first byte asked for. */
    private final long address;
    /** The bytes asked for. */
    private final long length;

    /** A read of {@code length} bytes at {@code address} outside the address space named {@code space}. */
    public BadAddressException(long address, long length, String space) {
        super("bad address 0x" + Long.toHexString(address) + " (" + length + " bytes) in " + space);
        this.address = address;
        this.length = length;
    }

    /** The first byte asked for. */
    public long address() {
        return address;
    }

    /** How many bytes were asked for. */
    public long length() {
        return length;
    }
}
