package io.ggmljava.bench;

import io.ggmljava.core.Tensor;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.util.Random;

/** Small helpers shared by the op benchmarks. */
final class BenchTensors {
    private BenchTensors() {
    }

    /** Binds memory from {@code arena} and fills {@code t} with uniform values in [lo, hi). */
    static Tensor filled(Arena arena, Tensor t, Random rnd, float lo, float hi) {
        t.bind(arena.allocate(Math.max(1, t.nbytes()), 64));
        for (long i = 0; i < t.nelements(); i++) {
            t.setF32(i, lo + (hi - lo) * rnd.nextFloat());
        }
        return t;
    }

    /** Binds memory for a result. */
    static Tensor allocated(Arena arena, Tensor t) {
        t.bind(arena.allocate(Math.max(1, t.nbytes()), 64));
        return t;
    }

    /** {@code scalar} or the widest vector provider. */
    static KernelProvider provider(String name) {
        if (name.startsWith("vector-")) {
            return KernelProvider.vector(Integer.parseInt(name.substring("vector-".length())));
        }
        return name.equals("scalar") ? KernelProvider.scalar() : KernelProvider.vector(512);
    }
}
