package io.goheap.runtime.abi;

import java.util.function.IntToLongFunction;

/**
 * The search every address lookup of the inspector shares: in {@code n} keys sorted as unsigned
 * numbers, the index of the last key at or below {@code key}, or -1. Regions by base address, symbols
 * by address, pclntab functions by entry offset.
 *
 * <p>{@link io.goheap.runtime.sys.Mapping#containing} keeps its own copy of the loop: it is on the
 * lock-free itab fast path, where a call through a key function shared by four callers would not be
 * inlined.
 */
public final class Floor {
    private Floor() {
    }

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
