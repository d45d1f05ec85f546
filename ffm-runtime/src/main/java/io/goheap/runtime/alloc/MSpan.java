package io.goheap.runtime.alloc;

/**
 * A run of heap pages holding objects of one span class (Go's {@code mspan}, kept on the Java side:
 * goheap's heap has no collector, so no mark or alloc bits are needed, only the next free index).
 *
 * <p>Not thread-safe: a span in use for allocation belongs to exactly one {@link MCache}, as in Go.
 */
final class MSpan {
    final long base;
    final int npages;
    /** sizeclass << 1 | noscan; sizeclass 0 is a large object. */
    final int spanClass;
    /** bytes per object; for a large span, the whole span */
    final long elemSize;
    /** objects in the span */
    final int nelems;
    /** next object to hand out; == nelems when full. Objects are never freed (no collector). */
    int freeIndex;

    MSpan(long base, int npages, int spanClass, long elemSize, int nelems) {
        this.base = base;
        this.npages = npages;
        this.spanClass = spanClass;
        this.elemSize = elemSize;
        this.nelems = nelems;
    }

    /** Go's {@code nextFreeFast}: the next object's address, or 0 when the span is full. */
    long nextFree() {
        if (freeIndex < nelems) {
            return base + elemSize * freeIndex++;
        }
        return 0;
    }

    long end() {
        return base + (long) npages * SizeClasses.PAGE_SIZE;
    }

    static int spanClass(int sizeClass, boolean noscan) {
        return sizeClass << 1 | (noscan ? 1 : 0);
    }
}
