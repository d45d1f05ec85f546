package io.goheap.runtime.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One range of virtual address space that a runtime reserved up front ({@code PROT_NONE}), and which of
 * its pages are committed now: the unit {@link LiveMemory} turns addresses into memory with.
 *
 * <h2 id="pages">Pages</h2>
 * Two <em>windows</em>, each the longest run of pages the owner has seen committed in one piece: the
 * <em>load window</em> (every page readable) and the <em>store window</em> (every page readable and
 * writable). Each is handed to {@link LiveMemory} as a segment of the current view bounded to exactly
 * its pages ({@link #loadWindow()}, {@link #storeWindow()}), so that the fast paths' range test is the
 * segment's own bounds: arithmetic on two of its fields. Everything else is two bitmaps with one bit
 * per 4 KiB page: <em>readable</em> (committed with {@code PROT_READ}) and <em>writable</em> (with
 * {@code PROT_WRITE} as well). A slow-path access of {@code n <= 8} bytes tests the bit of its first and
 * of its last page (the same page unless it straddles): a constant number of array loads, never a
 * search. Windows and bits are written by the owner ({@code SysMemory}, under its lock) and read without
 * a lock; "bits" below stands for both.
 * <ul>
 *   <li>Commit: the kernel call first (the page becomes accessible), then the bits are set. A thread
 *       learns the new memory's address only from the owner, after the bits (through the owner's lock, or
 *       a release store of the address into Go memory that it reads with acquire), so it sees them set.
 *       A racing plain read of the address may see the bits still clear: a {@link BadAddressException},
 *       never a fault.</li>
 *   <li>Revoke (free, or write permission taken away): the bits are cleared first, then {@link #swapView}
 *       closes the current view and only then publishes a fresh one. The close of a shared arena
 *       completes a handshake with every thread: an access through the old view either finished before
 *       it or throws {@link IllegalStateException} (which {@link LiveMemory} retries on the fresh view).
 *       The kernel takes the pages away after the handshake and before the fresh view exists, so an
 *       access can reach a revoked page only through the fresh view, and it loaded that view after the
 *       handshake with its own thread: its bit test sees the bits cleared. This holds with plain loads
 *       of the view and the bits as long as the accessor loads the view first and has no safepoint poll
 *       between its loads and the access (straight-line code, no call, no loop: the JDK's own
 *       liveness check of a shared segment rests on the same property), on x86-64, whose loads are not
 *       reordered with each other. The window segments are slices of a view, so they belong to its
 *       arena: a fast-path access through a window cut before the swap throws once the old view is
 *       closed, and a window cut from the fresh view was cut from windows already shrunk. No ordering
 *       of threads reaches a {@code PROT_NONE} page.</li>
 * </ul>
 *
 * <h2 id="view">The view</h2>
 * {@link #view()} is a segment over the whole reservation in a shared arena of its own. Unbounded
 * {@code reinterpret} is sound here: this process mapped exactly {@code [base, base + size)}; the bitmaps
 * keep every access inside its committed pages; the reservation is unmapped only after the last view's
 * arena is closed.
 */
public final class Space {
    /** Page size of the bitmaps: the kernel's base page on x86-64 Linux. */
    public static final int PAGE_SHIFT = 12;
    /** Bytes of a bitmap page: 4 KiB. */
    public static final long PAGE = 1L << PAGE_SHIFT;

    private static final VarHandle VIEW;

    static {
        try {
            VIEW = MethodHandles.lookup().findVarHandle(Space.class, "view", MemorySegment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    final long base;
    final long size;
    /** bit p set: page p is committed and readable; int words so that no reader sees a torn word */
    final int[] readable;
    /** bit p set: page p is committed and writable (a subset of readable) */
    final int[] writable;
    /**
     * The store window: pages {@code [window >>> 32, window & 0xffffffff)} (relative to base), every one
     * of them committed readable and writable. Written by the owner under its lock: grown after the kernel
     * committed the pages, shrunk before the view is swapped (see "Revoke"). Readers never see this long:
     * they see the segment {@link #storeWindow()} cuts from it.
     */
    private long window;
    /** The load window, packed as {@link #window}: every page committed readable. */
    private long loadWindow;
    /** the current view; replaced by {@link #swapView} (release), read by accessors with acquire */
    @SuppressWarnings("unused")
    private volatile MemorySegment view;
    private Arena arena;
    /** set once by {@link #close}; read on the slow paths only */
    private volatile boolean closed;

    /**
     * A space over {@code [base, base + size)}, which the caller has just reserved with {@code mmap}.
     *
     * @throws IllegalArgumentException if the range is not page aligned or is empty
     */
    public Space(String name, long base, long size) {
        if (size <= 0 || (base & (PAGE - 1)) != 0 || (size & (PAGE - 1)) != 0 || size >>> PAGE_SHIFT > (long) Integer.MAX_VALUE * 32) {
            throw new IllegalArgumentException("space " + name + " base=0x" + Long.toHexString(base) + " size=" + size);
        }
        this.name = name;
        this.base = base;
        this.size = size;
        int words = (int) (((size >>> PAGE_SHIFT) + 31) >>> 5);
        this.readable = new int[words];
        this.writable = new int[words];
        this.arena = Arena.ofShared();
        this.view = view(base, size, arena);
    }

    /** What it is for: {@code "heap"}, {@code "os"}. */
    public String name() {
        return name;
    }

    /** The first reserved byte. */
    public long base() {
        return base;
    }

    /** Bytes reserved. */
    public long size() {
        return size;
    }

    /** One past the last reserved byte. */
    public long end() {
        return base + size;
    }

    /** True when {@code addr} lies in the reservation. */
    public boolean holds(long addr) {
        return Long.compareUnsigned(addr - base, size) < 0;
    }

    /** The current view, loaded with acquire: the bit tests after it see every bit cleared before it was published. */
    MemorySegment view() {
        return (MemorySegment) VIEW.getAcquire(this);
    }

    /** True when pages {@code [off, off + n)} (n &gt;= 1, inside the space) are all readable (or writable). */
    boolean test(int[] bits, long off, long n) {
        long p0 = off >>> PAGE_SHIFT;
        long p1 = (off + n - 1) >>> PAGE_SHIFT;
        if (p0 == p1) {
            return (bits[(int) (p0 >>> 5)] & (1 << p0)) != 0;
        }
        return testSlow(bits, p0, p1);
    }

    private static boolean testSlow(int[] bits, long p0, long p1) {
        for (long p = p0; p <= p1; p++) {
            if ((bits[(int) (p >>> 5)] & (1 << p)) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Marks pages {@code [addr, addr + n)} committed: readable, and writable if {@code write}. The owner
     * calls it under its lock after the kernel made them accessible.
     */
    public void commit(long addr, long n, boolean write) {
        setBits(readable, addr, n, true);
        setBits(writable, addr, n, write);
        loadWindow = grow(loadWindow, addr, n);
        window = write ? grow(window, addr, n) : shrink(window, addr, n);
    }

    /** Marks pages not writable (they stay readable). The owner calls it under its lock, before {@link #swapView}. */
    public void dropWrite(long addr, long n) {
        setBits(writable, addr, n, false);
        window = shrink(window, addr, n);
    }

    /** Marks pages not committed. The owner calls it under its lock, before {@link #swapView}. */
    public void decommit(long addr, long n) {
        setBits(writable, addr, n, false);
        setBits(readable, addr, n, false);
        window = shrink(window, addr, n);
        loadWindow = shrink(loadWindow, addr, n);
    }

    /**
     * The load window as a segment of the current view: exactly its pages, every one of them readable.
     * A fresh segment each call (the owner calls it under its lock after a change, and hands it to
     * {@link LiveMemory}); empty when no page is committed.
     */
    MemorySegment loadWindow() {
        return cut(loadWindow);
    }

    /** The store window as a segment of the current view: exactly its pages, every one readable and writable. */
    MemorySegment storeWindow() {
        return cut(window);
    }

    private MemorySegment cut(long w) {
        long lo = (w >>> 32) << PAGE_SHIFT;
        long end = (w & 0xffffffffL) << PAGE_SHIFT;
        return view().asSlice(lo, end - lo);
    }

    /** Window {@code w} after pages {@code [addr, addr + n)} became accessible: it takes them in if it can. */
    private long grow(long w, long addr, long n) {
        long a = (addr - base) >>> PAGE_SHIFT;
        long b = a + (n >>> PAGE_SHIFT);
        long lo = w >>> 32;
        long end = w & 0xffffffffL;
        if (lo == end) {
            lo = a;
            end = b;
        } else if (b == lo) {
            lo = a;
        } else if (a == end) {
            end = b;
        } else if (b - a > end - lo) {
            lo = a;   // a larger run elsewhere: the window follows the larger one, the rest is bitmap-checked
            end = b;
        }
        return lo << 32 | end;
    }

    /** Window {@code w} before pages {@code [addr, addr + n)} lose an access or go: it keeps its larger side. */
    private long shrink(long w, long addr, long n) {
        long a = (addr - base) >>> PAGE_SHIFT;
        long b = a + (n >>> PAGE_SHIFT);
        long lo = w >>> 32;
        long end = w & 0xffffffffL;
        if (b <= lo || a >= end) {
            return w;
        }
        if (a - lo >= end - b) {
            end = Math.max(lo, a);
        } else {
            lo = Math.min(end, b);
        }
        return lo << 32 | end;
    }

    private void setBits(int[] bits, long addr, long n, boolean on) {
        long off = addr - base;
        if (Long.compareUnsigned(off, size) >= 0 || n <= 0 || n > size - off || (off & (PAGE - 1)) != 0 || (n & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("pages addr=0x" + Long.toHexString(addr) + " n=" + n + " not in " + this);
        }
        long p0 = off >>> PAGE_SHIFT;
        long p1 = p0 + (n >>> PAGE_SHIFT);
        for (long p = p0; p < p1; p++) {
            int w = (int) (p >>> 5);
            // plain int writes: a racing reader sees the old or the new word, never a mix (JLS 17.6)
            bits[w] = on ? bits[w] | (1 << p) : bits[w] & ~(1 << p);
        }
    }

    /**
     * Closes the current view, then publishes a fresh one: after it returns, no thread is inside an access
     * through the old view, and every later access through the fresh one tests the bits as they are now.
     * The owner calls it under its lock after clearing bits; the kernel call that takes the pages away
     * runs in {@code betweenViews}, after the handshake and before the fresh view exists. Readers that
     * meet the closed view meanwhile wait for the fresh one ({@link #awaitView}).
     *
     * @throws IllegalStateException if a native call holds a segment of the old view (its arena cannot be
     *                               closed); then neither the view nor the pages changed
     */
    public void swapView(Runnable betweenViews) {
        arena.close(); // the handshake; throws (and changes nothing) if a native call holds the view
        try {
            betweenViews.run();
        } finally {
            arena = Arena.ofShared();
            // release: the slow path, which loads the view with acquire, then sees every bit cleared before this store
            VIEW.setRelease(this, view(base, size, arena));
        }
    }

    /**
     * The current view once it is open: a reader whose access threw because a swap closed its view spins
     * here the few microseconds until the fresh one is published.
     *
     * @throws IllegalStateException if the space is closed for good
     */
    MemorySegment awaitView(MemorySegment closedView) {
        for (;;) {
            MemorySegment v = view();
            if (closed) {
                throw new IllegalStateException("the GoRuntime that owns this memory is closed");
            }
            if (v != closedView && v.scope().isAlive()) {
                return v;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Closes the view for good: every access from now on throws {@link IllegalStateException}. The owner
     * calls it under its lock before unmapping the reservation.
     *
     * @throws IllegalStateException if a native call holds a segment of the view; nothing changed then
     */
    public void close() {
        if (!closed) {
            arena.close();
            closed = true;
        }
    }

    /** True once {@link #close} succeeded. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return name + " space [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(end()) + ")";
    }

    /** The whole space as one segment of {@code arena}: the range this process reserved, at its exact size. */
    @SuppressWarnings("restricted")
    private static MemorySegment view(long base, long size, Arena arena) {
        return MemorySegment.ofAddress(base).reinterpret(size, arena, null);
    }
}
