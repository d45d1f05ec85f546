package io.goheap.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The committed per-release inspect fixtures ({@code native/fixtures/releases/1.N/}, made by
 * {@code native/fixtures/make-release-inspect-fixtures.sh} with each release's own toolchain): the
 * binaries and cores, unpacked once per test JVM into {@code target/release-fixtures/1.N/}, and the
 * ground truth beside them (the release's own {@code go tool nm}, DWARF and gdb), parsed.
 */
public final class ReleaseFixtures {
    private static final Path DIR = Path.of("target", "release-fixtures");

    private ReleaseFixtures() {
    }

    /** {@code native/fixtures/releases}. */
    public static Path root() {
        return NativeDir.get().resolve("fixtures").resolve("releases");
    }

    /** The releases with fixtures ({@code 1.19}, {@code 1.21}, ...), in order. */
    public static List<String> releases() {
        try (Stream<Path> s = Files.list(root())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.matches("1\\.\\d+"))
                    .sorted((a, b) -> Integer.compare(minor(a), minor(b))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** N of {@code 1.N}. */
    public static int minor(String release) {
        return Integer.parseInt(release.substring(2));
    }

    /** Whether the release has the file {@code name} (a listing, or {@code NAME.gz}). */
    public static boolean has(String release, String name) {
        return Files.isRegularFile(root().resolve(release).resolve(name)) || Files.isRegularFile(root().resolve(release).resolve(name + ".gz"));
    }

    /** The unpacked {@code releases/REL/NAME.gz} (inspect, inspect-stripped, inspect-pie, inspect-extpie, *.core). */
    public static synchronized Path file(String release, String name) {
        Path gz = root().resolve(release).resolve(name + ".gz");
        Path out = DIR.resolve(release).resolve(name);
        try {
            if (Files.isRegularFile(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(gz)) >= 0) {
                return out;
            }
            Files.createDirectories(out.getParent());
            Path tmp = Files.createTempFile(out.getParent(), name, ".part");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16); OutputStream o = Files.newOutputStream(tmp)) {
                in.transferTo(o);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a listing, without comment and blank lines. */
    public static List<String> lines(String release, String listing) {
        try {
            return Files.readAllLines(root().resolve(release).resolve(listing)).stream()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first comment line of a listing: the exact Go version and tool versions. */
    public static String header(String release, String listing) {
        try {
            return Files.readAllLines(root().resolve(release).resolve(listing)).getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One static itab of {@code itabs*.txt}: link-time address, interface, concrete type, hash, fun words. */
    public record Itab(long address, String inter, String type, int hash, int nfun) {
    }

    /** {@code itabs.txt}, {@code itabs-pie.txt} or {@code itabs-extpie.txt}. */
    public static List<Itab> itabs(String release, String listing) {
        List<Itab> out = new ArrayList<>();
        for (String l : lines(release, listing)) {
            String[] f = l.split("\t");
            out.add(new Itab(number(f[0]), f[1], f[2], (int) number(f[3]), Integer.parseInt(f[6])));
        }
        return out;
    }

    /** {@code types.txt}: runtime type address to DWARF name. */
    public static Map<Long, String> types(String release) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (String l : lines(release, "types.txt")) {
            String[] f = l.split("\t", 2);
            out.put(number(f[0]), f[1]);
        }
        return out;
    }

    /** A gdb listing as its lines split into words (the first word is the key). */
    public static List<String[]> gdb(String release, String listing) {
        return lines(release, listing).stream().map(l -> l.trim().split("\\s+")).toList();
    }

    /** The value words of the first line of {@code rows} with key {@code key}, or null. */
    public static String[] first(List<String[]> rows, String key) {
        for (String[] r : rows) {
            if (r[0].equals(key)) {
                return java.util.Arrays.copyOfRange(r, 1, r.length);
            }
        }
        return null;
    }

    /** The value words of every line of {@code rows} with key {@code key}. */
    public static List<String[]> all(List<String[]> rows, String key) {
        return rows.stream().filter(r -> r[0].equals(key)).map(r -> java.util.Arrays.copyOfRange(r, 1, r.length)).toList();
    }

    /** A number as gdb and the listings print it: 0x.. hex or decimal. */
    public static long number(String s) {
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }
}
