package io.goheap.runtime.mem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The memory of one running {@link io.goheap.runtime.GoRuntime}: the address space it reserved up front,
 * as a handful of {@link Space}s (the heap arena space at Go's arena hint {@code 0xc000000000}, the space
 * that {@code sysAlloc} carves chunks and image sections from, and at most {@value #MAX_EXTRA} more when
 * those run out).
 *
 * <h2 id="resolve">From an address to memory</h2>
 * An access finds its space by comparing the address with each space's bounds (at most
 * {@code 2 + }{@value #MAX_EXTRA} unsigned compares, usually one), tests one or two page bits of that
 * space, and reads or writes the space's view at {@code addr - base}. No search, no lock, no allocation.
 * An address in no space, or on a page that is not committed, is a {@link BadAddressException}; a write
 * to a committed page without {@code PROT_WRITE} a {@link ReadOnlyMemoryException}. So no pointer,
 * however corrupt, faults the JVM.
 *
 * <h2 id="lifetime">Lifetime and races</h2>
 * Each space's view belongs to a shared arena. The owner ({@code SysMemory}) closes it before the memory
 * goes ({@link Space#swapView} on a free or a protection change, {@link Space#close} on close): the JDK's
 * close handshakes with every thread, so an access racing it either completed before or throws
 * {@link IllegalStateException}. On a swap the access is retried on the new view (one retry per swap:
 * frees are rare); after the owner's close it throws {@code IllegalStateException("... closed")}.
 *
 * <p>Thread-safe: the spaces and their bitmaps are published by the owner (see {@link Space}).
 */
public final class LiveMemory implements GoMemory {
    /** Spaces beyond the first two, added when those are full. */
    public static final int MAX_EXTRA = 6;

    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT_U = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final String description;
    private final Space first;
    private final Space second;
    /** further spaces; republished (volatile) by the owner under its lock, never shrinks */
    private volatile Space[] more = new Space[0];
    /** set by the owner when it closes; read on the failure paths only */
    private volatile boolean closed;

    /**
     * @param first  the space most accesses hit (checked first)
     * @param second the other one
     */
    public LiveMemory(String description, Space first, Space second) {
        this.description = description;
        this.first = first;
        this.second = second;
    }

    /** Adds a space. The owner calls it under its lock. @throws IllegalStateException beyond {@value #MAX_EXTRA} */
    public void add(Space s) {
        Space[] m = more;
        if (m.length >= MAX_EXTRA) {
            throw new IllegalStateException("more than " + (2 + MAX_EXTRA) + " spaces");
        }
        Space[] n = Arrays.copyOf(m, m.length + 1);
        n[m.length] = s;
        more = n; // volatile: a reader of more sees the Space fully constructed
    }

    /** Every space, the first two first. */
    public List<Space> spaces() {
        List<Space> out = new ArrayList<>(List.of(first, second));
        out.addAll(List.of(more));
        return out;
    }

    /** The space holding {@code addr}, or null. */
    public Space spaceOf(long addr) {
        for (Space s : spaces()) {
            if (s.holds(addr)) {
                return s;
            }
        }
        return null;
    }

    /** Marks this memory closed: accesses from now on throw {@link IllegalStateException}. The owner calls it. */
    public void markClosed() {
        closed = true;
    }

    @Override
    public String describe() {
        return description;
    }

    /** The space holding {@code [addr, addr + len)} (len 1..8): bounds compares only. */
    private Space space(long addr, long len) {
        Space s = first;
        if (Long.compareUnsigned(addr - s.base, s.size - len) <= 0) {
            return s;
        }
        s = second;
        if (Long.compareUnsigned(addr - s.base, s.size - len) <= 0) {
            return s;
        }
        return other(addr, len);
    }

    private Space other(long addr, long len) {
        for (Space s : more) {
            if (len <= s.size && Long.compareUnsigned(addr - s.base, s.size - len) <= 0) {
                return s;
            }
        }
        throw bad(addr, len);
    }

    /** The view of {@code s} after its readable bits for the range were found set. */
    private MemorySegment readView(Space s, long addr, long len) {
        MemorySegment v = s.view(); // acquire: before the bit test (see Space, "Revoke")
        if (!s.test(s.readable, addr - s.base, len)) {
            throw bad(addr, len);
        }
        return v;
    }

    private MemorySegment writeView(Space s, long addr, long len) {
        MemorySegment v = s.view(); // acquire: before the bit test (see Space, "Revoke")
        if (!s.test(s.writable, addr - s.base, len)) {
            throw s.test(s.readable, addr - s.base, len) ? new ReadOnlyMemoryException(addr, len, description) : bad(addr, len);
        }
        return v;
    }

    @Override
    public int u8(long addr) {
        Space s = space(addr, 1);
        MemorySegment v = readView(s, addr, 1);
        try {
            return v.get(ValueLayout.JAVA_BYTE, addr - s.base) & 0xff;
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return u8(addr);
        }
    }

    @Override
    public int u16(long addr) {
        Space s = space(addr, 2);
        MemorySegment v = readView(s, addr, 2);
        try {
            return v.get(SHORT_U, addr - s.base) & 0xffff;
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return u16(addr);
        }
    }

    @Override
    public int u32(long addr) {
        Space s = space(addr, 4);
        MemorySegment v = readView(s, addr, 4);
        try {
            return v.get(INT_U, addr - s.base);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return u32(addr);
        }
    }

    @Override
    public long u64(long addr) {
        Space s = space(addr, 8);
        MemorySegment v = readView(s, addr, 8);
        try {
            return v.get(LONG_U, addr - s.base);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return u64(addr);
        }
    }

    @Override
    public int u32Acquire(long addr) {
        Space s = space(addr, 4);
        MemorySegment v = readView(s, addr, 4);
        try {
            return (int) INT.getAcquire(v, addr - s.base);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return u32Acquire(addr);
        }
    }

    @Override
    public long u64Acquire(long addr) {
        Space s = space(addr, 8);
        MemorySegment v = readView(s, addr, 8);
        try {
            return (long) LONG.getAcquire(v, addr - s.base);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return u64Acquire(addr);
        }
    }

    @Override
    public long u64Opaque(long addr) {
        Space s = space(addr, 8);
        MemorySegment v = readView(s, addr, 8);
        try {
            return (long) LONG.getOpaque(v, addr - s.base);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return u64Opaque(addr);
        }
    }

    @Override
    public void setU8(long addr, int x) {
        Space s = space(addr, 1);
        MemorySegment v = writeView(s, addr, 1);
        try {
            v.set(ValueLayout.JAVA_BYTE, addr - s.base, (byte) x);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            setU8(addr, x);
        }
    }

    @Override
    public void setU16(long addr, int x) {
        Space s = space(addr, 2);
        MemorySegment v = writeView(s, addr, 2);
        try {
            v.set(SHORT_U, addr - s.base, (short) x);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            setU16(addr, x);
        }
    }

    @Override
    public void setU32(long addr, int x) {
        Space s = space(addr, 4);
        MemorySegment v = writeView(s, addr, 4);
        try {
            v.set(INT_U, addr - s.base, x);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            setU32(addr, x);
        }
    }

    @Override
    public void setU64(long addr, long x) {
        Space s = space(addr, 8);
        MemorySegment v = writeView(s, addr, 8);
        try {
            v.set(LONG_U, addr - s.base, x);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            setU64(addr, x);
        }
    }

    @Override
    public void setU32Release(long addr, int x) {
        Space s = space(addr, 4);
        MemorySegment v = writeView(s, addr, 4);
        try {
            INT.setRelease(v, addr - s.base, x);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            setU32Release(addr, x);
        }
    }

    @Override
    public void setU64Release(long addr, long x) {
        Space s = space(addr, 8);
        MemorySegment v = writeView(s, addr, 8);
        try {
            LONG.setRelease(v, addr - s.base, x);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            setU64Release(addr, x);
        }
    }

    @Override
    public void setU64Opaque(long addr, long x) {
        Space s = space(addr, 8);
        MemorySegment v = writeView(s, addr, 8);
        try {
            LONG.setOpaque(v, addr - s.base, x);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            setU64Opaque(addr, x);
        }
    }

    @Override
    public boolean casU32(long addr, int expect, int update) {
        Space s = space(addr, 4);
        MemorySegment v = writeView(s, addr, 4);
        try {
            return INT.compareAndSet(v, addr - s.base, expect, update);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return casU32(addr, expect, update);
        }
    }

    @Override
    public boolean casU64(long addr, long expect, long update) {
        Space s = space(addr, 8);
        MemorySegment v = writeView(s, addr, 8);
        try {
            return LONG.compareAndSet(v, addr - s.base, expect, update);
        } catch (IllegalStateException e) {
            stale(s, v, e);
            return casU64(addr, expect, update);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The segment is a slice of the space's current view: writable where every page of the range is,
     * read-only otherwise. It stays valid until the next free or protection change in this runtime (or
     * its close), after which it throws {@link IllegalStateException}: take a fresh one for each use.
     */
    @Override
    public MemorySegment slice(long addr, long len) {
        Space s = spaceOfRange(addr, len);
        MemorySegment v = s.view();
        long off = addr - s.base;
        if (len > 0 && !s.test(s.readable, off, len)) {
            throw bad(addr, len);
        }
        MemorySegment out = v.asSlice(off, len);
        return len > 0 && s.test(s.writable, off, len) ? out : out.asReadOnly();
    }

    @Override
    public boolean contains(long addr, long len) {
        if (len < 0) {
            return false;
        }
        for (Space s : spaces()) {
            long off = addr - s.base;
            if (Long.compareUnsigned(off, s.size) < 0 && len <= s.size - off) {
                return len == 0 || s.test(s.readable, off, len);
            }
        }
        return false;
    }

    private Space spaceOfRange(long addr, long len) {
        if (len >= 0) {
            for (Space s : spaces()) {
                long off = addr - s.base;
                if (Long.compareUnsigned(off, s.size) < 0 && len <= s.size - off) {
                    return s;
                }
            }
        }
        throw bad(addr, len);
    }

    /**
     * An access through {@code v} threw {@code e}: if the view was swapped meanwhile, returns (the caller
     * retries on the new one); if the owner closed, throws the closed exception; otherwise rethrows.
     */
    private void stale(Space s, MemorySegment v, IllegalStateException e) {
        if (closed || s.isClosed()) {
            throw closedException(e);
        }
        if (s.view() == v) {
            throw e;
        }
    }

    private RuntimeException bad(long addr, long len) {
        if (closed) {
            return closedException(null);
        }
        return new BadAddressException(addr, len, description);
    }

    private static IllegalStateException closedException(Throwable cause) {
        return new IllegalStateException("the GoRuntime that owns this memory is closed", cause);
    }

    @Override
    public String toString() {
        return description + " " + spaces();
    }
}
