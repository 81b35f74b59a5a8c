package io.ggmljava.graph;

import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** A stand-in allocator for tests: every non-view tensor of a graph gets its own block of a shared arena. */
final class TestMemory {
    private TestMemory() {
    }

    /** Binds every leaf and node (and every view's source) that has no memory yet. */
    static void bindAll(Graph g, Arena arena) {
        for (Tensor t : g.leafs()) {
            bind(t, arena);
        }
        for (Tensor t : g.nodes()) {
            bind(t, arena);
            for (int s = 0; s < t.srcCount(); s++) {
                if (t.src(s) != null) {
                    bind(t.src(s), arena);
                }
            }
        }
    }

    private static void bind(Tensor t, Arena arena) {
        Tensor base = t.isView() ? t.viewSource() : t;
        if (base.data() == null) {
            base.bind(arena.allocate(Math.max(base.nbytes(), 1), 64));
        }
    }

    /** Fills an f32 tensor's memory with values in [-1, 1). */
    static void fill(Tensor t, Random r) {
        MemorySegment d = t.data();
        for (long i = 0; i < d.byteSize() / 4; i++) {
            d.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, r.nextFloat() * 2 - 1);
        }
    }
}
