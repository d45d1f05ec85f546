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
 * Each of the first two spaces hands this object two <em>window segments</em> (see {@link Space}): the
 * longest run of its pages committed readable (for loads) and of its pages committed read-write (for
 * stores), each a segment of the space's view bounded to exactly those pages. A load tests the address
 * against the first space's load window, then the second's (the segment's address and size: a subtract
 * and one sign test each), and reads that segment at {@code addr - v.address()}. Outside the windows
 * (another space, pages committed apart from the longest run, an access straddling the window's end) a
 * slow path finds the space by its bounds (at most {@code 2 + }{@value #MAX_EXTRA} compares) and tests
 * the page bitmaps. No search, no lock, no allocation. An address in no space, or on a page that is not
 * committed, is a {@link BadAddressException}; a write to a committed page without {@code PROT_WRITE} a
 * {@link ReadOnlyMemoryException}. So no pointer, however corrupt, faults the JVM.
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

    private static final VarHandle LONG_U = ValueLayout.JAVA_LONG_UNALIGNED.varHandle();
    private static final VarHandle INT_U = ValueLayout.JAVA_INT_UNALIGNED.varHandle();
    private static final VarHandle SHORT_U = ValueLayout.JAVA_SHORT_UNALIGNED.varHandle();
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final String description;
    private final Space first;
    private final Space second;
    /*
     * The first two spaces, flattened into this object so that an access is one object deep: bounds,
     * page bitmaps (final) and copies of the current views. A view copy is a plain field, loaded before
     * the bitmap in straight-line code (see Space, "Revoke", for why plain loads suffice); the owner
     * refreshes it after a swap (swapView below). A reader may keep using a stale copy for a while (the
     * JIT may hoist the load out of a loop): its accesses throw once that view is closed and take the
     * slow path, which reads the space's own view with acquire.
     */
    private MemorySegment ld0;
    private MemorySegment st0;
    private MemorySegment ld1;
    private MemorySegment st1;
    /** further spaces; republished (volatile) by the owner under its lock, never shrinks */
    private volatile Space[] more = new Space[0];
    /** set by the owner when it closes; read on the failure paths only */
    private volatile boolean closed;

    /**
     * The memory of two reserved spaces, named {@code description} in messages.
     *
     * @param first  the space most accesses hit (checked first)
     * @param second the other one
     */
    public LiveMemory(String description, Space first, Space second) {
        this.description = description;
        this.first = first;
        this.second = second;
        refresh(first);
        refresh(second);
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

    /**
     * {@link Space#swapView} of {@code s}, then this object's copy of its view. The owner calls it under
     * its lock. Until the copy is refreshed a fast-path access may load the old view: it throws
     * {@link IllegalStateException} once that is closed, and the slow path retries on the space's view.
     *
     * @throws IllegalStateException as {@link Space#swapView}
     */
    public void swapView(Space s, Runnable betweenViews) {
        s.swapView(betweenViews);
        refresh(s);
    }

    /** {@link Space#commit} of {@code s}, then this object's copy of its window. The owner calls it under its lock. */
    public void commit(Space s, long addr, long n, boolean write) {
        s.commit(addr, n, write);
        refresh(s);
    }

    /** {@link Space#decommit}, then the copy of the window; before {@link #swapView}. Under the owner's lock. */
    public void decommit(Space s, long addr, long n) {
        s.decommit(addr, n);
        refresh(s);
    }

    /** {@link Space#dropWrite}, then the copy of the window; before {@link #swapView}. Under the owner's lock. */
    public void dropWrite(Space s, long addr, long n) {
        s.dropWrite(addr, n);
        refresh(s);
    }

    private void refresh(Space s) {
        // plain stores: a reader that loads the new segment sees its final fields, and its pages were
        // committed before (a grown window) or it belongs to the fresh view (a swap); a reader still on
        // the old one is safe as the class comment says
        if (s == first) {
            ld0 = s.loadWindow();
            st0 = s.storeWindow();
        } else if (s == second) {
            ld1 = s.loadWindow();
            st1 = s.storeWindow();
        }
    }

    /** Every space, the first two first. */
    public List<Space> spaces() {
        List<Space> out = new ArrayList<>(List.of(first, second));
        out.addAll(List.of(more));
        return out;
    }

    /** The space holding {@code addr}, or null. */
    public Space spaceOf(long addr) {
        return spaceFor(addr, 0);
    }

    /** Marks this memory closed: accesses from now on throw {@link IllegalStateException}. The owner calls it. */
    public void markClosed() {
        closed = true;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void ensureOpen() {
        if (closed) {
            throw closedException(null);
        }
    }

    /*
     * The accessors. A fast path picks the window segment that holds the range (the first space's, then
     * the second's: two field loads and one branch each, the segment's own bounds being the window), then
     * does one access at addr - v.address(): small enough for the JIT to inline whole into callers such
     * as the itab probe. A window segment closed after it was loaded can only belong to a swapped-out
     * view, so the access throws IllegalStateException rather than touch a page taken away, and the slow
     * path retries on the fresh view after a swap or throws the closed exception after a close. Anything
     * else (another space, a page outside the windows) goes to the slow path, a separate method that tests
     * the page bitmaps and throws the right exception.
     */

    /** The load window segment holding {@code [addr, addr + n)}, or null. */
    private MemorySegment load(long addr, long n) {
        MemorySegment v = ld0;
        if (holds(v, addr, n)) {
            return v;
        }
        v = ld1;
        return holds(v, addr, n) ? v : null;
    }

    /** The store window segment holding {@code [addr, addr + n)}, or null. */
    private MemorySegment store(long addr, long n) {
        MemorySegment v = st0;
        if (holds(v, addr, n)) {
            return v;
        }
        v = st1;
        return holds(v, addr, n) ? v : null;
    }

    /**
     * True when {@code [addr, addr + n)} lies inside segment {@code v}: {@code o >= 0} and
     * {@code o <= size - n} in one sign test (neither difference overflows when the first is not negative;
     * an empty window holds nothing).
     */
    private static boolean holds(MemorySegment v, long addr, long n) {
        long o = addr - v.address();
        return (o | (v.byteSize() - n - o)) >= 0;
    }

    @Override
    public long u64(long addr) {
        MemorySegment v = load(addr, 8);
        try {
            return v != null ? (long) LONG_U.get(v, addr - v.address()) : slowGet(addr, 8, Mode.PLAIN);
        } catch (IllegalStateException e) {
            return slowGet(addr, 8, Mode.PLAIN); // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public long u64Acquire(long addr) {
        MemorySegment v = load(addr, 8);
        try {
            return v != null ? (long) LONG.getAcquire(v, addr - v.address()) : slowGet(addr, 8, Mode.ACQUIRE);
        } catch (IllegalStateException e) {
            return slowGet(addr, 8, Mode.ACQUIRE); // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public int u32(long addr) {
        MemorySegment v = load(addr, 4);
        try {
            return v != null ? (int) INT_U.get(v, addr - v.address()) : (int) slowGet(addr, 4, Mode.PLAIN);
        } catch (IllegalStateException e) {
            return (int) slowGet(addr, 4, Mode.PLAIN); // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public int u8(long addr) {
        MemorySegment v = load(addr, 1);
        try {
            return v != null ? (byte) BYTE.get(v, addr - v.address()) & 0xff : (int) slowGet(addr, 1, Mode.PLAIN);
        } catch (IllegalStateException e) {
            return (int) slowGet(addr, 1, Mode.PLAIN); // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public int u16(long addr) {
        MemorySegment v = load(addr, 2);
        try {
            return v != null ? (short) SHORT_U.get(v, addr - v.address()) & 0xffff : (int) slowGet(addr, 2, Mode.PLAIN);
        } catch (IllegalStateException e) {
            return (int) slowGet(addr, 2, Mode.PLAIN); // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public int u32Acquire(long addr) {
        MemorySegment v = load(addr, 4);
        try {
            return v != null ? (int) INT.getAcquire(v, addr - v.address()) : (int) slowGet(addr, 4, Mode.ACQUIRE);
        } catch (IllegalStateException e) {
            return (int) slowGet(addr, 4, Mode.ACQUIRE); // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public long u64Opaque(long addr) {
        MemorySegment v = load(addr, 8);
        try {
            return v != null ? (long) LONG.getOpaque(v, addr - v.address()) : slowGet(addr, 8, Mode.OPAQUE);
        } catch (IllegalStateException e) {
            return slowGet(addr, 8, Mode.OPAQUE); // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public void setU64(long addr, long x) {
        MemorySegment v = store(addr, 8);
        try {
            if (v != null) {
                LONG_U.set(v, addr - v.address(), x);
                return;
            }
        } catch (IllegalStateException e) {
            // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
        slowSet(addr, 8, Mode.PLAIN, x, 0);
    }

    @Override
    public void setU8(long addr, int x) {
        MemorySegment v = store(addr, 1);
        try {
            if (v != null) {
                BYTE.set(v, addr - v.address(), (byte) x);
                return;
            }
        } catch (IllegalStateException e) {
            // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
        slowSet(addr, 1, Mode.PLAIN, x, 0);
    }

    @Override
    public void setU16(long addr, int x) {
        MemorySegment v = store(addr, 2);
        try {
            if (v != null) {
                SHORT_U.set(v, addr - v.address(), (short) x);
                return;
            }
        } catch (IllegalStateException e) {
            // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
        slowSet(addr, 2, Mode.PLAIN, x, 0);
    }

    @Override
    public void setU32(long addr, int x) {
        MemorySegment v = store(addr, 4);
        try {
            if (v != null) {
                INT_U.set(v, addr - v.address(), x);
                return;
            }
        } catch (IllegalStateException e) {
            // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
        slowSet(addr, 4, Mode.PLAIN, x, 0);
    }

    @Override
    public void setU32Release(long addr, int x) {
        MemorySegment v = store(addr, 4);
        try {
            if (v != null) {
                INT.setRelease(v, addr - v.address(), x);
                return;
            }
        } catch (IllegalStateException e) {
            // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
        slowSet(addr, 4, Mode.RELEASE, x, 0);
    }

    @Override
    public void setU64Release(long addr, long x) {
        MemorySegment v = store(addr, 8);
        try {
            if (v != null) {
                LONG.setRelease(v, addr - v.address(), x);
                return;
            }
        } catch (IllegalStateException e) {
            // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
        slowSet(addr, 8, Mode.RELEASE, x, 0);
    }

    @Override
    public void setU64Opaque(long addr, long x) {
        MemorySegment v = store(addr, 8);
        try {
            if (v != null) {
                LONG.setOpaque(v, addr - v.address(), x);
                return;
            }
        } catch (IllegalStateException e) {
            // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
        slowSet(addr, 8, Mode.OPAQUE, x, 0);
    }

    @Override
    public boolean casU32(long addr, int expect, int update) {
        MemorySegment v = store(addr, 4);
        try {
            return v != null ? INT.compareAndSet(v, addr - v.address(), expect, update) : slowSet(addr, 4, Mode.CAS, update, expect) != 0;
        } catch (IllegalStateException e) {
            return slowSet(addr, 4, Mode.CAS, update, expect) != 0; // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    @Override
    public boolean casU64(long addr, long expect, long update) {
        MemorySegment v = store(addr, 8);
        try {
            return v != null ? LONG.compareAndSet(v, addr - v.address(), expect, update) : slowSet(addr, 8, Mode.CAS, update, expect) != 0;
        } catch (IllegalStateException e) {
            return slowSet(addr, 8, Mode.CAS, update, expect) != 0; // a closed view: the slow path tells a swap (retry) from a close (rethrow)
        }
    }

    private enum Mode { PLAIN, OPAQUE, ACQUIRE, RELEASE, CAS }

    /**
     * The general path of every load: any space, any alignment within the space, straddling pages; retried
     * on the space's current view when a swap closed the one used. The value zero-extended into a long.
     */
    private long slowGet(long addr, int len, Mode mode) {
        for (;;) {
            Space s = space(addr, len);
            MemorySegment v = s.view(); // acquire: before the bit test (see Space, "Revoke")
            long off = addr - s.base;
            if (!s.test(s.readable, off, len)) {
                throw bad(addr, len);
            }
            try {
                return switch (len) {
                    case 1 -> (byte) BYTE.get(v, off) & 0xffL;
                    case 2 -> (short) SHORT_U.get(v, off) & 0xffffL;
                    case 4 -> Integer.toUnsignedLong(mode == Mode.PLAIN ? (int) INT_U.get(v, off) : mode == Mode.ACQUIRE
                            ? (int) INT.getAcquire(v, off) : (int) INT.getOpaque(v, off));
                    default -> mode == Mode.PLAIN ? (long) LONG_U.get(v, off) : mode == Mode.ACQUIRE
                            ? (long) LONG.getAcquire(v, off) : (long) LONG.getOpaque(v, off);
                };
            } catch (IllegalStateException e) {
                stale(s, v, e);
            }
        }
    }

    /** The general path of every store and CAS; for a CAS returns 1 if it succeeded. */
    private long slowSet(long addr, int len, Mode mode, long x, long expect) {
        for (;;) {
            Space s = space(addr, len);
            MemorySegment v = s.view(); // acquire: before the bit test (see Space, "Revoke")
            long off = addr - s.base;
            if (!s.test(s.writable, off, len)) {
                throw s.test(s.readable, off, len) ? new ReadOnlyMemoryException(addr, len, description) : bad(addr, len);
            }
            try {
                switch (len) {
                    case 1 -> BYTE.set(v, off, (byte) x);
                    case 2 -> SHORT_U.set(v, off, (short) x);
                    case 4 -> {
                        switch (mode) {
                            case RELEASE -> INT.setRelease(v, off, (int) x);
                            case OPAQUE -> INT.setOpaque(v, off, (int) x);
                            case CAS -> {
                                return INT.compareAndSet(v, off, (int) expect, (int) x) ? 1 : 0;
                            }
                            default -> INT_U.set(v, off, (int) x);
                        }
                    }
                    default -> {
                        switch (mode) {
                            case RELEASE -> LONG.setRelease(v, off, x);
                            case OPAQUE -> LONG.setOpaque(v, off, x);
                            case CAS -> {
                                return LONG.compareAndSet(v, off, expect, x) ? 1 : 0;
                            }
                            default -> LONG_U.set(v, off, x);
                        }
                    }
                }
                return 1;
            } catch (IllegalStateException e) {
                stale(s, v, e);
            }
        }
    }

    /** The space holding {@code [addr, addr + len)}, or throws the bad-address (or closed) exception. */
    private Space space(long addr, long len) {
        Space s = spaceFor(addr, len);
        if (s == null) {
            throw bad(addr, len);
        }
        return s;
    }

    /** The space whose bounds hold {@code [addr, addr + len)} ({@code len >= 0}), or null: bounds compares only. */
    private Space spaceFor(long addr, long len) {
        if (inBounds(first, addr, len)) {
            return first;
        }
        if (inBounds(second, addr, len)) {
            return second;
        }
        for (Space m : more) {
            if (inBounds(m, addr, len)) {
                return m;
            }
        }
        return null;
    }

    private static boolean inBounds(Space s, long addr, long len) {
        long off = addr - s.base;
        return len >= 0 && Long.compareUnsigned(off, s.size) < 0 && len <= s.size - off;
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
        Space s = space(addr, len);
        MemorySegment v = s.view();
        long off = addr - s.base;
        if (len > 0 && !s.test(s.readable, off, len)) {
            throw bad(addr, len);
        }
        MemorySegment out = v.asSlice(off, len);
        return len > 0 && s.test(s.writable, off, len) ? out : out.asReadOnly();
    }

    @Override
    public void write(long addr, MemorySegment src, long srcOffset, long len) {
        while (true) {
            MemorySegment dst = slice(addr, len);
            try {
                MemorySegment.copy(src, srcOffset, dst, 0, len);
                return;
            } catch (IllegalStateException e) {
                retryOrThrow(dst, e);
            }
        }
    }

    @Override
    public byte[] read(long addr, int len) {
        while (true) {
            MemorySegment src = slice(addr, len);
            try {
                return src.toArray(ValueLayout.JAVA_BYTE);
            } catch (IllegalStateException e) {
                retryOrThrow(src, e);
            }
        }
    }

    /**
     * A bulk access through a slice threw: returns if the slice's view was swapped while this memory is
     * open (the caller takes a fresh slice and does it again); throws the closed exception after close,
     * and {@code e} itself when the slice is alive (not ours to hide).
     */
    public void retryOrThrow(MemorySegment slice, IllegalStateException e) {
        if (closed) {
            throw closedException(e);
        }
        if (slice.scope().isAlive()) {
            throw e;
        }
    }

    @Override
    public boolean contains(long addr, long len) {
        Space s = spaceFor(addr, len);
        return s != null && (len == 0 || s.test(s.readable, addr - s.base, len));
    }

    /**
     * An access through {@code v} threw {@code e}: if the view was swapped meanwhile, returns (the caller
     * retries on the new one); if the owner closed, throws the closed exception; otherwise rethrows.
     */
    private void stale(Space s, MemorySegment v, IllegalStateException e) {
        if (closed || s.isClosed()) {
            throw closedException(e);
        }
        if (v.scope().isAlive()) {
            throw e; // not a closed view: some other state error, not ours to hide
        }
        s.awaitView(v); // a swap closed v: the fresh view comes within microseconds
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
