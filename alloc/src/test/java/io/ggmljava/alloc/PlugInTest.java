package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Plug-ins found through ServiceLoader (registered in this module's test resources). */
class PlugInTest {
    /** The BufferType doc's example: page-aligned tensors. */
    public static final class TestBufferType implements BufferType {
        @Override
        public String name() {
            return "test-pinned";
        }

        @Override
        public long alignment() {
            return 4096;
        }

        @Override
        public Buffer allocate(long size, Usage usage) {
            Arena arena = Arena.ofShared();
            MemorySegment seg = arena.allocate(Math.max(size, 1), alignment());
            return Buffer.of(this, seg.asSlice(0, size), arena, usage);
        }
    }

    /** The PlacementStrategy doc's example: no reuse at all. */
    public static final class StackStrategy implements PlacementStrategy {
        @Override
        public String name() {
            return "test-stack";
        }

        @Override
        public long[] place(Lifetimes table) {
            long[] offsets = new long[table.unitCount()];
            long top = 0;
            for (int u = 0; u < offsets.length; u++) {
                offsets[u] = top;
                top += table.unitSize(u);
            }
            return offsets;
        }
    }

    @Test
    void pluggedInTypesAndStrategiesAreFoundByName() {
        BufferType pinned = BufferTypes.byName("test-pinned");
        assertEquals(4096, pinned.alignment());
        assertTrue(BufferTypes.names().contains("test-pinned"));
        Planner stack = Planner.byName("test-stack");
        assertEquals("test-stack", stack.name());

        Context ctx = new Context();
        Tensor x = ctx.newTensor1d(GgmlType.F32, 100).setInput();
        Tensor y = ctx.sin(ctx.cos(x)).setOutput();
        MemoryPlan plan = stack.plan(Graph.build(y), PlanOptions.defaults().withBufferType(pinned));
        assertEquals(3 * 4096, plan.computeBytes());
        try (Allocation mem = plan.allocate(pinned)) {
            assertEquals(0, y.data().address() % 4096);
            assertEquals(plan.totalBytes(), mem.allocatedBytes());
        }
    }
}
