package io.goheap.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the data blocks of a {@code go build -gcflags=-S} listing (native/fixtures/xer.srodata.txt):
 * <pre>
 * go.itab.main.data,main.Xer SRODATA dupok size=40
 * 	0x0000 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................
 * 	rel 24+8 t=-32767 main.(*data).A+0
 * </pre>
 * Later releases' listings (native/fixtures/asserts-1.N.srodata.txt) name the relocation kind from 1.22
 * ({@code t=R_ADDR}, {@code t=RelocType(-32763)}) and add {@code align=0x...} after the size from 1.27
 * ({@link Symbol#align()}).
 */
public final class SrodataFixture {
    /**
     * One relocation: {@code rel OFF+SIZE t=TYPE TARGET+ADD}. {@code kind} is TYPE as printed; {@code type} is its
     * number where the listing prints one ({@code t=1}, {@code t=RelocType(-32763)}), 0 where it prints a name only
     * ({@code t=R_ADDR}, Go 1.22+).
     */
    public record Reloc(int off, int size, int type, String target, long add, String kind) {
    }

    /**
     * One symbol: name, declared size, bytes (zeros at relocations), relocations, the section kind of its name line
     * ({@code RODATA}, {@code NOPTRDATA}, ...), whether the line says {@code dupok}, and the {@code align=0x..} it
     * prints (Go 1.27 on; -1 where the listing prints none).
     */
    public record Symbol(String name, int size, byte[] bytes, List<Reloc> relocs, String section, boolean dupok, int align) {
        /** The relocation at offset {@code off}, or null. */
        public Reloc relocAt(int off) {
            return relocs.stream().filter(r -> r.off() == off).findFirst().orElse(null);
        }

        /** True if byte {@code i} is covered by a relocation. */
        public boolean relocated(int i) {
            return relocs.stream().anyMatch(r -> i >= r.off() && i < r.off() + r.size());
        }
    }

    private static final Pattern HEADER = Pattern.compile(
            "^(\\S.*) S(RODATA|NOPTRDATA|DATA|BSS|NOPTRBSS)( dupok)?\\b.*size=(\\d+)(?: align=0x([0-9a-f]+))?$");
    private static final Pattern ROW = Pattern.compile("^\\t0x([0-9a-f]{4}) ((?:[0-9a-f]{2} ){1,16})");
    private static final Pattern REL = Pattern.compile(
            "^\\trel (\\d+)\\+(\\d+) t=(-?\\d+|\\w+(?:\\((-?\\d+)\\))?) (.*)\\+(-?\\d+)$");

    private SrodataFixture() {
    }

    public static Map<String, Symbol> parse(Path file) throws IOException {
        Map<String, Symbol> out = new LinkedHashMap<>();
        String name = null;
        int size = 0;
        String section = null;
        boolean dupok = false;
        int align = -1;
        byte[] bytes = null;
        List<Reloc> relocs = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                if (name != null) {
                    out.put(name, new Symbol(name, size, bytes, List.copyOf(relocs), section, dupok, align));
                }
                name = h.group(1);
                section = h.group(2);
                dupok = h.group(3) != null;
                size = Integer.parseInt(h.group(4));
                align = h.group(5) == null ? -1 : Integer.parseInt(h.group(5), 16);
                bytes = new byte[size];
                relocs = new ArrayList<>();
                continue;
            }
            Matcher r = ROW.matcher(line);
            if (r.find()) {
                int base = Integer.parseInt(r.group(1), 16);
                byte[] row = HexFormat.of().parseHex(r.group(2).replace(" ", ""));
                System.arraycopy(row, 0, bytes, base, Math.min(row.length, size - base));
                continue;
            }
            Matcher rel = REL.matcher(line);
            if (rel.matches()) {
                String kind = rel.group(3);
                int type = kind.matches("-?\\d+") ? Integer.parseInt(kind)
                        : rel.group(4) != null ? Integer.parseInt(rel.group(4)) : 0;
                relocs.add(new Reloc(Integer.parseInt(rel.group(1)), Integer.parseInt(rel.group(2)),
                        type, rel.group(5), Long.parseLong(rel.group(6)), kind));
                continue;
            }
            throw new IllegalArgumentException(file + ": unparsed line: " + line);
        }
        if (name != null) {
            out.put(name, new Symbol(name, size, bytes, List.copyOf(relocs), section, dupok, align));
        }
        return out;
    }
}
