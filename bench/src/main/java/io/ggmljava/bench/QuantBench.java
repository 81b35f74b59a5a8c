package io.ggmljava.bench;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
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
 * Quantization kernels on one row of 4096 values (16 KB of f32, in L1/L2): dequantization, the CPU activation
 * converters, the dot product and the reference quantizers, per kernel provider. Reports microseconds per row.
 *
 * <pre>./ggml jmh QuantBench -p provider=scalar,vector -p type=q8_0,q4_K</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QuantBench {
    @Param({"scalar", "vector"})
    public String provider;

    @Param({"q8_0", "q4_0", "q4_K", "q6_K", "f16", "bf16"})
    public String type;

    static final int N = 4096;

    private Arena arena;
    private QuantKernels qk;
    private GgmlType t;
    private GgmlType dot;
    private MemorySegment x;
    private MemorySegment q;
    private MemorySegment y;
    private MemorySegment act;

    @Setup(Level.Trial)
    public void setup() {
        t = GgmlType.byName(type);
        qk = provider.equals("scalar") ? KernelProvider.scalar().quant() : KernelProvider.get().quant();
        dot = io.ggmljava.ops.QuantKernels.dotType(t);
        arena = Arena.ofConfined();
        x = arena.allocate(4L * N, 64);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < N; i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) r.nextDouble(-1, 1));
        }
        q = arena.allocate(t.rowSize(N), 64);
        act = arena.allocate(dot.rowSize(N), 64);
        y = arena.allocate(4L * N, 64);
        qk.quantizeRow(t, x, 0, q, 0, N);
        qk.fromFloatCpu(dot, x, 0, act, 0, N);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** to_float of one row. */
    @Benchmark
    public MemorySegment dequantize() {
        qk.dequantizeRow(t, q, 0, y, 0, N);
        return y;
    }

    /** The activation converter to this type's dot type (q8_0 / q8_K / f16 / bf16). */
    @Benchmark
    public MemorySegment fromFloatCpu() {
        qk.fromFloatCpu(dot, x, 0, act, 0, N);
        return act;
    }

    /** One dot product of a weight row with converted activations (what MUL_MAT does per output). */
    @Benchmark
    public float vecDot() {
        return qk.vecDot(t, N, q, 0, act, 0);
    }

    /** The reference quantizer (what CPY into this type runs). */
    @Benchmark
    public MemorySegment quantizeRef() {
        qk.quantizeRow(t, x, 0, q, 0, N);
        return q;
    }
}
