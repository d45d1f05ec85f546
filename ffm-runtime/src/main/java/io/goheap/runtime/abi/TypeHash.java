package io.goheap.runtime.abi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The type hash cmd/compile writes into {@code _type.hash} ({@code types.TypeHash}): four bytes, little endian,
 * of a digest of the type's link string. The digest changed twice:
 * <ul>
 *   <li>up to Go 1.23: NOTSHA256 (every bit of SHA-256 inverted), bytes 0-3 ({@link #of(String)}): {@code main.data}
 *       gives {@code 0x45cfa416}, the bytes {@code 16 a4 cf 45} at offset 16 of {@code type.main.data} in Go
 *       1.19's {@code -S} listing;</li>
 *   <li>Go 1.24: {@code cmd/internal/hash.Sum16}, bytes 8-23 of SHA-256 (with byte 0 flipped, which the slice
 *       leaves out), so SHA-256's bytes 8-11;</li>
 *   <li>from Go 1.25: {@code hash.Sum32}, SHA-256 with byte 0 xor 0xff, bytes 0-3.</li>
 * </ul>
 * Static itabs carry the concrete type's hash too. Stateless.
 */
public final class TypeHash {
    private TypeHash() {
    }

    /** The hash Go 1.19 to 1.23 give the type whose link string is {@code linkString} ({@code main.data}, {@code func() int}). */
    public static int of(String linkString) {
        byte[] d = sha256(linkString);
        return ~le32(d, 0);
    }

    /**
     * The hash {@code release}'s compiler gives the type whose link string is {@code linkString}.
     *
     * @throws IllegalArgumentException if {@code release} is older than Go 1.19 (goheap has no ground truth of it)
     */
    public static int of(GoRelease release, String linkString) {
        if (release.minor() < 19) {
            throw new IllegalArgumentException("type hash of " + release + ": goheap knows the rule from Go 1.19 on");
        }
        if (release.minor() <= 23) {
            return of(linkString);
        }
        byte[] d = sha256(linkString);
        if (release.minor() == 24) {
            return le32(d, 8);
        }
        d[0] ^= (byte) 0xff;
        return le32(d, 0);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static int le32(byte[] d, int at) {
        return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8 | (d[at + 2] & 0xff) << 16 | (d[at + 3] & 0xff) << 24;
    }
}
