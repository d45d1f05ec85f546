package io.goheap.benchmarks;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves every benchmark runs (one fork, one short iteration each); its numbers mean nothing.
 * The real runs are benchmarks/run.sh.
 */
class BenchmarksSmokeTest {
    /** One fork, one 200 ms iteration of each benchmark {@code include} matches, with {@code params} (name, value, ...). */
    private static Collection<RunResult> smoke(String include, String... params) throws Exception {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(include)
                .forks(1)
                // JMH 1.37 reads field offsets through sun.misc.Unsafe, which JDK 25 warns about in every fork
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
                        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED")
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true);
        for (int i = 0; i < params.length; i += 2) {
            b.param(params[i], params[i + 1]);
        }
        Collection<RunResult> results = new Runner(b.build()).run();
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), r.getParams().getBenchmark() + " score=" + score);
        }
        return results;
    }

    @Test
    void everyBenchmarkRuns() throws Exception {
        Collection<RunResult> results = smoke("io\\.goheap\\.benchmarks\\..*", "size", "24", "pairs", "557");
        assertEquals(4 + 7 + 2 + 21 + 2 + 1 + 6 + 4 + 2, results.size(),
                "benchmarks run: SysAlloc 4, PersistentAlloc 7 (size 24), Large 2, Iface 21, IfaceThreads 2 (557 pairs), Insert 1 (557), "
                        + "AccessFloor 6, CallSite 4, Readme 2 (go 1.19 and 1.27)");
    }

    /** The release parameter: Go 1.27's runtime, its e.(I) through the call-site caches (a different path from 1.19's). */
    @Test
    void aLaterReleaseRuns() throws Exception {
        Collection<RunResult> results = smoke("io\\.goheap\\.benchmarks\\.IfaceBenchmark\\.assertE2I.*", "pairs", "557", "go", "1.27");
        assertEquals(3, results.size(), "assertE2I, assertE2I_one, assertE2I2 at go=1.27");
        for (RunResult r : results) {
            assertEquals("1.27", r.getParams().getParam("go"));
        }
    }
}
