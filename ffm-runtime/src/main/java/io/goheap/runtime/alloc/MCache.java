package io.goheap.runtime.alloc;

/**
 * A per-P cache of spans, one per span class, and the tiny allocator (Go's {@code mcache}). Kept on
 * the Java side; the objects it hands out are real addresses in the heap's arenas.
 *
 * <p>Not thread-safe, by design as in Go: an mcache is used only by the thread holding its P, or under
 * the heap lock for the shared cache of threads without a P. No lock and no Java allocation on the
 * path that finds a free object in a cached span.
 */
public final class MCache {
    /** the P this cache belongs to, or null for the heap's shared cache (used under the heap lock) */
    final P owner;

    /** one span per span class; null until the first refill */
    final MSpan[] alloc = new MSpan[SizeClasses.NUM * 2];
    /** current 16-byte tiny block, or 0 */
    long tiny;
    /** bytes of the tiny block in use */
    long tinyOffset;
    /** objects served from tiny blocks (Go: tinyAllocs) */
    long tinyAllocs;
    /** small objects served (tiny blocks included once each) */
    long smallAllocs;
    /** bytes of the objects served, rounded to their class */
    long smallBytes;

    MCache(P owner) {
        this.owner = owner;
    }

    /** Objects served from tiny blocks, read without synchronization (a statistic). */
    public long tinyAllocs() {
        return tinyAllocs;
    }

    /** Small objects served, read without synchronization (a statistic). */
    public long smallAllocs() {
        return smallAllocs;
    }
}
