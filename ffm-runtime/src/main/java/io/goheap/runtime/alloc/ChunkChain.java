package io.goheap.runtime.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.LongFunction;

/**
 * The lock-free stack of persistent chunks: a head word in native memory ({@code runtime.persistentChunks})
 * and, in each chunk, a first word linking to the chunk pushed before it. Go 1.19 malloc.go keeps its
 * chunks exactly so; {@code inPersistentAlloc} walks the chain without a lock.
 *
 * <p>Thread-safe: any number of threads may push and walk at once. Chunks are never popped, so there is
 * no ABA problem; a link word is written once, before its chunk is published, and never changes.
 */
public final class ChunkChain {
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment head;
    private final LongFunction<MemorySegment> chunkMemory;

    /**
     * @param head        the 8-byte head word, 8-byte aligned
     * @param chunkMemory the memory of a chunk by its address (at least its first word)
     */
    public ChunkChain(MemorySegment head, LongFunction<MemorySegment> chunkMemory) {
        this.head = head;
        this.chunkMemory = chunkMemory;
    }

    /**
     * Pushes {@code chunk}: a plain store of the current head into the chunk's first word, then a CAS
     * of the head from that value to the chunk. The CAS has volatile semantics, so it releases the link
     * store: a reader whose acquire load of the head returns this chunk also sees its link word. If
     * another thread pushed in between, the CAS fails and the link is written again with the new head.
     */
    public void push(long chunk) {
        MemorySegment link = chunkMemory.apply(chunk);
        for (;;) {
            long h = (long) WORD.getAcquire(head, 0L);
            link.set(ValueLayout.JAVA_LONG, 0, h);
            if (WORD.compareAndSet(head, 0L, h, chunk)) {
                return;
            }
        }
    }

    /**
     * The newest chunk, or 0: an acquire load, pairing with the CAS of {@link #push}, so the chunk's
     * link word is visible to the caller.
     */
    public long headAcquire() {
        return (long) WORD.getAcquire(head, 0L);
    }

    /**
     * The chunk pushed before {@code chunk}, or 0: a plain load, sound because the word was written
     * before the CAS that published {@code chunk} (which the caller observed through an acquire load of
     * the head, or of a later chunk's link) and never changes after.
     */
    public long link(long chunk) {
        return chunkMemory.apply(chunk).get(ValueLayout.JAVA_LONG, 0);
    }
}
