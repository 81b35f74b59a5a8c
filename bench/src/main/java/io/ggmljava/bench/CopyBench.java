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
 * The copy family, vector against scalar: CPY of 16M f32 to f16 and to bf16, f16 back to f32, and CONT of a
 * transposed {@code [4096, 4096]} f32 matrix (strided reads). GB/s of data touched = {@link #bytes} / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class CopyBench {
    @Param({"f32_f16", "f16_f32", "f32_bf16", "cont_transposed"})
    public String op;

    @Param({"vector", "scalar"})
    public String provider;

    @Param({"1", "2"})
    public int threads;

    static final long N = 4096;

    private Arena arena;
    private NodeRunner runner;
    private KernelProvider p;
    private Tensor node;

    /** Bytes read and written by one evaluation of {@code op}. */
    public static long bytes(String op) {
        return switch (op) {
            case "cont_transposed" -> 2 * N * N * 4;
            default -> N * N * 6;
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        p = BenchTensors.provider(provider);
        runner = new NodeRunner(threads);
        Context ctx = new Context();
        node = switch (op) {
            case "f32_f16", "f32_bf16" -> {
                Tensor a = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, N, N), new Random(1), -2, 2);
                yield ctx.cast(a, op.equals("f32_f16") ? GgmlType.F16 : GgmlType.BF16);
            }
            case "f16_f32" -> {
                Tensor a = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F16, N, N), new Random(1), 0, 0);
                yield ctx.cast(a, GgmlType.F32);
            }
            case "cont_transposed" -> ctx.cont(ctx.transpose(
                    BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, N, N), new Random(1), -2, 2)));
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
        BenchTensors.allocated(arena, node.isView() ? node.viewSource() : node);
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
