package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;

/**
 * The constants of Go 1.19's heap for linux/amd64 ({@code malloc.go}, {@code sizeclasses.go},
 * {@code mpagealloc.go}), from the jextract constants of the Go 1.19 header: what {@code mallocgc}, its size
 * classes and its arenas are made of. The headers of the later releases carry none of them; the size
 * classes these constants give are the tables every release's binary carries, 1.19 to 1.27
 * ({@code runtime.class_to_size} and its siblings; {@code internal/runtime/gc.SizeClassToSize} and its
 * siblings from 1.25; the test ReleaseRuntimeTest), so every simulated release allocates by them. A
 * constant a later release changes becomes a value of its {@link Abi}.
 */
public final class MallocConstants {
    /** {@code _PageSize}: 8 KiB, the heap's page. */
    public static final int PAGE_SIZE = Go119.GO_PAGE_SIZE();
    /** {@code _MaxSmallSize}: 32 KiB, the largest object with a size class. */
    public static final int MAX_SMALL_SIZE = Go119.GO_MAX_SMALL_SIZE();
    /** {@code smallSizeDiv}, {@code smallSizeMax}, {@code largeSizeDiv}: the steps of the size-to-class tables. */
    public static final int SMALL_SIZE_DIV = Go119.GO_SMALL_SIZE_DIV();
    /** {@code smallSizeMax}: 1024, the largest size the small table covers. */
    public static final int SMALL_SIZE_MAX = Go119.GO_SMALL_SIZE_MAX();
    /** {@code largeSizeDiv}: 128, the step of the large table. */
    public static final int LARGE_SIZE_DIV = Go119.GO_LARGE_SIZE_DIV();
    /** {@code _NumSizeClasses}: 68, class 0 (large objects) included. */
    public static final int NUM_SIZE_CLASSES = Go119.GO_NUM_SIZE_CLASSES();
    /** {@code maxTinySize}: 16, the tiny allocator's block. */
    public static final int MAX_TINY_SIZE = Go119.GO_MAX_TINY_SIZE();
    /** {@code tinySizeClass}: 2, the class of the tiny blocks. */
    public static final int TINY_SIZE_CLASS = Go119.GO_TINY_SIZE_CLASS();
    /** {@code heapArenaBytes}: 64 MiB. */
    public static final long HEAP_ARENA_BYTES = Go119.GO_HEAP_ARENA_BYTES();
    /** {@code pallocChunkBytes}: 4 MiB, the unit goheap commits arenas in. */
    public static final long PALLOC_CHUNK_BYTES = Go119.GO_PALLOC_CHUNK_BYTES();
    /** {@code 0x00c0 << 32}: the first arena hint ({@code mallocinit}). */
    public static final long ARENA_HINT_BASE = Go119.GO_ARENA_HINT_BASE();

    private MallocConstants() {
    }
}
