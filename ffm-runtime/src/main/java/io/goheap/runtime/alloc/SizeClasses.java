package io.goheap.runtime.alloc;

import io.goheap.runtime.abi.MallocConstants;

import java.util.ArrayList;
import java.util.List;

/**
 * Go 1.19's small-object size classes, computed the way {@code runtime/mksizeclasses.go} computes
 * them (not copied: the tests compare every table with the bytes of {@code runtime.class_to_size},
 * {@code class_to_allocnpages}, {@code size_to_class8} and {@code size_to_class128} read out of a real
 * Go 1.19 binary).
 *
 * <p>The rules: object sizes step by an alignment that grows at powers of two (8, then 16 from 32
 * bytes, size/8 from 128, 256 from 2048); each class takes the fewest pages that waste at most 1/8; a
 * size that gives the same page count and object count as the previous class replaces it; finally
 * each class grows to the largest size (a multiple of 128) that still fits as many objects.
 *
 * <p>Immutable; the lookup {@link #sizeToClass} is two array reads.
 */
public final class SizeClasses {
    /** {@code _NumSizeClasses}: 68, class 0 (large objects) included. */
    public static final int NUM = MallocConstants.NUM_SIZE_CLASSES;
    /** {@code _MaxSmallSize}: 32 KiB, the largest object with a size class. */
    public static final int MAX_SMALL_SIZE = MallocConstants.MAX_SMALL_SIZE;
    static final int SMALL_SIZE_DIV = MallocConstants.SMALL_SIZE_DIV;
    static final int SMALL_SIZE_MAX = MallocConstants.SMALL_SIZE_MAX;
    static final int LARGE_SIZE_DIV = MallocConstants.LARGE_SIZE_DIV;
    static final int PAGE_SIZE = MallocConstants.PAGE_SIZE;

    private static final int[] CLASS_TO_SIZE = new int[NUM];
    private static final int[] CLASS_TO_NPAGES = new int[NUM];
    private static final byte[] SIZE_TO_CLASS8 = new byte[SMALL_SIZE_MAX / SMALL_SIZE_DIV + 1];
    private static final byte[] SIZE_TO_CLASS128 = new byte[(MAX_SMALL_SIZE - SMALL_SIZE_MAX) / LARGE_SIZE_DIV + 1];

    static {
        List<int[]> classes = new ArrayList<>(); // {size, npages}
        classes.add(new int[] {0, 0});
        int align = 8;
        for (int size = align; size <= MAX_SMALL_SIZE; size += align) {
            if (Integer.bitCount(size) == 1) {
                if (size >= 2048) {
                    align = 256;
                } else if (size >= 128) {
                    align = size / 8;
                } else if (size >= 32) {
                    align = 16;
                }
            }
            int allocsize = PAGE_SIZE;
            while (allocsize % size > allocsize / 8) {
                allocsize += PAGE_SIZE;
            }
            int npages = allocsize / PAGE_SIZE;
            int[] last = classes.getLast();
            if (classes.size() > 1 && npages == last[1] && allocsize / size == allocsize / last[0]) {
                last[0] = size;
                continue;
            }
            classes.add(new int[] {size, npages});
        }
        for (int i = 1; i < classes.size(); i++) {
            int[] c = classes.get(i);
            int psize = c[1] * PAGE_SIZE;
            int grown = (psize / (psize / c[0])) & ~(LARGE_SIZE_DIV - 1);
            if (grown > c[0]) {
                c[0] = grown;
            }
        }
        if (classes.size() != NUM) {
            throw new AssertionError("size classes: " + classes.size() + ", Go 1.19 has " + NUM);
        }
        for (int i = 0; i < NUM; i++) {
            CLASS_TO_SIZE[i] = classes.get(i)[0];
            CLASS_TO_NPAGES[i] = classes.get(i)[1];
        }
        // size -> class: the smallest class whose size holds it, indexed by rounded-up size
        int c = 0;
        for (int i = 0; i < SIZE_TO_CLASS8.length; i++) {
            int size = i * SMALL_SIZE_DIV;
            while (CLASS_TO_SIZE[c] < size) {
                c++;
            }
            SIZE_TO_CLASS8[i] = (byte) c;
        }
        c = 0;
        for (int i = 0; i < SIZE_TO_CLASS128.length; i++) {
            int size = SMALL_SIZE_MAX + i * LARGE_SIZE_DIV;
            while (CLASS_TO_SIZE[c] < size) {
                c++;
            }
            SIZE_TO_CLASS128[i] = (byte) c;
        }
    }

    private SizeClasses() {
    }

    /** The size class of a small object ({@code 0 < size <= MAX_SMALL_SIZE}), as mallocgc picks it. */
    public static int sizeToClass(long size) {
        if (size <= SMALL_SIZE_MAX - 8) {
            return SIZE_TO_CLASS8[(int) ((size + SMALL_SIZE_DIV - 1) / SMALL_SIZE_DIV)];
        }
        return SIZE_TO_CLASS128[(int) ((size - SMALL_SIZE_MAX + LARGE_SIZE_DIV - 1) / LARGE_SIZE_DIV)];
    }

    /** Object bytes of class {@code c} ({@code class_to_size}). */
    public static int classToSize(int c) {
        return CLASS_TO_SIZE[c];
    }

    /** Pages of a span of class {@code c} ({@code class_to_allocnpages}). */
    public static int classToPages(int c) {
        return CLASS_TO_NPAGES[c];
    }

    /** A copy of {@code size_to_class8}. */
    public static byte[] sizeToClass8() {
        return SIZE_TO_CLASS8.clone();
    }

    /** A copy of {@code size_to_class128}. */
    public static byte[] sizeToClass128() {
        return SIZE_TO_CLASS128.clone();
    }
}
