package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.mem.GoMemory;
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

import java.util.concurrent.TimeUnit;

/*
 * Question: does the time to insert an itab stay flat from 1,000 to 1,000,000 itabs, growth included —
 * is itabAdd amortized O(1), as Go's doubling table promises, and does goheap's memory layer add no
 * per-mapping cost as the heap grows?
 *
 * One invocation inserts all N itabs of the Workload into a fresh private table (512 entries, grown by
 * doubling at 75% exactly as itabAdd does, each new table from mallocgc), under itabLock. The score is
 * the time of one invocation; benchmarks/compare.sh divides it by N for ns per itab.
 *
 * Pitfalls avoided: the itabs are built in setup (persistentalloc, inter and _type words set) so only the
 * insert is timed; a fresh table each invocation (Level.Invocation is fine here: one invocation takes
 * 10 µs to 200 ms), in a fresh runtime each iteration; the table address is returned.
 *
 * How to run: benchmarks/run.sh InsertBenchmark ; compared in benchmarks/compare.sh
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class InsertBenchmark {
    @Param({"1000", "10000", "100000", "1000000"})
    int pairs;

    /** The Go release the runtime simulates ({@code -p go=1.27}; benchmarks/compare.sh --go). */
    @Param({"1.19"})
    String go;

    private GoRuntime rt;
    private P p;
    private long[] itab;
    private ItabTable table;

    /** a fresh runtime each iteration: the heap has no collector, and the tables of an iteration add up to a GB */
    @Setup(Level.Iteration)
    public void setUp() {
        rt = GoRuntime.start(io.goheap.runtime.abi.GoRelease.parse(go), 1);
        Workload w = Workload.link(rt, pairs);
        p = rt.procs().acquire();
        GoMemory mem = rt.sys().memory();
        itab = new long[pairs];
        for (int j = 0; j < pairs; j++) {
            itab[j] = rt.persistentAlloc().alloc(p, ItabDescriptor.sizeOf(1), 0, SysStat.OTHER_SYS);
            mem.setU64(itab[j] + ItabDescriptor.INTER_OFFSET, w.inters[j]);
            mem.setU64(itab[j] + ItabDescriptor.TYPE_OFFSET, w.typeOf[j]);
        }
    }

    @Setup(Level.Invocation)
    public void freshTable() {
        table = new ItabTable(rt.sys().memory(), rt.heap());
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        p.close();
        rt.close();
    }

    @Benchmark
    public long insert() {
        table.lockItabs();
        try {
            for (long m : itab) {
                table.add(m);
            }
        } finally {
            table.unlockItabs();
        }
        return table.current();
    }
}
