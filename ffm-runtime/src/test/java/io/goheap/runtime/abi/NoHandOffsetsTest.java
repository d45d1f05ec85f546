package io.goheap.runtime.abi;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The third proof: no struct offset is typed by hand outside layouts/. Scans ffm-runtime's main
 * sources for the shapes a hand-typed offset takes — a non-zero literal as the offset of a segment
 * access ({@code seg.get(JAVA_INT, 16)}), of {@code asSlice(24, ...)}, or added to an address or offset
 * ({@code base + 24}, {@code addr + 0x18}) — and fails naming file and line. Offsets must come from
 * the jextract classes ({@code itab.hash$offset()}) or a descriptor built on them.
 */
class NoHandOffsetsTest {
    /** The drawing code of inspect's pictures: coordinates in pixels, computed from a model, never an address. */
    static final java.util.Set<String> PICTURES = java.util.Set.of("Picture.java", "Svg.java", "Png.java");
    static final Pattern ACCESS = Pattern.compile("\\.(?:get|set)(?:AtIndex)?\\(\\s*(?:ValueLayout\\.)?\\w+(?:\\$\\w+\\(\\))?\\s*,\\s*(0x[0-9a-fA-F]+|\\d+)L?\\s*[,)]");
    static final Pattern SLICE = Pattern.compile("asSlice\\(\\s*(0x[0-9a-fA-F]+|\\d+)L?\\s*[,)]");
    static final Pattern ADD = Pattern.compile("(?:address\\(\\)|\\b(?:addr|address|base|off|offset|ptr|p|tab|itab|typ|t|seg|chunk|entry|entries|table|x|u|m|s|d)\\w*)\\s*\\+\\s*(0x[0-9a-fA-F]+|\\d+)L?\\b(?!\\s*[*<])");
    /** MemorySegment.copy(src, srcOffset, dst, LITERAL, n): a hand-typed destination offset */
    static final Pattern COPY = Pattern.compile("MemorySegment\\.copy\\([^,]+,[^,]+,[^,]+,\\s*(0x[0-9a-fA-F]+|\\d+)L?\\s*,");

    static List<String> scan(String file, List<String> lines) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                continue; // javadoc diagrams and comments may show offsets
            }
            for (Pattern p : List.of(ACCESS, SLICE, ADD, COPY)) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    long v = Long.decode(m.group(1));
                    // "+ 1" next to a name is counting (mid + 1), not a field offset
                    if (v != 0 && !(p == ADD && v == 1)) {
                        found.add(file + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void mainSourcesTakeEveryOffsetFromTheLayouts() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        // the runtime and the benchmarks; tests may spell out offsets they check against
        for (Path src : List.of(Path.of("src/main/java"), Path.of("../benchmarks/src/main/java"))) {
            assertTrue(Files.isDirectory(src), "run from the ffm-runtime module: " + src.toAbsolutePath());
            try (Stream<Path> s = Files.walk(src)) {
                // the pictures' geometry (pixels: top + 28, x + 16) reads no memory: not offsets
                for (Path p : s.filter(f -> f.toString().endsWith(".java") && !PICTURES.contains(f.getFileName().toString())).toList()) {
                    found.addAll(scan(src.relativize(p).toString(), Files.readAllLines(p)));
                    files++;
                }
            }
        }
        assertTrue(files > 20, "files scanned: " + files);
        assertEquals(List.of(), found, "hand-typed offsets");
    }

    @Test
    void theScanCatchesTheShapesItLooksFor() {
        List<String> bad = List.of(
                "int h = seg.get(ValueLayout.JAVA_INT, 16);",
                "seg.set(JAVA_LONG, 0x18, fn);",
                "MemorySegment u = t.asSlice(80, 16);",
                "long fun1 = base + 32;",
                "long h = itab.address() + 16;",
                "long f = tab + 24;",
                "MemorySegment.copy(MemorySegment.ofArray(CODE_B), 0, code, 16, CODE_B.length);");
        for (String b : bad) {
            assertEquals(1, scan("x.java", List.of(b)).size(), b);
        }
        List<String> good = List.of(
                "int h = seg.get(itab.hash$layout(), itab.hash$offset());",
                "seg.set(ValueLayout.JAVA_LONG, 0, 1);",
                "long fun1 = base + ItabDescriptor.funOffset(1);",
                "long n = count + 1;");
        for (String g : good) {
            assertEquals(0, scan("x.java", List.of(g)).size(), g);
        }
    }
}
