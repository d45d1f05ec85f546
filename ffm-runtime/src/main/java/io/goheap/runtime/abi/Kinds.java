package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;

/**
 * Go's kind numbers ({@code _type.kind & kindMask}, 1.19's {@code runtime/typekind.go}), the two flag
 * bits 1.19 keeps beside them in the kind byte, and reflect's names for the kinds. All from the
 * jextract constants of the Go 1.19 header. The numbers 1..26 are the same in every release goheap
 * holds (go1_N_amd64.h: "kinds 1..26 as in 1.19"); the flag bits are not: {@link #GC_PROG} is gone from
 * Go 1.24, {@link #DIRECT_IFACE} moved to tflag in Go 1.26 ({@link Abi#directIfaceInTFlag()}).
 *
 * <pre>
 *   the kind byte of Go 1.19:
 *   bit   7       6           5              4 .. 0
 *        +-------+-----------+--------------+------------------+
 *        | 0     | GC_PROG   | DIRECT_IFACE | kind (MASK 0x1f) |
 *        +-------+-----------+--------------+------------------+
 * </pre>
 */
public final class Kinds {
    /** {@code kindBool}. */
    public static final int BOOL = Go119.GO_KIND_BOOL();
    /** {@code kindInt}. */
    public static final int INT = Go119.GO_KIND_INT();
    /** {@code kindInt8}. */
    public static final int INT8 = Go119.GO_KIND_INT8();
    /** {@code kindInt16}. */
    public static final int INT16 = Go119.GO_KIND_INT16();
    /** {@code kindInt32}. */
    public static final int INT32 = Go119.GO_KIND_INT32();
    /** {@code kindInt64}. */
    public static final int INT64 = Go119.GO_KIND_INT64();
    /** {@code kindUint}. */
    public static final int UINT = Go119.GO_KIND_UINT();
    /** {@code kindUint8}. */
    public static final int UINT8 = Go119.GO_KIND_UINT8();
    /** {@code kindUint16}. */
    public static final int UINT16 = Go119.GO_KIND_UINT16();
    /** {@code kindUint32}. */
    public static final int UINT32 = Go119.GO_KIND_UINT32();
    /** {@code kindUint64}. */
    public static final int UINT64 = Go119.GO_KIND_UINT64();
    /** {@code kindUintptr}. */
    public static final int UINTPTR = Go119.GO_KIND_UINTPTR();
    /** {@code kindFloat32}. */
    public static final int FLOAT32 = Go119.GO_KIND_FLOAT32();
    /** {@code kindFloat64}. */
    public static final int FLOAT64 = Go119.GO_KIND_FLOAT64();
    /** {@code kindComplex64}. */
    public static final int COMPLEX64 = Go119.GO_KIND_COMPLEX64();
    /** {@code kindComplex128}. */
    public static final int COMPLEX128 = Go119.GO_KIND_COMPLEX128();
    /** {@code kindArray}. */
    public static final int ARRAY = Go119.GO_KIND_ARRAY();
    /** {@code kindChan}. */
    public static final int CHAN = Go119.GO_KIND_CHAN();
    /** {@code kindFunc}. */
    public static final int FUNC = Go119.GO_KIND_FUNC();
    /** {@code kindInterface}. */
    public static final int INTERFACE = Go119.GO_KIND_INTERFACE();
    /** {@code kindMap}. */
    public static final int MAP = Go119.GO_KIND_MAP();
    /** {@code kindPtr}. */
    public static final int PTR = Go119.GO_KIND_PTR();
    /** {@code kindSlice}. */
    public static final int SLICE = Go119.GO_KIND_SLICE();
    /** {@code kindString}. */
    public static final int STRING = Go119.GO_KIND_STRING();
    /** {@code kindStruct}. */
    public static final int STRUCT = Go119.GO_KIND_STRUCT();
    /** {@code kindUnsafePointer}. */
    public static final int UNSAFE_POINTER = Go119.GO_KIND_UNSAFE_POINTER();
    /** {@code kindMask}: the kind's bits of the kind byte. */
    public static final int MASK = Go119.GO_KIND_MASK();
    /** {@code kindDirectIface}: the value is stored in the interface word itself (kind byte up to Go 1.25). */
    public static final int DIRECT_IFACE = Go119.GO_KIND_DIRECT_IFACE();
    /** {@code kindGCProg}: gcdata holds a GC program, not a mask (kind byte up to Go 1.23). */
    public static final int GC_PROG = Go119.GO_KIND_GC_PROG();

    private static final String[] NAMES = new String[UNSAFE_POINTER + 1];

    static {
        String[] n = {"invalid", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
                "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "array", "chan", "func",
                "interface", "map", "ptr", "slice", "string", "struct", "unsafe.Pointer"};
        System.arraycopy(n, 0, NAMES, 0, n.length);
        if (!"struct".equals(NAMES[STRUCT]) || !"unsafe.Pointer".equals(NAMES[UNSAFE_POINTER])) {
            throw new AssertionError("kind numbering differs from the header");
        }
    }

    private Kinds() {
    }

    /** reflect.Kind's String for {@code kind & kindMask}; {@code kind(N)} for an unknown number. */
    public static String name(int kind) {
        return kind >= 0 && kind < NAMES.length ? NAMES[kind] : "kind(" + kind + ")";
    }
}
