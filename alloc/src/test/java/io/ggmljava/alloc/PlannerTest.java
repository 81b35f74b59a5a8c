package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final Context ctx = new Context();

    private Tensor vec(long n) {
        return ctx.newTensor1d(GgmlType.F32, n);
    }

    @Test
    void aChainReusesMemoryExactlyAsGgml() {
        // x: 32 bytes at 0; a = sin(x) on top (32); x freed; b = sin(a) in x's block (0); a freed and merged
        // into the open end; c = sin(b) at 32 again. Peak 64 = the bound.
        Tensor x = vec(8).setName("x").setInput();
        Tensor a = ctx.sin(x);
        Tensor b = ctx.sin(a);
        Tensor c = ctx.sin(b).setOutput();
        MemoryPlan p = Planner.dynamic().plan(Graph.build(c));
        assertEquals(0, p.offsetOf(x));
        assertEquals(32, p.offsetOf(a));
        assertEquals(0, p.offsetOf(b));
        assertEquals(32, p.offsetOf(c));
        assertEquals(64, p.computeBytes());
        assertEquals(64, p.lowerBoundBytes());
        assertEquals(1.0, p.ratio());
        assertArrayEquals(new long[]{64, 64, 64}, p.liveBytes());
    }

    private static void assertArrayEquals(long[] want, long[] got) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got);
    }

    @Test
    void anElementWiseOpTakesOverItsLastReadParent() {
        Tensor x = vec(16).setName("x").setInput();
        Tensor y = ctx.sqr(x).setName("y");
        Tensor z = ctx.sqrt(y).setName("z").setOutput();
        MemoryPlan p = Planner.best().plan(Graph.build(z));
        assertSame(x, p.inplaceParentOf(y));
        assertSame(y, p.inplaceParentOf(z));
        assertEquals(p.offsetOf(x), p.offsetOf(z));
        assertEquals(64, p.computeBytes());
        assertEquals(64, p.lowerBoundBytes());
        assertEquals(128, p.strictLowerBoundBytes()); // without in place, x and y are both live at y
        assertEquals(2, p.inplaceCount());
    }

    @Test
    void noInPlaceWhenTheParentIsReadLater() {
        Tensor x = vec(16).setName("x").setInput();
        Tensor y = ctx.sqr(x).setName("y");
        Tensor z = ctx.add(y, x).setName("z").setOutput();
        MemoryPlan p = Planner.dynamic().plan(Graph.build(z));
        assertNull(p.inplaceParentOf(y));
        // z = y + x: x is read for the last time here but comes second; y (first source) is taken over
        assertSame(y, p.inplaceParentOf(z));
    }

    @Test
    void noInPlaceOverOutputsRepeatedOperandsOtherLayoutsOrNonInplaceOps() {
        Tensor x = vec(16).setName("x").setInput().setOutput();
        Tensor y = ctx.sqr(x).setName("y");                       // x is an output
        Tensor w = ctx.mul(y, y).setName("w");                      // y read twice
        Tensor row = ctx.newTensor2d(GgmlType.F32, 16, 4).setName("row");
        Tensor v = ctx.add(row, w).setName("v");                    // w [16] has another layout than v [16,4]
        Tensor s = ctx.sin(v).setName("s").setOutput();             // SIN is not in ggml's in-place list
        MemoryPlan p = Planner.dynamic().plan(Graph.build(s));
        assertNull(p.inplaceParentOf(y));
        assertNull(p.inplaceParentOf(w));
        assertSame(row, p.inplaceParentOf(v));
        assertNull(p.inplaceParentOf(s));
    }

    @Test
    void noInPlaceWhileAViewOfTheParentIsStillRead() {
        Tensor x = vec(16).setName("x").setInput();
        Tensor a = ctx.sin(x).setName("a");
        Tensor view = ctx.view1d(a, 8, 0).setName("view");
        Tensor b = ctx.sqr(a).setName("b");
        Tensor c = ctx.add(ctx.view1d(b, 8, 0), view).setName("c").setOutput();
        MemoryPlan p = Planner.dynamic().plan(Graph.build(c));
        assertNull(p.inplaceParentOf(b), "a's view is read after b");
        // a lives until c reads its view
        ReferenceCheck.disjointOrHandedOver(p, a, b);
    }

    @Test
    void outputsAreNeverOverwritten() {
        Tensor x = vec(16).setName("x").setInput();
        Tensor a = ctx.sin(x).setName("a").setOutput();
        Tensor b = ctx.cos(a).setName("b");
        Tensor c = ctx.sin(b).setName("c");
        Tensor d = ctx.cos(c).setName("d").setOutput();
        MemoryPlan p = Planner.best().plan(Graph.build(d));
        for (Tensor t : List.of(x, b, c, d)) {
            assertTrue(p.offsetOf(t) + 64 <= p.offsetOf(a) || p.offsetOf(a) + 64 <= p.offsetOf(t),
                    t.name() + " overlaps the output a");
        }
    }

    @Test
    void tensorsWithMemoryOrDeclaredExternalAreLeftAlone() {
        Tensor w = ctx.newTensor2d(GgmlType.F32, 16, 16).setName("w");
        Tensor bias = vec(16).setName("bias");
        Tensor x = vec(16).setName("x").setInput();
        Tensor y = ctx.add(ctx.mulMat(w, x), bias).setOutput();
        try (Arena user = Arena.ofConfined()) {
            MemorySegment wMem = user.allocate(w.nbytes());
            w.bind(wMem);
            PlanOptions opts = PlanOptions.defaults().withExternal(List.of(bias));
            MemoryPlan p = Planner.best().plan(Graph.build(y), opts);
            assertFalse(p.isPlaced(w));
            assertFalse(p.isPlaced(bias));
            assertTrue(p.isPlaced(x));
            try (Allocation mem = p.allocate(BufferTypes.arena())) {
                assertSame(wMem, w.data());
                assertNull(bias.data());
                assertTrue(x.isAllocated() && y.isAllocated());
            }
            assertSame(wMem, w.data(), "closing the allocation leaves user memory alone");
            assertNull(x.data(), "closing the allocation unbinds what it bound");
        }
    }

    @Test
    void aViewWhoseSourceHasNoMemoryAndIsNotInTheGraphIsRejected() {
        Tensor src = vec(16).setName("src");
        Tensor view = ctx.viewTensor(src).setName("leaf view");
        Tensor y = ctx.sqr(view).setOutput();
        AllocationException e = assertThrows(AllocationException.class, () -> Planner.best().plan(Graph.build(y)));
        assertTrue(e.getMessage().contains("'src' is not in the graph and has no memory"), e.getMessage());
    }

    @Test
    void aPlugInStrategyIsCheckedForOverlaps() {
        Tensor x = vec(16).setName("x").setInput();
        Tensor y = ctx.sin(x).setName("y").setOutput();
        PlacementStrategy allAtZero = new PlacementStrategy() {
            @Override
            public String name() {
                return "zero";
            }

            @Override
            public long[] place(Lifetimes table) {
                return new long[table.unitCount()];
            }
        };
        AllocationException e = assertThrows(AllocationException.class,
                () -> Planner.of(allAtZero).plan(Graph.build(y)));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void aPlugInStrategyCanBePassed() {
        Tensor x = vec(16).setName("x").setInput();
        Tensor y = ctx.sin(ctx.sin(ctx.sin(x))).setOutput();
        PlacementStrategy stack = new PlacementStrategy() {
            @Override
            public String name() {
                return "stack";
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
        };
        MemoryPlan p = Planner.of(stack).plan(() -> Graph.build(y));
        assertEquals("stack", p.strategy());
        assertEquals(4 * 64, p.computeBytes());
        assertEquals(2.0, p.ratio());
        assertThrows(IllegalArgumentException.class, () -> Planner.byName("no-such-planner"));
        assertSame(Planner.best(), Planner.byName("BEST"));
    }

    @Test
    void largeChainsNeedNoFreeBlockLimit() {
        // long-range reads keep many small holes open: ggml aborts past 256 free blocks
        Tensor x = ctx.newTensor1d(GgmlType.F32, 8).setInput();
        List<Tensor> keep = new java.util.ArrayList<>();
        Tensor cur = x;
        for (int i = 0; i < 2000; i++) {
            cur = ctx.sin(cur);
            Tensor big = ctx.cos(ctx.newTensor1d(GgmlType.F32, 8 + i % 7));
            keep.add(big);
        }
        Graph g = new Graph();
        for (Tensor k : keep) {
            g.buildForwardExpand(k);
        }
        g.buildForwardExpand(cur);
        MemoryPlan p = Planner.dynamic().plan(g);
        assertTrue(p.computeBytes() >= p.lowerBoundBytes());
    }

    @Test
    void graphsWithoutNodesAreFine() {
        MemoryPlan empty = Planner.best().plan(new Graph());
        assertEquals(0, empty.computeBytes());
        assertEquals(0, empty.liveBytes().length);
        Tensor leaf = vec(10).setName("leaf").setInput();
        MemoryPlan one = Planner.best().plan(Graph.build(leaf));
        assertEquals(64, one.computeBytes());
        assertEquals(64, one.lowerBoundBytes());
        assertEquals(-1, one.peakNode());
        try (Allocation mem = one.allocate(BufferTypes.arena())) {
            assertTrue(leaf.isAllocated());
        }
        Tensor nothing = ctx.newTensor2d(GgmlType.F32, 0, 4).setName("empty").setInput();
        MemoryPlan zero = Planner.best().plan(Graph.build(ctx.sin(nothing)));
        assertEquals(0, zero.computeBytes());
    }

    @Test
    void summaryNamesTheNumbers() {
        Tensor x = vec(16).setName("x").setInput();
        Tensor y = ctx.sin(x).setName("y").setOutput();
        String s = Planner.best().plan(Graph.build(y)).summary();
        assertTrue(s.contains("compute") && s.contains("lower bound") && s.contains("ratio"), s);
    }

    /** Small address checks shared by the tests above. */
    static final class ReferenceCheck {
        static void disjointOrHandedOver(MemoryPlan p, Tensor a, Tensor b) {
            long ea = p.offsetOf(a) + a.nbytes();
            long eb = p.offsetOf(b) + b.nbytes();
            assertTrue(ea <= p.offsetOf(b) || eb <= p.offsetOf(a) || p.inplaceParentOf(b) == a,
                    a.name() + " and " + b.name() + " overlap");
        }
    }
}
