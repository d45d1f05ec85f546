package io.goheap.runtime.mem;

import java.util.function.IntToLongFunction;

/**
 * The search every address lookup of the inspector shares: in {@code n} keys sorted as unsigned
 * numbers, the index of the last key at or below {@code key}, or -1. FileMemory by base address, symbols
 * by address, pclntab functions by entry offset.
 *
 * <p>Live runtime memory needs no search ({@link LiveMemory} resolves addresses by arithmetic); this is
 * the one search over sorted addresses that remains, for files.
 */
public final class Floor {
    private Floor() {
    }

    /** The index of the last of the {@code n} keys {@code keyAt(0..n-1)} (sorted as unsigned) at or below {@code key} (unsigned), or -1 if every key is above it. */
    public static int index(int n, IntToLongFunction keyAt, long key) {
        int lo = 0;
        int hi = n - 1;
        int best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(keyAt.applyAsLong(mid), key) <= 0) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }
}
