package io.goheap.runtime.sys;

/**
 * Where a Go runtime puts its heap on linux/amd64 ({@code mallocinit}'s arena hints and, from Go 1.26,
 * the randomized heap base): the addresses {@code mheap.sysAlloc} tries, in order, for the heap's
 * arenas, and where in the first arena the first span goes.
 * <ul>
 *   <li><b>Fixed</b> (Go 1.19 to 1.25): hint {@code i} is {@code i<<40 | 0x00c0<<32}, so a heap starts at
 *       {@code 0xc000000000} unless something else holds it; 128 hints in 1.19, 64 from Go 1.20 (the
 *       upper half went to user arenas). The heap starts at the first arena's first byte.</li>
 *   <li><b>Randomized</b> (Go 1.26 on, GOEXPERIMENT randomizedheapbase64): 64 random bits, consumed from
 *       the top ({@code nextHeapRandBits}). 20 of them give a 64 MiB-aligned base below 2^46; hint
 *       {@code i} keeps that base's low 38 bits under the top byte {@code prefix + i} (shifted by 38);
 *       on the first heap growth 4 more bits pick the 4 MiB chunk of the arena the heap starts at, and
 *       22 more a number of 8 KiB pages at its start that stay allocated and unused. The first object
 *       is then at a random page below 2^46 (the real Go 1.26 fixtures show 0x936c..., 0x6c0e...).</li>
 * </ul>
 * Immutable.
 */
public final class ArenaHints {
    /** {@code 0x00c0 << 32}: Go's first fixed hint (malloc.go). */
    public static final long FIXED_BASE = 0x00c0L << 32;
    /** heapAddrBits - 1 - 1 on amd64: the bits a randomized base may use. */
    static final int RAND_ADDR_BITS = 46;
    /** log2(heapArenaBytes). */
    static final int LOG_ARENA = 26;
    /** log2(pallocChunkBytes). */
    static final int LOG_CHUNK = 22;
    /** log2(the heap's page). */
    static final int LOG_PAGE = 13;

    private final boolean randomized;
    private final int count;
    private final long base;
    private final int prefix;
    private final long chunkOffset;
    private final long paddingPages;

    private ArenaHints(boolean randomized, int count, long base, int prefix, long chunkOffset, long paddingPages) {
        this.randomized = randomized;
        this.count = count;
        this.base = base;
        this.prefix = prefix;
        this.chunkOffset = chunkOffset;
        this.paddingPages = paddingPages;
    }

    /** The fixed hints of a Go 1.19 runtime (128 of them). */
    public static ArenaHints fixed() {
        return new ArenaHints(false, 0x80, FIXED_BASE, 0, 0, 0);
    }

    /** The hints of a runtime of Go 1.{@code minor}: fixed up to 1.25 (64 from 1.20), randomized by {@code seed} from 1.26. */
    public static ArenaHints of(int minor, long seed) {
        if (minor >= 26) {
            return randomized(seed);
        }
        return new ArenaHints(false, minor >= 20 ? 0x40 : 0x80, FIXED_BASE, 0, 0, 0);
    }

    /** Go 1.26's randomized hints from the 64 random bits {@code seed} (Go: {@code bootstrapRand()}). */
    public static ArenaHints randomized(long seed) {
        long[] s = {seed};
        int topBits = RAND_ADDR_BITS - LOG_ARENA;
        long base = next(s, topBits) << (RAND_ADDR_BITS - topBits);
        base = (base + (1L << LOG_ARENA) - 1) & -(1L << LOG_ARENA);
        int prefix = (int) (base >>> (RAND_ADDR_BITS - 8)) & 0xff;
        // mheap.grow, first growth: the chunk of the arena, then pages into it
        long chunk = next(s, LOG_ARENA - LOG_CHUNK) << LOG_CHUNK;
        long pages = (next(s, LOG_CHUNK) & -(1L << LOG_PAGE)) >>> LOG_PAGE;
        return new ArenaHints(true, 0x40, base, prefix, chunk, pages);
    }

    /** nextHeapRandBits: the top {@code bits} of the seed, which then moves on by them. */
    private static long next(long[] seed, int bits) {
        long r = seed[0] >>> (64 - bits);
        seed[0] <<= bits;
        return r;
    }

    /** Whether the base is randomized (Go 1.26 on). */
    public boolean randomized() {
        return randomized;
    }

    /** How many hints the heap tries before it takes any address the kernel gives. */
    public int count() {
        return count;
    }

    /**
     * Hint {@code i} (0 first). @throws IndexOutOfBoundsException unless {@code 0 <= i < count()}
     */
    public long hint(int i) {
        java.util.Objects.checkIndex(i, count);
        if (!randomized) {
            return ((long) i << 40) | FIXED_BASE;
        }
        long p = (long) ((prefix + i) & 0xff) << (RAND_ADDR_BITS - 8);
        return p | (base & ~(0xffL << 40));
    }

    /** Bytes into the first arena where the heap begins: a multiple of 4 MiB below 64 MiB, 0 when fixed. */
    public long chunkOffset() {
        return chunkOffset;
    }

    /** Pages at the heap's beginning marked allocated and never used: 0 to 511, 0 when fixed. */
    public long paddingPages() {
        return paddingPages;
    }

    @Override
    public String toString() {
        return randomized ? String.format("randomized heap base: hints from 0x%x, chunk +0x%x, %d padding pages", hint(0), chunkOffset, paddingPages)
                : String.format("fixed hints from 0x%x (%d)", FIXED_BASE, count);
    }
}
