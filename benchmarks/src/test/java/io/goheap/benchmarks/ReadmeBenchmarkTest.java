package io.goheap.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ffm-runtime/README.md's JMH example is ReadmeBenchmark, character for character (which the smoke test runs). */
class ReadmeBenchmarkTest {
    @Test
    void theReadmeShowsTheBenchmarkThatRuns() throws Exception {
        String readme = Files.readString(Path.of("../ffm-runtime/README.md"));
        String open = "<!-- example:jmh -->\n```java\n";
        int a = readme.indexOf(open);
        int b = readme.indexOf("```\n<!-- /example:jmh -->");
        assertTrue(a >= 0 && b > a, "the README's example:jmh block");
        String source = Files.readString(Path.of("src/main/java/io/goheap/benchmarks/ReadmeBenchmark.java"));
        assertEquals(source, readme.substring(a + open.length(), b));
    }
}
