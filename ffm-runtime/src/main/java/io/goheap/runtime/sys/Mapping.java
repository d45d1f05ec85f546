package io.goheap.runtime.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One range of memory that a {@link SysMemory} mapped read-write: from {@code sysAlloc}, or committed
 * inside a {@link Reservation} by {@code sysMap}.
 *
 * <h2 id="views">Views and lifetime</h2>
 * {@link #segment()} covers exactly {@code [address, address + size)}. It belongs to a shared arena of
 * this mapping's current <em>view</em>. Freeing the mapping ({@code sysFree}, or the owner's close)
 * closes that arena first and only then unmaps the memory, and a protection change
 * ({@link SysMemory#protect}) closes it before calling {@code mprotect} and hands out a new view after.
 * The close of a shared arena completes a handshake with every thread, so from then on any access
 * through an old segment, from any thread, throws {@link IllegalStateException}; it can never touch
 * unmapped pages or write to pages that lost {@code PROT_WRITE}. A reader racing with a protection
 * change may therefore see {@code IllegalStateException} and must fetch {@link #segment()} again.
 *
 * <p>Thread-safe. {@code view} and {@code prot} are volatile: a reader of {@link #segment()} sees the
 * view published last, and with it the protection it was made for. {@code ready} is guarded by the
 * owner's lock.
 */
public final class Mapping {
    private final String purpose;
    private final long address;
    private final long size;
    private final SysStat stat;
    private final Reservation within;
    /** the current view; replaced (volatile write) under the owner's lock; null once freed */
    private volatile View view;
    /** the current protection; written under the owner's lock before the view made for it */
    private volatile int prot;
    /** bytes counted in mappedReady (Go: Ready, not Prepared); guarded by the owner's lock */
    long ready;

    record View(Arena arena, MemorySegment segment) {
    }

    Mapping(String purpose, long address, long size, SysStat stat, int prot, Reservation within) {
        this.purpose = purpose;
        this.address = address;
        this.size = size;
        this.stat = stat;
        this.prot = prot;
        this.within = within;
    }

    /** What the runtime mapped it for, e.g. {@code "demo"}, {@code ".rodata"}, {@code "persistent chunk"}. */
    public String purpose() {
        return purpose;
    }

    /** The first byte's address. Page aligned. */
    public long address() {
        return address;
    }

    /** Bytes mapped, as requested of {@code sysAlloc}/{@code sysMap}. */
    public long size() {
        return size;
    }

    /** One past the last byte. */
    public long end() {
        return address + size;
    }

    /** The stat the bytes are accounted to. */
    public SysStat stat() {
        return stat;
    }

    /** The current protection, {@link Mman#PROT_READ} | ... */
    public int prot() {
        return prot;
    }

    /** The reservation this mapping was committed in by {@code sysMap}, or null for {@code sysAlloc}. */
    public Reservation within() {
        return within;
    }

    /**
     * The memory, bounded to this mapping: writable while the protection has {@code PROT_WRITE}, a
     * read-only view otherwise.
     *
     * @throws IllegalStateException if the mapping was freed or its owner closed
     */
    public MemorySegment segment() {
        View v = view;
        if (v == null) {
            throw new IllegalStateException("mapping freed: " + this);
        }
        return v.segment();
    }

    /** True while the mapping is live (not freed, owner not closed). */
    public boolean isAlive() {
        View v = view;
        return v != null && v.arena().scope().isAlive();
    }

    /**
     * The mapping of {@code sorted} that contains {@code addr}, or null: a binary search with no lock
     * and no allocation, for fast paths that read a published snapshot. {@code sorted} holds mappings
     * that do not overlap, in ascending unsigned address order.
     */
    public static Mapping containing(Mapping[] sorted, long addr) {
        // The same unsigned floor search as io.goheap.runtime.abi.Floor, kept inline: this is the itab
        // fast path, and a key function shared with the inspector's callers would not be inlined here.
        int lo = 0;
        int hi = sorted.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Mapping m = sorted[mid];
            if (Long.compareUnsigned(addr, m.address()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(addr, m.end()) >= 0) {
                lo = mid + 1;
            } else {
                return m;
            }
        }
        return null;
    }

    /** True when {@code addr} is inside {@code [address, end)}. */
    public boolean contains(long addr) {
        return addr - address >= 0 && addr - address < size;
    }

    /** Makes a new view for {@code newProt} and publishes it. Caller holds the owner's lock. */
    void openView(int newProt) {
        Arena arena = Arena.ofShared();
        // Unbounded reinterpret is sound: this process mapped exactly [address, address + size) and
        // unmaps it only after closing this arena.
        MemorySegment seg = MemorySegment.ofAddress(address).reinterpret(size, arena, null);
        if ((newProt & Mman.PROT_WRITE) == 0) {
            seg = seg.asReadOnly();
        }
        prot = newProt;
        view = new View(arena, seg);
    }

    /**
     * Closes the current view (the handshake). Caller holds the owner's lock.
     *
     * @throws IllegalStateException if a native call still holds a segment of it; nothing changed then
     */
    void closeView() {
        View v = view;
        if (v != null) {
            v.arena().close();
        }
    }

    /** Forgets the closed view: the mapping is freed. Caller holds the owner's lock. */
    void dropView() {
        view = null;
    }

    @Override
    public String toString() {
        return purpose + " [0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(end()) + ") "
                + size + " bytes " + Mman.prot(prot) + " " + stat.goName();
    }
}
