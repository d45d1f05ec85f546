package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After {@code package}: the packaged modules on a real module path, and the {@code goheap} launcher
 * itself (which finds the jar fresh and does not rebuild), exactly as a user runs them.
 */
class LauncherIT {
    static final Path ROOT = Path.of(System.getProperty("goheap.root", "..")).toAbsolutePath().normalize();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    record Run(int rc, String out, String err) {
    }

    static Run run(List<String> cmd) throws Exception {
        return run(cmd, java.util.Map.of());
    }

    static Run run(List<String> cmd, java.util.Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("goheap", ".out");
        Path err = Files.createTempFile("goheap", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("GOHEAP_JAVA", JAVA);
            pb.environment().putAll(env);
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void theModulesRunOnAModulePath() throws Exception {
        Path target = ROOT.resolve("ffm-runtime/target");
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=io.goheap.runtime,io.goheap.layouts",
                "-p", target.resolve("goheap-runtime.jar") + ":" + target.resolve("lib"),
                "-m", "io.goheap.runtime/io.goheap.runtime.cli.GoheapCli", "layout", "itab", "--json"));
        Run r = run(cmd);
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(32, j.get("size").asInt());
        assertTrue(r.err().isEmpty(), "no warnings with native access granted: " + r.err());
    }

    @Test
    void theLauncherRunsTheDemoAndReportsBadInputInOneLine() throws Exception {
        Run demo = run(List.of("bash", "goheap", "demo"));
        assertEquals(0, demo.rc(), demo.err());
        assertTrue(demo.out().contains("go.itab.main.data,main.Xer"), demo.out());
        assertTrue(!demo.err().contains("building"), "the jar was fresh, no rebuild: " + demo.err());
        Run bad = run(List.of("bash", "goheap", "layout", "nosuch"));
        assertEquals(1, bad.rc());
        assertEquals(1, bad.err().lines().count(), bad.err());
        Run usage = run(List.of("bash", "goheap", "--bogus"));
        assertEquals(2, usage.rc());
        assertEquals(1, usage.err().lines().count(), usage.err());
    }

    /** A 47 MB core inspected by a JVM with a 24 MB heap: the file is mapped, never read into the heap. */
    @Test
    void aCoreLargerThanTheHeapIsMappedNotRead() throws Exception {
        Path core = io.goheap.runtime.testing.InspectFixtures.file("inspect.core").toAbsolutePath();
        Path exe = io.goheap.runtime.testing.InspectFixtures.file("inspect").toAbsolutePath();
        assertTrue(Files.size(core) > 40L << 20);
        Run r = run(List.of("bash", "goheap", "inspect", "core", core.toString(), "--binary", exe.toString(), "--verify-table", "--json"),
                java.util.Map.of("JDK_JAVA_OPTIONS", "-Xmx24m"));
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(34, j.get("verify").get("found").asInt());
        assertEquals(34, j.get("verify").get("of").asInt());
    }
}
