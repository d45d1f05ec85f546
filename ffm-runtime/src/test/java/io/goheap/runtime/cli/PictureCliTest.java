package io.goheap.runtime.cli;

import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code inspect --svg FILE --png FILE} without {@code --verify-table}: a stress dump's table, crowded
 * enough for collisions, is coloured by probe length in both pictures, and its histogram is the one
 * {@code stress} measured.
 */
class PictureCliTest extends NativeMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void aStressDumpsTableIsColouredByProbeLengthWithoutVerify() throws Exception {
        Path dump = tmp.resolve("stress.core");
        CliTest.Result s = CliTest.run("stress", "--threads", "2", "--types", "400", "--interfaces", "8", "--json", "--dump", dump.toString());
        assertEquals(0, s.rc(), s.err());
        Path svg = tmp.resolve("t.svg");
        Path png = tmp.resolve("t.png");
        CliTest.Result r = CliTest.run("inspect", "dump", dump.toString(), "--itabs", "--svg", svg.toString(), "--png", png.toString());
        assertEquals(0, r.rc(), r.err());
        Files.createDirectories(Path.of("target", "pictures")); // kept to be looked at
        Files.copy(png, Path.of("target", "pictures", "stress.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String doc = Files.readString(svg);
        Matcher m = Pattern.compile("2 slots probed: (\\d+)").matcher(doc);
        assertTrue(m.find(), "the legend counts probe length 2");
        assertTrue(Integer.parseInt(m.group(1)) > 0, "collisions in a table of 3,200 entries: " + m.group());
        assertTrue(doc.contains("load factor"), "the load factor");
        // the histogram read from the dump is the one the simulator measured while it filled the table
        var measured = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.out()).get("probeLengths");
        assertTrue(measured.size() >= 4, s.out());
        for (var e : measured.properties()) {
            assertTrue(doc.contains("<title>probe length " + e.getKey() + ": " + e.getValue().asLong() + "</title>"),
                    "probe length " + e.getKey() + " x " + e.getValue() + " in the histogram");
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() > 500 && image.getHeight() > 500, "a PNG of the pictures");
        long yellow = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                yellow += (image.getRGB(x, y) & 0xffffff) == 0xf1c232 ? 1 : 0;
            }
        }
        assertTrue(yellow > 50, "probe length 2 painted in the PNG: " + yellow + " pixels");
    }

    /** {@code --png} naming the input, or the file {@code --svg} names, is refused before anything is written. */
    @Test
    void pngNamingTheInputIsRefused() throws Exception {
        Path dump = tmp.resolve("d.core");
        assertEquals(0, CliTest.run("stress", "--threads", "2", "--types", "10", "--interfaces", "2", "--dump", dump.toString()).rc());
        long before = Files.size(dump);
        CliTest.Result r = CliTest.run("inspect", "dump", dump.toString(), "--png", dump.toString());
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains("--png"), r.err());
        assertEquals(before, Files.size(dump));
        Path out = tmp.resolve("out");
        r = CliTest.run("inspect", "dump", dump.toString(), "--svg", out.toString(), "--png", tmp.resolve("x/../out").toString());
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains("--svg and --png name the same file"), r.err());
        assertTrue(Files.notExists(out), "nothing written");
    }
}
