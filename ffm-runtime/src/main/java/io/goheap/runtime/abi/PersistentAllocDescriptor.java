package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119.globalAlloc;
import io.goheap.layouts.go119.persistentAlloc;

/**
 * Offsets, sizes and constants of Go's {@code persistentalloc} state (malloc.go), read from the jextract
 * layouts and constants of the Go 1.19 header; the layouts are the same in every release goheap holds
 * ({@code AbiTest.SAME_LAYOUT}; {@code globalAlloc} is {@code struct { mutex; persistentAlloc }} in each
 * header), and so are the two sizes (malloc.go).
 * <pre>
 *   persistentAlloc   0                   8                   16
 *                     +-------------------+-------------------+
 *                     | base *notInHeap   | off  uintptr      |        (a P's palloc too: PDescriptor)
 *                     +-------------------+-------------------+
 *   globalAlloc       0                   8                   16                  24
 *                     +-------------------+-------------------+-------------------+
 *                     | mutex.key         | persistentAlloc   | persistentAlloc   |
 *                     | uintptr           |   .base           |   .off            |
 *                     +-------------------+-------------------+-------------------+
 *   chunk             0                   8                                CHUNK_SIZE
 *                     +-------------------+---------------------- ... -----+
 *                     | link *chunk       | blocks, carved from off        |
 *                     +-------------------+---------------------- ... -----+
 * </pre>
 * {@code base} is the current chunk or 0; {@code off} is the next free offset in it, {@code <= CHUNK_SIZE}.
 * If the header changes, this diagram and native/include/goheap/go1_19_amd64.h change together.
 */
public final class PersistentAllocDescriptor {
    /** {@code persistentAlloc.base}: the current chunk, or 0. */
    public static final long BASE_OFFSET = persistentAlloc.base$offset();
    /** {@code persistentAlloc.off}: the next free offset in that chunk. */
    public static final long OFF_OFFSET = persistentAlloc.off$offset();
    /** sizeof(persistentAlloc). */
    public static final long SIZE = persistentAlloc.sizeof();

    /** {@code globalAlloc.mutex.key}. */
    public static final long GLOBAL_KEY_OFFSET = globalAlloc.mutex$offset() + MutexDescriptor.KEY_OFFSET;
    /** {@code globalAlloc.persistentAlloc}. */
    public static final long GLOBAL_ALLOC_OFFSET = globalAlloc.persistentAlloc$offset();
    /** sizeof(globalAlloc) and its alignment. */
    public static final long GLOBAL_SIZE = globalAlloc.sizeof();
    /** The alignment of {@code globalAlloc}. */
    public static final long GLOBAL_ALIGN = globalAlloc.layout().byteAlignment();

    /** {@code persistentChunkSize}: 256 KiB, OS-page aligned. */
    public static final long CHUNK_SIZE = Abi.PERSISTENT_CHUNK_SIZE;
    /** {@code maxBlock}: 64 KiB; a block this large or larger comes straight from {@code sysAlloc}. */
    public static final long MAX_BLOCK = Go119.GO_MAX_BLOCK();

    private PersistentAllocDescriptor() {
    }
}
