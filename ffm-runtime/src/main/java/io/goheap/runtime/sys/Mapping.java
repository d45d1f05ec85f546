package io.goheap.runtime.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One range of memory that a {@link SysMemory} mapped read-write: from {@code sysAlloc}, or committed
 * inside a {@link Reservation} by {@code sysMap}.
 *
 * <p>{@link #segment()} covers exactly {@code [address, address + size)} and is bound to a shared
 * arena owned by this mapping. When the mapping is freed ({@code sysFree}, or the owner's close) that
 * arena is closed first and the memory unmapped after: from then on every access through the
 * segment, from any thread, throws {@link IllegalStateException} and can never touch unmapped pages.
 *
 * <p>Thread-safe: immutable but for the freed state, which the arena tracks.
 */
public final class Mapping {
    private final String purpose;
    private final long address;
    private final long size;
    private final SysStat stat;
    private final Arena arena;
    private final MemorySegment segment;
    private final Reservation within;
    private volatile int prot;

    Mapping(String purpose, long address, long size, SysStat stat, int prot, Reservation within, Arena arena, MemorySegment segment) {
        this.purpose = purpose;
        this.address = address;
        this.size = size;
        this.stat = stat;
        this.prot = prot;
        this.within = within;
        this.arena = arena;
        this.segment = segment;
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

    void prot(int prot) {
        this.prot = prot;
    }

    /** The reservation this mapping was committed in by {@code sysMap}, or null for {@code sysAlloc}. */
    public Reservation within() {
        return within;
    }

    /**
     * The memory, bounded to this mapping. Accesses after the mapping is freed throw
     * {@link IllegalStateException}; writes after {@code protect(PROT_READ|PROT_EXEC)} would fault, so
     * {@link SysMemory#protect} keeps it writable only while the protection allows it.
     */
    public MemorySegment segment() {
        return (prot & Mman.PROT_WRITE) != 0 ? segment : segment.asReadOnly();
    }

    /** True while the mapping is live (not freed, owner not closed). */
    public boolean isAlive() {
        return arena.scope().isAlive();
    }

    /** True when {@code addr} is inside {@code [address, end)}. */
    public boolean contains(long addr) {
        return addr - address >= 0 && addr - address < size;
    }

    Arena arena() {
        return arena;
    }

    @Override
    public String toString() {
        return purpose + " [0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(end()) + ") "
                + size + " bytes " + Mman.prot(prot) + " " + stat.goName();
    }
}
