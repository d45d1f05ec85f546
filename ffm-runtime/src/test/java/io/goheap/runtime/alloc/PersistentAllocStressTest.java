package io.goheap.runtime.alloc;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every P allocating mixed sizes and alignments at once, plus threads without a P on the global path,
 * for a fixed time; afterwards: no two blocks overlap (a bitmap over every chunk), every block is
 * aligned and inside a chunk of the chain, the chain holds exactly the chunks that were mapped, and the
 * stats add up to the byte.
 * <p>{@code -Dgoheap.stress.threads=N} (default 2 x GOMAXPROCS + 1, GOMAXPROCS = 4),
 * {@code -Dgoheap.stress.millis=M} (default 1500), {@code -Dgoheap.stress.maxBlocksPerThread=B}
 * (default 100000, which bounds memory and the number of chunks mapped).
 */
class PersistentAllocStressTest extends NativeMemoryTest {
    static final SysStat[] STATS = {SysStat.OTHER_SYS, SysStat.GC_MISC_SYS, SysStat.MSPAN_SYS, SysStat.BUCKHASH_SYS};

    record Block(long addr, long size, long align, SysStat stat) {
    }

    @Test
    void concurrentAllocationsNeverOverlapAndTheStatsAddUp() throws Exception {
        int procs = 4;
        int threads = Integer.getInteger("goheap.stress.threads", 2 * procs + 1);
        long millis = Long.getLong("goheap.stress.millis", 1500);
        int maxBlocks = Integer.getInteger("goheap.stress.maxBlocksPerThread", 100_000);
        try (GoRuntime rt = GoRuntime.start(procs)) {
            PersistentAlloc pa = rt.persistentAlloc();
            List<List<Block>> perThread = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch go = new CountDownLatch(1);
            long deadline = System.nanoTime() + millis * 1_000_000;
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Block> mine = new ArrayList<>();
                perThread.add(mine);
                boolean withP = t < 2 * procs; // the rest stay without a P: the global path
                long seed = t;
                ts.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    try {
                        go.await();
                        while (System.nanoTime() < deadline && mine.size() < maxBlocks) {
                            P p = withP ? rt.procs().acquire() : null;
                            try {
                                for (int i = 0; i < 64; i++) {
                                    long size = switch (r.nextInt(10)) {
                                        case 0 -> 1 + r.nextInt(8);
                                        case 1, 2, 3 -> 24;
                                        case 4, 5 -> 8 + 8 * r.nextInt(16);
                                        case 6, 7 -> 1 + r.nextInt(4096);
                                        case 8 -> 4096 + r.nextInt(60_000);
                                        default -> r.nextInt(1000) == 0 ? PersistentAlloc.MAX_BLOCK + r.nextInt(4096) : 40;
                                    };
                                    long align = r.nextInt(4) == 0 ? 1L << r.nextInt(14) : 0;
                                    SysStat stat = STATS[r.nextInt(STATS.length)];
                                    long a = pa.alloc(p, size, align, stat);
                                    mine.add(new Block(a, size, align == 0 ? 8 : align, stat));
                                }
                            } finally {
                                if (p != null) {
                                    rt.procs().release(p);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertNull(failure.get(), () -> "a thread failed: " + failure.get());

            List<PersistentAlloc.Chunk> chain = pa.chunks();
            long mappedChunks = rt.sys().mappings().stream().filter(m -> m.purpose().equals("persistent chunk")).count();
            assertEquals(mappedChunks, chain.size(), "chain length = chunks mapped");
            Map<Long, BitSet> bitmaps = new HashMap<>();
            for (PersistentAlloc.Chunk c : chain) {
                BitSet b = new BitSet((int) PersistentAlloc.CHUNK_SIZE);
                b.set(0, 8); // the link word
                bitmaps.put(c.address(), b);
            }
            long[] chunkBases = chain.stream().mapToLong(PersistentAlloc.Chunk::address).sorted().toArray();
            Map<SysStat, Long> expected = new EnumMap<>(SysStat.class);
            long smallToOthers = 0;
            long blocks = 0;
            long largeBlocks = 0;
            for (List<Block> list : perThread) {
                for (Block b : list) {
                    blocks++;
                    // Go aligns the offset within the chunk; chunks are OS-page aligned, so the address
                    // itself is aligned up to 4 KiB (an 8 KiB alignment holds relative to the chunk only)
                    assertEquals(0, b.addr() % Math.min(b.align(), 4096), () -> "misaligned " + b);
                    if (b.size() >= PersistentAlloc.MAX_BLOCK) {
                        largeBlocks++;
                        expected.merge(b.stat(), b.size(), Long::sum);
                        assertTrue(!pa.inPersistentAlloc(b.addr()), "large blocks are in no chunk");
                        continue;
                    }
                    int i = java.util.Arrays.binarySearch(chunkBases, b.addr());
                    long base = chunkBases[i >= 0 ? i : -i - 2];
                    long off = b.addr() - base;
                    assertTrue(off >= 8 && off + b.size() <= PersistentAlloc.CHUNK_SIZE, () -> "outside its chunk " + b);
                    assertEquals(0, off % b.align(), () -> "offset misaligned in its chunk " + b);
                    BitSet bits = bitmaps.get(base);
                    int from = (int) off;
                    int to = (int) (off + b.size());
                    int clash = bits.nextSetBit(from);
                    assertTrue(clash < 0 || clash >= to, () -> "overlap at 0x" + Long.toHexString(base + clash) + " by " + b);
                    bits.set(from, to);
                    if (b.stat() != SysStat.OTHER_SYS) {
                        expected.merge(b.stat(), b.size(), Long::sum);
                        smallToOthers += b.size();
                    }
                }
            }
            expected.merge(SysStat.OTHER_SYS, chain.size() * PersistentAlloc.CHUNK_SIZE - smallToOthers, Long::sum);
            for (SysStat s : STATS) {
                assertEquals(expected.getOrDefault(s, 0L), rt.memStats().get(s), s.goName());
            }
            System.out.printf("persistentalloc stress: %d threads (%d with a P of %d) for %d ms: %d blocks (%d large),"
                    + " %d chunks, no overlap, stats exact%n", threads, Math.min(threads, 2 * procs), procs, millis,
                    blocks, largeBlocks, chain.size());
        }
    }
}
