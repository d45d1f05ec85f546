package io.goheap.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The committed inspect fixtures (native/fixtures/make-inspect-fixtures.sh), unpacked once per test
 * JVM into target/inspect-fixtures, and the listings made with them: {@code go tool nm} of the
 * binary and what gdb read out of the core.
 */
public final class InspectFixtures {
    private static final Path DIR = Path.of("target", "inspect-fixtures");

    private InspectFixtures() {
    }

    /**
     * The unpacked file of {@code native/fixtures/NAME.gz}: inspect, inspect-stripped, inspect-pie,
     * inspect.core, inspect-stripped.core, inspect-pie.core, inspect.kernel-core.
     */
    public static synchronized Path file(String name) {
        Path out = DIR.resolve(name);
        Path gz = NativeDir.get().resolve("fixtures").resolve(name + ".gz");
        try {
            // unpacked once, and again when the committed fixture is newer (make-inspect-fixtures.sh ran)
            if (Files.isRegularFile(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(gz)) >= 0) {
                return out;
            }
            Files.createDirectories(DIR);
            Path tmp = Files.createTempFile(DIR, name, ".part");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
                 OutputStream o = Files.newOutputStream(tmp)) {
                in.transferTo(o);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            out.toFile().setExecutable(true);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line of {@code go tool nm -size}: address, size, kind letter, name. */
    public record NmSymbol(long address, long size, char kind, String name) {
    }

    /** inspect.nm.txt. */
    public static List<NmSymbol> nm() {
        try {
            return Files.readAllLines(NativeDir.get().resolve("fixtures/inspect.nm.txt")).stream()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.trim().split("\\s+", 4))
                    .filter(f -> f.length == 4)
                    .map(f -> new NmSymbol(Long.parseUnsignedLong(f[0], 16), Long.parseLong(f[1]), f[2].charAt(0), f[3]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** inspect.gdb.txt as key -> value words ("itabTable.size" -> ["512"]). */
    public static Map<String, String[]> gdb() {
        return gdb("inspect.gdb.txt");
    }

    /** A gdb listing of native/fixtures (inspect.gdb.txt, inspect-pie.gdb.txt) as key -> value words. */
    public static Map<String, String[]> gdb(String listing) {
        try {
            Map<String, String[]> out = new HashMap<>();
            for (String l : Files.readAllLines(NativeDir.get().resolve("fixtures").resolve(listing))) {
                if (!l.startsWith("#") && !l.isBlank()) {
                    String[] f = l.trim().split("\\s+");
                    out.put(f[0], java.util.Arrays.copyOfRange(f, 1, f.length));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gdb number: 0x.. hex or decimal. */
    public static long number(String s) {
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }
}
