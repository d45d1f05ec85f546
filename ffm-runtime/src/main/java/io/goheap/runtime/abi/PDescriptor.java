package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;

/**
 * Where one release keeps the fields of {@code runtime.p} that the simulator writes and reads: {@code id},
 * {@code status} and {@code palloc}. Unlike the other descriptors this one is a value: {@code p} changes
 * from release to release ({@code palloc} sits at 4592 in Go 1.19, 4632 in 1.22, 4624 in 1.24), so the
 * offsets are taken once from the release's {@link Abi} and kept in final fields. The status numbers
 * are the same in every release.
 * <pre>
 *   runtime.p (Go 1.19, 8912 bytes)
 *   0        4        8                               4592                4600                4608
 *   +--------+--------+------------- ... -------------+-------------------+-------------------+-- ... --+
 *   | id     | status | link, schedtick, ..., mcache, | palloc.base       | palloc.off        |         |
 *   | int32  | uint32 | runq, sudogcache, ...         | *notInHeap        | uintptr           |         |
 *   +--------+--------+------------- ... -------------+-------------------+-------------------+-- ... --+
 * </pre>
 * Immutable and thread-safe.
 */
public final class PDescriptor {
    /** {@code _Pidle}: no M holds the P. */
    public static final int IDLE = Go119.GO_P_IDLE();
    /** {@code _Prunning}: an M holds the P and runs user code. */
    public static final int RUNNING = Go119.GO_P_RUNNING();
    /** {@code _Pdead}: the largest status. */
    public static final int DEAD = Abi.P_DEAD;

    /** {@code p.id} (int32). */
    public final long id;
    /** {@code p.status} (uint32): {@link #IDLE}, {@link #RUNNING}, ... */
    public final long status;
    /** {@code p.palloc.base} and {@code p.palloc.off}: the P's own {@code persistentAlloc}. */
    public final long pallocBase;
    /** {@code p.palloc.off}. */
    public final long pallocOff;
    /** sizeof(p). */
    public final long size;

    /**
     * The {@code p} of {@code abi}'s release.
     *
     * @throws IllegalArgumentException if that release's {@code p} lacks one of the fields
     */
    public PDescriptor(Abi abi) {
        this.id = abi.offsetOf("p", "id");
        this.status = abi.offsetOf("p", "status");
        long palloc = abi.offsetOf("p", "palloc");
        this.pallocBase = palloc + PersistentAllocDescriptor.BASE_OFFSET;
        this.pallocOff = palloc + PersistentAllocDescriptor.OFF_OFFSET;
        this.size = abi.sizeOf("p");
    }
}
