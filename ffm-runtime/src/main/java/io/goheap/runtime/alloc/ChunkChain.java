package io.goheap.runtime.alloc;

import io.goheap.runtime.mem.GoMemory;

/**
 * The lock-free stack of persistent chunks: a head word in native memory ({@code runtime.persistentChunks})
 * and, in each chunk, a first word linking to the chunk pushed before it. Go 1.19 malloc.go keeps its
 * chunks exactly so; {@code inPersistentAlloc} walks the chain without a lock.
 *
 * <p>Thread-safe: any number of threads may push and walk at once. Chunks are never popped, so there is
 * no ABA problem; a link word is written once, before its chunk is published, and never changes.
 */
public final class ChunkChain {
    private final GoMemory mem;
    private final long head;

    /**
     * The chain whose head word is at {@code head}.
     *
     * @param mem  the memory holding the head word and the chunks
     * @param head the address of the 8-byte head word, 8-byte aligned
     */
    public ChunkChain(GoMemory mem, long head) {
        this.mem = mem;
        this.head = head;
    }

    /**
     * Pushes {@code chunk}: a plain store of the current head into the chunk's first word, then a CAS
     * of the head from that value to the chunk. The CAS has volatile semantics, so it releases the link
     * store: a reader whose acquire load of the head returns this chunk also sees its link word. If
     * another thread pushed in between, the CAS fails and the link is written again with the new head.
     */
    public void push(long chunk) {
        for (;;) {
            long h = mem.u64Acquire(head);
            mem.setU64(chunk, h);
            if (mem.casU64(head, h, chunk)) {
                return;
            }
        }
    }

    /**
     * The newest chunk, or 0: an acquire load, pairing with the CAS of {@link #push}, so the chunk's
     * link word is visible to the caller.
     */
    public long headAcquire() {
        return mem.u64Acquire(head);
    }

    /**
     * The chunk pushed before {@code chunk}, or 0: a plain load, sound because the word was written
     * before the CAS that published {@code chunk} (which the caller observed through an acquire load of
     * the head, or of a later chunk's link) and never changes after.
     */
    public long link(long chunk) {
        return mem.u64(chunk);
    }
}
