package io.goheap.runtime.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One range of memory that a {@link SysMemory} committed read-write: from {@code sysAlloc}, or inside a
 * {@link Reservation} by {@code sysMap}. Its bytes are reached by address through
 * {@link SysMemory#memory()}; {@link #segment()} gives a segment of exactly this range as well.
 *
 * <h2 id="views">Views and lifetime</h2>
 * {@link #segment()} covers exactly {@code [address, address + size)}. It belongs to a shared arena of
 * this mapping's current <em>view</em>, made on the first call (most mappings, such as persistent chunks,
 * never need one). Freeing the mapping ({@code sysFree}, or the owner's close) closes that arena first and
 * only then takes the memory away, and a protection change ({@link SysMemory#protect}) closes it before
 * calling {@code mprotect}; the next {@link #segment()} makes a view for the new protection. The close of
 * a shared arena completes a handshake with every thread, so from then on any access through an old
 * segment, from any thread, throws {@link IllegalStateException}; it can never touch unmapped pages or
 * write to pages that lost {@code PROT_WRITE}. A reader racing with a protection change may therefore
 * see {@code IllegalStateException} and must fetch {@link #segment()} again.
 *
 * <p>Thread-safe. The view is made and closed under this object's monitor (the owner takes its own lock
 * first, then this one); {@code prot} is volatile. {@code ready} is guarded by the owner's lock.
 */
public final class Mapping {
    private final String purpose;
    private final long address;
    private final long size;
    private final SysStat stat;
    private final Reservation within;
    /** the current view, or null until asked for; guarded by this */
    private View view;
    /** set under the owner's lock when the mapping is freed; volatile so any thread's isAlive() sees it */
    private volatile boolean freed;
    /** the current protection; written under the owner's lock */
    private volatile int prot;
    /** set once the mapping was executable: it holds code (never freed before close); owner's lock */
    private volatile boolean code;
    /** true while this mapping's loss of PROT_EXEC holds the call gate suspended; owner's lock */
    private boolean codeSuspended;
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
    @SuppressWarnings("restricted") // the bytes this process mapped, at their exact length (this mapping's)
    public synchronized MemorySegment segment() {
        if (freed) {
            throw new IllegalStateException("mapping freed: " + this);
        }
        if (view == null) {
            Arena arena = Arena.ofShared();
            // Unbounded reinterpret is sound: this process mapped exactly [address, address + size) and
            // takes it away only after closing this arena.
            MemorySegment seg = MemorySegment.ofAddress(address).reinterpret(size, arena, null);
            view = new View(arena, (prot & Mman.PROT_WRITE) == 0 ? seg.asReadOnly() : seg);
        }
        return view.segment();
    }

    /** True while the mapping is live (not freed, owner not closed). */
    public boolean isAlive() {
        return !freed;
    }

    /** True when {@code addr} is inside {@code [address, end)}. */
    public boolean contains(long addr) {
        return addr - address >= 0 && addr - address < size;
    }

    /** True once the mapping was executable: it holds code, which lives until the owner closes. */
    public boolean holdsCode() {
        return code;
    }

    void markCode() {
        code = true;
    }

    boolean codeSuspended() {
        return codeSuspended;
    }

    void setCodeSuspended(boolean s) {
        codeSuspended = s;
    }

    /** Records the protection {@link SysMemory#protect} set. Caller holds the owner's lock, the view closed. */
    void setProt(int newProt) {
        prot = newProt;
    }

    /**
     * Closes the current view, if any (the handshake). Caller holds the owner's lock.
     *
     * @throws IllegalStateException if a native call still holds a segment of it; nothing changed then
     */
    synchronized void closeView() {
        if (view != null) {
            view.arena().close();
            view = null;
        }
    }

    /** Marks the mapping freed (its view closed). Caller holds the owner's lock. */
    synchronized void dropView() {
        freed = true;
    }

    @Override
    public String toString() {
        return purpose + " [0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(end()) + ") "
                + size + " bytes " + Mman.prot(prot) + " " + stat.goName();
    }
}
