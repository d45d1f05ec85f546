package io.goheap.runtime.inspect;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code --png FILE}: the {@link Picture pictures} {@link Svg} writes, painted with Java2D into a PNG
 * (headless: no display is needed). Same shapes, colours and labels; no tooltips. 1,010 pixels wide,
 * as tall as the panels need. Stateless: safe from any thread, the image given not being closed
 * meanwhile.
 */
public final class Png {
    private Png() {
    }

    /**
     * The PNG of {@code img}: its table, chunks and Ps from {@code state} (null: the memory map alone);
     * probe lengths from {@code verify} when it is given, else computed from the table.
     */
    public static byte[] render(GoImage img, RuntimeState state, RuntimeState.Verify verify) {
        return encode(paint(Picture.of(img, state, verify)));
    }

    static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    static BufferedImage paint(Picture p) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BufferedImage image = new BufferedImage(Picture.WIDTH, p.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(color(Picture.BACKGROUND, 1));
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (Picture.Shape s : p.shapes) {
                switch (s) {
                    case Picture.Rect r -> {
                        Rectangle2D box = new Rectangle2D.Double(r.x(), r.y(), r.w(), r.h());
                        g.setColor(color(r.fill(), r.opacity()));
                        g.fill(box);
                        if (r.stroke() != null) {
                            g.setColor(color(r.stroke(), 1));
                            g.setStroke(new BasicStroke(0.5f));
                            g.draw(box);
                        }
                    }
                    case Picture.Line l -> {
                        g.setColor(color(l.color(), 1));
                        g.setStroke(new BasicStroke((float) l.width()));
                        g.draw(new Line2D.Double(l.x1(), l.y1(), l.x2(), l.y2()));
                    }
                    case Picture.Poly q -> {
                        Path2D.Double path = new Path2D.Double();
                        path.moveTo(q.xs()[0], q.ys()[0]);
                        for (int i = 1; i < q.xs().length; i++) {
                            path.lineTo(q.xs()[i], q.ys()[i]);
                        }
                        path.closePath();
                        g.setColor(color(q.fill(), 1));
                        g.fill(path);
                    }
                    case Picture.Text t -> {
                        g.setColor(color(t.color(), 1));
                        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, t.size()));
                        g.drawString(t.text(), (float) t.x(), (float) t.y());
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** {@code #rrggbb} at {@code opacity}. */
    private static Color color(String hex, double opacity) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return new Color((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, (int) Math.round(255 * Math.max(0, Math.min(1, opacity))));
    }
}
