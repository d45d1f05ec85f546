package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.sys.SysStat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/*
 * Question: what does persistentalloc's large path cost — a block of maxBlock (64 KiB) that goes
 * straight to sysAlloc, i.e. one mmap plus goheap's registration of the mapping — next to a 64 KiB
 * Arena.ofShared().allocate?
 *
 * Pitfall avoided: the large path never frees (as in Go), so each iteration gets a fresh runtime and
 * arena; iterations are short (200 ms) to bound the number of mappings one iteration makes.
 *
 * How to run: benchmarks/run.sh PersistentAllocLargeBenchmark
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PersistentAllocLargeBenchmark {
    private GoRuntime rt;
    private PersistentAlloc pa;
    private Arena shared;

    @Setup(Level.Iteration)
    public void setUp() {
        rt = GoRuntime.start(1);
        pa = rt.persistentAlloc();
        shared = Arena.ofShared();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        rt.close();
        shared.close();
    }

    @Benchmark
    public long persistent_large() {
        return pa.alloc(null, PersistentAlloc.MAX_BLOCK, 0, SysStat.OTHER_SYS);
    }

    @Benchmark
    public MemorySegment arena_sharedAllocate64k() {
        return shared.allocate(PersistentAlloc.MAX_BLOCK, 8);
    }
}
