package io.goheap.benchmarks;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.types.PackageImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/** The README's first benchmark: getitab's hit path in the runtime of two Go releases. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ReadmeBenchmark {
    @Param({"1.19", "1.27"})
    String go;

    private GoRuntime rt;
    private long shape;
    private long rect;

    @Setup
    public void setUp() {
        GoRelease release = GoRelease.parse(go);
        rt = GoRuntime.start(release, 1);
        rt.link(PackageImage.compile(GoSource.parse("main.go", """
                package main
                type Shape interface { Area() int }
                type Rect struct { w, h int }
                func (r *Rect) Area() int { return r.w * r.h }
                """), release));
        shape = rt.type("main.Shape").address();
        rect = rt.type("*main.Rect").address();
        rt.itabs().getitab(shape, rect, false); // built once here: the benchmark measures the hit
    }

    @TearDown
    public void tearDown() {
        rt.close(); // unmaps everything the runtime mapped
    }

    @Benchmark
    public long getitabHit() {
        return rt.itabs().getitab(shape, rect, false); // returned: JMH keeps it alive
    }
}
