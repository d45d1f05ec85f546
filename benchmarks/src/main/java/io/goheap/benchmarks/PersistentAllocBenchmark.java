package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.sys.SysStat;
import net.openhft.chronicle.bytes.BytesStore;
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
import java.util.concurrent.TimeUnit;

/*
 * Question: what does one small native allocation cost on each of goheap's paths — persistentalloc
 * through the thread's P (no lock), through globalAlloc (a lock), mallocgc through the P's mcache — next
 * to the JDK's and Chronicle's native allocators, single-threaded?
 *
 * Pitfalls avoided: every variant returns the address (or segment) so nothing is dead code; the
 * persistentalloc variants include their share of chunk refills (a 256 KiB mmap every 256 KiB), as Go
 * pays them; a fresh runtime and fresh arenas per iteration keep memory bounded and the chunk count
 * the same from iteration to iteration. -prof gc shows the Java heap allocation per op
 * (gc.alloc.rate.norm): 0 B/op on goheap's fast paths is part of the claim.
 *
 * Peers in the same run: Arena.ofShared().allocate and Arena.ofConfined().allocate (malloc + the
 * arena's bookkeeping, freed when the arena closes), Chronicle Bytes' native store with fixed
 * capacity (malloc per store, released each op since Chronicle has no arena).
 *
 * How to run: benchmarks/run.sh PersistentAllocBenchmark -prof gc
 * Results: benchmarks/README.md "Benchmarks".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        // Chronicle frees a direct buffer through jdk.internal.ref; without the export it says so on stderr
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"})
public class PersistentAllocBenchmark {
    @Param({"8", "24", "64"})
    long size;

    private GoRuntime rt;
    private P p;
    private PersistentAlloc pa;
    private Heap heap;
    private Arena shared;
    private Arena confined;

    @Setup(Level.Iteration)
    public void setUp() {
        rt = GoRuntime.start(1);
        p = rt.procs().acquire();
        pa = rt.persistentAlloc();
        heap = rt.heap();
        shared = Arena.ofShared();
        confined = Arena.ofConfined();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        p.close();
        rt.close();
        shared.close();
        confined.close();
    }

    @Benchmark
    public long persistent_perP() {
        return pa.alloc(p, size, 0, SysStat.OTHER_SYS);
    }

    @Benchmark
    public long persistent_perP_statMove() {
        return pa.alloc(p, size, 0, SysStat.GC_MISC_SYS); // + two atomic adds moving the bytes between stats
    }

    @Benchmark
    public long persistent_global() {
        return pa.alloc(null, size, 0, SysStat.OTHER_SYS);
    }

    @Benchmark
    public long mallocgc_perP_noscan() {
        return heap.mallocgc(p.mcache(), size, true, true);
    }

    @Benchmark
    public MemorySegment arena_sharedAllocate() {
        return shared.allocate(size, 8);
    }

    @Benchmark
    public MemorySegment arena_confinedAllocate() {
        return confined.allocate(size, 8);
    }

    @Benchmark
    public long chronicle_nativeStore() {
        BytesStore<?, Void> s = BytesStore.nativeStoreWithFixedCapacity(size);
        long a = s.addressForRead(0);
        s.releaseLast();
        return a;
    }
}
