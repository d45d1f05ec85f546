package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.iface.Itabs;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Question: does the lock-free find scale — is the throughput of two threads probing one table about
 * twice that of one thread? Both variants read the same shared table (Scope.Benchmark) of the Workload's
 * pairs; each thread cycles through all pairs from its own starting point.
 *
 * Pitfalls avoided: throughput mode, so JMH sums the threads' operations (ops/ns); the cursor is
 * per-thread state (no shared counter to contend on); nothing is written on the find path, so any
 * slowdown would be false sharing or a lock, which is what the question is about.
 *
 * How to run: benchmarks/run.sh IfaceThreadsBenchmark ; compared in benchmarks/compare.sh
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class IfaceThreadsBenchmark {
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"557", "100000", "1000000"})
        int pairs;

        /** The Go release the runtime simulates ({@code -p go=1.27}; benchmarks/compare.sh --go). */
        @Param({"1.19"})
        String go;

        GoRuntime rt;
        Workload w;
        ItabTable table;
        final AtomicInteger starts = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            rt = GoRuntime.start(io.goheap.runtime.abi.GoRelease.parse(go), 2);
            w = Workload.link(rt, pairs);
            Itabs itabs = rt.itabs();
            for (int j = 0; j < pairs; j++) {
                itabs.getitab(w.inters[j], w.typeOf[j], false);
            }
            table = itabs.table();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            rt.close();
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int i;

        @Setup(Level.Trial)
        public void setUp(Shared s) {
            i = (s.starts.getAndIncrement() * (s.pairs / 2 + 1)) % s.pairs;
        }

        int next(int pairs) {
            int k = i++;
            if (i == pairs) {
                i = 0;
            }
            return k;
        }
    }

    @Benchmark
    @Threads(1)
    public long find_hit_1thread(Shared s, Cursor c) {
        int k = c.next(s.pairs);
        return s.table.find(s.w.inters[k], s.w.typeOf[k]);
    }

    @Benchmark
    @Threads(2)
    public long find_hit_2threads(Shared s, Cursor c) {
        int k = c.next(s.pairs);
        return s.table.find(s.w.inters[k], s.w.typeOf[k]);
    }
}
