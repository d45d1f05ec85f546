package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;

import java.nio.charset.StandardCharsets;

/**
 * A {@code runtime.name} read from an address space: flags, name, tag and package path offset, in
 * the encoding {@link NameEncoding} documents. Reads are bounded; a varint longer than 4 bytes (over
 * 256 MiB) is a {@link BadAddressException}, as no real name is that long.
 */
public record NameView(GoMemory space, long address) {
    /** Byte 0: {@link NameEncoding#EXPORTED} | HAS_TAG | HAS_PKG | EMBEDDED. */
    public int flags() {
        return space.u8(address);
    }

    /** Whether {@link NameEncoding#EXPORTED} is set. */
    public boolean isExported() {
        return (flags() & NameEncoding.EXPORTED) != 0;
    }

    /** Whether {@link NameEncoding#HAS_TAG} is set. */
    public boolean hasTag() {
        return (flags() & NameEncoding.HAS_TAG) != 0;
    }

    /** Whether {@link NameEncoding#HAS_PKG} is set. */
    public boolean hasPkgPath() {
        return (flags() & NameEncoding.HAS_PKG) != 0;
    }

    /** Whether {@link NameEncoding#EMBEDDED} is set. */
    public boolean isEmbedded() {
        return (flags() & NameEncoding.EMBEDDED) != 0;
    }

    /** The name. */
    public String name() {
        long[] v = varint(address + 1);
        return string(address + 1 + v[0], v[1]);
    }

    /** The struct tag, or "" without one. */
    public String tag() {
        if (!hasTag()) {
            return "";
        }
        long[] n = varint(address + 1);
        long at = address + 1 + n[0] + n[1];
        long[] t = varint(at);
        return string(at + t[0], t[1]);
    }

    /** The nameOff of the package path, or 0 without one. */
    public int pkgPathOff() {
        if (!hasPkgPath()) {
            return 0;
        }
        long[] n = varint(address + 1);
        long at = address + 1 + n[0] + n[1];
        if (hasTag()) {
            long[] t = varint(at);
            at += t[0] + t[1];
        }
        return space.u32(at);
    }

    /** {length of the varint in bytes, its value} at {@code at}. */
    private long[] varint(long at) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int b = space.u8(at + i);
            v |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return new long[] {i + 1, v};
            }
        }
        throw new BadAddressException(at, 4, space.describe() + " (name length varint too long)");
    }

    /** Longest name decoded: Go's type strings stay far below; a longer length is corrupt data. */
    public static final long MAX_NAME = 1 << 20;

    private String string(long at, long len) {
        if (len > MAX_NAME) {
            throw new BadAddressException(at, len, space.describe() + " (a name of " + len + " bytes: implausible)");
        }
        return new String(space.read(at, (int) len), StandardCharsets.UTF_8);
    }
}
