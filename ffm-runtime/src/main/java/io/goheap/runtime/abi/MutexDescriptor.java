package io.goheap.runtime.abi;

import io.goheap.layouts.go119.mutex;

/**
 * Offsets and size of Go's {@code runtime.mutex} (without static lock ranking, whose
 * {@code lockRankStruct} is then empty), read from the jextract layout; the same in every release goheap
 * holds:
 * <pre>
 *   0                   8
 *   +-------------------+
 *   | key   uintptr     |   0 unlocked; goheap writes 1 while its Java lock is held (for dumps)
 *   +-------------------+
 * </pre>
 * If the header changes, this diagram and native/include/goheap/go1_19_amd64.h change together.
 */
public final class MutexDescriptor {
    /** {@code mutex.key}. */
    public static final long KEY_OFFSET = mutex.key$offset();
    /** sizeof(mutex). */
    public static final long SIZE = mutex.sizeof();

    private MutexDescriptor() {
    }
}
