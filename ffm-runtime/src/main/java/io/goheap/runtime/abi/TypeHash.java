package io.goheap.runtime.abi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The type hash cmd/compile writes into {@code _type.hash} (Go 1.19 {@code types.TypeHash}): the first
 * four bytes, little endian, of NOTSHA256 (the bitwise NOT of SHA-256) of the type's link string,
 * e.g. {@code main.data} gives {@code 0x45cfa416} — the bytes {@code 16 a4 cf 45} at offset 16 of
 * {@code type.main.data} in the compiler's {@code -S} listing.
 */
public final class TypeHash {
    private TypeHash() {
    }

    /** The hash of the type whose link string is {@code linkString} ({@code main.data}, {@code func() int}). */
    public static int of(String linkString) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(linkString.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
        return ~((d[0] & 0xff) | (d[1] & 0xff) << 8 | (d[2] & 0xff) << 16 | (d[3] & 0xff) << 24);
    }
}
