package io.goheap.runtime.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --svg FILE}: two pictures in one SVG.
 * <ol>
 *   <li>The memory map: one row per region, in address order, its bar as long as log2 of its size
 *       (regions span bytes to gigabytes), read-only grey and writable blue, with each persistent
 *       chunk inside it marked in orange at its place.</li>
 *   <li>The itabTable: one cell per slot (or per group of slots for tables over 8192 entries), empty
 *       white, occupied coloured by probe length: green at its hash, then yellow, orange and red for
 *       2, 3 and 4+ slots visited (for a group, the mean of its entries, paler the fewer slots it
 *       uses).</li>
 * </ol>
 */
public final class Svg {
    private static final int MAX_CELLS = 8192;
    /** Largest table drawn (its per-slot probe lengths are an int array): 16 M slots, 64 MiB. */
    private static final long MAX_SLOTS = 1 << 24;
    private static final int COLS = 128;
    private static final int CELL = 6;
    /** Pixels between the memory map and the table. */
    private static final int GAP = 50;

    private Svg() {
    }

    /** The SVG document of {@code img} (its table and chunks from {@code state}, probe lengths from {@code verify}; each may be null). */
    public static String render(GoImage img, RuntimeState state, RuntimeState.Verify verify) {
        StringBuilder b = new StringBuilder();
        List<GoImage.Area> areas = new ArrayList<>(img.areas());
        areas.sort((x, y) -> Long.compareUnsigned(x.base(), y.base()));
        List<Long> chunks = state == null || state.chunks() == null ? List.of() : state.chunks();
        // chunk addresses in unsigned order: each region's chunks are found by a binary search
        long[] sortedChunks = chunks.stream().sorted(Long::compareUnsigned).mapToLong(Long::longValue).toArray();
        int rowH = 16;
        int mapTop = 40;
        int mapH = areas.size() * rowH;
        int barX = 330;
        int barW = 600;
        int gridTop = mapH + mapTop + GAP;
        RuntimeState.Table t = state == null ? null : state.table();
        long slots = t == null ? 0 : Math.max(0, t.size());
        long per = Math.max(1, (slots + MAX_CELLS - 1) / MAX_CELLS);
        long cells = slots == 0 ? 0 : (slots + per - 1) / per;
        int gridH = (int) ((cells + COLS - 1) / COLS) * CELL;
        int height = gridTop + gridH + 60;
        int width = barX + barW + 40;
        b.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"monospace\" font-size=\"11\">%n",
                width, height));
        b.append(String.format("<text x=\"10\" y=\"20\" font-size=\"14\">%s: memory map (%d regions, %d persistent chunks)</text>%n",
                esc(img.description()), areas.size(), chunks.size()));
        double maxLog = 1;
        for (GoImage.Area a : areas) {
            maxLog = Math.max(maxLog, log2(a.size()));
        }
        for (int i = 0; i < areas.size(); i++) {
            GoImage.Area a = areas.get(i);
            int y = mapTop + i * rowH;
            double w = Math.max(2, barW * log2(a.size()) / maxLog);
            b.append(String.format("<text x=\"10\" y=\"%d\">%x %-12s %s</text>%n", y + 11, a.base(), size(a.size()), esc(trim(a.name()))));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s 0x%x-0x%x</title></rect>%n",
                    barX, y + 2, w, rowH - 4, a.writable() ? "#6fa8dc" : "#bbbbbb", esc(a.name()), a.base(), a.end()));
            int from = io.goheap.runtime.mem.Floor.index(sortedChunks.length, k -> sortedChunks[k], a.base() - 1);
            for (int k = Math.max(0, from); k < sortedChunks.length && Long.compareUnsigned(sortedChunks[k], a.end()) < 0; k++) {
                long c = sortedChunks[k];
                if (Long.compareUnsigned(c - a.base(), a.size()) < 0) {
                    double x = barX + w * (double) (c - a.base()) / a.size();
                    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"#e69138\"><title>chunk 0x%x</title></rect>%n",
                            x, y, rowH, c));
                }
            }
        }
        if (t != null && slots > MAX_SLOTS) {
            b.append(String.format("<text x=\"10\" y=\"%d\" font-size=\"14\">itabTable 0x%x: size %d, too large to draw</text>%n",
                    gridTop - 12, t.address(), t.size()));
        } else if (t != null) {
            int[] lengths = new int[(int) slots];
            if (verify != null && verify.probeLengths().size() == t.entries().size()) {
                for (int i = 0; i < t.entries().size(); i++) {
                    lengths[(int) t.entries().get(i).slot()] = verify.probeLengths().get(i);
                }
            } else {
                for (RuntimeState.Entry e : t.entries()) {
                    lengths[(int) e.slot()] = 1;
                }
            }
            b.append(String.format("<text x=\"10\" y=\"%d\" font-size=\"14\">itabTable 0x%x: size %d, count %d%s; one cell = %d slot%s</text>%n",
                    gridTop - 12, t.address(), t.size(), t.count(),
                    verify == null ? "" : ", verify " + verify.found() + "/" + verify.of(), per, per == 1 ? "" : "s"));
            for (long c = 0; c < cells; c++) {
                int used = 0;
                long sum = 0;
                for (long s = c * per; s < Math.min(slots, (c + 1) * per); s++) {
                    if (lengths[(int) s] != 0) {
                        used++;
                        sum += Math.max(1, lengths[(int) s]);
                    }
                }
                // a cell of several slots: coloured by the mean probe length of its entries, as opaque as it is full
                double mean = used == 0 ? 0 : (double) sum / used;
                String fill = used == 0 ? "#ffffff" : mean < 1.5 ? "#6aa84f" : mean < 2.5 ? "#f1c232" : mean < 3.5 ? "#e69138" : "#cc0000";
                double opacity = used == 0 ? 1 : Math.max(0.25, (double) used / per);
                b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"#dddddd\" stroke-width=\"0.5\"/>%n",
                        10 + (c % COLS) * CELL, gridTop + (c / COLS) * CELL, CELL, CELL, fill, opacity));
            }
            b.append(String.format("<text x=\"10\" y=\"%d\">white empty, green at its hash, yellow/orange/red: 2/3/4+ slots probed (mean of a cell's entries; paler: fewer of its slots used)</text>%n",
                    gridTop + gridH + 20));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static double log2(long n) {
        return Math.log(Math.max(2, n)) / Math.log(2);
    }

    private static String size(long n) {
        if (n >= 1 << 20) {
            return (n >> 20) + " MiB";
        }
        return n >= 1 << 10 ? (n >> 10) + " KiB" : n + " B";
    }

    private static String trim(String s) {
        return s.length() > 24 ? s.substring(0, 23) + "…" : s;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
