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
 * Element-wise ops (unary and binary families), vector against scalar, on 1 and 2 threads, with the anchor shapes
 * of {@code shared/ANCHORS.md}: 16M-element f32 tensors ({@code [4096, 4096]}) for ADD, GELU, SILU (and EXP, TANH,
 * DIV, SCALE), and MUL of {@code [4096, 4096]} by a {@code [4096, 1]} row. GB/s of data touched = bytes read and
 * written per op ({@link #bytes}) / time.
 *
 * <pre>{@code ./ggml jmh ElementwiseBench -p op=add,gelu -p provider=vector -p threads=1,2}</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx2g"})
@State(Scope.Benchmark)
public class ElementwiseBench {
    @Param({"add", "mul_row", "gelu", "silu"})
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

    /** Bytes read and written by one evaluation of {@code op} at the anchor shapes. */
    public static long bytes(String op) {
        long t = N * N * 4;
        return switch (op) {
            case "add", "add_inplace", "div" -> 3 * t;
            case "mul_row" -> 2 * t + N * 4;
            default -> 2 * t;
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        p = BenchTensors.provider(provider);
        runner = new NodeRunner(threads);
        Context ctx = new Context();
        Tensor a = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, N, N), new Random(1), -2, 2);
        Random r2 = new Random(2);
        node = switch (op) {
            case "add" -> ctx.add(a, BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, N, N), r2, -2, 2));
            case "add_inplace" -> ctx.addInplace(a, BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, N, N), r2,
                    -2, 2));
            case "div" -> ctx.div(a, BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, N, N), r2, 0.5f, 2));
            case "mul_row" -> ctx.mul(a, BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, N, 1), r2, -2, 2));
            case "gelu" -> ctx.gelu(a);
            case "silu" -> ctx.silu(a);
            case "exp" -> ctx.exp(a);
            case "tanh" -> ctx.tanh(a);
            case "sigmoid" -> ctx.sigmoid(a);
            case "scale" -> ctx.scale(a, 0.5f);
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
