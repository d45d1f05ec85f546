package io.goheap.runtime.sys;

/**
 * Address space reserved by {@code sysReserve}: mapped {@code PROT_NONE}, so no segment over it is
 * ever handed out (a read would fault the JVM). {@link SysMemory#sysMap} commits parts of it read-write
 * and returns them as {@link Mapping}s. Unmapped as a whole when its owner closes.
 */
public final class Reservation {
    private final long address;
    private final long size;
    /** cleared under the owner's lock when unmapped; volatile so any thread's isAlive() sees it */
    private volatile boolean alive = true;

    Reservation(long address, long size) {
        this.address = address;
        this.size = size;
    }

    /** The first reserved byte. */
    public long address() {
        return address;
    }

    /** Bytes reserved. */
    public long size() {
        return size;
    }

    /** One past the last reserved byte. */
    public long end() {
        return address + size;
    }

    /** True until the owner unmapped it. */
    public boolean isAlive() {
        return alive;
    }

    void kill() {
        alive = false;
    }

    @Override
    public String toString() {
        return "reservation [0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(end()) + ") " + size + " bytes";
    }
}
