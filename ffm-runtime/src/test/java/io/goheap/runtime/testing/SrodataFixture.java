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
 */
public final class SrodataFixture {
    /** One relocation: {@code rel OFF+SIZE t=TYPE TARGET+ADD}. */
    public record Reloc(int off, int size, int type, String target, long add) {
    }

    /** One symbol: name, declared size, bytes (zeros at relocations), relocations. */
    public record Symbol(String name, int size, byte[] bytes, List<Reloc> relocs) {
        /** The relocation at offset {@code off}, or null. */
        public Reloc relocAt(int off) {
            return relocs.stream().filter(r -> r.off() == off).findFirst().orElse(null);
        }

        /** True if byte {@code i} is covered by a relocation. */
        public boolean relocated(int i) {
            return relocs.stream().anyMatch(r -> i >= r.off() && i < r.off() + r.size());
        }
    }

    private static final Pattern HEADER = Pattern.compile("^(\\S.*) S(RODATA|NOPTRDATA|DATA|BSS|NOPTRBSS)\\b.*size=(\\d+)$");
    private static final Pattern ROW = Pattern.compile("^\\t0x([0-9a-f]{4}) ((?:[0-9a-f]{2} ){1,16})");
    private static final Pattern REL = Pattern.compile("^\\trel (\\d+)\\+(\\d+) t=(-?\\d+) (.*)\\+(-?\\d+)$");

    private SrodataFixture() {
    }

    public static Map<String, Symbol> parse(Path file) throws IOException {
        Map<String, Symbol> out = new LinkedHashMap<>();
        String name = null;
        int size = 0;
        byte[] bytes = null;
        List<Reloc> relocs = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                if (name != null) {
                    out.put(name, new Symbol(name, size, bytes, List.copyOf(relocs)));
                }
                name = h.group(1);
                size = Integer.parseInt(h.group(3));
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
                relocs.add(new Reloc(Integer.parseInt(rel.group(1)), Integer.parseInt(rel.group(2)),
                        Integer.parseInt(rel.group(3)), rel.group(4), Long.parseLong(rel.group(5))));
                continue;
            }
            throw new IllegalArgumentException(file + ": unparsed line: " + line);
        }
        if (name != null) {
            out.put(name, new Symbol(name, size, bytes, List.copyOf(relocs)));
        }
        return out;
    }
}
