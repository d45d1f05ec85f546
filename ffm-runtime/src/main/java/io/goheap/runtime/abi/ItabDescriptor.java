package io.goheap.runtime.abi;

import io.goheap.layouts.go119.itab;

/**
 * Offsets, sizes and checks of Go 1.19's {@code runtime.itab}, all read from the jextract layout
 * {@link itab}:
 * <pre>
 *   0                   8                   16        20        24                  24 + 8*ni
 *   +-------------------+-------------------+---------+---------+-------------------+----
 *   | inter             | _type             | hash    | _ [4]B  | fun[0]            | fun[1] ...
 *   | *interfacetype    | *_type            | uint32  | padding | uintptr           |
 *   +-------------------+-------------------+---------+---------+-------------------+----
 * </pre>
 * {@code hash} is {@code _type.hash} in a static itab (the linker's {@code go.itab.T,I}) and 0 in one
 * built by {@code getitab}; {@code fun} has one word per interface method, in the interface's method
 * order; {@code fun[0] == 0} marks a negative entry (the type does not implement the interface).
 * Size with {@code ni} methods: {@code 24 + 8*ni}, declared (ni = 1) 32. If the header changes, this
 * diagram and native/include/goheap/go1_19_amd64.h change together.
 */
public final class ItabDescriptor {
    /** {@code *interfacetype}. */
    public static final long INTER_OFFSET = itab.inter$offset();
    /** {@code *_type}. */
    public static final long TYPE_OFFSET = itab._type$offset();
    /** {@code uint32}. */
    public static final long HASH_OFFSET = itab.hash$offset();
    /** {@code [ni]uintptr}, really; the struct declares one. */
    public static final long FUN_OFFSET = itab.fun$offset();
    /** Bytes of one {@code fun} word. */
    public static final long FUN_WORD = itab.fun$layout().elementLayout().byteSize();
    /** sizeof(itab) as declared: one fun word. */
    public static final long DECLARED_SIZE = itab.sizeof();

    private ItabDescriptor() {
    }

    /**
     * The bytes of an itab for an interface with {@code ni} methods, as {@code getitab} allocates it
     * ({@code len(inter.mhdr)-1} words beyond the declared size).
     *
     * @throws IllegalArgumentException if {@code ni < 1} (Go never builds an itab for the empty interface)
     */
    public static long sizeOf(int ni) {
        if (ni < 1) {
            throw new IllegalArgumentException("ni=" + ni + " (an itab needs a non-empty interface)");
        }
        return FUN_OFFSET + FUN_WORD * ni;
    }

    /** Offset of {@code fun[k]}. */
    public static long funOffset(int k) {
        if (k < 0) {
            throw new IndexOutOfBoundsException("k=" + k);
        }
        return FUN_OFFSET + FUN_WORD * k;
    }

    /** The field of an itab at byte {@code off} (0 or more): {@code inter}, {@code _type}, {@code hash}, {@code padding} or {@code fun[k]}. */
    public static String fieldAt(long off) {
        if (off >= funOffset(0)) {
            return "fun[" + (off - funOffset(0)) / FUN_WORD + "]";
        }
        if (off >= HASH_OFFSET + Integer.BYTES) {
            return "padding";
        }
        return off >= HASH_OFFSET ? "hash" : off >= TYPE_OFFSET ? "_type" : "inter";
    }

    /**
     * Go 1.27's {@code ITab.Size()}, the step of the walk over a module's itab region: one fun word for a
     * negative itab ({@code fun[0] == 0}), else one per method of its interface ({@code interMethods}).
     */
    public static long regionSize(long fun0, long interMethods) {
        return sizeOf((int) (fun0 == 0 ? 1 : Math.max(1, interMethods)));
    }
}
