package io.goheap.runtime.inspect;

import java.util.Arrays;

/**
 * A set of addresses: open addressing over a {@code long[]}, the key mixed before it picks a slot.
 * {@code HashSet<Long>} of type addresses degenerates: they are 8-aligned and close together, so
 * {@code Long.hashCode} uses a few of the table's buckets and they turn into trees (the type walk of a
 * binary spent a third of its time there). 0 is not a member (no type or itab is at address 0).
 * Not thread-safe.
 */
final class LongSet {
    private long[] slots = new long[64];
    private int size;

    /** Adds {@code a}; false if it was there already. @throws IllegalArgumentException for 0 */
    boolean add(long a) {
        if (a == 0) {
            throw new IllegalArgumentException("address 0");
        }
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        for (int i = mix(a) & mask; ; i = (i + 1) & mask) {
            if (slots[i] == a) {
                return false;
            }
            if (slots[i] == 0) {
                slots[i] = a;
                size++;
                return true;
            }
        }
    }

    boolean contains(long a) {
        int mask = slots.length - 1;
        for (int i = mix(a) & mask; ; i = (i + 1) & mask) {
            if (slots[i] == a) {
                return a != 0;
            }
            if (slots[i] == 0) {
                return false;
            }
        }
    }

    int size() {
        return size;
    }

    /** The members, sorted as unsigned numbers. */
    long[] sortedUnsigned() {
        long[] out = new long[size];
        int k = 0;
        for (long v : slots) {
            if (v != 0) {
                out[k++] = v ^ Long.MIN_VALUE; // signed order of the flipped values is unsigned order
            }
        }
        Arrays.sort(out);
        for (int i = 0; i < out.length; i++) {
            out[i] ^= Long.MIN_VALUE;
        }
        return out;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long v : old) {
            if (v != 0) {
                add(v);
            }
        }
    }

    /** The 64-bit finalizer of MurmurHash3: every input bit moves the slot index. */
    private static int mix(long a) {
        a ^= a >>> 33;
        a *= 0xff51afd7ed558ccdL;
        a ^= a >>> 33;
        a *= 0xc4ceb9fe1a85ec53L;
        a ^= a >>> 33;
        return (int) a;
    }
}
