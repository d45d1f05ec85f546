package io.goheap.runtime.inspect;

import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.testing.ReleaseFixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The screenshot test of {@code --svg} and {@code --png} on real cores: the PNG (and the SVG, parsed,
 * and rasterized by {@code rsvg-convert} where it is installed) has ink in every panel and at every
 * label, carries its legends and axis labels, and colours the itabTable by probe length without
 * {@code --verify-table}. A blank picture, or one with its labels left out, fails the same checks.
 */
class PictureTest {
    /** Where the pictures are left to be looked at: the PNG, the SVG and rsvg-convert's raster of it. */
    private static final Path OUT = Path.of("target", "pictures");

    /** What a picture of a real core must say, whatever the release. */
    private static final List<String> LABELS = List.of("memory map", "read-only region", "writable region", "persistent chunk (256 KiB)",
            "region size, linear", "persistent chunks:", "offset in the chunk, linear", "itabTable 0x", "load factor",
            "at its hash: ", "probe lengths of the", "probe length (slots visited; 1: at its hash)", "entries", "0.75: Go doubles");

    @ParameterizedTest(name = "Go {0} {1}")
    @CsvSource({"1.19, inspect", "1.27, inspect", "1.27, inspect-stripped", "1.27, inspect-pie"})
    void aRealCoresPicturesAreDrawnAndLabelled(String release, String binary) throws Exception {
        try (ElfFile core = ElfFile.open(ReleaseFixtures.file(release, binary + ".core"));
             ElfFile exe = ElfFile.open(ReleaseFixtures.file(release, binary));
             GoImage img = GoImage.ofCore(core, exe)) {
            RuntimeState st = new RuntimeState(img);
            Picture p = Picture.of(img, st, null);
            // probe lengths without --verify-table: one per entry, the same as verify() records
            List<Integer> lengths = p.probeLengths;
            assertEquals(st.table().entries().size(), lengths.size());
            assertTrue(lengths.stream().allMatch(l -> l >= 1), lengths.toString());
            assertEquals(st.verify().probeLengths(), lengths);
            assertEquals(List.of("memory map", "persistent chunks", "itabTable", "probe lengths"),
                    p.panels.stream().map(Picture.Panel::name).toList());

            byte[] pngBytes = Png.render(img, st, null);
            Files.createDirectories(OUT);
            Files.write(OUT.resolve(binary + ".core-" + release + ".png"), pngBytes); // kept to be looked at
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(pngBytes));
            checkInk(png, p);
            checkProbeColours(png, p);

            String svg = Svg.render(img, st, null);
            List<String> texts = texts(svg);
            for (String l : LABELS) {
                assertTrue(texts.stream().anyMatch(t -> t.contains(l)), "no label \"" + l + "\" in " + texts);
            }
            for (RuntimeState.PInfo pi : st.ps()) {
                if (pi.pallocBase() != 0) {
                    assertTrue(texts.stream().anyMatch(t -> t.startsWith("P" + pi.id() + " +0x" + Long.toHexString(pi.pallocOff()))),
                            "P" + pi.id() + "'s palloc marked: " + texts);
                }
            }
            for (int l : lengths) {
                assertTrue(svg.contains("fill=\"" + Picture.PROBE[Picture.colour(l)] + "\""), "probe length " + l + " coloured");
            }
            Path file = OUT.resolve(binary + ".core-" + release + ".svg");
            Files.writeString(file, svg);
            BufferedImage raster = rasterize(file);
            if (raster != null) {
                checkInk(raster, p);
                checkProbeColours(raster, p);
            }
            BufferedImage browser = browser(file, p.height);
            if (browser != null) {
                checkInk(browser, p);
                checkProbeColours(browser, p);
            }
        }
    }

    /** A binary's picture: its sections to scale, labelled, and nothing about a runtime it does not have. */
    @Test
    void aBinarysPictureIsItsSections() throws Exception {
        try (ElfFile exe = ElfFile.open(ReleaseFixtures.file("1.27", "inspect"));
             GoImage img = GoImage.ofBinary(exe, null)) {
            Picture p = Picture.of(img, null, null);
            assertEquals(List.of("memory map"), p.panels.stream().map(Picture.Panel::name).toList());
            checkInk(ImageIO.read(new ByteArrayInputStream(Png.render(img, null, null))), p);
            List<String> texts = texts(Svg.render(img, null, null));
            assertTrue(texts.stream().anyMatch(t -> t.contains(".text")) && texts.stream().anyMatch(t -> t.contains("read-only section")), texts.toString());
            assertTrue(texts.stream().noneMatch(t -> t.contains("palloc") || t.contains("chunk")), texts.toString());
        }
    }

    /** The checks bite: a blank image, and a picture whose texts are not painted, fail them. */
    @Test
    void aBlankOrUnlabelledPictureFails() throws Exception {
        try (ElfFile core = ElfFile.open(ReleaseFixtures.file("1.19", "inspect.core"));
             ElfFile exe = ElfFile.open(ReleaseFixtures.file("1.19", "inspect"));
             GoImage img = GoImage.ofCore(core, exe)) {
            Picture p = Picture.of(img, new RuntimeState(img), null);
            BufferedImage blank = new BufferedImage(Picture.WIDTH, p.height, BufferedImage.TYPE_INT_RGB);
            blank.getGraphics().fillRect(0, 0, Picture.WIDTH, p.height); // white: the default colour of a fresh Graphics
            assertThrows(AssertionError.class, () -> checkInk(blank, p));
            Picture unlabelled = Picture.of(img, new RuntimeState(img), null);
            unlabelled.shapes.removeIf(s -> s instanceof Picture.Text);
            assertThrows(AssertionError.class, () -> checkInk(Png.paint(unlabelled), p));
            assertThrows(AssertionError.class, () -> checkProbeColours(blank, p));
        }
    }

    /** Every panel has ink on at least 2% of it, and every text of the model has ink in its box. */
    static void checkInk(BufferedImage image, Picture p) {
        assertEquals(Picture.WIDTH, image.getWidth());
        assertEquals(p.height, image.getHeight());
        for (Picture.Panel panel : p.panels) {
            long ink = ink(image, panel.x(), panel.y(), panel.w(), panel.h());
            assertTrue(ink * 50 >= (long) panel.w() * panel.h(), panel.name() + ": " + ink + " drawn pixels of " + panel.w() * panel.h());
        }
        for (Picture.Shape s : p.shapes) {
            if (s instanceof Picture.Text t && !t.text().isBlank()) {
                long ink = ink(image, (int) t.x(), (int) (t.y() - t.size() * 0.8), (int) Math.ceil(t.width()), t.size());
                assertTrue(ink >= Math.min(t.text().strip().length(), 4), "label \"" + t.text() + "\" not drawn: " + ink + " pixels");
            }
        }
    }

    /** Each probe-length colour the entries have is painted, in the itabTable panel. */
    static void checkProbeColours(BufferedImage image, Picture p) {
        Picture.Panel table = p.panels.stream().filter(x -> x.name().equals("itabTable")).findFirst().orElseThrow();
        for (int l : p.probeLengths) {
            int want = Integer.parseInt(Picture.PROBE[Picture.colour(l)].substring(1), 16);
            long n = 0;
            for (int y = table.y(); y < table.y() + table.h() && y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    if (close(image.getRGB(x, y) & 0xffffff, want)) {
                        n++;
                    }
                }
            }
            assertTrue(n >= 9, "probe length " + l + " (" + Picture.PROBE[Picture.colour(l)] + "): " + n + " pixels in the itabTable panel");
        }
    }

    private static boolean close(int rgb, int want) {
        for (int sh = 0; sh <= 16; sh += 8) {
            if (Math.abs(((rgb >> sh) & 0xff) - ((want >> sh) & 0xff)) > 24) {
                return false;
            }
        }
        return true;
    }

    /** Pixels in the box (clipped to the image) that are not the background. */
    private static long ink(BufferedImage image, int x0, int y0, int w, int h) {
        long n = 0;
        for (int y = Math.max(0, y0); y < Math.min(image.getHeight(), y0 + h); y++) {
            for (int x = Math.max(0, x0); x < Math.min(image.getWidth(), x0 + w); x++) {
                if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The text of every {@code <text>} element, the SVG read as XML (so it must be well-formed). */
    private static List<String> texts(String svg) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        NodeList l = d.getElementsByTagName("text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.getLength(); i++) {
            out.add(l.item(i).getTextContent());
        }
        return out;
    }

    /** The program {@code name} on PATH, or null. */
    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    /**
     * The SVG as a browser shows it: a screenshot of it opened in headless Chromium at its own size, one
     * CSS pixel to one pixel; or null (with a note) where no Chromium is installed (Debian: chromium).
     */
    private static BufferedImage browser(Path svg, int height) throws Exception {
        Path chromium = Optional.ofNullable(onPath("chromium")).orElseGet(() -> onPath("chromium-browser"));
        if (chromium == null) {
            System.err.println("PictureTest: no chromium on PATH: the SVG is not checked in a browser");
            return null;
        }
        Path out = svg.toAbsolutePath().resolveSibling(svg.getFileName() + ".chromium.png");
        Files.deleteIfExists(out);
        Path profile = Files.createTempDirectory("picturetest-chromium");
        Process pr = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--default-background-color=ffffffff", "--user-data-dir=" + profile,
                "--window-size=" + Picture.WIDTH + "," + height, "--screenshot=" + out, svg.toAbsolutePath().toUri().toString())
                .redirectErrorStream(true).start();
        String msg = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(pr.waitFor(120, TimeUnit.SECONDS), "chromium timed out");
        assertTrue(Files.isRegularFile(out), "chromium wrote no screenshot: " + msg);
        return ImageIO.read(out.toFile());
    }

    /** The SVG rasterized by rsvg-convert, or null (with a note) where it is not installed. */
    private static BufferedImage rasterize(Path svg) throws Exception {
        if (onPath("rsvg-convert") == null) {
            System.err.println("PictureTest: rsvg-convert not installed (librsvg2-bin): the SVG is parsed, not rasterized");
            return null;
        }
        Path out = svg.resolveSibling(svg.getFileName() + ".rsvg.png");
        Process pr = new ProcessBuilder("rsvg-convert", "-b", "white", "-o", out.toString(), svg.toString())
                .redirectErrorStream(true).start();
        String msg = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(pr.waitFor(60, TimeUnit.SECONDS), "rsvg-convert timed out");
        assertEquals(0, pr.exitValue(), msg);
        return ImageIO.read(out.toFile());
    }
}
