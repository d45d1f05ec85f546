package io.goheap.runtime.inspect;

import io.goheap.runtime.abi.Abi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pictures of an image, as shapes in pixel coordinates: the one model {@link Svg} writes as SVG and
 * {@link Png} paints with Java2D, so the two show the same thing. Four panels, top to bottom (a binary,
 * without runtime state, has the first alone):
 * <ol>
 *   <li><b>memory map</b>: one row per region in address order, its bar linear in its size on a
 *       labelled axis; a region longer than the axis (the axis ends at the size of the region at the
 *       90th percentile, rounded up to a power of two) is cut with a break mark. Read-only grey,
 *       writable blue, persistent chunks orange in place, arrows along the chunk chain, and where each
 *       P's {@code palloc} (and {@code globalAlloc}) points.</li>
 *   <li><b>persistent chunks</b>: one row per chunk, newest first, each 256 KiB to a linear axis; arrows
 *       from each chunk to the older one its first word links to; each P's {@code palloc} offset marked,
 *       the part before it shaded as used.</li>
 *   <li><b>itabTable</b>: one cell per slot (or group of slots over 8192 slots), empty white, occupied
 *       coloured by probe length (computed always, {@link RuntimeState#probeLengths}), with a legend of
 *       counts and the load factor.</li>
 *   <li><b>probe lengths</b>: a histogram of the entries' probe lengths on a linear count axis, and the
 *       load factor against Go's growth threshold (3/4).</li>
 * </ol>
 *
 * <p>Not thread-safe while it is being built; immutable (and safe to share) once {@link #of} returns.
 */
final class Picture {
    sealed interface Shape permits Rect, Line, Poly, Text {
    }

    /** A filled rectangle; {@code stroke} may be null; {@code title} is the SVG tooltip (may be null). */
    record Rect(double x, double y, double w, double h, String fill, double opacity, String stroke, String title) implements Shape {
    }

    record Line(double x1, double y1, double x2, double y2, String color, double width) implements Shape {
    }

    /** A filled polygon (arrow heads, P markers). */
    record Poly(double[] xs, double[] ys, String fill) implements Shape {
    }

    /** Text from {@code (x, y)}, {@code y} the baseline, in a monospaced font of {@code size} pixels. */
    record Text(double x, double y, String text, int size, String color) implements Shape {
        /** An estimate of the box the text covers (a monospaced glyph is about 0.6 em wide). */
        double width() {
            return text.length() * size * 0.6;
        }
    }

    /** A named area of the picture that must not be empty. */
    record Panel(String name, int x, int y, int w, int h) {
    }

    static final String BACKGROUND = "#ffffff";
    static final String READ_ONLY = "#bbbbbb";
    static final String WRITABLE = "#6fa8dc";
    static final String CHUNK = "#e69138";
    static final String USED = "#f9cb9c";
    static final String ARROW = "#7f3f00";
    static final String P_MARK = "#000000";
    /** Probe length 1, 2, 3, 4 and more, then unknown (-1). */
    static final String[] PROBE = {"#6aa84f", "#f1c232", "#e69138", "#cc0000", "#674ea7"};

    private static final int MAX_CELLS = 8192;
    /** Largest table drawn (its per-slot probe lengths are an int array): 16 M slots, 64 MiB. */
    private static final long MAX_SLOTS = 1 << 24;
    /** Most chunks given a row of their own. */
    private static final int MAX_CHUNK_ROWS = 32;
    /** Most chunks with chain arrows in the memory map. */
    private static final int MAX_MAP_ARROWS = 64;
    /** Most regions given a row of the memory map (a hostile core may have thousands). */
    private static final int MAX_REGION_ROWS = 256;
    /** Most chunks marked in the memory map (the chain may hold a million). */
    private static final int MAX_CHUNK_MARKS = 4096;
    private static final int COLS = 128;
    private static final int CELL = 6;
    private static final int ROW = 16;
    private static final int LABEL_X = 10;
    private static final int BAR_X = 350;
    private static final int BAR_W = 600;
    static final int WIDTH = BAR_X + BAR_W + 60;

    final List<Shape> shapes = new ArrayList<>();
    final List<Panel> panels = new ArrayList<>();
    /** Each entry's probe length, as coloured. */
    final List<Integer> probeLengths;
    int height;

    private Picture(List<Integer> probeLengths) {
        this.probeLengths = probeLengths;
    }

    /**
     * The pictures of {@code img}: its table, chunks and Ps from {@code state} (null: the memory map
     * alone), probe lengths from {@code verify} when given, else computed.
     */
    static Picture of(GoImage img, RuntimeState state, RuntimeState.Verify verify) {
        RuntimeState.Table t = state == null ? null : state.table();
        List<Integer> lengths = t == null ? List.of()
                : verify != null && verify.probeLengths().size() == t.entries().size() ? verify.probeLengths() : state.probeLengths();
        Picture p = new Picture(lengths);
        int y = 10;
        y = p.memoryMap(img, state, y);
        if (state != null) { // a binary has no runtime state: its sections alone
            y = p.chunks(state, y + 30);
        }
        if (t != null) {
            y = p.table(t, verify, y + 30);
            if (t.size() <= MAX_SLOTS && !t.entries().isEmpty()) {
                y = p.histogram(t, y + 30);
            }
        }
        p.height = y + 20;
        return p;
    }

    // ---- memory map ----

    private int memoryMap(GoImage img, RuntimeState state, int top) {
        List<GoImage.Area> areas = new ArrayList<>(img.areas());
        areas.sort((x, z) -> Long.compareUnsigned(x.base(), z.base()));
        List<Long> chunks = state == null || state.chunks() == null ? List.of() : state.chunks();
        int y = top;
        text(LABEL_X, y += 14, img.description() + ": memory map (" + areas.size() + " regions"
                + (state == null ? ")" : ", " + chunks.size() + " persistent chunks)"), 14);
        y += 8;
        y = legend(y, state == null ? new String[][] {{READ_ONLY, "read-only section"}, {WRITABLE, "writable section"}}
                : new String[][] {{READ_ONLY, "read-only region"}, {WRITABLE, "writable region"}, {CHUNK, "persistent chunk (256 KiB)"},
                {ARROW, "→ chunk chain (first word: the older chunk)"}, {P_MARK, "▲ where P's palloc (and globalAlloc) points"}});
        long axis = axisMax(areas);
        y = axis(y + 4, axis, "region size, linear (ADDRESS SIZE NAME on the left; ≈ cut: longer than the axis)");
        int rows = y;
        double perByte = BAR_W / (double) axis;
        // chunk addresses in unsigned order: each region's chunks are found by a binary search
        long[] sorted = chunks.stream().sorted(Long::compareUnsigned).mapToLong(Long::longValue).toArray();
        int marks = 0;
        int drawn = Math.min(areas.size(), MAX_REGION_ROWS);
        // chunk and palloc positions, for the arrows and marks drawn over the rows
        java.util.Map<Long, double[]> at = new java.util.HashMap<>();
        for (int i = 0; i < drawn; i++) {
            GoImage.Area a = areas.get(i);
            int ry = rows + i * ROW;
            boolean cut = Long.compareUnsigned(a.size(), axis) > 0;
            double w = cut ? BAR_W : Math.max(1.5, a.size() * perByte);
            text(LABEL_X, ry + 11, String.format("%16x %-9s %s", a.base(), size(a.size()), trim(a.name())), 11);
            shapes.add(new Rect(BAR_X, ry + 2, w, ROW - 4, a.writable() ? WRITABLE : READ_ONLY, 1, null,
                    String.format("%s 0x%x-0x%x, %s", a.name(), a.base(), a.end(), size(a.size()))));
            if (cut) {
                for (int k = 0; k < 2; k++) {
                    double bx = BAR_X + BAR_W - 16 + 5 * k;
                    shapes.add(new Line(bx, ry + ROW, bx + 4, ry, BACKGROUND, 2));
                }
            }
            int from = io.goheap.runtime.mem.Floor.index(sorted.length, k -> sorted[k], a.base() - 1);
            for (int k = Math.max(0, from); k < sorted.length && marks < MAX_CHUNK_MARKS
                    && Long.compareUnsigned(sorted[k], a.end()) < 0; k++) {
                long c = sorted[k];
                if (Long.compareUnsigned(c - a.base(), a.size()) < 0) {
                    marks++;
                    double x = Math.min(BAR_X + w - 3, BAR_X + (c - a.base()) * perByte);
                    shapes.add(new Rect(x, ry, Math.max(3, Abi.PERSISTENT_CHUNK_SIZE * perByte), ROW, CHUNK, 1, null,
                            String.format("chunk 0x%x", c)));
                    at.put(c, new double[] {x, ry + ROW / 2.0});
                }
            }
            if (state != null && state.ps() != null) {
                for (RuntimeState.PInfo pi : state.ps()) {
                    long pa = pi.pallocBase() + pi.pallocOff();
                    if (pi.pallocBase() != 0 && Long.compareUnsigned(pa - a.base(), a.size()) < 0) {
                        double x = Math.min(BAR_X + w, BAR_X + (pa - a.base()) * perByte);
                        mark(x, ry + ROW, "P" + pi.id(), true);
                    }
                }
                RuntimeState.GlobalAllocInfo g = state.globalAlloc();
                if (g != null && g.base() != 0 && Long.compareUnsigned(g.base() + g.off() - a.base(), a.size()) < 0) {
                    mark(Math.min(BAR_X + w, BAR_X + (g.base() + g.off() - a.base()) * perByte), ry + ROW, "global", true);
                }
            }
        }
        for (int k = 0; k + 1 < chunks.size() && k < MAX_MAP_ARROWS; k++) {
            double[] from = at.get(chunks.get(k));
            double[] to = at.get(chunks.get(k + 1));
            if (from != null && to != null && (from[0] != to[0] || from[1] != to[1])) {
                arrow(from[0] + 1, from[1], to[0] + 1, to[1]);
            }
        }
        int bottom = rows + drawn * ROW + 12; // room for the P labels under the last row
        if (drawn < areas.size()) {
            text(LABEL_X, bottom += 4, (areas.size() - drawn) + " regions at higher addresses not drawn", 11);
            bottom += 6;
        }
        if (marks == MAX_CHUNK_MARKS) {
            text(LABEL_X, bottom += 14, "only the first " + MAX_CHUNK_MARKS + " chunks by address are marked", 11);
            bottom += 6;
        }
        panels.add(new Panel("memory map", 0, top, WIDTH, bottom - top));
        return bottom;
    }

    /** The power of two at or above the size of the region at the 90th percentile (at least 4 KiB). */
    private static long axisMax(List<GoImage.Area> areas) {
        long[] sizes = areas.stream().mapToLong(GoImage.Area::size).sorted().toArray();
        long s = sizes.length == 0 ? 4096 : sizes[Math.min(sizes.length - 1, (int) Math.ceil(sizes.length * 0.9) - 1)];
        return Math.max(4096, Long.highestOneBit(Math.max(1, s - 1)) << 1);
    }

    /** An axis over the bars from 0 to {@code max} bytes, ticks at quarters, and its caption; returns the y below. */
    private int axis(int top, long max, String caption) {
        text(BAR_X, top + 10, caption, 10);
        int ay = top + 28;
        shapes.add(new Line(BAR_X, ay, BAR_X + BAR_W, ay, "#000000", 1));
        for (int q = 0; q <= 4; q++) {
            double x = BAR_X + BAR_W * q / 4.0;
            shapes.add(new Line(x, ay - 4, x, ay, "#000000", 1));
            String l = q == 0 ? "0" : size(max / 4 * q);
            text(x - (q == 0 ? 0 : q == 4 ? l.length() * 6 : l.length() * 3), ay - 6, l, 10);
        }
        return ay + 4;
    }

    // ---- persistent chunks ----

    private int chunks(RuntimeState state, int top) {
        int y = top;
        List<Long> chunks = state == null ? null : state.chunks();
        List<RuntimeState.PInfo> ps = state == null || state.ps() == null ? List.of() : state.ps();
        if (chunks == null || chunks.isEmpty()) {
            text(LABEL_X, y += 14, "persistent chunks: " + (chunks == null ? "not located" : "none"), 14);
            panels.add(new Panel("persistent chunks", 0, top, WIDTH, y + 6 - top));
            return y + 6;
        }
        text(LABEL_X, y += 14, String.format("persistent chunks: %d, newest first (%s)", chunks.size(),
                state.chunksFoundBy() == null ? "" : "by " + state.chunksFoundBy()), 14);
        y += 8;
        y = legend(y, new String[][] {{CHUNK, "free part of a chunk"}, {USED, "used before the P's palloc offset"},
                {ARROW, "→ older chunk (the first word)"}, {P_MARK, "▲ P's palloc (base + off)"}});
        long size = Abi.PERSISTENT_CHUNK_SIZE;
        y = axis(y + 4, size, "offset in the chunk, linear");
        double perByte = BAR_W / (double) size;
        int rows = Math.min(chunks.size(), MAX_CHUNK_ROWS);
        for (int i = 0; i < rows; i++) {
            long c = chunks.get(i);
            int ry = y + i * (ROW + 6);
            text(LABEL_X, ry + 11, String.format("#%-3d %12x%s", i, c, i == 0 ? "  (head)" : ""), 11);
            shapes.add(new Rect(BAR_X, ry + 2, BAR_W, ROW - 4, CHUNK, 1, null, String.format("chunk 0x%x", c)));
            if (state.globalAlloc() != null && state.globalAlloc().base() == c) {
                used(c, state.globalAlloc().off(), ry, perByte, "global");
            }
            for (RuntimeState.PInfo pi : ps) {
                if (pi.pallocBase() == c) {
                    used(c, pi.pallocOff(), ry, perByte, "P" + pi.id());
                }
            }
            if (i + 1 < rows) {
                arrow(BAR_X - 12, ry + ROW / 2.0, BAR_X - 12, ry + ROW + 6 + ROW / 2.0);
                shapes.add(new Line(BAR_X - 12, ry + ROW / 2.0, BAR_X, ry + ROW / 2.0, ARROW, 1));
            }
        }
        y += rows * (ROW + 6) + 6;
        if (chunks.size() > rows) {
            text(LABEL_X, y += 12, (chunks.size() - rows) + " older chunks not drawn", 11);
        }
        java.util.Set<Long> chain = new java.util.HashSet<>(chunks);
        for (RuntimeState.PInfo pi : ps) {
            if (pi.pallocBase() == 0) {
                text(LABEL_X, y += 14, "P" + pi.id() + ": palloc holds no chunk", 11);
            } else if (!chain.contains(pi.pallocBase())) {
                text(LABEL_X, y += 14, String.format("P%d: palloc chunk 0x%x is not in the chain", pi.id(), pi.pallocBase()), 11);
            }
        }
        panels.add(new Panel("persistent chunks", 0, top, WIDTH, y + 6 - top));
        return y + 6;
    }

    /** The used part {@code [0, off)} of chunk {@code c}'s row at {@code ry}, and a mark at {@code off}. */
    private void used(long c, long off, int ry, double perByte, String who) {
        double w = Math.min(BAR_W, Math.max(0, off) * perByte);
        shapes.add(new Rect(BAR_X, ry + 2, w, ROW - 4, USED, 1, null, String.format("%s: 0x%x + 0x%x used", who, c, off)));
        mark(BAR_X + w, ry + ROW, who + " +0x" + Long.toHexString(off), false);
    }

    // ---- itabTable ----

    private int table(RuntimeState.Table t, RuntimeState.Verify verify, int top) {
        int y = top;
        long slots = Math.max(0, t.size());
        double load = slots == 0 ? 0 : (double) t.count() / slots;
        if (slots > MAX_SLOTS) {
            text(LABEL_X, y += 14, String.format("itabTable 0x%x: size %d, too large to draw", t.address(), t.size()), 14);
            panels.add(new Panel("itabTable", 0, top, WIDTH, y + 6 - top));
            return y + 6;
        }
        long per = Math.max(1, (slots + MAX_CELLS - 1) / MAX_CELLS);
        long cells = slots == 0 ? 0 : (slots + per - 1) / per;
        text(LABEL_X, y += 14, String.format(Locale.ROOT, "itabTable 0x%x: size %d, count %d, load factor %.3f%s; one cell = %d slot%s",
                t.address(), t.size(), t.count(), load, verify == null ? "" : ", verify " + verify.found() + "/" + verify.of(),
                per, per == 1 ? "" : "s"), 14);
        y += 8;
        int[] byLength = new int[5];
        for (int l : probeLengths) {
            byLength[colour(l)]++;
        }
        y = legend(y, new String[][] {{BACKGROUND, "empty"}, {PROBE[0], "at its hash: " + byLength[0]},
                {PROBE[1], "2 slots probed: " + byLength[1]}, {PROBE[2], "3: " + byLength[2]}, {PROBE[3], "4+: " + byLength[3]},
                {PROBE[4], "unknown: " + byLength[4]}});
        if (per > 1) {
            text(LABEL_X, y += 12, "a cell of several slots: the mean probe length of its entries, paler the fewer of its slots are used", 10);
            y += 4;
        }
        int[] lengths = new int[(int) slots];
        for (int i = 0; i < t.entries().size() && i < probeLengths.size(); i++) {
            long s = t.entries().get(i).slot();
            if (s >= 0 && s < slots) {
                lengths[(int) s] = probeLengths.get(i) < 1 ? -1 : probeLengths.get(i);
            }
        }
        int gridTop = y + 4;
        for (long c = 0; c < cells; c++) {
            int used = 0;
            int unknown = 0;
            long sum = 0;
            for (long s = c * per; s < Math.min(slots, (c + 1) * per); s++) {
                int l = lengths[(int) s];
                if (l > 0) {
                    used++;
                    sum += l;
                } else if (l < 0) {
                    unknown++;
                }
            }
            String fill;
            double opacity = 1;
            if (used == 0) {
                fill = unknown == 0 ? BACKGROUND : PROBE[4];
            } else {
                double mean = (double) sum / used;
                fill = PROBE[colour((int) Math.round(mean))];
                opacity = Math.max(0.25, (double) (used + unknown) / per);
            }
            shapes.add(new Rect(LABEL_X + (c % COLS) * CELL, gridTop + (c / COLS) * CELL, CELL, CELL, fill, opacity, "#dddddd", null));
        }
        int gridH = (int) ((cells + COLS - 1) / COLS) * CELL;
        text(LABEL_X, gridTop + gridH + 14, "slot 0 top left, " + COLS * per + " slots a row", 10);
        int bottom = gridTop + gridH + 20;
        panels.add(new Panel("itabTable", 0, top, WIDTH, bottom - top));
        return bottom;
    }

    /** The index into {@link #PROBE} of probe length {@code l}. */
    static int colour(int l) {
        return l < 1 ? 4 : Math.min(l, 4) - 1;
    }

    // ---- histogram ----

    private int histogram(RuntimeState.Table t, int top) {
        int y = top;
        int max = 1;
        int unknown = 0;
        for (int l : probeLengths) {
            if (l < 1) {
                unknown++;
            } else {
                max = Math.max(max, l);
            }
        }
        int bins = Math.min(Math.max(max, 4), 16); // the last bin holds every length from it on
        int[] count = new int[bins + 1];
        for (int l : probeLengths) {
            count[l < 1 ? bins : Math.min(l, bins) - 1]++;
        }
        if (unknown == 0) {
            count = java.util.Arrays.copyOf(count, bins);
        }
        double load = t.size() == 0 ? 0 : (double) t.count() / t.size();
        text(LABEL_X, y += 14, String.format(Locale.ROOT, "probe lengths of the %d entries (slots visited from the hash; mean %.2f)",
                probeLengths.size(), probeLengths.stream().filter(l -> l > 0).mapToInt(Integer::intValue).average().orElse(0)), 14);
        int top2 = y + 24;
        int chartH = 140;
        int chartX = 70;
        int barW = Math.min(40, (BAR_W - 40) / count.length);
        int axisX = chartX + count.length * (barW + 4) + 4;
        int peak = java.util.Arrays.stream(count).max().orElse(1);
        long yMax = niceCeil(Math.max(1, peak));
        int base = top2 + chartH;
        shapes.add(new Line(chartX, top2, chartX, base, "#000000", 1));
        shapes.add(new Line(chartX, base, axisX, base, "#000000", 1));
        for (int q = 0; q <= 4; q++) {
            double ty = base - chartH * q / 4.0;
            shapes.add(new Line(chartX - 4, ty, chartX, ty, "#000000", 1));
            String l = Long.toString(yMax * q / 4);
            text(chartX - 6 - l.length() * 6, ty + 4, l, 10);
        }
        text(LABEL_X, top2 - 10, "entries", 10);
        for (int i = 0; i < count.length; i++) {
            double x = chartX + 4 + i * (barW + 4);
            double h = chartH * (double) count[i] / yMax;
            boolean unk = unknown > 0 && i == count.length - 1;
            String fill = unk ? PROBE[4] : PROBE[colour(i + 1)];
            shapes.add(new Rect(x, base - h, barW, h, fill, 1, "#444444", (unk ? "unknown" : "probe length " + (i + 1)) + ": " + count[i]));
            String label = unk ? "?" : i == bins - 1 && max > bins ? (i + 1) + "+" : Integer.toString(i + 1);
            text(x + barW / 2.0 - label.length() * 3, base + 12, label, 10);
            if (count[i] > 0) {
                String n = Integer.toString(count[i]);
                text(x + barW / 2.0 - n.length() * 3, base - h - 3, n, 10);
            }
        }
        text(chartX, base + 26, "probe length (slots visited; 1: at its hash)", 10);
        // the load factor against Go's threshold: itabAdd doubles the table once count reaches 3/4 of size
        int ly = base + 44;
        int lx = axisX + 30;
        int lw = Math.max(120, WIDTH - lx - 30);
        text(lx, top2 + 10, String.format(Locale.ROOT, "load factor %d/%d = %.3f", t.count(), t.size(), load), 12);
        shapes.add(new Rect(lx, top2 + 20, lw, 14, "#eeeeee", 1, "#444444", null));
        shapes.add(new Rect(lx, top2 + 20, lw * Math.max(0, Math.min(1, load)), 14, load >= 0.75 ? PROBE[3] : WRITABLE, 1, null,
                String.format(Locale.ROOT, "load factor %.3f", load)));
        shapes.add(new Line(lx + lw * 0.75, top2 + 16, lx + lw * 0.75, top2 + 38, "#cc0000", 2));
        text(lx, top2 + 50, "0", 10);
        text(lx + lw * 0.75 - 40, top2 + 50, "0.75: Go doubles", 10);
        text(lx + lw - 6, top2 + 50, "1", 10);
        panels.add(new Panel("probe lengths", 0, top, WIDTH, ly - top));
        return ly;
    }

    /** 1, 2, 4, 5 or 8 times a power of ten, at or above {@code n}, and divisible by 4 where it is at least 20. */
    private static long niceCeil(long n) {
        for (long p = 1; ; p *= 10) {
            for (long m : new long[] {1, 2, 4, 5, 8}) {
                long v = m * p;
                if (v >= n && (v < 20 || v % 4 == 0)) {
                    return Math.max(4, v);
                }
            }
        }
    }

    // ---- drawing helpers ----

    /** One row of swatches and captions from {@code items} ({colour, caption}); returns the y below. */
    private int legend(int top, String[][] items) {
        double x = LABEL_X;
        int y = top;
        for (String[] it : items) {
            double w = 16 + it[1].length() * 7.0 + 18;
            if (x + w > WIDTH) {
                x = LABEL_X;
                y += 16;
            }
            shapes.add(new Rect(x, y + 2, 12, 12, it[0], 1, "#444444", null));
            text(x + 16, y + 12, it[1], 11);
            x += w;
        }
        return y + 18;
    }

    private void text(double x, double y, String s, int size) {
        shapes.add(new Text(x, y, s, size, "#000000"));
    }

    private void arrow(double x1, double y1, double x2, double y2) {
        shapes.add(new Line(x1, y1, x2, y2, ARROW, 1.2));
        double a = Math.atan2(y2 - y1, x2 - x1);
        double l = 7;
        shapes.add(new Poly(new double[] {x2, x2 - l * Math.cos(a - 0.4), x2 - l * Math.cos(a + 0.4)},
                new double[] {y2, y2 - l * Math.sin(a - 0.4), y2 - l * Math.sin(a + 0.4)}, ARROW));
    }

    /**
     * A P marker: a triangle pointing up at {@code (x, y)}, labelled below it, or ({@code inRow}) on a
     * white box inside the row above {@code y}, where the next row leaves no room below.
     */
    private void mark(double x, double y, String label, boolean inRow) {
        shapes.add(new Poly(new double[] {x, x - 4, x + 4}, new double[] {y - 6, y + 1, y + 1}, P_MARK));
        if (inRow) {
            shapes.add(new Rect(x + 5, y - 12, label.length() * 5.4 + 2, 10, BACKGROUND, 0.85, null, null));
            text(x + 6, y - 4, label, 9);
        } else {
            text(x + 5, y + 4, label, 9);
        }
    }

    static String size(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1 << 20) {
            return n % (1 << 20) == 0 ? (n >> 20) + " MiB" : String.format(Locale.ROOT, "%.1f MiB", n / (double) (1 << 20));
        }
        return n >= 1 << 10 ? (n >> 10) + " KiB" : n + " B";
    }

    private static String trim(String s) {
        return s.length() > 24 ? s.substring(0, 23) + "…" : s;
    }
}
