package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.SysStat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/*
 * Question: what does one goheap sysAlloc + sysFree of a persistentalloc-sized chunk (256 KiB) cost —
 * a real mmap/munmap pair plus goheap's ownership bookkeeping (a shared arena per mapping, whose close
 * is a thread handshake) — next to the JDK's own native allocators of the same size?
 *
 * Pitfall avoided: the memory must be touched, or mmap's lazy pages make the comparison one of page
 * tables only; each variant writes the first and last word and returns a value read back, so neither
 * the allocation nor the touch can be removed as dead code.
 *
 * Peers in the same run: Arena.ofShared() (malloc + a handshake on close) and Arena.ofConfined()
 * (malloc, no handshake). Baseline: touching an already-mapped chunk.
 *
 * How to run (the real run, not part of mvn verify):
 *   benchmarks/run.sh SysAllocBenchmark
 * The default build runs a smoke of every benchmark (BenchmarksSmokeTest) only to prove they run.
 * Results: see benchmarks/README.md "Benchmarks", measured with benchmarks/run.sh on the CI machine kind.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SysAllocBenchmark {
    @Param({"262144"})
    long chunkBytes;

    private GoRuntime rt;
    private MemorySegment touched;
    private Arena baselineArena;

    @Setup(Level.Trial)
    public void setUp() {
        rt = GoRuntime.start();
        baselineArena = Arena.ofConfined();
        touched = baselineArena.allocate(chunkBytes, 4096);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.close();
        baselineArena.close();
    }

    @Benchmark
    public long baseline_touchMapped() {
        return touch(touched);
    }

    @Benchmark
    public long goheap_sysAllocFree() {
        Mapping m = rt.sys().sysAlloc(chunkBytes, SysStat.OTHER_SYS, "bench");
        long v = touch(m.segment());
        rt.sys().sysFree(m);
        return v;
    }

    @Benchmark
    public long arena_sharedAllocateClose() {
        try (Arena a = Arena.ofShared()) {
            return touch(a.allocate(chunkBytes, 4096));
        }
    }

    @Benchmark
    public long arena_confinedAllocateClose() {
        try (Arena a = Arena.ofConfined()) {
            return touch(a.allocate(chunkBytes, 4096));
        }
    }

    private static long touch(MemorySegment s) {
        s.set(ValueLayout.JAVA_LONG, 0, 1);
        s.set(ValueLayout.JAVA_LONG, s.byteSize() - 8, 2);
        return s.get(ValueLayout.JAVA_LONG, 0) + s.get(ValueLayout.JAVA_LONG, s.byteSize() - 8);
    }
}
