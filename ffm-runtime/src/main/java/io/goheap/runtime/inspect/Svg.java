package io.goheap.runtime.inspect;

import java.util.Locale;

/**
 * {@code --svg FILE}: the {@link Picture pictures} of an image as one SVG document (the memory map to a
 * linear scale with a legend, chunk chain arrows and each P's {@code palloc}; the persistent chunks;
 * the itabTable coloured by probe length; the probe-length histogram and the load factor). Each region,
 * chunk and histogram bar carries a {@code <title>} tooltip with its addresses or count. {@link Png}
 * paints the same model. Stateless: safe from any thread, the image given not being closed meanwhile.
 */
public final class Svg {
    private Svg() {
    }

    /**
     * The SVG document of {@code img}: its table, chunks and Ps from {@code state} (null: the memory map
     * alone); probe lengths from {@code verify} when it is given, else computed from the table.
     */
    public static String render(GoImage img, RuntimeState state, RuntimeState.Verify verify) {
        return render(Picture.of(img, state, verify));
    }

    static String render(Picture p) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"monospace\">%n",
                Picture.WIDTH, p.height));
        b.append(String.format("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", Picture.WIDTH, p.height, Picture.BACKGROUND));
        for (Picture.Panel panel : p.panels) {
            b.append(String.format("<g id=\"%s\" data-y=\"%d\" data-height=\"%d\"/>%n", panel.name().replace(' ', '-'), panel.y(), panel.h()));
        }
        for (Picture.Shape s : p.shapes) {
            switch (s) {
                case Picture.Rect r -> {
                    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", r.x(), r.y(), r.w(), r.h(), r.fill()));
                    if (r.opacity() < 1) {
                        b.append(String.format(Locale.ROOT, " fill-opacity=\"%.2f\"", r.opacity()));
                    }
                    if (r.stroke() != null) {
                        b.append(" stroke=\"").append(r.stroke()).append("\" stroke-width=\"0.5\"");
                    }
                    if (r.title() != null) {
                        b.append("><title>").append(esc(r.title())).append("</title></rect>\n");
                    } else {
                        b.append("/>\n");
                    }
                }
                case Picture.Line l -> b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
                        l.x1(), l.y1(), l.x2(), l.y2(), l.color(), l.width()));
                case Picture.Poly q -> {
                    b.append("<polygon points=\"");
                    for (int i = 0; i < q.xs().length; i++) {
                        b.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", q.xs()[i], q.ys()[i]));
                    }
                    b.append("\" fill=\"").append(q.fill()).append("\"/>\n");
                }
                case Picture.Text t -> b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\" xml:space=\"preserve\">%s</text>%n",
                        t.x(), t.y(), t.size(), t.color(), esc(t.text())));
            }
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
