package io.goheap.runtime.alloc;

import io.goheap.runtime.abi.PDescriptor;
import io.goheap.runtime.abi.PersistentAllocDescriptor;
import io.goheap.runtime.mem.GoMemory;

import java.lang.foreign.MemorySegment;


/**
 * A processor: the resource a thread must hold to allocate without locks. Its {@code runtime.p}
 * struct (in the release's layout, {@link PDescriptor}: 8912 bytes in Go 1.19, {@code palloc} at offset
 * 4592) is a real object in the simulated heap, so dumps and the inspector read {@code id},
 * {@code status} and {@code palloc} as they would in a Go process. Its {@link MCache} is on the Java side.
 *
 * <p>Thread-safety: a P is held by at most one thread at a time ({@link Procs#acquire}); only that
 * thread touches {@code palloc} and the mcache, with plain accesses, as only the M holding a P does in
 * Go. {@code status} changes by CAS, from {@code _Pidle} to {@code _Prunning} on acquire and back
 * with a release store; the holder is recorded in a volatile field for the ownership check.
 */
public final class P implements AutoCloseable {
    private final Procs procs;
    private final int id;
    private final long address;
    private final GoMemory mem;
    /** addresses of p.status, p.palloc.base, p.palloc.off */
    private final long statusAddr;
    final long pallocBase;
    final long pallocOff;
    /**
     * {@code p.palloc} ({base, off}) as a slice of the runtime's memory, for persistentalloc's bump: read
     * and written only by the thread holding this P (plain field; the status CAS that passes the P on
     * orders it too). A free or protection change elsewhere in the runtime closes it; then
     * {@link #pallocAgain()} takes a fresh one.
     */
    private MemorySegment palloc;
    final MCache mcache = new MCache(this);
    /** the thread holding this P, or null; written before the status store that publishes it */
    private volatile Thread holder;

    /** The P {@code id} whose {@code runtime.p}, laid out as {@code layout} says, is at {@code address}. */
    P(Procs procs, int id, long address, GoMemory mem, PDescriptor layout) {
        this.procs = procs;
        this.id = id;
        this.address = address;
        this.mem = mem;
        this.statusAddr = address + layout.status;
        this.pallocBase = address + layout.pallocBase;
        this.pallocOff = address + layout.pallocOff;
        this.palloc = mem.slice(pallocBase, PersistentAllocDescriptor.SIZE);
        mem.setU32(address + layout.id, id);
        mem.setU32(statusAddr, PDescriptor.IDLE);
    }

    /** {@code p.id}, 0 .. GOMAXPROCS-1. */
    public int id() {
        return id;
    }

    /** The address of this P's {@code runtime.p}. */
    public long address() {
        return address;
    }

    /** This P's mcache. Use only while holding the P. */
    public MCache mcache() {
        return mcache;
    }

    /**
     * {@code p.palloc.base}: the current persistent chunk, or 0. Exact for the holder; for any other
     * thread an acquire read gives a value the holder wrote, possibly already stale (an inspector's
     * snapshot, like reading a live Go process from a debugger).
     */
    public long pallocBase() {
        return mem.u64Acquire(pallocBase);
    }

    /** {@code p.palloc.off}: the next free offset in that chunk; same rules as {@link #pallocBase()}. */
    public long pallocOff() {
        return mem.u64Acquire(pallocOff);
    }

    /** {@code p.palloc} as a segment, for the holder (see the field). */
    MemorySegment palloc() {
        return palloc;
    }

    /**
     * A fresh slice for {@code p.palloc}, after the last one was closed by a swap.
     *
     * @throws IllegalStateException if the runtime is closed
     */
    MemorySegment pallocAgain() {
        palloc = mem.slice(pallocBase, PersistentAllocDescriptor.SIZE);
        return palloc;
    }

    /** {@code p.status}: {@code _Pidle} (0) or {@code _Prunning} (1). Read with acquire semantics. */
    public int status() {
        return mem.u32Acquire(statusAddr);
    }

    /** The thread holding this P, or null. */
    public Thread holder() {
        return holder;
    }

    /** Releases this P (same as {@link Procs#release(P)}). */
    @Override
    public void close() {
        procs.release(this);
    }

    /**
     * _Pidle to _Prunning by CAS on the native status word: exactly one thread wins a P. The CAS is a
     * full fence: the winner then sees the palloc state the previous holder released.
     */
    boolean tryTake(Thread t) {
        if (mem.casU32(statusAddr, PDescriptor.IDLE, PDescriptor.RUNNING)) {
            holder = t;
            return true;
        }
        return false;
    }

    /**
     * Back to _Pidle with a release store: the next holder's acquiring CAS sees every palloc and
     * mcache write this holder made.
     */
    void give() {
        holder = null;
        mem.setU32Release(statusAddr, PDescriptor.IDLE);
    }

    @Override
    public String toString() {
        return "P" + id + "@0x" + Long.toHexString(address);
    }
}
