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
 * The recurrent family, scalar against vector: RWKV_WKV6 and GATED_LINEAR_ATTN (32 heads of 64, 64 tokens) and
 * SSM_SCAN (d_state 64, d_inner 1024, 16 tokens; the vector path needs d_state of at least two vectors).
 *
 * <pre>{@code ./ggml jmh RecurrentBench}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecurrentBench {
    @Param({"vector", "scalar"})
    public String provider;

    @Param({"wkv6", "gla", "ssmScan"})
    public String op;

    private Arena arena;
    private NodeRunner runner;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        Random rnd = new Random(7);
        Context ctx = new Context();
        Tensor r;
        if (op.equals("ssmScan")) {
            int ds = 64;
            int di = 1024;
            int nt = 16;
            r = ctx.ssmScan(f(ctx, rnd, -1, 1, ds, di, 1), f(ctx, rnd, -1, 1, di, nt, 1), f(ctx, rnd, -3, 2, di, nt, 1),
                    f(ctx, rnd, -2, -0.05f, ds, di), f(ctx, rnd, -1, 1, ds, nt, 1), f(ctx, rnd, -1, 1, ds, nt, 1));
        } else {
            int s = 64;
            int h = 32;
            int t = 64;
            Tensor k = f(ctx, rnd, -1, 1, s, h, t);
            Tensor v = f(ctx, rnd, -1, 1, s, h, t);
            Tensor rq = f(ctx, rnd, -1, 1, s, h, t);
            Tensor decay = f(ctx, rnd, 0.5f, 1, s, h, t);
            Tensor state = f(ctx, rnd, -0.5f, 0.5f, (long) s * s * h, 1);
            r = op.equals("wkv6") ? ctx.rwkvWkv6(k, v, rq, f(ctx, rnd, -1, 1, s, h), decay, state)
                    : ctx.gatedLinearAttn(k, v, rq, decay, state, 0.125f);
        }
        BenchTensors.allocated(arena, r);
        runner = new NodeRunner(1);
        runner.prepare(BenchTensors.provider(provider), r);
    }

    private Tensor f(Context ctx, Random rnd, float lo, float hi, long... ne) {
        return BenchTensors.filled(arena, ctx.newTensor(GgmlType.F32, ne), rnd, lo, hi);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
        arena.close();
    }

    @Benchmark
    public void recurrent() {
        runner.run();
    }
}
