package io.ggmljava.bench;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Memory and data for benchmark tensors. */
final class BenchTensors {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BenchTensors() {
    }

    /** Binds page-aligned memory from {@code arena} to {@code t} and fills f32 data uniform in [lo, hi). */
    static Tensor alloc(Arena arena, Tensor t, float lo, float hi, long seed) {
        MemorySegment s = arena.allocate(t.nbytes(), 4096);
        t.bind(s);
        if (t.type() == GgmlType.F32) {
            SplittableRandom r = new SplittableRandom(seed);
            long n = t.nbytes() / 4;
            for (long i = 0; i < n; i++) {
                s.setAtIndex(F32, i, (float) (lo + (hi - lo) * r.nextDouble()));
            }
        } else {
            s.fill((byte) 0);
        }
        return t;
    }

    /** The provider named {@code scalar} or {@code vector} (at the machine's widest width, up to 512 bits). */
    static KernelProvider provider(String name) {
        return switch (name) {
            case "scalar" -> KernelProvider.scalar();
            case "vector" -> KernelProvider.vector(Math.min(512, KernelProvider.preferredVectorBits()));
            default -> throw new IllegalArgumentException("provider must be scalar or vector, got " + name);
        };
    }
}
