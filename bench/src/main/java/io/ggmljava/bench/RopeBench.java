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
 * The ROPE anchor of ../shared/ANCHORS.md: f32 {@code [128 dims, 32 heads, 512 tokens]}, n_dims 128, positions
 * 0..511, normal (mode 0) and NeoX (mode 2), 1 and 2 threads, scalar against vector (the machine's widest).
 * GB/s = 2 x 8 MiB (read the source, write the result) / time; ggml: 13.6 / 8.8 GB/s on 1 thread,
 * 23.7 / 11.7 on 2.
 *
 * <pre>{@code ./ggml jmh RopeBench -p threads=1 }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 7, time = 1)
public class RopeBench {
    @Param({"vector", "scalar"})
    public String provider;

    @Param({"0", "2"})
    public int mode;

    @Param({"1", "2"})
    public int threads;

    @Param({"f32"})
    public String type;

    private Arena arena;
    private NodeRunner runner;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        Context ctx = new Context();
        GgmlType t = GgmlType.byName(type);
        Tensor a = ctx.newTensor(t, 128, 32, 512);
        Tensor pos = ctx.newTensor1d(GgmlType.I32, 512);
        a.bind(arena.allocate(a.nbytes(), 64));
        pos.bind(arena.allocate(pos.nbytes(), 64));
        Random rnd = new Random(1);
        for (long i = 0; i < a.nelements(); i++) {
            a.setF32(i, rnd.nextFloat() * 2 - 1);
        }
        for (int i = 0; i < 512; i++) {
            pos.setI32(i, i);
        }
        Tensor r = ctx.ropeExt(a, pos, null, 128, mode, 0, 10000f, 1f, 0f, 1f, 32f, 1f);
        r.bind(arena.allocate(r.nbytes(), 64));
        runner = new NodeRunner(threads);
        runner.prepare(provider.equals("scalar") ? KernelProvider.scalar() : KernelProvider.vector(512), r);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
        arena.close();
    }

    @Benchmark
    public void rope() {
        runner.run();
    }
}
