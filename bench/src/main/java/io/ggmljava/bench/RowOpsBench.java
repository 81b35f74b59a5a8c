package io.ggmljava.bench;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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

/**
 * Row ops (softmax, norm and reduce families), vector against scalar, on 1 and 2 threads, on the anchor shape of
 * {@code shared/ANCHORS.md}: 512 rows of 4096 f32. SOFT_MAX_MASK adds an f16 mask of 512 rows and scale 0.125.
 * GB/s of data touched = {@link #bytes} / time.
 *
 * <pre>{@code ./ggml jmh RowOpsBench -p op=soft_max,rms_norm -p threads=1,2}</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class RowOpsBench {
    @Param({"soft_max", "rms_norm"})
    public String op;

    @Param({"vector", "scalar"})
    public String provider;

    @Param({"1", "2"})
    public int threads;

    static final long NE0 = 4096;
    static final long ROWS = 512;

    private Arena arena;
    private NodeRunner runner;
    private KernelProvider p;
    private Tensor node;

    /** Bytes read and written by one evaluation of {@code op}. */
    public static long bytes(String op) {
        long t = NE0 * ROWS * 4;
        return switch (op) {
            case "soft_max_mask" -> 2 * t + NE0 * ROWS * 2;
            case "sum_rows", "argmax" -> t + ROWS * 4;
            default -> 2 * t;
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        p = BenchTensors.provider(provider);
        runner = new NodeRunner(threads);
        Context ctx = new Context();
        Tensor a = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, NE0, ROWS), new Random(1), -8, 8);
        node = switch (op) {
            case "soft_max" -> ctx.softMax(a);
            case "soft_max_mask" -> ctx.softMaxExt(a,
                    BenchTensors.filled(arena, ctx.newTensor(GgmlType.F16, NE0, ROWS), new Random(2), -1, 1), 0.125f,
                    0.0f);
            case "rms_norm" -> ctx.rmsNorm(a, 1e-6f);
            case "norm" -> ctx.norm(a, 1e-5f);
            case "sum_rows" -> ctx.sumRows(a);
            case "argmax" -> ctx.argmax(a);
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
        BenchTensors.allocated(arena, node);
        runner.prepare(p, node);
    }

    @Benchmark
    public void run() {
        runner.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
        arena.close();
    }
}
