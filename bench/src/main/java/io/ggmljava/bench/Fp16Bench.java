package io.ggmljava.bench;

import io.ggmljava.core.Fp16Bulk;
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
 * Bulk f16/bf16 conversions: the scalar loops against the Vector API form ({@code form=vector} uses the machine's
 * preferred width, as the library does). One form per fork, so that the JIT profiles only one width.
 * {@code ./ggml jmh Fp16Bench}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Fp16Bench {
    @Param({"scalar", "vector"})
    String form;

    @Param({"4096"})
    int n;

    private Arena arena;
    private Fp16Bulk bulk;
    private MemorySegment halves;
    private MemorySegment floats;

    @Setup(Level.Trial)
    public void setup() {
        bulk = form.equals("scalar") ? Fp16Bulk.scalar() : Fp16Bulk.get();
        arena = Arena.ofConfined();
        halves = arena.allocate(2L * n, 64);
        floats = arena.allocate(4L * n, 64);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            floats.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
            halves.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) r.nextInt(0x7C00));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment f16ToF32() {
        bulk.f16ToF32(halves, 0, floats, 0, n);
        return floats;
    }

    @Benchmark
    public MemorySegment f32ToF16() {
        bulk.f32ToF16(floats, 0, halves, 0, n);
        return halves;
    }

    @Benchmark
    public MemorySegment bf16ToF32() {
        bulk.bf16ToF32(halves, 0, floats, 0, n);
        return floats;
    }

    @Benchmark
    public MemorySegment f32ToBf16() {
        bulk.f32ToBf16(floats, 0, halves, 0, n);
        return halves;
    }
}
