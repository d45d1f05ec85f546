package io.goheap.runtime.sys;

import io.goheap.runtime.mem.LiveMemory;
import io.goheap.runtime.mem.Space;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Go 1.19's {@code mem_linux.go} over real {@code mmap}: {@code sysAlloc}, {@code sysFree},
 * {@code sysReserve}, {@code sysMap}, {@code sysUsed}, {@code sysUnused}, with the accounting of
 * {@code mem.go} into {@link MemStats}, inside one address space reserved up front. One instance owns
 * every byte it maps and unmaps all of it on {@link #close()}.
 *
 * <h2 id="space">One address space</h2>
 * The constructor reserves ({@code mmap(PROT_NONE)}) two ranges, as Go reserves its arenas from hints:
 * <ul>
 *   <li>the <em>heap space</em>, {@value #HEAP_SPACE_PROPERTY} bytes (default 64 GiB) at the first of
 *       Go's arena hints {@code i<<40 | 0x00c0<<32} (i = 0 .. 0x7f) the kernel honours, so a lone runtime's
 *       heap starts at {@code 0xc000000000}; a {@link #sysReserve} whose hint lies in it is placed there;</li>
 *   <li>the <em>OS space</em>, {@value #OS_SPACE_PROPERTY} bytes (default 64 GiB) wherever the kernel puts
 *       it (below the JVM's mappings, {@code 0x7f...}): {@link #sysAlloc} and hint-less {@link #sysReserve}
 *       carve from its top downwards, first fit, so consecutive chunks lie where consecutive {@code mmap}s
 *       would put them. When it is full another OS space is reserved (at most
 *       {@link LiveMemory#MAX_EXTRA}); a request larger than a space gets a space of its own size.</li>
 * </ul>
 * Inside them every state change is a real call on the exact range: commit is
 * {@code mprotect(PROT_READ|PROT_WRITE)} (a failing {@code mprotect} leaves the range as it was, where a
 * failing {@code MAP_FIXED} mmap may already have unmapped it); free is {@code madvise(MADV_DONTNEED)}
 * then {@code mprotect(PROT_NONE)}; {@code sysUnused} is {@code madvise(MADV_DONTNEED)}. A reservation
 * inside the space needs no call: the range is {@code PROT_NONE} already, as Go's {@code sysReserve}
 * leaves it. The free ranges of each space are a sorted map (registering or freeing a mapping is
 * O(log n)); {@link #memory()} turns an address into memory by arithmetic (see {@link LiveMemory}).
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
 * "None" inside the address space is {@code PROT_NONE} and free for the next carve. Unlike Go, which
 * adds to the stat before calling mmap, the stats move only after a call succeeded: a failed call leaves
 * every counter as it was.
 *
 * <h2 id="threads">Thread safety</h2>
 * All methods may be called from any thread; every state change runs under one lock, so the range a
 * kernel call names is always still ours when the call runs. Taking memory away (free, protection without
 * {@code PROT_WRITE}, close) first closes the views through which other threads may be accessing it
 * (a shared-arena close completes a handshake with every thread; see {@link Space}), then calls the
 * kernel: a racing reader gets {@link IllegalStateException} or a {@link io.goheap.runtime.mem.BadAddressException},
 * never a fault.
 *
 * <h2 id="acquired">Segments held by native calls</h2>
 * While a native call runs with a segment of a mapping as argument, the JDK keeps that segment's arena
 * acquired and refuses to close it. {@code sysFree} and {@code protect} then throw
 * {@link IllegalStateException} and change nothing. {@link #close()} releases everything else, keeps
 * such mappings (still mapped, still accounted, their space reserved) and throws; calling it again once
 * the calls returned releases the rest.
 *
 * <h2 id="example">Example</h2>
 * {@snippet :
 * try (SysMemory sys = new SysMemory(new MemStats())) {
 *     Mapping m = sys.sysAlloc(256 << 10, SysStat.OTHER_SYS, "persistent chunk");
 *     sys.memory().setU64(m.address(), 42);   // zeroed memory, e.g. at 0x7f3a5c1e0000
 * }                                            // unmapped; sys.memory().u64(m.address()) now throws
 * }
 */
public final class SysMemory implements AutoCloseable {
    /** System property: bytes of the heap space (a multiple of 64 MiB). */
    public static final String HEAP_SPACE_PROPERTY = "goheap.space.heapBytes";
    /** System property: bytes of each OS space (a multiple of the page size). */
    public static final String OS_SPACE_PROPERTY = "goheap.space.osBytes";
    static final long HEAP_SPACE = Long.getLong(HEAP_SPACE_PROPERTY, 64L << 30);
    static final long OS_SPACE = Long.getLong(OS_SPACE_PROPERTY, 64L << 30);

    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /**
     * Process-wide count of live mappings and reservations made by any instance, the bytes they hold
     * (sysAlloc mappings + reservations; sysMap parts lie inside reservations), and the address spaces
     * reserved. Updated under each instance's lock, read by leak checks in tests: plain atomics suffice,
     * a reader wants only the totals once the instances it cares about are closed.
     */
    private static final AtomicLong LIVE_MAPPINGS = new AtomicLong();
    private static final AtomicLong LIVE_RESERVATIONS = new AtomicLong();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    private static final AtomicLong LIVE_SPACES = new AtomicLong();

    private final MemStats stats;
    /** where the heap space goes (Go's arena hints) */
    private final ArenaHints hints;
    private final FaultInjector faults = new FaultInjector();
    private final Object lock = new Object();
    private final Space heapSpace;
    private final Space osSpace;
    private final LiveMemory memory;
    /** every native call into this runtime's code passes it; closed first by close() */
    private final CallGate callGate;
    /** every space, heap space first; guarded by lock */
    private final List<Space> spaces = new ArrayList<>();
    /** per space, its free ranges: start -> end, coalesced; guarded by lock */
    private final Map<Space, TreeMap<Long, Long>> free = new HashMap<>();
    /** live mappings by address; guarded by lock */
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    /** live reservations by address; guarded by lock */
    private final TreeMap<Long, Reservation> reservations = new TreeMap<>();
    /**
     * Set by the first close; no new mapping is made after it. Written under the lock; volatile so that
     * {@link #isOpen()}, which every {@code GoRuntime} accessor calls, needs no lock.
     */
    private volatile boolean closed;
    /** totals since creation, for reports; guarded by lock */
    private long mmapCalls;
    /** madvise(MADV_POPULATE_WRITE) calls that succeeded; guarded by lock */
    private long prefaults;
    /** false once the kernel refused MADV_POPULATE_WRITE as unknown (EINVAL: older than 5.14) */
    private static volatile boolean populateKnown = true;
    /** {@code -Dgoheap.prefault=false}: commit without faulting the pages in */
    private static final boolean PREFAULT = Boolean.parseBoolean(System.getProperty("goheap.prefault", "true"));
    private long munmapCalls;

    /**
     * A memory layer that accounts into {@code stats}, with its address space reserved.
     *
     * @throws SyscallException if the kernel refuses the reservations
     */
    public SysMemory(MemStats stats) {
        this(stats, ArenaHints.fixed());
    }

    /**
     * A memory layer that accounts into {@code stats}, with its address space reserved, the heap space
     * at the first of {@code hints} the kernel grants.
     *
     * @throws SyscallException if the kernel refuses the reservations
     */
    public SysMemory(MemStats stats, ArenaHints hints) {
        this.stats = stats;
        this.hints = hints;
        Space heap = reserveHeapSpace();
        Space os;
        try {
            os = newSpace("os", 0, OS_SPACE);
        } catch (RuntimeException e) {
            Mman.munmap(heap.base(), heap.size());
            LIVE_SPACES.decrementAndGet();
            throw e;
        }
        heapSpace = heap;
        osSpace = os;
        // the OS space first: chunks, itabs and the image live there; the heap space second
        memory = new LiveMemory("live runtime memory", os, heap);
        synchronized (lock) {
            addSpaceLocked(heap);
            addSpaceLocked(os);
        }
        callGate = new CallGate();
        callGate.register(memory);
    }

    private Space reserveHeapSpace() {
        for (int i = 0; i < hints.count(); i++) {
            long hint = hints.hint(i);
            long p = Mman.mmap(hint, HEAP_SPACE, Mman.PROT_NONE, ANON, -1, 0);
            mmapCalls++;
            if (p == hint) {
                LIVE_SPACES.incrementAndGet();
                return new Space("heap", p, HEAP_SPACE);
            }
            Mman.munmap(p, HEAP_SPACE); // another runtime (or the JVM) holds the hint: the next one
            munmapCalls++;
        }
        return newSpace("heap", 0, HEAP_SPACE);
    }

    /** mmap(PROT_NONE) of a fresh space. Not under the lock (the kernel picks the range). */
    private Space newSpace(String name, long hint, long size) {
        long p = Mman.mmap(hint, size, Mman.PROT_NONE, ANON, -1, 0);
        mmapCalls++;
        LIVE_SPACES.incrementAndGet();
        return new Space(name, p, size);
    }

    private void addSpaceLocked(Space s) {
        spaces.add(s);
        TreeMap<Long, Long> f = new TreeMap<>();
        f.put(s.base(), s.end());
        free.put(s, f);
    }

    /** The arena hints the heap space was reserved by, and the heap's arenas are placed by. */
    public ArenaHints arenaHints() {
        return hints;
    }

    /** The statistics this layer accounts into. */
    public MemStats stats() {
        return stats;
    }

    /** The fault injector every {@code mmap}-like call of this instance consults. */
    public FaultInjector faults() {
        return faults;
    }

    /**
     * All of this layer's live memory, read and written by address: every access bounds-checked against
     * the committed pages of this runtime's address space (see {@link LiveMemory}).
     */
    public LiveMemory memory() {
        return memory;
    }

    /** The space the heap's arenas come from (its base is the first arena hint the kernel honoured). */
    public Space heapSpace() {
        return heapSpace;
    }

    /** The first OS space ({@code sysAlloc} carves from its top). */
    public Space osSpace() {
        return osSpace;
    }

    /** The gate of native calls into this runtime's code ({@link CallGate}); {@link #close()} closes it first. */
    public CallGate callGate() {
        return callGate;
    }

    /**
     * {@code sysAlloc}: {@code n} bytes of zeroed read-write memory, carved from the top of the OS space
     * and committed with {@code mprotect(PROT_READ|PROT_WRITE)}, accounted to {@code stat} and to
     * {@code mappedReady}.
     *
     * @param purpose a label for reports and dumps, e.g. {@code ".rodata"}
     * @throws IllegalArgumentException if {@code n <= 0}
     * @throws SyscallException if the commit fails (ENOMEM, or an injected fault), or no space is left
     *                          and the kernel refuses a new one; no counter changes
     * @throws IllegalStateException if this layer is closed
     */
    public Mapping sysAlloc(long n, SysStat stat, String purpose) {
        checkLength(n);
        long len = roundPages(n);
        synchronized (lock) {
            ensureOpenLocked();
            long p = carveLocked(0, len);
            Space s = memory.spaceOf(p);
            try {
                commitLocked(p, len);
            } catch (SyscallException e) {
                releaseRangeLocked(s, p, len);
                throw withGoWords(e);
            }
            memory.commit(s, p, len, true);
            prefaultLocked(p, len);
            Mapping m = new Mapping(purpose, p, n, stat, RW, null);
            m.ready = n;
            mappings.put(p, m);
            LIVE_MAPPINGS.incrementAndGet();
            LIVE_BYTES.addAndGet(n);
            stats.add(stat, n);
            stats.addMappedReady(n);
            return m;
        }
    }

    /**
     * {@code sysFree}: gives a mapping back and takes its bytes off its stat, and its Ready bytes off
     * {@code mappedReady}. Its pages are closed to every reader first (its own segments and the
     * runtime's {@link #memory()} view; a racing access throws or is retried, never faults), then
     * dropped ({@code MADV_DONTNEED}) and made {@code PROT_NONE}: a mapping from {@code sysAlloc} is free
     * address space again, one committed by {@link #sysMap} is Reserved again inside its reservation.
     *
     * @throws IllegalArgumentException if {@code m} is not a live mapping of this layer
     * @throws IllegalStateException if this layer is closed, or a native call still holds a segment of
     *                               {@code m} (then nothing changed)
     */
    public void sysFree(Mapping m) {
        synchronized (lock) {
            ensureOpenLocked();
            requireLive(m);
            if (m.holdsCode()) {
                throw new IllegalArgumentException("sysFree of " + m + ": it held code, which lives until the runtime closes"
                        + " (a caller might still jump into it)");
            }
            // Close first: the handshake guarantees no thread is inside an access through m's segments
            // when the memory goes right after. If a native call holds one, this throws and nothing changed.
            m.closeView();
            Space s = memory.spaceOf(m.address());
            long len = roundPages(m.size());
            memory.decommit(s, m.address(), len);
            SyscallException failure = null;
            try {
                // the pages go (madvise, mprotect) between the close of the old view and the fresh one
                memory.swapView(s, () -> decommitLocked(m.address(), len));
            } catch (IllegalStateException held) {
                memory.commit(s, m.address(), len, (m.prot() & Mman.PROT_WRITE) != 0);
                throw held;
            } catch (SyscallException e) {
                failure = e; // the range is still released below: nothing can reach it through goheap any more
            }
            mappings.remove(m.address());
            if (m.within() == null) {
                releaseRangeLocked(s, m.address(), len);
                LIVE_BYTES.addAndGet(-m.size());
            }
            LIVE_MAPPINGS.decrementAndGet();
            m.dropView();
            stats.add(m.stat(), -m.size());
            stats.addMappedReady(-m.ready);
            m.ready = 0;
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * {@code sysReserve}: reserves {@code n} bytes of address space ({@code PROT_NONE}) at {@code hint}
     * when that range is free in this runtime's address space (the heap's arena hints lie in the heap
     * space), anywhere else (the top of the OS space) when it is not or {@code hint} is 0, as the kernel
     * treats a hint. Nothing is accounted (Go does not either). No segment over a reservation is ever
     * handed out: reading {@code PROT_NONE} memory would fault.
     *
     * @throws SyscallException if no space has room and the kernel refuses a new one, or an injected fault
     */
    public Reservation sysReserve(long hint, long n) {
        checkLength(n);
        long len = roundPages(n);
        synchronized (lock) {
            ensureOpenLocked();
            int injected = faults.onMmap();
            if (injected != 0) {
                throw new SyscallException("mmap", Mman.mmapArgs(hint, len, Mman.PROT_NONE, ANON, -1, 0), injected, true, goWords(injected));
            }
            long p = carveLocked(hint, len);
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
            dropReservationLocked(r);
        }
    }

    /**
     * {@code sysMap}: commits {@code [addr, addr + n)} of a reservation read-write (Reserved to
     * Prepared) with {@code mprotect} and accounts it to {@code stat}; {@code mappedReady} moves only
     * with {@link #sysUsed}.
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
            try {
                commitLocked(addr, n);
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOMEM) {
                    throw new SyscallException(e.call(), argsOf(e), e.errno(), e.injected(), "runtime: out of memory");
                }
                throw e;
            }
            memory.commit(memory.spaceOf(addr), addr, n, true);
            Mapping m = new Mapping(purpose, addr, n, stat, RW, r);
            mappings.put(addr, m);
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
            if ((m.prot() & Mman.PROT_WRITE) != 0) {
                prefaultLocked(m.address() + offset, n);
            }
        }
    }

    /**
     * Faults {@code [addr, addr + n)} in, writable, with one {@code madvise(MADV_POPULATE_WRITE)}: memory
     * that {@code sysAlloc} and {@code sysUsed} hand out is written next (a chunk's link word, an itab, a
     * span's objects), and a first write to each page is a fault of its own. On a virtual machine that
     * costs microseconds a page: 14.4 us against 0.6 us a page populated in one call, measured on this
     * project's CI machine (a Firecracker VM) with a 256 MiB region. Go does not prefault: its heap reuses
     * pages the collector freed, which are resident already; goheap has no collector, so every object is
     * on a fresh page. Best effort: the pages are committed either way, so a refusal leaves only the
     * faults to come (EINVAL, a kernel before 5.14, turns it off for the process; ENOMEM and the like are
     * the kernel's to report again at the write). {@code -Dgoheap.prefault=false} turns it off.
     * Caller holds the lock.
     */
    private void prefaultLocked(long addr, long n) {
        if (!PREFAULT || !populateKnown || n <= 0) {
            return;
        }
        try {
            Mman.madvise(addr, n, Mman.MADV_POPULATE_WRITE);
            prefaults++;
        } catch (SyscallException e) {
            if (e.errno() == Errno.EINVAL) {
                populateKnown = false;
            }
        }
    }

    /** madvise(MADV_POPULATE_WRITE) calls that succeeded (see {@code sysAlloc}, {@code sysUsed}), since creation. */
    public long prefaults() {
        synchronized (lock) {
            return prefaults;
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
     * {@code .text} region. When write permission goes, the pages stop being writable through
     * {@link #memory()} and every view that could still write them is closed (the handshake) before
     * {@code mprotect} runs; {@link Mapping#segment()} then hands out a new view, read-only without
     * {@code PROT_WRITE}. {@code PROT_NONE} and write-only protections are refused: a read must never
     * fault.
     *
     * @throws IllegalArgumentException if {@code prot} lacks PROT_READ, or {@code m} is not live here
     * @throws IllegalStateException if a native call holds a segment of {@code m} (nothing changed)
     * @throws SyscallException if mprotect fails (the mapping keeps its protection)
     */
    public Mapping protect(Mapping m, int prot) {
        if ((prot & Mman.PROT_READ) == 0) {
            throw new IllegalArgumentException("prot=" + Mman.prot(prot) + " (must include PROT_READ)");
        }
        synchronized (lock) {
            ensureOpenLocked();
            requireLive(m);
            boolean wasExec = (m.prot() & Mman.PROT_EXEC) != 0;
            boolean exec = (prot & Mman.PROT_EXEC) != 0;
            if (wasExec && !exec) {
                // calls into the code wait from here until PROT_EXEC is back: none is inside it now
                callGate.suspend();
                try {
                    protectLocked(m, prot);
                } catch (RuntimeException | Error e) {
                    callGate.resume();
                    throw e;
                }
                m.setCodeSuspended(true);
                return m;
            }
            protectLocked(m, prot);
            if (exec) {
                m.markCode();
                if (m.codeSuspended()) {
                    m.setCodeSuspended(false);
                    callGate.resume();
                }
            }
            return m;
        }
    }

    private void protectLocked(Mapping m, int prot) {
        {
            m.closeView();
            Space s = memory.spaceOf(m.address());
            long len = roundPages(m.size());
            boolean wasWritable = (m.prot() & Mman.PROT_WRITE) != 0;
            boolean writable = (prot & Mman.PROT_WRITE) != 0;
            if (wasWritable && !writable) {
                memory.dropWrite(s, m.address(), len);
                try {
                    // mprotect between the close of the old view (no write through it is in flight) and the fresh one
                    memory.swapView(s, () -> Mman.mprotect(m.address(), len, prot));
                } catch (IllegalStateException | SyscallException e) {
                    memory.commit(s, m.address(), len, true);
                    throw e;
                }
            } else {
                Mman.mprotect(m.address(), len, prot); // gives, never takes away: no reader can fault
            }
            memory.commit(s, m.address(), len, writable);
            m.setProt(prot);
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

    /** The reserved address spaces, heap space first. */
    public List<Space> spaces() {
        synchronized (lock) {
            return List.copyOf(spaces);
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

    /** Live mappings, reservations and their bytes, and reserved address spaces, of every SysMemory in this process. */
    public record Live(long mappings, long reservations, long bytes, long spaces) {
    }

    /** What every instance in this process holds right now; tests use it to prove nothing leaked. */
    public static Live liveInProcess() {
        return new Live(LIVE_MAPPINGS.get(), LIVE_RESERVATIONS.get(), LIVE_BYTES.get(), LIVE_SPACES.get());
    }

    /** True until {@link #close()} was called. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Unmaps every mapping, reservation and address space. Each view of a mapping, and each space's view
     * through {@link #memory()}, is closed before its memory goes, so a thread still reading gets
     * {@link IllegalStateException}, never a fault. Idempotent once everything is released.
     *
     * @throws IllegalStateException if native calls still hold segments of some mappings: those stay
     *         mapped (and their space reserved); everything else is released; call again later. Also if
     *         a call into the runtime's code ({@link CallGate}) still runs after
     *         {@link CallGate#DRAIN_TIMEOUT_SECONDS}: then nothing is released (new calls are refused)
     * @throws SyscallException if a munmap failed (everything else is still released)
     */
    @Override
    public void close() {
        // The calls into the runtime's code first, outside the lock and while the memory is still
        // open: a Java-implemented method still running may read runtime memory or map (an exception
        // in an upcall would end the JVM). Once this returns no call runs and none can start. If one
        // is still running after the timeout, this throws and nothing is released: the call may use any of it.
        callGate.close();
        synchronized (lock) {
            closed = true;
            memory.markClosed();
            callGate.unregister(memory);
            List<Mapping> held = new ArrayList<>();
            List<SyscallException> failures = new ArrayList<>();
            List<Space> heldSpaces = new ArrayList<>();
            for (Iterator<Mapping> it = mappings.values().iterator(); it.hasNext(); ) {
                Mapping m = it.next();
                try {
                    m.closeView();
                } catch (IllegalStateException acquired) {
                    held.add(m);
                    continue;
                }
                m.dropView();
                LIVE_MAPPINGS.decrementAndGet();
                if (m.within() == null) {
                    LIVE_BYTES.addAndGet(-m.size());
                }
                it.remove();
            }
            for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext(); ) {
                Reservation r = it.next();
                if (held.stream().anyMatch(m -> m.within() == r)) {
                    continue;
                }
                r.kill();
                LIVE_RESERVATIONS.decrementAndGet();
                LIVE_BYTES.addAndGet(-r.size());
                it.remove();
            }
            for (Iterator<Space> it = spaces.iterator(); it.hasNext(); ) {
                Space s = it.next();
                try {
                    s.close(); // the handshake: no access through memory() is in flight once it returns
                } catch (IllegalStateException acquired) {
                    heldSpaces.add(s); // a native call holds a slice of memory(): unmapped by a later close
                    continue;
                }
                if (held.stream().anyMatch(m -> s.holds(m.address()))) {
                    continue; // unmapped by a later close, once the native calls returned
                }
                try {
                    munmapCalls++;
                    Mman.munmap(s.base(), s.size());
                } catch (SyscallException e) {
                    failures.add(e);
                }
                LIVE_SPACES.decrementAndGet();
                free.remove(s);
                it.remove();
            }
            if (!held.isEmpty() || !heldSpaces.isEmpty()) {
                IllegalStateException e = new IllegalStateException(held.isEmpty()
                        ? "memory of " + heldSpaces + " still held by native calls stays mapped; close again when they return"
                        : held.size() + " mapping(s) still held by native calls stay mapped; close again when they return: " + held);
                failures.forEach(e::addSuppressed);
                throw e;
            }
            if (!failures.isEmpty()) {
                failures.subList(1, failures.size()).forEach(failures.getFirst()::addSuppressed);
                throw failures.getFirst();
            }
        }
    }

    /**
     * An address for {@code len} bytes (page multiple): at {@code hint} if that range is free, else the
     * highest free range of an OS space that fits (first fit from the top); a new OS space when none
     * does. Caller holds the lock.
     */
    private long carveLocked(long hint, long len) {
        if (hint != 0) {
            Space s = memory.spaceOf(hint);
            if (s != null && (hint & (Mman.PAGE_SIZE - 1)) == 0) {
                TreeMap<Long, Long> f = free.get(s);
                Map.Entry<Long, Long> e = f.floorEntry(hint);
                if (e != null && e.getValue() - hint >= len) {
                    takeLocked(f, e, hint, len);
                    return hint;
                }
            }
        }
        for (Space s : spaces) {
            if (s == heapSpace) {
                continue;
            }
            TreeMap<Long, Long> f = free.get(s);
            for (Map.Entry<Long, Long> e : f.descendingMap().entrySet()) {
                if (e.getValue() - e.getKey() >= len) {
                    long p = e.getValue() - len;
                    takeLocked(f, e, p, len);
                    return p;
                }
            }
        }
        if (spaces.size() >= 2 + LiveMemory.MAX_EXTRA) {
            throw new SyscallException("mmap", Mman.mmapArgs(hint, len, Mman.PROT_NONE, ANON, -1, 0), Errno.ENOMEM, false,
                    "goheap: this runtime's address space is exhausted (" + spaces.size() + " spaces)");
        }
        Space s = newSpace("os" + spaces.size(), 0, Math.max(OS_SPACE, len));
        memory.add(s);
        addSpaceLocked(s);
        return carveLocked(0, len);
    }

    /** Takes {@code [p, p + len)} out of free range {@code e} of {@code f}. Caller holds the lock. */
    private static void takeLocked(TreeMap<Long, Long> f, Map.Entry<Long, Long> e, long p, long len) {
        long start = e.getKey();
        long end = e.getValue();
        f.remove(start);
        if (p > start) {
            f.put(start, p);
        }
        if (p + len < end) {
            f.put(p + len, end);
        }
    }

    /** Returns {@code [p, p + len)} to the free ranges of {@code s}, merged with its neighbours. Caller holds the lock. */
    private void releaseRangeLocked(Space s, long p, long len) {
        TreeMap<Long, Long> f = free.get(s);
        long start = p;
        long end = p + len;
        Map.Entry<Long, Long> below = f.floorEntry(p);
        if (below != null && below.getValue() == p) {
            start = below.getKey();
            f.remove(below.getKey());
        }
        Long aboveEnd = f.remove(end);
        if (aboveEnd != null) {
            end = aboveEnd;
        }
        f.put(start, end);
    }

    /** mprotect(RW) of a range of a space, or the injected fault. Caller holds the lock. */
    private void commitLocked(long addr, long n) {
        int injected = faults.onMmap();
        if (injected != 0) {
            throw new SyscallException("mprotect", "addr=0x" + Long.toHexString(addr) + ", len=" + n
                    + ", prot=" + Mman.prot(RW), injected, true, null);
        }
        Mman.mprotect(addr, n, RW);
    }

    /** After every view of the range is closed: drops the pages and makes them PROT_NONE. Caller holds the lock. */
    private static void decommitLocked(long addr, long n) {
        Mman.madvise(addr, n, Mman.MADV_DONTNEED);
        Mman.mprotect(addr, n, Mman.PROT_NONE);
    }

    private void dropReservationLocked(Reservation r) {
        reservations.remove(r.address());
        r.kill();
        LIVE_RESERVATIONS.decrementAndGet();
        LIVE_BYTES.addAndGet(-r.size());
        releaseRangeLocked(memory.spaceOf(r.address()), r.address(), roundPages(r.size()));
    }

    /** sysAlloc's failure with the words Go 1.19's sysAllocOS prints before exit(2), where it has some. */
    private static SyscallException withGoWords(SyscallException e) {
        String words = goWords(e.errno());
        return words == null ? e : new SyscallException(e.call(), argsOf(e), e.errno(), e.injected(), words);
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

    private static long roundPages(long n) {
        return (n + Mman.PAGE_SIZE - 1) & -Mman.PAGE_SIZE;
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
