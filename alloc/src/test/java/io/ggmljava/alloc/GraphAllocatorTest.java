package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import org.junit.jupiter.api.Test;

class GraphAllocatorTest {
    /** y = gelu(w·x + b) for x [n, tokens]; weights from their own context. */
    private static Graph step(int n, int tokens, float scale) {
        Context ctx = new Context();
        Tensor w = ctx.newTensor2d(GgmlType.F32, n, n).setName("w");
        Tensor b = ctx.newTensor1d(GgmlType.F32, n).setName("b");
        Tensor x = ctx.newTensor2d(GgmlType.F32, n, tokens).setName("x").setInput();
        Tensor y = ctx.scale(ctx.gelu(ctx.add(ctx.mulMat(w, x), b)), scale).setName("y").setOutput();
        return Graph.build(y);
    }

    @Test
    void aStructurallyIdenticalGraphReusesThePlanAndADifferentOneReplans() {
        try (GraphAllocator galloc = new GraphAllocator(BufferTypes.arena(), Planner.best(), PlanOptions.defaults())) {
            Graph g1 = step(64, 4, 0.5f);
            MemoryPlan p1 = galloc.allocate(g1);
            Graph g2 = step(64, 4, 0.5f);
            MemoryPlan p2 = galloc.allocate(g2);
            assertEquals(1, galloc.plansMade());
            assertEquals(1, galloc.plansReused());
            assertNotSame(p1, p2);
            assertEquals(p1.offsetOf(g1.node(g1.nodeCount() - 1)), p2.offsetOf(g2.node(g2.nodeCount() - 1)));
            assertNull(g1.node(0).data(), "the previous graph is unbound");
            assertTrue(g2.node(0).isAllocated());
            // same shapes, another op parameter: planned again (ggml would only compare node counts and sizes)
            galloc.allocate(step(64, 4, 0.25f));
            assertEquals(2, galloc.plansMade());
            // back to g2: it differs from the last graph, so planned again; then the same graph again is reused
            galloc.allocate(g2);
            assertEquals(3, galloc.plansMade());
            galloc.allocate(g2);
            assertEquals(2, galloc.plansReused());
            assertTrue(g2.node(0).isAllocated());
        }
    }

    @Test
    void buffersGrowWhenNeededAndShrinkOnRequest() {
        try (GraphAllocator galloc = new GraphAllocator(BufferTypes.arena(), Planner.best(), PlanOptions.defaults())) {
            MemoryPlan big = galloc.allocate(step(64, 32, 1f));
            long bigBytes = galloc.allocatedBytes();
            assertEquals(big.totalBytes(), bigBytes);
            MemoryPlan small = galloc.allocate(step(64, 2, 1f));
            assertTrue(small.totalBytes() < bigBytes);
            assertEquals(bigBytes, galloc.allocatedBytes(), "no shrinking unless asked");
            galloc.shrink();
            assertEquals(small.totalBytes(), galloc.allocatedBytes());
            assertTrue(small.graph().node(0).isAllocated(), "shrink rebinds the current graph");
            galloc.allocate(step(64, 32, 1f));
            assertEquals(bigBytes, galloc.allocatedBytes());
        }
    }

    @Test
    void reserveSizesWithoutBinding() {
        PlanOptions opts = PlanOptions.defaults();
        try (GraphAllocator galloc = new GraphAllocator(BufferTypes.arena(), Planner.dynamic(), opts)) {
            Graph g = step(32, 3, 1f);
            MemoryPlan p = galloc.reserve(g);
            assertEquals(p.totalBytes(), galloc.allocatedBytes());
            assertNull(g.node(0).data());
        }
    }
}
