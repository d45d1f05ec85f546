package io.goheap.runtime.sys;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Go 1.19's {@code mem_linux.go} over real {@code mmap}: {@code sysAlloc}, {@code sysFree},
 * {@code sysReserve}, {@code sysMap}, {@code sysUsed}, {@code sysUnused}, with the accounting of
 * {@code mem.go} into {@link MemStats}. One instance owns every mapping it makes and unmaps all of
 * them on {@link #close()}.
 *
 * <h2 id="states">Memory states and accounting (Go's mem.go)</h2>
 * <pre>
 *             sysReserve            sysMap                 sysUsed
 *   None ----------------&gt; Reserved -----------&gt; Prepared --------------&gt; Ready
 *        &lt;---------------            stat += n               mappedReady += n
 *           (close)                                &lt;--------------
 *                                                    sysUnused: mappedReady -= n
 *   None -- sysAlloc: stat += n, mappedReady += n --&gt; Ready
 *   Ready/Prepared -- sysFree: stat -= n, mappedReady -= the Ready bytes --&gt; None (or Reserved)
 * </pre>
 * Unlike Go, which adds to the stat before calling mmap, the stats move only after a call succeeded:
 * a failed call leaves every counter as it was.
 *
 * <h2 id="commit">Committing inside a reservation</h2>
 * Go's {@code sysMap} remaps with {@code MAP_FIXED}. goheap commits with
 * {@code mprotect(PROT_READ|PROT_WRITE)} over the {@code PROT_NONE} reservation instead, and decommits
 * with {@code madvise(MADV_DONTNEED)} and {@code mprotect(PROT_NONE)}: a failing {@code MAP_FIXED} mmap
 * may already have unmapped the old range on some kernels, leaving a hole another part of the JVM could
 * map into; a failing {@code mprotect} leaves the range as it was.
 *
 * <h2 id="threads">Thread safety</h2>
 * All methods may be called from any thread. The registry is guarded by one lock. {@code sysAlloc}
 * and {@code sysReserve} call {@code mmap} outside the lock (the kernel picks a fresh range nobody else
 * can own) and register the result under it; if the owner closed meanwhile, the new range is unmapped
 * again and the call throws {@link IllegalStateException}. Every call that names an address the kernel
 * did not just choose ({@code mprotect}, {@code madvise}, {@code munmap}) runs under the lock, after
 * checking the range is still ours: otherwise a racing close could unmap it, the JVM could map
 * something else there, and the call would hit the JVM's memory.
 *
 * <h2 id="acquired">Segments held by native calls</h2>
 * While a native call runs with a segment of a mapping as argument, the JDK keeps that segment's arena
 * acquired and refuses to close it. {@code sysFree} and {@code protect} then throw
 * {@link IllegalStateException} and change nothing. {@link #close()} releases everything else, keeps
 * such mappings (still mapped, still accounted) and throws; calling it again once the calls returned
 * releases the rest.
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
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /**
     * Process-wide count of live mappings and reservations made by any instance, and the bytes of
     * address space they hold (sysAlloc mappings + reservations; sysMap parts lie inside reservations).
     * Updated under each instance's lock, read by leak checks in tests: plain atomics suffice, a reader
     * wants only the totals once the instances it cares about are closed.
     */
    private static final AtomicLong LIVE_MAPPINGS = new AtomicLong();
    private static final AtomicLong LIVE_RESERVATIONS = new AtomicLong();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final MemStats stats;
    private final FaultInjector faults = new FaultInjector();
    private final Object lock = new Object();
    /** live mappings by address; guarded by lock */
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    /**
     * The live mappings sorted by address, republished (volatile write) under the lock whenever the set
     * changes; {@link #lookup} reads it with one volatile read and no lock: a reader sees a complete
     * array whose mappings were all registered.
     */
    private volatile Mapping[] index = new Mapping[0];
    /** live reservations by address; guarded by lock */
    private final TreeMap<Long, Reservation> reservations = new TreeMap<>();
    /** set by the first close; no new mapping is made after it. Guarded by lock */
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
        synchronized (lock) {
            if (closed) {
                unmapLocked(p, n);
                throw closedException();
            }
            Mapping m = new Mapping(purpose, p, n, stat, RW, null);
            m.openView(RW);
            m.ready = n;
            mappings.put(p, m);
            reindexLocked();
            LIVE_MAPPINGS.incrementAndGet();
            LIVE_BYTES.addAndGet(n);
            stats.add(stat, n);
            stats.addMappedReady(n);
            return m;
        }
    }

    /**
     * {@code sysFree}: unmaps a mapping and takes its bytes off its stat, and its Ready bytes off
     * {@code mappedReady}. A mapping committed by {@link #sysMap} is decommitted back to the Reserved
     * state ({@code PROT_NONE}) inside its reservation. Its segments throw {@link IllegalStateException}
     * from now on.
     *
     * @throws IllegalArgumentException if {@code m} is not a live mapping of this layer
     * @throws IllegalStateException if this layer is closed, or a native call still holds a segment of
     *                               {@code m} (then nothing changed)
     */
    public void sysFree(Mapping m) {
        synchronized (lock) {
            ensureOpenLocked();
            requireLive(m);
            // Close first: the handshake guarantees no thread is inside an access through m's segments
            // when the memory goes right after. If a native call holds one, this throws and nothing changed.
            m.closeView();
            release(m);
        }
    }

    /**
     * {@code sysReserve}: reserves {@code n} bytes of address space, {@code PROT_NONE}, at {@code hint}
     * if the kernel agrees (0 = anywhere). Nothing is accounted (Go does not either). No segment over a
     * reservation is ever handed out: reading {@code PROT_NONE} memory would fault.
     *
     * @throws SyscallException if mmap fails
     */
    public Reservation sysReserve(long hint, long n) {
        checkLength(n);
        ensureOpen();
        long p = mmap(hint, n, Mman.PROT_NONE, ANON);
        synchronized (lock) {
            if (closed) {
                unmapLocked(p, n);
                throw closedException();
            }
            Reservation r = new Reservation(p, n);
            reservations.put(p, r);
            LIVE_RESERVATIONS.incrementAndGet();
            LIVE_BYTES.addAndGet(n);
            return r;
        }
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
            dropReservation(r);
        }
    }

    /**
     * {@code sysMap}: commits {@code [addr, addr + n)} of a reservation read-write (Reserved to
     * Prepared) and accounts it to {@code stat}; {@code mappedReady} moves only with {@link #sysUsed}.
     *
     * @throws IllegalArgumentException if the range is not inside the live reservation {@code r}, is not
     *         page aligned, or overlaps a part already committed
     * @throws SyscallException if the commit fails (ENOMEM with Go's words {@code runtime: out of memory});
     *         the range stays reserved and no counter changes
     */
    public Mapping sysMap(Reservation r, long addr, long n, SysStat stat, String purpose) {
        checkLength(n);
        synchronized (lock) {
            ensureOpenLocked();
            if (reservations.get(r.address()) != r || addr < r.address() || n > r.end() - addr) {
                throw new IllegalArgumentException("range addr=0x" + Long.toHexString(addr) + " n=" + n
                        + " is not inside live " + r);
            }
            if (addr % Mman.PAGE_SIZE != 0 || n % Mman.PAGE_SIZE != 0) {
                throw new IllegalArgumentException("range addr=0x" + Long.toHexString(addr) + " n=" + n + " is not page aligned");
            }
            Map.Entry<Long, Mapping> below = mappings.lowerEntry(addr + n);
            if (below != null && below.getValue().end() > addr) {
                throw new IllegalArgumentException("range addr=0x" + Long.toHexString(addr) + " n=" + n
                        + " overlaps committed " + below.getValue());
            }
            // Under the lock: the range must still be ours when the kernel changes it.
            int injected = faults.onMmap();
            try {
                if (injected != 0) {
                    throw new SyscallException("mprotect", "addr=0x" + Long.toHexString(addr) + ", len=" + n
                            + ", prot=" + Mman.prot(RW), injected, true, null);
                }
                Mman.mprotect(addr, n, RW);
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOMEM) {
                    throw new SyscallException(e.call(), argsOf(e), e.errno(), e.injected(), "runtime: out of memory");
                }
                throw e;
            }
            Mapping m = new Mapping(purpose, addr, n, stat, RW, r);
            m.openView(RW);
            mappings.put(addr, m);
            reindexLocked();
            LIVE_MAPPINGS.incrementAndGet();
            stats.add(stat, n);
            return m;
        }
    }

    /**
     * {@code sysUsed}: {@code [offset, offset + n)} of {@code m} goes from Prepared to Ready;
     * {@code mappedReady += n}.
     *
     * @throws IndexOutOfBoundsException if the range is not page aligned inside {@code m}, or more
     *                                   bytes would be Ready than {@code m} has
     * @throws IllegalArgumentException if {@code m} is not a live mapping of this layer
     */
    public void sysUsed(Mapping m, long offset, long n) {
        synchronized (lock) {
            ensureOpenLocked();
            requireLive(m);
            checkRange(m, offset, n);
            if (n > m.size() - m.ready) {
                throw new IndexOutOfBoundsException("n=" + n + " but only " + (m.size() - m.ready) + " bytes of " + m + " are Prepared");
            }
            m.ready += n;
            stats.addMappedReady(n);
        }
    }

    /**
     * {@code sysUnused}: the kernel may drop the pages ({@code madvise(MADV_DONTNEED)}: Go 1.19 on Linux
     * uses it by default, {@code debug.madvdontneed=1}; reads give zeros afterwards), and they leave
     * {@code mappedReady}.
     *
     * @throws IndexOutOfBoundsException if the range is not page aligned inside {@code m}, or more
     *                                   bytes than are Ready
     * @throws IllegalArgumentException if {@code m} is not a live mapping of this layer
     */
    public void sysUnused(Mapping m, long offset, long n) {
        synchronized (lock) {
            ensureOpenLocked();
            requireLive(m);
            checkRange(m, offset, n);
            if (n > m.ready) {
                throw new IndexOutOfBoundsException("n=" + n + " but only " + m.ready + " bytes of " + m + " are Ready");
            }
            Mman.madvise(m.address() + offset, n, Mman.MADV_DONTNEED);
            m.ready -= n;
            stats.addMappedReady(-n);
        }
    }

    /**
     * Changes a mapping's protection, e.g. to {@code PROT_READ|PROT_EXEC} once code is written into a
     * {@code .text} region. The current view is closed first (its segments throw from then on), then
     * {@code mprotect} runs, then a new view is handed out by {@link Mapping#segment()}: read-only
     * without {@code PROT_WRITE}. {@code PROT_NONE} and write-only protections are refused: a read
     * through a segment must never fault.
     *
     * @throws IllegalArgumentException if {@code prot} lacks PROT_READ, or {@code m} is not live here
     * @throws IllegalStateException if a native call holds a segment of {@code m} (nothing changed)
     * @throws SyscallException if mprotect fails (the mapping keeps its protection and gets a new view)
     */
    public Mapping protect(Mapping m, int prot) {
        if ((prot & Mman.PROT_READ) == 0) {
            throw new IllegalArgumentException("prot=" + Mman.prot(prot) + " (must include PROT_READ)");
        }
        synchronized (lock) {
            ensureOpenLocked();
            requireLive(m);
            m.closeView();
            try {
                Mman.mprotect(m.address(), m.size(), prot);
            } catch (SyscallException e) {
                m.openView(m.prot());
                throw e;
            }
            m.openView(prot);
            return m;
        }
    }

    /**
     * The live mapping that contains {@code addr}, or null, without a lock or an allocation: a binary
     * search of the published index (for fast paths that follow native pointers into memory this runtime
     * mapped). A mapping freed after the lookup still throws {@link IllegalStateException} on access.
     */
    public Mapping lookup(long addr) {
        return Mapping.containing(index, addr);
    }

    /**
     * All of this layer's live memory as an {@link io.goheap.runtime.abi.AddressSpace}: every read goes
     * through {@link #lookup} and the owning mapping's bounded segment, so a pointer outside every mapping
     * (or a range running past one) is a {@link io.goheap.runtime.abi.BadAddressException}.
     */
    public io.goheap.runtime.abi.AddressSpace addressSpace() {
        return new io.goheap.runtime.abi.AddressSpace() {
            @Override
            public java.lang.foreign.MemorySegment slice(long addr, long len) {
                Mapping m = lookup(addr);
                if (m == null || len < 0 || len > m.end() - addr) {
                    throw new io.goheap.runtime.abi.BadAddressException(addr, len, describe());
                }
                return m.segment().asSlice(addr - m.address(), len);
            }

            @Override
            public String describe() {
                return "live runtime memory";
            }
        };
    }

    private void reindexLocked() {
        index = mappings.values().toArray(new Mapping[0]);
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

    /** True until {@link #close()} was called. */
    public boolean isOpen() {
        synchronized (lock) {
            return !closed;
        }
    }

    /**
     * Unmaps every mapping and reservation. Each mapping's view is closed before its memory goes, so a
     * thread still reading gets {@link IllegalStateException}, never a fault. Idempotent once everything
     * is released.
     *
     * @throws IllegalStateException if native calls still hold segments of some mappings: those stay
     *         mapped (and their reservations reserved); everything else is released; call again later
     * @throws SyscallException if a munmap failed (everything else is still released)
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            List<Mapping> held = new ArrayList<>();
            List<SyscallException> failures = new ArrayList<>();
            // sysMap'd parts first (they only go back to PROT_NONE), then sysAlloc'd mappings
            for (boolean inReservation : new boolean[] {true, false}) {
                for (Iterator<Mapping> it = mappings.values().iterator(); it.hasNext(); ) {
                    Mapping m = it.next();
                    if ((m.within() != null) != inReservation) {
                        continue;
                    }
                    try {
                        m.closeView();
                    } catch (IllegalStateException acquired) {
                        held.add(m);
                        continue;
                    }
                    try {
                        releaseMemory(m);
                    } catch (SyscallException e) {
                        failures.add(e);
                    }
                    it.remove();
                }
            }
            reindexLocked();
            for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext(); ) {
                Reservation r = it.next();
                if (held.stream().anyMatch(m -> m.within() == r)) {
                    continue;
                }
                try {
                    unmapAndCount(r);
                } catch (SyscallException e) {
                    failures.add(e);
                }
                it.remove();
            }
            if (!held.isEmpty()) {
                IllegalStateException e = new IllegalStateException(held.size()
                        + " mapping(s) still held by native calls stay mapped; close again when they return: " + held);
                failures.forEach(e::addSuppressed);
                throw e;
            }
            if (!failures.isEmpty()) {
                failures.subList(1, failures.size()).forEach(failures.getFirst()::addSuppressed);
                throw failures.getFirst();
            }
        }
    }

    /** After its view is closed: gives the memory back and moves the counters. Caller holds the lock. */
    private void release(Mapping m) {
        mappings.remove(m.address());
        reindexLocked();
        try {
            releaseMemory(m);
        } finally {
            stats.add(m.stat(), -m.size());
            stats.addMappedReady(-m.ready);
            m.ready = 0;
        }
    }

    /** munmap, or decommit inside a reservation. The view must be closed. Caller holds the lock. */
    private void releaseMemory(Mapping m) {
        m.dropView();
        LIVE_MAPPINGS.decrementAndGet();
        if (m.within() == null) {
            LIVE_BYTES.addAndGet(-m.size());
            munmapCalls++;
            Mman.munmap(m.address(), m.size());
        } else {
            Mman.madvise(m.address(), m.size(), Mman.MADV_DONTNEED);
            Mman.mprotect(m.address(), m.size(), Mman.PROT_NONE);
        }
    }

    private void dropReservation(Reservation r) {
        reservations.remove(r.address());
        unmapAndCount(r);
    }

    private void unmapAndCount(Reservation r) {
        r.kill();
        LIVE_RESERVATIONS.decrementAndGet();
        LIVE_BYTES.addAndGet(-r.size());
        munmapCalls++;
        Mman.munmap(r.address(), r.size());
    }

    /** Unmaps a range never registered (mapped after a close). Caller holds the lock. */
    private void unmapLocked(long p, long n) {
        munmapCalls++;
        Mman.munmap(p, n);
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

    private static String argsOf(SyscallException e) {
        String msg = e.getMessage();
        return msg.substring(msg.indexOf('(') + 1, msg.indexOf(") failed"));
    }

    private void requireLive(Mapping m) {
        if (mappings.get(m.address()) != m) {
            throw new IllegalArgumentException("not a live mapping of this runtime: " + m);
        }
    }

    private static void checkRange(Mapping m, long offset, long n) {
        if (offset < 0 || n <= 0 || offset > m.size() || n > m.size() - offset
                || offset % Mman.PAGE_SIZE != 0 || n % Mman.PAGE_SIZE != 0) {
            throw new IndexOutOfBoundsException("offset=" + offset + " n=" + n + " is not a page-aligned range of " + m);
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
