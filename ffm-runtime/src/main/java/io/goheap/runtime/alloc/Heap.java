package io.goheap.runtime.alloc;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.MallocConstants;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.LiveMemory;
import io.goheap.runtime.sys.GoThrow;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.Reservation;
import io.goheap.runtime.sys.SysMemory;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.sys.SyscallException;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Go-style heap without a collector: {@code mallocgc} over Go 1.19's size classes, per-P
 * {@link MCache}s, spans carved from 64 MiB arenas that come from {@code sysReserve} and are committed
 * 4 MiB at a time with {@code sysMap} (accounted to {@code heap_sys}). Nothing is ever freed: there is
 * no garbage collector, no sweeping and no scavenger — objects live until the runtime closes.
 *
 * <h2 id="paths">Paths</h2>
 * <ul>
 *   <li>size 0: the address of {@code runtime.zerobase}.</li>
 *   <li>noscan and under 16 bytes: the tiny allocator, packing objects into 16-byte blocks of size
 *       class 2 at their natural alignment, exactly as Go 1.19 does.</li>
 *   <li>up to 32 KiB: the object's size class; the P's cached span hands out the next slot; a full span
 *       is replaced by a fresh one from the heap under the heap lock. Spans are noscan or scan by the
 *       {@code noscan} argument (span class = sizeclass &lt;&lt; 1 | noscan).</li>
 *   <li>larger: a span of its own, {@code ceil(size / 8 KiB)} pages.</li>
 * </ul>
 * Memory comes from fresh {@code mmap}s and is never reused, so it is always zero: {@code needzero}
 * is satisfied without clearing (Go clears only spans whose memory may be dirty).
 *
 * <h2 id="threads">Thread safety</h2>
 * A thread holding a P allocates through that P's mcache with no lock and no Java allocation until its
 * span is full. Growing the heap and handing out spans take the heap lock (Go's {@code mheap_.lock}).
 * A thread without a P allocates through one shared mcache under the heap lock (Go allows mallocgc
 * without a P only during bootstrap, through {@code mcache0}; goheap keeps that path open for tools).
 * Objects are read and written by address through the runtime's {@link GoMemory}; the heap keeps no
 * lookup structure of its own.
 */
public final class Heap {
    static final long PAGE = MallocConstants.PAGE_SIZE;
    static final long ARENA = MallocConstants.HEAP_ARENA_BYTES;
    static final long COMMIT = MallocConstants.PALLOC_CHUNK_BYTES;
    static final long TINY = MallocConstants.MAX_TINY_SIZE;
    /** malloc.go maxAlloc on linux/amd64: 1 << heapAddrBits (48) */
    static final long MAX_ALLOC = 1L << 48;
    static final int TINY_SPAN_CLASS = MSpan.spanClass(MallocConstants.TINY_SIZE_CLASS, true);

    private final SysMemory sys;
    private final LiveMemory mem; // the final class: its checks inline without a type test
    private final Symbol zerobase;
    /** Go's mheap_.lock: guards everything below and the shared mcache */
    private final ReentrantLock lock = new ReentrantLock();
    private final MCache shared = new MCache(null);
    private final List<Reservation> arenas = new ArrayList<>();
    /** bytes committed in the arenas; guarded by lock */
    private long committedBytes;
    private long cur;
    private long committedEnd;
    private long arenaEnd;
    /** index of the current arena hint (Go's h.arenaHints list), and its moved-up address or 0 */
    private int nextHint;
    private long hintAddr;
    private long spans;
    /** every span by base address, for {@link #describe}; guarded by lock (written on the span path only) */
    private final java.util.TreeMap<Long, MSpan> spanIndex = new java.util.TreeMap<>();
    private long spanBytes;
    private long largeAllocs;

    /** A heap whose memory comes from {@code image.sys()}; defines {@code runtime.zerobase}. */
    public Heap(Image image) {
        this.sys = image.sys();
        this.mem = sys.memory();
        this.zerobase = image.define(Section.NOPTRBSS, "runtime.zerobase", Abi.PTR_SIZE, Abi.PTR_SIZE);
    }

    /**
     * {@code mallocgc(size, typ, needzero)}: a new object of {@code size} bytes.
     *
     * @param c        the mcache of the P the calling thread holds, or null for a thread without a P
     * @param noscan   true when the type has no pointers (Go: {@code typ == nil || typ.ptrdata == 0})
     * @param needzero whether the memory must be zero (always satisfied, see the class doc)
     * @return the object's address
     * @throws IllegalArgumentException if {@code size < 0}
     * @throws IllegalStateException if {@code c} is a P's mcache and the calling thread does not hold that P,
     *                               or the runtime is closed
     * @throws GoThrow if {@code size} exceeds maxAlloc (2^48), or the heap cannot grow ({@code runtime: out of memory}), with the system error as cause
     */
    public long mallocgc(MCache c, long size, boolean noscan, boolean needzero) {
        mem.ensureOpen(); // a tiny or fresh-span object is handed out without touching memory
        if (size < 0) {
            throw new IllegalArgumentException("size=" + size);
        }
        if (size > MAX_ALLOC) {
            throw GoThrow.of("runtime: out of memory: cannot allocate " + size + "-byte block (maxAlloc " + MAX_ALLOC + ")");
        }
        if (c != null && c.owner != null && c.owner.holder() != Thread.currentThread()) {
            throw new IllegalStateException(Thread.currentThread().getName() + " does not hold " + c.owner
                    + ", the owner of this mcache");
        }
        if (size == 0) {
            return zerobase.address();
        }
        if (c == null) {
            lock.lock();
            try {
                return malloc(shared, size, noscan);
            } finally {
                lock.unlock();
            }
        }
        return malloc(c, size, noscan);
    }

    private long malloc(MCache c, long size, boolean noscan) {
        if (size <= SizeClasses.MAX_SMALL_SIZE) {
            if (noscan && size < TINY) {
                return tiny(c, size);
            }
            int sizeClass = SizeClasses.sizeToClass(size);
            int spc = MSpan.spanClass(sizeClass, noscan);
            long x = nextFree(c, spc);
            c.smallAllocs++;
            c.smallBytes += SizeClasses.classToSize(sizeClass);
            return x;
        }
        long npages = (size + PAGE - 1) / PAGE;
        MSpan s = allocSpanLocking(npages, MSpan.spanClass(0, noscan), npages * PAGE, 1);
        return s.base;
    }

    /** The tiny allocator: several tiny noscan objects share one 16-byte block. */
    private long tiny(MCache c, long size) {
        // align the object within the block to the largest of 8, 4, 2 that divides its size
        long off = c.tinyOffset;
        if ((size & 7) == 0) {
            off = alignUp(off, 8);
        } else if ((size & 3) == 0) {
            off = alignUp(off, 4);
        } else if ((size & 1) == 0) {
            off = alignUp(off, 2);
        }
        if (off + size <= TINY && c.tiny != 0) {
            c.tinyOffset = off + size;
            c.tinyAllocs++;
            return c.tiny + off;
        }
        long x = nextFree(c, TINY_SPAN_CLASS);
        c.smallAllocs++;
        c.smallBytes += TINY;
        // keep the block with more room left, as Go does
        if (size < c.tinyOffset || c.tiny == 0) {
            c.tiny = x;
            c.tinyOffset = size;
        }
        return x;
    }

    static long alignUp(long n, long a) {
        return (n + a - 1) & -a;
    }

    private long nextFree(MCache c, int spc) {
        MSpan s = c.alloc[spc];
        long x = s == null ? 0 : s.nextFree();
        if (x == 0) {
            s = refill(spc);
            c.alloc[spc] = s;
            x = s.nextFree();
        }
        return x;
    }

    /** mcache.refill: a fresh span of the class (no span is ever partly free again: no collector). */
    private MSpan refill(int spc) {
        int sizeClass = spc >> 1;
        long npages = SizeClasses.classToPages(sizeClass);
        long elem = SizeClasses.classToSize(sizeClass);
        return allocSpanLocking(npages, spc, elem, (int) (npages * PAGE / elem));
    }

    private MSpan allocSpanLocking(long npages, int spc, long elem, int nelems) {
        boolean held = lock.isHeldByCurrentThread();
        if (!held) {
            lock.lock();
        }
        try {
            long base = allocPages(npages);
            spans++;
            spanBytes += npages * PAGE;
            if ((spc >> 1) == 0) {
                largeAllocs++;
            }
            MSpan s = new MSpan(base, (int) npages, spc, elem, nelems);
            spanIndex.put(base, s); // under the heap lock: describe() reads it under the lock too
            return s;
        } finally {
            if (!held) {
                lock.unlock();
            }
        }
    }

    /**
     * Bump-allocates {@code npages} pages, growing the heap. Caller holds the lock. A span never
     * straddles two commits (each commit is one mapping): when the span does not fit in what is committed, the committed tail is skipped and the
     * span starts a new commit of at least 4 MiB. Go's page allocator would use that tail for a later
     * span; goheap wastes it (at most one span's size a commit). Nothing changes unless the whole step
     * succeeds.
     */
    private long allocPages(long npages) {
        long bytes = npages * PAGE;
        if (bytes <= committedEnd - cur) {
            long base = cur;
            cur += bytes;
            return base;
        }
        long n = (bytes + COMMIT - 1) / COMMIT * COMMIT;
        Reservation fresh = null;
        long start = committedEnd;
        long limit = arenaEnd;
        long padding = 0;
        if (arenaEnd - committedEnd < bytes) {
            fresh = newArena(bytes);
            start = (fresh.address() + ARENA - 1) & -ARENA;
            limit = start + (bytes + ARENA - 1) / ARENA * ARENA;
            io.goheap.runtime.sys.ArenaHints hints = sys.arenaHints();
            if (arenas.isEmpty() && hints.randomized()) {
                // Go 1.26's first mheap.grow: the heap begins at a random 4 MiB chunk of the arena, and a
                // random number of its first pages stay allocated (markRandomPaddingPages)
                long pad = hints.paddingPages() * PAGE;
                if (hints.chunkOffset() + pad + bytes <= limit - start) {
                    start += hints.chunkOffset();
                    padding = pad;
                    n = (bytes + pad + COMMIT - 1) / COMMIT * COMMIT;
                }
            }
        }
        n = Math.min(n, limit - start);
        Reservation r = fresh != null ? fresh : arenas.getLast();
        Mapping tail = null;
        Mapping m;
        try {
            if (fresh != null && start == arenaEnd && committedEnd < arenaEnd) {
                // The fresh arena follows the last one: its uncommitted tail is committed too (and left
                // unused), as Go maps whole arenas, so that the heap stays one run of committed pages,
                // which the memory layer checks with arithmetic alone (LiveMemory's window)
                tail = commit(arenas.getLast(), committedEnd, arenaEnd - committedEnd);
            }
            m = commit(r, start, n);
        } catch (SyscallException e) {
            if (tail != null) {
                sys.sysFree(tail);         // back to Reserved: the heap stays exactly as it was
            }
            if (fresh != null) {
                sys.sysUnreserve(fresh);
            }
            throw outOfMemory(bytes, e);
        }
        if (tail != null) {
            committedBytes += tail.size();
        }
        if (fresh != null) {
            arenas.add(fresh);
            arenaEnd = limit;
        }
        committedBytes += n;
        committedEnd = start + n;
        cur = start + padding + bytes;
        return start + padding;
    }

    /** sysMap + sysUsed of {@code n} bytes at {@code addr} of arena {@code r}. Caller holds the lock. */
    private Mapping commit(Reservation r, long addr, long n) {
        Mapping m = sys.sysMap(r, addr, n, SysStat.HEAP_SYS, "heap arena");
        // Go moves pages from Prepared to Ready as spans are allocated from them (sysUsed in
        // allocSpan); goheap hands out spans from every committed page, so all of it is Ready
        sys.sysUsed(m, 0, n);
        return m;
    }

    /**
     * Reserves a fresh 64 MiB-aligned arena (more for an object larger than an arena), as Go 1.19's
     * {@code mheap.sysAlloc} does: at the current hint, first {@code 0x00c0<<32}; a hint the kernel
     * honours moves up by the size reserved, so arenas follow each other (0xc000000000, 0xc004000000,
     * ...); a hint it does not honour, or that fails, is dropped for the next ({@code i<<40 | 0x00c0<<32}
     * for i = 1 .. 0x7f); with no hint left, anywhere, with room to align. When the fresh arena follows
     * the previous one, the previous one's tail is committed and left unused (Go would add it to its
     * page allocator).
     */
    private Reservation newArena(long minBytes) {
        long size = (minBytes + ARENA - 1) / ARENA * ARENA;
        io.goheap.runtime.sys.ArenaHints hints = sys.arenaHints();
        while (nextHint < hints.count()) {
            long hint = hintAddr == 0 ? hints.hint(nextHint) : hintAddr;
            Reservation t;
            try {
                t = sys.sysReserve(hint, size);
            } catch (SyscallException e) {
                dropHint();
                continue;
            }
            if (t.address() == hint) {
                hintAddr = hint + size;
                return t;
            }
            sys.sysUnreserve(t);
            dropHint();
        }
        try {
            return sys.sysReserve(0, size + ARENA);
        } catch (SyscallException e) {
            throw outOfMemory(minBytes, e);
        }
    }

    private void dropHint() {
        nextHint++;
        hintAddr = 0;
    }

    /**
     * The bytes {@code [addr, addr + size)} of the heap, bounded to them (a slice of the runtime's
     * {@link GoMemory}; see {@link io.goheap.runtime.mem.LiveMemory#slice} for how long it stays valid).
     *
     * @throws IndexOutOfBoundsException if the range is not inside one committed region
     */
    public MemorySegment segment(long addr, long size) {
        if (!contains(addr, size)) {
            throw new IndexOutOfBoundsException("address=0x" + Long.toHexString(addr) + " size=" + size + " is not in the heap");
        }
        return mem.slice(addr, size);
    }

    /** True when {@code addr} lies in committed heap memory. */
    public boolean contains(long addr) {
        return contains(addr, 1);
    }

    /** Whether {@code [addr, addr + size)} lies in one of the heap's commits: a mapping of the memory layer inside an arena. */
    private boolean contains(long addr, long size) {
        Mapping m = sys.find(addr);
        if (m == null || size < 0 || size > m.end() - addr) {
            return false;
        }
        lock.lock();
        try {
            return arenas.contains(m.within());
        } finally {
            lock.unlock();
        }
    }

    /** Heap figures: spans, bytes in spans, large objects, committed bytes, arenas. */
    public record Stats(long spans, long spanBytes, long largeObjects, long committed, int arenas) {
    }

    /** The current figures, taken under the heap lock. */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(spans, spanBytes, largeAllocs, committedBytes, arenas.size());
        } finally {
            lock.unlock();
        }
    }

    /** {@code runtime.zerobase}, the address of every zero-size object. */
    public long zerobase() {
        return zerobase.address();
    }

    private static GoThrow outOfMemory(long bytes, SyscallException cause) {
        GoThrow t = GoThrow.of("runtime: out of memory: cannot grow the heap by " + bytes + " bytes: " + cause.getMessage());
        t.initCause(cause);
        return t;
    }

    /**
     * What heap address {@code addr} is, or null if it is in no span: "heap span 0xc000002000 (size class 3,
     * 24-byte objects, noscan), object 12 + 8" or "heap span 0x... (large, 3 pages), + 0x10".
     */
    public String describe(long addr) {
        lock.lock();
        try {
            java.util.Map.Entry<Long, MSpan> e = spanIndex.floorEntry(addr);
            if (e == null) {
                return null;
            }
            MSpan s = e.getValue();
            long off = addr - s.base;
            if (off >= s.npages * PAGE) {
                return null;
            }
            int sizeClass = s.spanClass >> 1;
            String scan = (s.spanClass & 1) != 0 ? "noscan" : "scan";
            if (sizeClass == 0) {
                return String.format("heap span 0x%x (large, %d pages, %s) + 0x%x", s.base, s.npages, scan, off);
            }
            long obj = off / s.elemSize;
            long in = off % s.elemSize;
            return String.format("heap span 0x%x (size class %d, %d-byte objects, %s), object %d%s", s.base, sizeClass,
                    s.elemSize, scan, obj, in == 0 ? "" : " + " + in);
        } finally {
            lock.unlock();
        }
    }
}
