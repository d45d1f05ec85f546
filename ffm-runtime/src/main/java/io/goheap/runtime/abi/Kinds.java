package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;

/** Go's kind numbers and reflect's names for them. */
public final class Kinds {
    private static final String[] NAMES = new String[Go119.GO_KIND_UNSAFE_POINTER() + 1];

    static {
        String[] n = {"invalid", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
                "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "array", "chan", "func",
                "interface", "map", "ptr", "slice", "string", "struct", "unsafe.Pointer"};
        System.arraycopy(n, 0, NAMES, 0, n.length);
        if (!"struct".equals(NAMES[Go119.GO_KIND_STRUCT()]) || !"unsafe.Pointer".equals(NAMES[Go119.GO_KIND_UNSAFE_POINTER()])) {
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
