package io.goheap.jcstress;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every jcstress test of this module in jcstress's {@code sanity} mode (seconds): proves the tests
 * are generated, run and pass. The long runs are benchmarks/jcstress/run.sh.
 */
class JcstressSmokeTest {
    @Test
    void everyTestPassesInSanityMode() throws Exception {
        Path out = Files.createTempFile("jcstress", ".log");
        Path results = Files.createTempDirectory("jcstress-results");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.openjdk.jcstress.Main",
                "-v", "-m", "sanity", "-t", "io\\.goheap\\.jcstress\\..*",
                "-jvmArgsPrepend", "--enable-native-access=ALL-UNNAMED", "-r", results.toString()))
                .directory(results.toFile()) // jcstress writes its result blob into the working directory
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "jcstress timed out");
        String log = Files.readString(out);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("io.goheap.jcstress.ChunkPushTest"), log);
        assertTrue(log.contains("io.goheap.jcstress.ChunkPushRaceTest"), log);
        assertTrue(log.contains("io.goheap.jcstress.ItabPublishTest"), log);
        assertTrue(log.contains("io.goheap.jcstress.ItabGrowthTest"), log);
        assertTrue(log.contains("io.goheap.jcstress.CommitPublishTest"), log);
        assertTrue(log.contains("io.goheap.jcstress.CallGateCloseTest"), log);
        assertTrue(log.contains("io.goheap.jcstress.CallSitePublishTest"), log);
        assertTrue(log.contains("io.goheap.jcstress.CallSiteCasRaceTest"), log);
        assertTrue(log.contains("Failed tests: No matches.") && log.contains("Error tests: No matches."), log);
        String last = log.lines().filter(l -> l.startsWith("(Results: ")).reduce((x, y) -> y).orElseThrow();
        Matcher m = Pattern.compile("\\(Results: (\\d+) planned; (\\d+) passed, 0 failed, 0 soft errs, 0 hard errs\\)").matcher(last);
        assertTrue(m.matches() && m.group(1).equals(m.group(2)) && Integer.parseInt(m.group(1)) > 0, last);
        System.out.println("jcstress sanity: " + last);
    }
}
