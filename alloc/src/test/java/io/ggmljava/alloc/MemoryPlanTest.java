package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {
    private final Context ctx = new Context();
    private final Tensor x = ctx.newTensor2d(GgmlType.F32, 10, 3).setName("x").setInput();
    private final Tensor y = ctx.sin(ctx.transpose(ctx.cos(x))).setName("y").setOutput();
    private final Graph graph = Graph.build(y);

    @Test
    void allocateBindsEveryPlacedTensorAtItsOffsetAndViewsFollow() {
        MemoryPlan plan = Planner.best().plan(graph);
        try (Allocation mem = plan.allocate(BufferTypes.arena())) {
            MemorySegment base = mem.buffer(0).segment();
            assertEquals(plan.totalBytes(), mem.allocatedBytes());
            for (Tensor t : plan.placedTensors()) {
                assertEquals(base.address() + plan.offsetOf(t), t.data().address(), t.name());
            }
            Tensor view = graph.node(1);
            assertTrue(view.isView());
            assertEquals(graph.node(0).data().address(), view.data().address());
            x.setFloats(new float[30]);
            assertEquals(0f, x.getF32(29));
        }
        assertNull(x.data());
    }

    @Test
    void measuringAllocatesNothingAndBindsNothing() {
        MemoryPlan plan = Planner.best().plan(graph);
        try (Allocation mem = plan.allocate(BufferTypes.measuring())) {
            assertEquals(plan.totalBytes(), mem.allocatedBytes());
            assertEquals(MemorySegment.NULL, mem.buffer(0).segment());
            assertNull(x.data());
        }
    }

    @Test
    void aBufferTypeThatDoesNotFitThePlanIsRefusedWithAReason() {
        MemoryPlan plan = Planner.best().plan(graph);
        BufferType aligned64 = BufferTypes.arena(ArenaKind.SHARED, 64, Long.MAX_VALUE);
        AllocationException e = assertThrows(AllocationException.class, () -> plan.allocate(aligned64));
        assertTrue(e.getMessage().contains("alignment 32") && e.getMessage().contains("needs 64"), e.getMessage());
        BufferType tiny = BufferTypes.arena(ArenaKind.SHARED, 32, 16);
        e = assertThrows(AllocationException.class, () -> plan.allocate(tiny));
        assertTrue(e.getMessage().contains("more than buffer type"), e.getMessage());
        MemoryPlan for64 = Planner.best().plan(graph, PlanOptions.defaults().withBufferType(aligned64));
        try (Allocation mem = for64.allocate(aligned64)) {
            assertEquals(for64.totalBytes(), mem.allocatedBytes());
        }
    }

    @Test
    void allocatingTwiceWithoutClosingIsAnError() {
        MemoryPlan plan = Planner.best().plan(graph);
        try (Allocation mem = plan.allocate(BufferTypes.arena())) {
            AllocationException e = assertThrows(AllocationException.class, () -> plan.allocate(BufferTypes.arena()));
            assertTrue(e.getMessage().contains("already has memory"), e.getMessage());
        }
    }

    @Test
    void liveBytesPeakAtTheLowerBound() {
        MemoryPlan plan = Planner.best().plan(graph);
        long max = 0;
        for (long b : plan.liveBytes()) {
            max = Math.max(max, b);
        }
        assertEquals(plan.lowerBoundBytes(), max);
        assertEquals(graph.nodeCount(), plan.liveBytes().length);
        assertTrue(plan.largestAtPeak(5).size() >= 1);
    }
}
