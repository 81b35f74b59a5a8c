package io.ggmljava.bench;

import io.ggmljava.core.Context;
import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.ComputePlan;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
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
 * MUL_MAT speed: weights {@code [k, m]} of each type times f32 activations {@code [k, n]} on 1 or 2 threads, for
 * the shapes of ANCHORS.md (mat-vec 4096x4096, n = 16 and 128, 1024^3). The score is the time of one product;
 * GFLOP/s = {@code 2*m*n*k / time}. {@code cold} cycles through at least 256 MB of weight copies so every call
 * streams its weights from memory (meaningful for mat-vec).
 *
 * <pre>
 * ./ggml jmh MatMulBench -p type=q4_K -p shape=4096x4096x1 -p threads=2 -p cold=true
 * </pre>
 * The vector kernels need several seconds of JIT warm-up (large methods); the warm-up below allows for it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatMulBench {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long COLD_BYTES = 256L << 20;

    @Param({"f32", "f16", "bf16", "q8_0", "q4_0", "q4_K", "q6_K"})
    public String type;

    /** m x k x n. */
    @Param({"4096x4096x1", "4096x4096x16", "4096x4096x128", "1024x1024x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"false", "true"})
    public boolean cold;

    private Arena arena;
    private Executor executor;
    private KernelProvider provider;
    private List<ComputePlan> plans;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        GgmlType t = GgmlType.byName(type);
        String[] mkn = shape.split("x");
        long m = Long.parseLong(mkn[0]);
        long k = Long.parseLong(mkn[1]);
        long n = Long.parseLong(mkn[2]);
        provider = KernelProvider.get();
        arena = Arena.ofShared();
        executor = new Executor(threads, provider);
        Context ctx = new Context();
        SplittableRandom rnd = new SplittableRandom(42);
        Tensor b = ctx.newTensor2d(GgmlType.F32, k, n);
        b.bind(arena.allocate(b.nbytes(), 64));
        fill(b.data(), k * n, rnd);
        long wBytes = t.rowSize(k) * m;
        int copies = cold ? (int) Math.max(2, (COLD_BYTES + wBytes - 1) / wBytes) : 1;
        plans = new ArrayList<>();
        MemorySegment first = null;
        MemorySegment dst = null;
        for (int c = 0; c < copies; c++) {
            Tensor w = ctx.newTensor2d(t, k, m);
            w.bind(arena.allocate(wBytes, 64));
            if (first == null) {
                weights(w, rnd);
                first = w.data();
            } else {
                w.data().copyFrom(first);
            }
            Tensor d = ctx.mulMat(w, b);
            if (dst == null) {
                dst = arena.allocate(d.nbytes(), 64);
            }
            d.bind(dst);
            plans.add(executor.plan(Graph.build(d), threads));
        }
    }

    private void weights(Tensor w, SplittableRandom rnd) {
        long k = w.ne(0);
        MemorySegment row = arena.allocate(4 * k, 64);
        for (long r = 0; r < w.ne(1); r++) {
            fill(row, k, rnd);
            long off = r * w.nb(1);
            switch (w.type()) {
                case F32 -> MemorySegment.copy(row, 0, w.data(), off, 4 * k);
                case F16, BF16 -> {
                    for (long i = 0; i < k; i++) {
                        float v = row.get(F32, 4 * i);
                        w.data().set(ValueLayout.JAVA_SHORT_UNALIGNED, off + 2 * i,
                                w.type() == GgmlType.F16 ? Fp16.f32ToF16(v) : Fp16.f32ToBf16(v));
                    }
                }
                default -> provider.quant().quantizeRow(w.type(), row, 0, w.data(), off, k);
            }
        }
    }

    private static void fill(MemorySegment s, long count, SplittableRandom rnd) {
        for (long i = 0; i < count; i++) {
            s.set(F32, 4 * i, (float) (rnd.nextDouble() * 2 - 1));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
        arena.close();
    }

    /** One MUL_MAT on {@code threads} threads of the graph executor (the next weight copy when cold). */
    @Benchmark
    public void mulMat() {
        ComputePlan plan = plans.get(next);
        next = next + 1 == plans.size() ? 0 : next + 1;
        executor.compute(plan);
    }
}
