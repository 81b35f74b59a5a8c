package io.ggmljava.bench;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.PoolOp;
import io.ggmljava.core.Tensor;
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
 * The convolution family, scalar against vector: IM2COL (3x3, padding 1, f32 image [64, 64, 32] to f16 columns),
 * POOL_2D (3x3 average, stride 1, padding 1, [256, 256, 16]) and CONV_TRANSPOSE_1D (f16 kernel [4, 64, 256], data
 * [256, 256], stride 2).
 *
 * <pre>{@code ./ggml jmh ConvBench}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBench {
    @Param({"vector", "scalar"})
    public String provider;

    @Param({"im2col", "pool2d", "convTranspose1d"})
    public String op;

    private Arena arena;
    private NodeRunner runner;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        Random rnd = new Random(5);
        Context ctx = new Context();
        Tensor r = switch (op) {
            case "im2col" -> {
                Tensor kernel = ctx.newTensor(GgmlType.F16, 3, 3, 32, 64);
                Tensor img = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, 64, 64, 32, 1), rnd, -1, 1);
                yield ctx.im2col(kernel, img, 1, 1, 1, 1, 1, 1, true, GgmlType.F16);
            }
            case "pool2d" -> ctx.pool2d(BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, 256, 256, 16), rnd,
                    -1, 1), PoolOp.AVG, 3, 3, 1, 1, 1, 1);
            case "convTranspose1d" -> ctx.convTranspose1d(
                    BenchTensors.filled(arena, ctx.newTensor(GgmlType.F16, 4, 64, 256), rnd, -1, 1),
                    BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, 256, 256), rnd, -1, 1), 2, 0, 1);
            default -> throw new IllegalArgumentException(op);
        };
        BenchTensors.allocated(arena, r);
        runner = new NodeRunner(1);
        runner.prepare(BenchTensors.provider(provider), r);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
        arena.close();
    }

    @Benchmark
    public void conv() {
        runner.run();
    }
}
