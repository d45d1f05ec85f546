package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The byte encoding of a Go 1.19 {@code runtime.name} (reflect/type.go):
 * <pre>
 * +-------+-----------+----------------+-----------+---------+-----------------+
 * | flags | varint n  | n bytes: name  | [varint t | t bytes | [4 bytes nameOff |
 * | 1 B   | 1..5 B    |                |  tag len] |  tag]   |  of pkgPath]     |
 * +-------+-----------+----------------+-----------+---------+-----------------+
 * flags: GO_NAME_EXPORTED 1, GO_NAME_HAS_TAG 2, GO_NAME_HAS_PKG 4, GO_NAME_EMBEDDED 8
 * </pre>
 * The varint holds 7 bits a byte, low group first; a set high bit means another byte follows.
 * Example: {@code type..namedata.*main.Xer.} is {@code 01 09 2a 6d 61 69 6e 2e 58 65 72}.
 */
public final class NameEncoding {
    /** Flag bit 0: the name is exported. */
    public static final int EXPORTED = Go119.GO_NAME_EXPORTED();
    /** Flag bit 1: a tag follows the name. */
    public static final int HAS_TAG = Go119.GO_NAME_HAS_TAG();
    /** Flag bit 2: a pkgPath nameOff follows the name (and tag). */
    public static final int HAS_PKG = Go119.GO_NAME_HAS_PKG();
    /** Flag bit 3: an embedded field. */
    public static final int EMBEDDED = Go119.GO_NAME_EMBEDDED();

    private NameEncoding() {
    }

    /**
     * Encodes a name with no tag and no package path.
     *
     * @param exported the exported flag as the compiler sets it (for a type's string: whether the type's
     *                 own name is exported, e.g. true for {@code *main.Xer}, false for {@code *main.data})
     */
    public static byte[] encode(String name, boolean exported) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        out.write(exported ? EXPORTED : 0);
        writeVarint(out, b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** Appends {@code v} as a Go name varint. */
    static void writeVarint(ByteArrayOutputStream out, int v) {
        if (v < 0) {
            throw new IllegalArgumentException("length=" + v);
        }
        while (v >= 0x80) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }
}
