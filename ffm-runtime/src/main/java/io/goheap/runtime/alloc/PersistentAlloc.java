package io.goheap.runtime.alloc;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.MallocConstants;
import io.goheap.runtime.abi.PersistentAllocDescriptor;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.sys.GoThrow;
import io.goheap.runtime.mem.LiveMemory;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.MemStats;
import io.goheap.runtime.sys.SysMemory;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.sys.SyscallException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go 1.19's {@code persistentalloc} (malloc.go): small, never-freed, zeroed blocks for runtime
 * metadata such as itabs, bump-allocated from 256 KiB chunks.
 *
 * <h2 id="state">State, all in native memory</h2>
 * <pre>
 * .noptrbss  runtime.persistentChunks   *chunk   head of the chain of every chunk ever mapped
 *            runtime.globalAlloc        { mutex{key}; persistentAlloc{base, off} }
 * heap       runtime.p (per P) +4592    palloc { base *chunk; off uintptr }   (Go 1.19's offset: PDescriptor)
 * chunk      +0 link to the previously pushed chunk, then blocks from off = align(8, align)
 * </pre>
 *
 * <h2 id="algorithm">Algorithm</h2>
 * {@code size == 0} or a bad alignment (not a power of two, or above the 8 KiB page) is Go's fatal
 * error, thrown as {@link GoThrow}; align 0 means 8. A block of 64 KiB or more ({@code maxBlock}) comes
 * straight from {@code sysAlloc(size, stat)} and is in no chunk. Otherwise the block is carved from the
 * current chunk of the caller's P ({@code p.palloc}, no lock) or, for a thread without a P, of
 * {@code globalAlloc} under its lock; when it does not fit, a new chunk is mapped
 * ({@code sysAlloc(256 KiB, other_sys)}), linked and pushed onto {@code persistentChunks} by CAS, and
 * carving restarts after its link word. Finally the block's bytes move from {@code other_sys} to
 * {@code stat}, unless {@code stat} is {@code other_sys}. As in Go, the alignment applies to the offset
 * within the chunk: chunks are OS-page (4 KiB) aligned, so an 8 KiB alignment holds relative to the
 * chunk, not for the address itself.
 *
 * <h2 id="faults">Out of memory</h2>
 * Unlike Go, which aligns {@code off} before mapping and then dies, goheap changes nothing until the new
 * chunk is mapped: if {@code sysAlloc} fails, the allocator, the chain and every stat are as before and
 * {@link GoThrow} ({@code runtime: cannot allocate memory}) names the request, with the system error as
 * cause. The next call, once memory is available again, works.
 *
 * <h2 id="ordering">Memory ordering</h2>
 * Written next to each access. The chain ({@link ChunkChain}): the chunk link word is a plain store that
 * the CAS on {@code persistentChunks} publishes (a volatile CAS has release semantics); readers load the
 * head with acquire semantics and then read link words plainly. A P's {@code palloc} is touched only
 * by the thread holding the P; {@code globalAlloc} only under its lock.
 */
public final class PersistentAlloc {
    /** {@code persistentChunkSize}: 256 KiB. */
    public static final long CHUNK_SIZE = PersistentAllocDescriptor.CHUNK_SIZE;
    /** {@code maxBlock}: 64 KiB; blocks this large or larger go straight to sysAlloc. */
    public static final long MAX_BLOCK = PersistentAllocDescriptor.MAX_BLOCK;
    static final long PAGE_SIZE = MallocConstants.PAGE_SIZE;
    static final long PTR = Abi.PTR_SIZE;
    static final long DEFAULT_ALIGN = 8;

    private static final long G_KEY = PersistentAllocDescriptor.GLOBAL_KEY_OFFSET;
    private static final long G_PA = PersistentAllocDescriptor.GLOBAL_ALLOC_OFFSET;
    private static final long G_BASE = G_PA + PersistentAllocDescriptor.BASE_OFFSET;
    private static final long G_OFF = G_PA + PersistentAllocDescriptor.OFF_OFFSET;
    private static final long PA_BASE = PersistentAllocDescriptor.BASE_OFFSET;
    private static final long PA_OFF = PersistentAllocDescriptor.OFF_OFFSET;
    private static final long PA_SIZE = PersistentAllocDescriptor.SIZE;

    private final SysMemory sys;
    private final LiveMemory mem;
    private final MemStats stats;
    private final Procs procs;
    private final Symbol chunksSym;
    private final Symbol globalSym;
    private final ChunkChain chain;
    /** the address of runtime.globalAlloc */
    private final long global;
    /** Go's globalAlloc.mutex; the native key word mirrors it (1 while held) for dumps */
    private final ReentrantLock globalLock = new ReentrantLock();

    /** Defines {@code runtime.persistentChunks} and {@code runtime.globalAlloc} in {@code .noptrbss}. */
    public PersistentAlloc(Image image, MemStats stats, Procs procs) {
        this.sys = image.sys();
        this.mem = sys.memory();
        this.stats = stats;
        this.procs = procs;
        this.chunksSym = image.define(Section.NOPTRBSS, "runtime.persistentChunks", PTR, PTR);
        this.globalSym = image.define(Section.NOPTRBSS, "runtime.globalAlloc", PersistentAllocDescriptor.GLOBAL_SIZE,
                PersistentAllocDescriptor.GLOBAL_ALIGN);
        this.chain = new ChunkChain(mem, chunksSym.address());
        this.global = globalSym.address();
    }

    /**
     * {@code persistentalloc(size, align, stat)} for the calling thread: through the P it holds, or the
     * global allocator if it holds none.
     *
     * @return the block's address, zeroed
     */
    public long alloc(long size, long align, SysStat stat) {
        return alloc(procs.current(), size, align, stat);
    }

    /**
     * {@code persistentalloc} through {@code p}, which the calling thread must hold, or through
     * {@code globalAlloc} when {@code p} is null.
     *
     * @throws GoThrow for size 0 or a bad alignment (Go's fatal errors), or when a new chunk cannot be
     *                 mapped ({@code runtime: cannot allocate memory}; nothing changed)
     * @throws IllegalStateException if {@code p} is not held by the calling thread
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public long alloc(P p, long size, long align, SysStat stat) {
        if (size < 0) {
            throw new IllegalArgumentException("size=" + size + " (Go's uintptr cannot be negative)");
        }
        if (size == 0) {
            throw GoThrow.of("persistentalloc: size == 0");
        }
        if (align != 0) {
            if ((align & (align - 1)) != 0) {
                throw GoThrow.of("persistentalloc: align is not a power of 2 (align=" + align + ")");
            }
            if (align > PAGE_SIZE) {
                throw GoThrow.of("persistentalloc: align is too large (align=" + align + ")");
            }
        } else {
            align = DEFAULT_ALIGN;
        }
        if (size >= MAX_BLOCK) {
            try {
                return sys.sysAlloc(size, stat, "persistentalloc large block").address();
            } catch (SyscallException e) {
                throw cannotAllocate(size, align, stat, size, e);
            }
        }
        long block;
        if (p != null) {
            if (p.holder() != Thread.currentThread()) {
                throw new IllegalStateException(Thread.currentThread().getName() + " does not hold " + p);
            }
            // Plain accesses: only the thread holding p touches p.palloc (Go: the M holding the P, with
            // preemption off through acquirem). The acquire CAS that gave us p ordered them after the
            // previous holder's. They go through the P's own slice of the runtime's memory (no routing per
            // word); a free or protection change elsewhere in the runtime closes it, and then it is taken
            // again (after a close of the runtime, taking it throws IllegalStateException).
            MemorySegment pa = p.palloc();
            while (true) {
                try {
                    block = carve(pa, p.pallocBase, size, align, stat);
                    break;
                } catch (IllegalStateException e) {
                    mem.retryOrThrow(pa, e); // swapped: nothing was changed, carve again on a fresh slice
                    pa = p.pallocAgain();
                }
            }
        } else {
            globalLock.lock();
            try {
                // the key word mirrors lock(&globalAlloc.mutex) and is written only while the lock is held,
                // so a write that throws (the runtime closed) never leaves the lock taken
                mem.setU64(global + G_KEY, 1);
                try {
                    long paAddr = global + G_PA;
                    while (true) {
                        MemorySegment pa = mem.slice(paAddr, PA_SIZE);
                        try {
                            block = carve(pa, paAddr, size, align, stat);
                            break;
                        } catch (IllegalStateException e) {
                            mem.retryOrThrow(pa, e);
                        }
                    }
                } finally {
                    mem.setU64(global + G_KEY, 0);
                }
            } finally {
                globalLock.unlock();
            }
        }
        if (stat != SysStat.OTHER_SYS) {
            // two atomic adds in Go's order (sysStat.add, then other_sys.add): a reader may briefly
            // see the block in both stats, never in neither
            stats.move(SysStat.OTHER_SYS, stat, size);
        }
        return block;
    }

    /**
     * Bump allocation in the {@code persistentAlloc} {base, off} held by {@code pa} (plain accesses: see
     * {@link #alloc(P, long, long, SysStat)}); maps a chunk when needed.
     */
    private long carve(MemorySegment pa, long paAddr, long size, long align, SysStat stat) {
        // The slice's accesses either happen or throw before they do (a free or protection change
        // elsewhere closed its view): the reads change nothing, and the fast path's only write is its last
        // step, so a caller may simply carve again. The chunk path's writes go through the routed memory
        // accessors, which survive a swap themselves: a mapped chunk is never lost to one.
        long base = pa.get(ValueLayout.JAVA_LONG, PA_BASE);
        long off = (pa.get(ValueLayout.JAVA_LONG, PA_OFF) + align - 1) & -align;
        if (off + size <= CHUNK_SIZE && base != 0) {
            pa.set(ValueLayout.JAVA_LONG, PA_OFF, off + size);
            return base + off;
        }
        Mapping chunk;
        try {
            chunk = sys.sysAlloc(CHUNK_SIZE, SysStat.OTHER_SYS, "persistent chunk");
        } catch (SyscallException e) {
            throw cannotAllocate(size, align, stat, CHUNK_SIZE, e);
        }
        base = chunk.address();
        chain.push(base);
        off = (PTR + align - 1) & -align;
        mem.setU64(paAddr + PA_BASE, base);
        mem.setU64(paAddr + PA_OFF, off + size);
        return base + off;
    }

    /**
     * {@code inPersistentAlloc(addr)}: whether {@code addr} lies in a persistent chunk. Walks the chain
     * from an acquire load of the head; link words are read plainly (each was written before the CAS
     * that published its chunk, and never changes after).
     */
    public boolean inPersistentAlloc(long addr) {
        long chunk = chain.headAcquire();
        while (chunk != 0) {
            if (addr - chunk >= 0 && addr - chunk < CHUNK_SIZE) {
                return true;
            }
            chunk = chain.link(chunk);
        }
        return false;
    }

    /** One chunk of the chain: its address and its link word. */
    public record Chunk(long address, long next) {
    }

    /** The chain from the head, newest first. */
    public List<Chunk> chunks() {
        List<Chunk> out = new ArrayList<>();
        long chunk = chain.headAcquire();
        while (chunk != 0) {
            long next = chain.link(chunk);
            out.add(new Chunk(chunk, next));
            chunk = next;
        }
        return out;
    }

    /** {@code globalAlloc.persistentAlloc.base}, read under the global lock. */
    public long globalBase() {
        globalLock.lock();
        try {
            return mem.u64(global + G_BASE);
        } finally {
            globalLock.unlock();
        }
    }

    /** {@code globalAlloc.persistentAlloc.off}, read under the global lock. */
    public long globalOff() {
        globalLock.lock();
        try {
            return mem.u64(global + G_OFF);
        } finally {
            globalLock.unlock();
        }
    }

    /** The {@code runtime.persistentChunks} symbol. */
    public Symbol chunksSymbol() {
        return chunksSym;
    }

    /** The {@code runtime.globalAlloc} symbol. */
    public Symbol globalAllocSymbol() {
        return globalSym;
    }

    /**
     * The memory of chunk {@code address}, bounded to its 256 KiB (a slice of the runtime's memory). Walks
     * the chain to check the address: for tests and tools, not for fast paths.
     *
     * @throws IllegalArgumentException if no chunk of the chain starts at {@code address}
     */
    public MemorySegment chunkSegment(long address) {
        if (chunks().stream().noneMatch(c -> c.address() == address)) {
            throw new IllegalArgumentException("address=0x" + Long.toHexString(address) + " is not a persistent chunk");
        }
        return mem.slice(address, CHUNK_SIZE);
    }

    private static GoThrow cannotAllocate(long size, long align, SysStat stat, long mapping, SyscallException e) {
        GoThrow t = GoThrow.of("runtime: cannot allocate memory: persistentalloc(size=" + size + ", align=" + align
                + ", stat=" + stat.goName() + ") needed a " + mapping + "-byte mapping: " + e.getMessage());
        t.initCause(e);
        return t;
    }
}
