package io.goheap.runtime.inspect;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unguided mutation campaign over every release's fixtures: the bodies of
 * {@link InspectFuzzTest#releaseBinary} and {@link InspectFuzzTest#releaseCore}, with the same oracle
 * (decode, or fail with a documented exception naming where), driven by a seeded random source instead
 * of the fuzzer's coverage feedback. Without instrumentation a run costs about a millisecond, so a
 * million of each fit in a long run (.ci/mutate.sh: {@code -Dgoheap.mutations=1000000}); the default
 * build runs {@value #DEFAULT} of each. The seed ({@code goheap.mutations.seed}, default the clock) is
 * printed, so a failing run can be replayed.
 */
class InspectMutationTest {
    static final int DEFAULT = 300;

    private static long runs() {
        return Long.getLong("goheap.mutations", DEFAULT);
    }

    private static long seed() {
        return Long.getLong("goheap.mutations.seed", System.nanoTime());
    }

    /** A seeded source of choices: the same seed gives the same runs. */
    static InspectFuzzTest.Choices random(SplittableRandom r) {
        return new InspectFuzzTest.Choices() {
            @Override
            public int intIn(int min, int max) {
                return r.nextInt(min, max + 1);
            }

            @Override
            public long longIn(long min, long max) {
                return max == Long.MAX_VALUE ? r.nextLong(min, max) : r.nextLong(min, max + 1);
            }

            @Override
            public byte[] bytes(int n) {
                byte[] b = new byte[n];
                r.nextBytes(b);
                return b;
            }
        };
    }

    @Test
    void releaseBinaries() {
        campaign("releaseBinary", c -> InspectFuzzTest.releaseBinary(c));
    }

    @Test
    void releaseCores() {
        campaign("releaseCore", c -> {
            try {
                InspectFuzzTest.releaseCore(c);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void campaign(String what, java.util.function.Consumer<InspectFuzzTest.Choices> body) {
        long seed = seed();
        long n = runs();
        SplittableRandom r = new SplittableRandom(seed);
        long start = System.nanoTime();
        for (long i = 0; i < n; i++) {
            long runSeed = r.nextLong();
            try {
                body.accept(random(new SplittableRandom(runSeed)));
            } catch (RuntimeException | Error e) {
                throw new AssertionError(what + " run " + i + " (seed " + seed + ", run seed " + runSeed + ") failed", e);
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %d runs in %.1f s (%.0f/s), seed %d, no failure%n", what, n, s, n / s, seed);
        assertTrue(n >= 0);
    }
}
