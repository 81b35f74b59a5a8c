package io.ggmljava.bench;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
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
 * FLASH_ATTN_EXT, scalar against vector: D = 128, 32 heads (8 KV heads), 1024 f16 keys, a causal-style f16 mask,
 * for a decode step (1 query) and a prompt chunk (32 queries).
 *
 * <pre>{@code ./ggml jmh AttentionBench}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AttentionBench {
    @Param({"vector", "scalar"})
    public String provider;

    @Param({"1", "32"})
    public int queries;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private NodeRunner runner;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        Random rnd = new Random(3);
        Context ctx = new Context();
        int d = 128;
        int kv = 1024;
        Tensor q = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, d, queries, 32), rnd, -1, 1);
        Tensor k = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F16, d, kv, 8), rnd, -1, 1);
        Tensor v = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F16, d, kv, 8), rnd, -1, 1);
        Tensor m = BenchTensors.filled(arena, ctx.newTensor(GgmlType.F16, kv, Context.KQ_MASK_PAD), rnd, -1, 0);
        Tensor r = BenchTensors.allocated(arena, ctx.flashAttnExt(q, k, v, m, (float) (1 / Math.sqrt(d)), 0, 0));
        runner = new NodeRunner(threads);
        runner.prepare(BenchTensors.provider(provider), r);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
        arena.close();
    }

    @Benchmark
    public void flashAttnExt() {
        runner.run();
    }
}
