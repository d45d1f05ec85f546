package io.goheap.runtime.mem;

import java.lang.foreign.MemorySegment;

/**
 * Memory as a Go program sees it, addressed by its own pointers: the live memory of a
 * {@link io.goheap.runtime.GoRuntime}, a goheap dump, an executable's sections, a core file.
 *
 * <p>Thread-safe. The access mode of each method is in its name (see the
 * <a href="package-summary.html#modes">package documentation</a>): {@code u64} is a plain load,
 * {@code u64Acquire} an acquire load, {@code setU64Release} a release store, {@code casU64} a volatile
 * compare-and-set. Narrow plain loads are zero-extended ({@code u8}, {@code u16}); {@code u32} returns
 * the 32 bits as an {@code int}.
 *
 * <p>Every method checks its range: an address outside the memory is a {@link BadAddressException},
 * a write to memory that is not writable a {@link ReadOnlyMemoryException}, an access after the owner
 * closed an {@link IllegalStateException}.
 */
public interface GoMemory {
    /** What this memory is, for messages ("live runtime memory", "core file x.core"). */
    String describe();

    /**
     * The bytes {@code [addr, addr + len)} as a segment bounded to them (read-only where the memory is).
     * For bulk copies and for reading a whole struct with jextract accessors; word accesses should use
     * the accessors, which do not allocate.
     *
     * @throws BadAddressException if the range is not inside this memory
     */
    MemorySegment slice(long addr, long len);

    /** True when {@code [addr, addr + len)} can be read. */
    boolean contains(long addr, long len);

    /**
     * Throws if the owner closed this memory; for paths that answer without reading a byte (a small
     * {@code convT64} is arithmetic on {@code staticuint64s}' address) and must refuse after close all
     * the same. A volatile read: no fence on x86.
     *
     * @throws IllegalStateException if the owner closed
     */
    void ensureOpen();

    /** A byte, zero-extended (plain). */
    int u8(long addr);

    /** A little-endian uint16, zero-extended (plain). */
    int u16(long addr);

    /** A little-endian 32-bit word (plain). */
    int u32(long addr);

    /** A little-endian 64-bit word: a pointer or uintptr (plain). */
    long u64(long addr);

    /** A 32-bit load with acquire semantics; {@code addr} 4-byte aligned. */
    int u32Acquire(long addr);

    /** A 64-bit load with acquire semantics; {@code addr} 8-byte aligned. */
    long u64Acquire(long addr);

    /** A 64-bit opaque load; {@code addr} 8-byte aligned. */
    long u64Opaque(long addr);

    /** Stores a byte (plain). */
    void setU8(long addr, int v);

    /** Stores a uint16 (plain). */
    void setU16(long addr, int v);

    /** Stores a 32-bit word (plain). */
    void setU32(long addr, int v);

    /** Stores a 64-bit word (plain). */
    void setU64(long addr, long v);

    /** A 32-bit store with release semantics; {@code addr} 4-byte aligned. */
    void setU32Release(long addr, int v);

    /** A 64-bit store with release semantics; {@code addr} 8-byte aligned. */
    void setU64Release(long addr, long v);

    /** A 64-bit opaque store; {@code addr} 8-byte aligned. */
    void setU64Opaque(long addr, long v);

    /** A volatile compare-and-set of a 32-bit word; true if it was {@code expect} and is now {@code update}. */
    boolean casU32(long addr, int expect, int update);

    /** A volatile compare-and-set of a 64-bit word; true if it was {@code expect} and is now {@code update}. */
    boolean casU64(long addr, long expect, long update);

    /**
     * Copies {@code len} bytes of {@code src} from {@code srcOffset} to {@code [addr, addr + len)}
     * (plain). Unlike a copy into a {@link #slice}, it survives the owner swapping its views meanwhile
     * (the copy is done again on the fresh view: it is idempotent).
     */
    default void write(long addr, MemorySegment src, long srcOffset, long len) {
        MemorySegment.copy(src, srcOffset, slice(addr, len), 0, len);
    }

    /** Copies {@code bytes} to {@code [addr, addr + bytes.length)} (plain), as {@link #write(long, MemorySegment, long, long)}. */
    default void write(long addr, byte[] bytes) {
        write(addr, MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /** The bytes {@code [addr, addr + len)} copied into a new array (plain); survives a swap of views. */
    default byte[] read(long addr, int len) {
        byte[] out = new byte[len];
        MemorySegment.copy(slice(addr, len), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, 0, len);
        return out;
    }
}
