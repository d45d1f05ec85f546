package io.goheap.runtime.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Go 1.19's {@code mem_linux.go} over real {@code mmap}: {@code sysAlloc}, {@code sysFree},
 * {@code sysReserve}, {@code sysMap}, {@code sysUnused}, {@code sysUsed}, with the accounting of
 * {@code mem.go} into {@link MemStats}. One instance owns every mapping it makes and unmaps all of
 * them on {@link #close()}.
 *
 * <h2 id="threads">Thread safety</h2>
 * All methods may be called from any thread. The registry of mappings is guarded by one lock.
 * {@code sysAlloc} calls {@code mmap} outside the lock (the kernel picks a fresh range, nobody else can
 * own it) and registers the result under the lock; if the owner closed meanwhile, the new range is
 * unmapped again and the call throws {@link IllegalStateException}. Every call that names an address
 * the kernel will not choose ({@code sysMap}'s {@code MAP_FIXED}, {@code mprotect}, {@code madvise},
 * {@code munmap}) runs under the lock, after checking the range is still ours: otherwise a racing
 * close could unmap it, the JVM could map something else there, and the call would hit the JVM's memory.
 *
 * <h2 id="errors">Errors</h2>
 * A failing system call throws {@link SyscallException} naming the call, its arguments and errno. Go
 * returns nil from {@code sysAlloc} and lets the caller throw; goheap throws at once, with Go's extra
 * words for {@code EACCES} and {@code EAGAIN}. Unlike Go, which adds to the stat before calling mmap,
 * the stats move only after the call succeeded: a failed call leaves every counter as it was.
 *
 * <h2 id="example">Example</h2>
 * {@snippet :
 * try (SysMemory sys = new SysMemory(new MemStats())) {
 *     Mapping m = sys.sysAlloc(256 << 10, SysStat.OTHER_SYS, "persistent chunk");
 *     m.segment().set(ValueLayout.JAVA_LONG, 0, 42);  // zeroed memory, e.g. at 0x7f3a5c1e0000
 * }                                                    // unmapped; m.segment() now throws
 * }
 */
public final class SysMemory implements AutoCloseable {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    /**
     * Process-wide count of live mappings and reservations made by any instance, and the bytes of
     * address space they hold (sysAlloc mappings + reservations; sysMap parts lie inside reservations).
     * Updated under each instance's lock, read by leak checks in tests: plain atomics suffice, a reader
     * wants only the eventual totals once the instances it cares about are closed.
     */
    private static final AtomicLong LIVE_MAPPINGS = new AtomicLong();
    private static final AtomicLong LIVE_RESERVATIONS = new AtomicLong();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final MemStats stats;
    private final FaultInjector faults = new FaultInjector();
    private final Object lock = new Object();
    /** live mappings by address; guarded by lock */
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    /** live reservations by address; guarded by lock */
    private final TreeMap<Long, Reservation> reservations = new TreeMap<>();
    /** munmap failures inside arena close actions; guarded by lock */
    private final List<SyscallException> unmapFailures = new ArrayList<>();
    /** guarded by lock */
    private boolean closed;
    /** totals since creation, for reports; guarded by lock */
    private long mmapCalls;
    private long munmapCalls;

    /** A memory layer that accounts into {@code stats}. */
    public SysMemory(MemStats stats) {
        this.stats = stats;
    }

    /** The statistics this layer accounts into. */
    public MemStats stats() {
        return stats;
    }

    /** The fault injector every {@code mmap} of this instance consults. */
    public FaultInjector faults() {
        return faults;
    }

    /**
     * {@code sysAlloc}: {@code n} bytes of zeroed read-write memory from
     * {@code mmap(nil, n, PROT_READ|PROT_WRITE, MAP_ANON|MAP_PRIVATE, -1, 0)}, accounted to {@code stat}
     * and to {@code mappedReady}.
     *
     * @param purpose a label for reports and dumps, e.g. {@code ".rodata"}
     * @throws IllegalArgumentException if {@code n <= 0}
     * @throws SyscallException if mmap fails (ENOMEM, or an injected fault); no counter changes
     * @throws IllegalStateException if this layer is closed
     */
    public Mapping sysAlloc(long n, SysStat stat, String purpose) {
        checkLength(n);
        ensureOpen();
        long p = mmap(0, n, RW, ANON);
        return register(purpose, p, n, stat, RW, null);
    }

    /**
     * {@code sysFree}: unmaps a mapping from {@link #sysAlloc} and takes its bytes off {@code stat}
     * and {@code mappedReady}. The mapping's segment throws {@link IllegalStateException} from now on.
     * A mapping committed by {@link #sysMap} goes back to {@code PROT_NONE} inside its reservation.
     *
     * @throws IllegalArgumentException if {@code m} is not a live mapping of this layer
     * @throws IllegalStateException if this layer is closed
     */
    public void sysFree(Mapping m) {
        synchronized (lock) {
            ensureOpenLocked();
            if (mappings.get(m.address()) != m) {
                throw new IllegalArgumentException("not a live mapping of this runtime: " + m);
            }
            mappings.remove(m.address());
            // Close first: the handshake of a shared arena guarantees no thread is inside an access
            // through m.segment() when the close action (munmap / PROT_NONE) runs right after.
            m.arena().close();
            throwUnmapFailure();
        }
        stats.add(m.stat(), -m.size());
        stats.addMappedReady(-m.size());
    }

    /**
     * {@code sysReserve}: reserves {@code n} bytes of address space, {@code PROT_NONE}, at {@code hint}
     * if the kernel agrees (0 = anywhere). Nothing is accounted (Go does not either).
     *
     * @throws SyscallException if mmap fails
     */
    public Reservation sysReserve(long hint, long n) {
        checkLength(n);
        ensureOpen();
        long p = mmap(hint, n, Mman.PROT_NONE, ANON);
        Reservation r = new Reservation(p, n);
        synchronized (lock) {
            if (closed) {
                unmapQuietly(p, n);
                throw closedException();
            }
            reservations.put(p, r);
            LIVE_RESERVATIONS.incrementAndGet();
            LIVE_BYTES.addAndGet(n);
        }
        return r;
    }

    /**
     * Gives back a reservation nothing was committed in (Go's {@code sysReserveAligned} unmaps the
     * ranges it does not keep). Not accounted, as the reservation was not.
     *
     * @throws IllegalArgumentException if {@code r} is not a live reservation of this layer, or has
     *                                  committed parts
     */
    public void sysUnreserve(Reservation r) {
        synchronized (lock) {
            ensureOpenLocked();
            if (reservations.get(r.address()) != r) {
                throw new IllegalArgumentException("not a live reservation of this runtime: " + r);
            }
            Map.Entry<Long, Mapping> inside = mappings.ceilingEntry(r.address());
            if (inside != null && inside.getKey() < r.end()) {
                throw new IllegalArgumentException(r + " still has committed " + inside.getValue());
            }
            reservations.remove(r.address());
            r.kill();
            unmapLocked(r.address(), r.size());
            LIVE_RESERVATIONS.decrementAndGet();
            LIVE_BYTES.addAndGet(-r.size());
            throwUnmapFailure();
        }
    }

    /**
     * {@code sysMap}: commits {@code [addr, addr + n)} of a reservation read-write with
     * {@code mmap(addr, n, PROT_READ|PROT_WRITE, MAP_ANON|MAP_FIXED|MAP_PRIVATE, -1, 0)} and accounts
     * it to {@code stat}.
     *
     * @throws IllegalArgumentException if the range is not inside the live reservation {@code r}, or
     *         overlaps a part already committed
     * @throws SyscallException if mmap fails; for ENOMEM with Go's words {@code runtime: out of memory}
     * @throws GoThrow if the kernel placed the mapping elsewhere (Go: cannot map pages in arena address space)
     */
    public Mapping sysMap(Reservation r, long addr, long n, SysStat stat, String purpose) {
        checkLength(n);
        synchronized (lock) {
            ensureOpenLocked();
            if (reservations.get(r.address()) != r || addr < r.address() || addr + n > r.end() || addr + n < addr) {
                throw new IllegalArgumentException("range addr=0x" + Long.toHexString(addr) + " n=" + n
                        + " is not inside live " + r);
            }
            Map.Entry<Long, Mapping> below = mappings.lowerEntry(addr + n);
            if (below != null && below.getValue().end() > addr) {
                throw new IllegalArgumentException("range addr=0x" + Long.toHexString(addr) + " n=" + n
                        + " overlaps committed " + below.getValue());
            }
            // Under the lock: MAP_FIXED replaces whatever is there, so the range must still be ours.
            long p;
            try {
                p = mmap(addr, n, RW, ANON | Mman.MAP_FIXED);
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOMEM && !e.injected()) {
                    throw Mman.failure("mmap", Mman.mmapArgs(addr, n, RW, ANON | Mman.MAP_FIXED, -1, 0), e.errno(),
                            "runtime: out of memory");
                }
                throw e;
            }
            if (p != addr) {
                throw GoThrow.of("runtime: cannot map pages in arena address space (mmap(0x" + Long.toHexString(addr)
                        + ", " + n + ") returned 0x" + Long.toHexString(p) + ")");
            }
            return registerLocked(purpose, p, n, stat, RW, r);
        }
    }

    /**
     * {@code sysUnused}: tells the kernel the pages may be dropped ({@code MADV_DONTNEED}: reads give
     * zeros afterwards), and takes them off {@code mappedReady}.
     */
    public void sysUnused(Mapping m, long offset, long n) {
        advise(m, offset, n, Mman.MADV_DONTNEED);
        stats.addMappedReady(-n);
    }

    /** {@code sysUsed}: the pages are in use again; adds {@code n} back to {@code mappedReady}. */
    public void sysUsed(Mapping m, long offset, long n) {
        checkRange(m, offset, n);
        stats.addMappedReady(n);
    }

    /**
     * Changes a mapping's protection, e.g. to {@code PROT_READ|PROT_EXEC} once code is written into a
     * {@code .text} region. {@code PROT_NONE} and write-only protections are refused: goheap hands out
     * segments over its mappings and a read through them must never fault. After a protection without
     * {@code PROT_WRITE}, {@link Mapping#segment()} returns a read-only view; a writable segment
     * obtained before must not be written.
     *
     * @throws IllegalArgumentException if {@code prot} lacks PROT_READ, or {@code m} is not live here
     * @throws SyscallException if mprotect fails
     */
    public Mapping protect(Mapping m, int prot) {
        if ((prot & Mman.PROT_READ) == 0) {
            throw new IllegalArgumentException("prot=" + Mman.prot(prot) + " (must include PROT_READ)");
        }
        synchronized (lock) {
            ensureOpenLocked();
            if (mappings.get(m.address()) != m) {
                throw new IllegalArgumentException("not a live mapping of this runtime: " + m);
            }
            Mman.mprotect(m.address(), m.size(), prot);
            m.prot(prot);
            return m;
        }
    }

    /** The live mapping that contains {@code addr}, or null. */
    public Mapping find(long addr) {
        synchronized (lock) {
            Map.Entry<Long, Mapping> e = mappings.floorEntry(addr);
            return e != null && e.getValue().contains(addr) ? e.getValue() : null;
        }
    }

    /** The live mappings, by address. */
    public List<Mapping> mappings() {
        synchronized (lock) {
            return List.copyOf(mappings.values());
        }
    }

    /** The live reservations, by address. */
    public List<Reservation> reservations() {
        synchronized (lock) {
            return List.copyOf(reservations.values());
        }
    }

    /** mmap calls that reached the kernel and succeeded, since creation. */
    public long mmapCalls() {
        synchronized (lock) {
            return mmapCalls;
        }
    }

    /** munmap calls made, since creation. */
    public long munmapCalls() {
        synchronized (lock) {
            return munmapCalls;
        }
    }

    /** Live mappings, reservations and bytes of every SysMemory in this process. */
    public record Live(long mappings, long reservations, long bytes) {
    }

    /** What every instance in this process holds right now; tests use it to prove nothing leaked. */
    public static Live liveInProcess() {
        return new Live(LIVE_MAPPINGS.get(), LIVE_RESERVATIONS.get(), LIVE_BYTES.get());
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        synchronized (lock) {
            return !closed;
        }
    }

    /**
     * Unmaps every mapping and reservation. Idempotent. Each mapping's arena is closed before its
     * memory goes, so a thread still reading gets {@link IllegalStateException}, never a fault.
     *
     * @throws SyscallException if a munmap failed (everything else is still released)
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            // Sub-mappings of reservations first (their close action only re-protects), then the rest.
            for (Mapping m : mappings.values()) {
                m.arena().close();
            }
            mappings.clear();
            for (Reservation r : reservations.values()) {
                r.kill();
                unmapLocked(r.address(), r.size());
                LIVE_RESERVATIONS.decrementAndGet();
                LIVE_BYTES.addAndGet(-r.size());
            }
            reservations.clear();
            throwUnmapFailure();
        }
    }

    private Mapping register(String purpose, long p, long n, SysStat stat, int prot, Reservation within) {
        synchronized (lock) {
            if (closed) {
                unmapLocked(p, n);
                throw closedException();
            }
            return registerLocked(purpose, p, n, stat, prot, within);
        }
    }

    private Mapping registerLocked(String purpose, long p, long n, SysStat stat, int prot, Reservation within) {
        Arena arena = Arena.ofShared();
        // Unbounded reinterpret is sound here: this process just mapped exactly [p, p + n).
        MemorySegment seg = MemorySegment.ofAddress(p).reinterpret(n, arena, within == null
                ? s -> {
                    unmapLocked(p, n);
                    LIVE_BYTES.addAndGet(-n);
                    LIVE_MAPPINGS.decrementAndGet();
                }
                : s -> {
                    faultLocked(p, n);
                    LIVE_MAPPINGS.decrementAndGet();
                });
        LIVE_MAPPINGS.incrementAndGet();
        if (within == null) {
            LIVE_BYTES.addAndGet(n);
        }
        Mapping m = new Mapping(purpose, p, n, stat, prot, within, arena, seg);
        mappings.put(p, m);
        stats.add(stat, n);
        stats.addMappedReady(n);
        return m;
    }

    /** Runs as an arena close action, always under the lock (close and sysFree hold it). */
    private void unmapLocked(long p, long n) {
        try {
            munmapCalls++;
            Mman.munmap(p, n);
        } catch (SyscallException e) {
            unmapFailures.add(e);
        }
    }

    /** A sysMap'd part goes back to PROT_NONE (Go's sysFault); the reservation unmaps it later. */
    private void faultLocked(long p, long n) {
        try {
            Mman.mmap(p, n, Mman.PROT_NONE, ANON | Mman.MAP_FIXED, -1, 0);
        } catch (SyscallException e) {
            unmapFailures.add(e);
        }
    }

    private void unmapQuietly(long p, long n) {
        synchronized (lock) {
            unmapLocked(p, n);
            unmapFailures.clear();
        }
    }

    private void throwUnmapFailure() {
        if (!unmapFailures.isEmpty()) {
            SyscallException first = unmapFailures.getFirst();
            for (int i = 1; i < unmapFailures.size(); i++) {
                first.addSuppressed(unmapFailures.get(i));
            }
            unmapFailures.clear();
            throw first;
        }
    }

    private long mmap(long addr, long n, int prot, int flags) {
        int injected = faults.onMmap();
        if (injected != 0) {
            throw new SyscallException("mmap", Mman.mmapArgs(addr, n, prot, flags, -1, 0), injected, true, goWords(injected));
        }
        long p;
        try {
            p = Mman.mmap(addr, n, prot, flags, -1, 0);
        } catch (SyscallException e) {
            String words = goWords(e.errno());
            throw words == null ? e : Mman.failure("mmap", Mman.mmapArgs(addr, n, prot, flags, -1, 0), e.errno(), words);
        }
        synchronized (lock) {
            mmapCalls++;
        }
        return p;
    }

    /** The words Go 1.19's sysAllocOS prints before exit(2) for these errnos. */
    private static String goWords(int errno) {
        if (errno == Errno.EACCES) {
            return "runtime: mmap: access denied";
        }
        if (errno == Errno.EAGAIN) {
            return "runtime: mmap: too much locked memory (check 'ulimit -l').";
        }
        return null;
    }

    private void advise(Mapping m, long offset, long n, int advice) {
        synchronized (lock) {
            ensureOpenLocked();
            checkRange(m, offset, n);
            if (mappings.get(m.address()) != m) {
                throw new IllegalArgumentException("not a live mapping of this runtime: " + m);
            }
            Mman.madvise(m.address() + offset, n, advice);
        }
    }

    private static void checkRange(Mapping m, long offset, long n) {
        if (offset < 0 || n <= 0 || offset + n > m.size() || offset % Mman.PAGE_SIZE != 0) {
            throw new IndexOutOfBoundsException("offset=" + offset + " n=" + n + " outside page-aligned range of " + m);
        }
    }

    private static void checkLength(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n=" + n + " (must be > 0)");
        }
    }

    private void ensureOpen() {
        synchronized (lock) {
            ensureOpenLocked();
        }
    }

    private void ensureOpenLocked() {
        if (closed) {
            throw closedException();
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("the GoRuntime that owns this memory is closed");
    }
}
