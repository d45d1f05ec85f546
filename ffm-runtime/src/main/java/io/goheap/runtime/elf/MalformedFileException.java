package io.goheap.runtime.elf;

/**
 * A file is not what its headers say: truncated, corrupt or of another kind. The message names the
 * file and the byte offset (or address) where reading went wrong, and what was being read there.
 */
public final class MalformedFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The byte offset (or address) where reading went wrong. */
    private final long offset;

    /** Reading {@code what} at {@code offset} of {@code file} went wrong. */
    public MalformedFileException(String file, long offset, String what) {
        super(file + ": offset 0x" + Long.toHexString(offset) + ": " + what);
        this.offset = offset;
    }

    /** The byte offset in the file the message names. */
    public long offset() {
        return offset;
    }
}
