package io.goheap.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses gdb's {@code ptype/o} output (native/fixtures/ptype-o.txt, gdb 13 in C language mode), each
 * struct keyed by the {@code ==== runtime.NAME} line make-fixtures.sh prints before it: top-level fields
 * with offset, size and Go type; nested struct fields ({@code struct []uint8 {...} name;}) are taken as
 * one field of the outer struct, with the fields gdb printed inside the braces as its {@link Field#nested};
 * zero-size fields (Go's {@code lockRankStruct}) are left out, at every depth.
 */
public final class PtypeFixture {
    /**
     * One field. {@code nested}: the fields of a struct gdb printed inline ({@code []T}, {@code string}, Go's
     * anonymous structs such as p.gFree), in order, their offsets from the start of the outermost struct as
     * gdb prints them; empty for every other field (a named struct type is one line in ptype/o).
     */
    public record Field(String name, long offset, long size, String goType, List<Field> nested) {
    }

    public record Struct(String goName, long size, List<Field> fields) {
    }

    private static final Pattern FIELD = Pattern.compile("^/\\*\\s+(\\d+)\\s+\\|\\s+(\\d+) \\*/\\s+(.*?);$");
    private static final Pattern OPEN = Pattern.compile("^/\\*\\s+(\\d+)\\s+\\|\\s+(\\d+) \\*/\\s+(?:struct )?(.*) \\{$");
    private static final Pattern CLOSE = Pattern.compile("^\\s+} (\\w+);$");
    private static final Pattern TOTAL = Pattern.compile("/\\* total size \\(bytes\\):\\s+(\\d+) \\*/");
    private static final Pattern MARK = Pattern.compile("^==== (\\S+)$");
    private static final Pattern TOP = Pattern.compile("^/\\* offset\\s+\\|\\s+size \\*/\\s+type = struct (.+) \\{$");

    private PtypeFixture() {
    }

    public static Map<String, Struct> parse(Path file) throws IOException {
        Map<String, Struct> out = new LinkedHashMap<>();
        String marked = null;
        String current = null;
        List<Field> fields = null;
        Deque<long[]> open = new ArrayDeque<>();
        Deque<String> openType = new ArrayDeque<>();
        Deque<List<Field>> openFields = new ArrayDeque<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m;
            if ((m = MARK.matcher(line)).matches()) {
                marked = m.group(1);
                continue;
            }
            if ((m = TOP.matcher(line)).matches()) {
                // keyed by the make-fixtures.sh marker: anonymous struct types are printed through a variable
                current = marked != null ? marked : m.group(1);
                fields = new ArrayList<>();
                open.clear();
                openType.clear();
                openFields.clear();
                continue;
            }
            if (current == null) {
                continue;
            }
            if ((m = OPEN.matcher(line)).matches()) {
                open.push(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
                openType.push(m.group(3));
                openFields.push(new ArrayList<>());
                continue;
            }
            if ((m = CLOSE.matcher(line)).matches()) {
                long[] o = open.pop();
                String t = openType.pop();
                List<Field> inner = openFields.pop();
                (open.isEmpty() ? fields : openFields.peek()).add(
                        new Field(m.group(1), o[0], o[1], strip(t), List.copyOf(inner)));
                continue;
            }
            if ((m = FIELD.matcher(line)).matches()) {
                if (Long.parseLong(m.group(2)) > 0) { // Go's zero-size fields (lockRankStruct) have no C twin
                    String decl = m.group(3);
                    int sp = decl.lastIndexOf(' ');
                    String type = decl.substring(0, sp);
                    String name = decl.substring(sp + 1);
                    while (name.startsWith("*")) { // gdb writes "T *name"
                        type = "*" + type;
                        name = name.substring(1);
                    }
                    (open.isEmpty() ? fields : openFields.peek()).add(new Field(name, Long.parseLong(m.group(1)),
                            Long.parseLong(m.group(2)), strip(type), List.of()));
                }
                continue;
            }
            if ((m = TOTAL.matcher(line)).find() && open.isEmpty()) {
                out.put(current, new Struct(current, Long.parseLong(m.group(1)), List.copyOf(fields)));
                current = null;
            }
        }
        return out;
    }

    /**
     * {@code runtime.interfacetype} -> {@code interfacetype}, {@code *runtime._type} -> {@code *_type};
     * gdb's C mode writes Go's {@code unsafe.Pointer} as {@code void *}.
     */
    private static String strip(String goType) {
        String t = goType.replace("runtime.", "").replace(" *", "*").trim();
        return t.equals("*void") ? "unsafe.Pointer" : t;
    }
}
