package io.goheap.runtime.iface;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The runtime's {@code cheaprand()} (rand.go, Go 1.22 on): the 32-bit random numbers that gate a
 * call-site cache rebuild ({@link CallSites}). Go keeps one state per M and steps it with wyrand on
 * amd64: {@code s += 0xa0761d6478bd642f}, then the high and low words of the 128-bit product
 * {@code s * (s ^ 0xe7037ed1a0b428db)} xored, truncated to 32 bits.
 *
 * <p>{@link #perThread()} is Go's (a thread is an M here); {@link #ZERO} passes every gate, so each
 * slow-path call rebuilds its cache (deterministic tests, jcstress).
 */
@FunctionalInterface
public interface CheapRand {
    /** Every call returns 0: every {@code cheaprand() & k != 0} gate lets the rebuild through. */
    CheapRand ZERO = () -> 0;

    /** The next number, a {@code uint32} in an {@code int}. */
    int next();

    /**
     * Go's generator with one state per calling thread, each seeded at random on the thread's first call
     * (Go seeds {@code m.cheaprand} when it makes the M). Thread-safe; allocation-free after a thread's
     * first call.
     */
    static CheapRand perThread() {
        ThreadLocal<long[]> states = ThreadLocal.withInitial(() -> new long[] {ThreadLocalRandom.current().nextLong()});
        return () -> {
            long[] s = states.get();
            long v = s[0] += 0xa0761d6478bd642fL;
            return step(v);
        };
    }

    /**
     * Go's generator from {@code state}, for one thread at a time (a reproducible sequence: the M's
     * {@code cheaprand} field set to {@code state}). Not thread-safe.
     */
    static CheapRand sequence(long state) {
        long[] s = {state};
        return () -> step(s[0] += 0xa0761d6478bd642fL);
    }

    /** wyrand's output for the stepped state {@code v}: hi ^ lo of {@code v * (v ^ 0xe7037ed1a0b428db)}. */
    private static int step(long v) {
        long x = v ^ 0xe7037ed1a0b428dbL;
        return (int) (Math.unsignedMultiplyHigh(v, x) ^ (v * x));
    }
}
