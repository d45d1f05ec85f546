package io.goheap.runtime.abi;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Go release, {@code 1.N} (the patch level does not change a layout): what a binary's build info
 * names, what {@code --go} asks for, and what each release's pclntab magic says.
 *
 * <p>goheap reads the programs of Go 1.18, 1.19 and 1.21 to 1.27 ({@link #isReadable()}): for 1.19 and
 * 1.21 to 1.27 it holds the measured layouts ({@code native/fixtures/ptype-o-1.N.txt},
 * {@link #HAS_GROUND_TRUTH}); 1.18's runtime structs are 1.19's. Go 1.20 is refused by name: no
 * toolchain of it was at hand to prove its layouts against. Immutable.
 *
 * @param minor N of Go 1.N
 */
public record GoRelease(int minor) implements Comparable<GoRelease> {
    /** Releases with committed ground truth (Debian serves no Go 1.20 toolchain). */
    public static final List<GoRelease> HAS_GROUND_TRUTH = List.of(new GoRelease(19), new GoRelease(21), new GoRelease(22),
            new GoRelease(23), new GoRelease(24), new GoRelease(25), new GoRelease(26), new GoRelease(27));
    /** What the readers decode, for messages. */
    public static final String READABLE = "Go 1.18, 1.19 and 1.21 to 1.27";

    /** {@code go1.N} in a version string ({@code go1.24.4}, {@code go1.21rc2}, {@code devel go1.22-abc}), or {@code 1.N}. */
    private static final Pattern VERSION = Pattern.compile("(?:^|\\s)(?:go)?1\\.(\\d{1,4})(?![\\d])");

    /** Go 1.{@code minor}. @throws IllegalArgumentException if {@code minor} is negative */
    public GoRelease {
        if (minor < 0) {
            throw new IllegalArgumentException("Go 1." + minor);
        }
    }

    /**
     * The release a version string names: {@code go1.24.4}, {@code go1.21rc2}, {@code devel go1.22-abcdef},
     * {@code 1.19}; null if it names none (a devel build without a release, garbage).
     */
    public static GoRelease find(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = VERSION.matcher(version.strip());
        return m.find() ? new GoRelease(Integer.parseInt(m.group(1))) : null;
    }

    /**
     * {@code --go}'s value: {@code 1.N} or {@code go1.N} (a patch level is allowed and ignored).
     *
     * @throws IllegalArgumentException naming the value and the form expected
     */
    public static GoRelease parse(String s) {
        if (s == null || !s.strip().matches("(go)?1\\.\\d{1,4}(\\.\\d{1,4})?")) {
            throw new IllegalArgumentException("'" + s + "' is not a Go release (expected 1.N or go1.N, e.g. 1.19)");
        }
        return find(s.strip());
    }

    /** Whether goheap's readers decode this release's binaries and cores: 1.18 (as 1.19) and every release with ground truth. */
    public boolean isReadable() {
        return minor == 18 || HAS_GROUND_TRUTH.contains(this);
    }

    /** The pcHeader magic this release's linker writes: 1.2-1.15, 1.16-1.17, 1.18-1.19, 1.20 on. */
    public int pclntabMagic() {
        if (minor >= 20) {
            return 0xfffffff1;
        }
        if (minor >= 18) {
            return 0xfffffff0;
        }
        return minor >= 16 ? 0xfffffffa : 0xfffffffb;
    }

    /** The releases a pcHeader magic belongs to, for messages ("Go 1.20 or later"), or "not a Go pclntab". */
    public static String ofMagic(int magic) {
        return switch (magic) {
            case 0xfffffff1 -> "Go 1.20 or later";
            case 0xfffffff0 -> "Go 1.18 or 1.19";
            case 0xfffffffa -> "Go 1.16 or 1.17";
            case 0xfffffffb -> "Go 1.2 to 1.15";
            default -> "not a Go pclntab";
        };
    }

    @Override
    public int compareTo(GoRelease o) {
        return Integer.compare(minor, o.minor);
    }

    /** {@code Go 1.N}. */
    @Override
    public String toString() {
        return "Go 1." + minor;
    }
}
