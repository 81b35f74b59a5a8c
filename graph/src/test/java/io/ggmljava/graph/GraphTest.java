package io.ggmljava.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {
    private final Context ctx = new Context();

    @Test
    void nodesAndLeafsComeInGgmlsDepthFirstOrder() {
        Tensor a = ctx.newTensor1d(GgmlType.F32, 4).setName("a");
        Tensor b = ctx.newTensor1d(GgmlType.F32, 4).setName("b");
        Tensor s = ctx.add(a, b).setName("s");
        Tensor m = ctx.mul(ctx.sqr(b).setName("q"), s).setName("m");
        Graph g = Graph.build(m);
        // visit m: src0 = q (visit b first, leaf), then q; src1 = s (a leaf), then s; then m
        assertEquals(List.of("q", "s", "m"), g.nodes().stream().map(Tensor::name).toList());
        assertEquals(List.of("b", "a"), g.leafs().stream().map(Tensor::name).toList());
        assertEquals(1, g.nodeIndex(s));
        assertEquals(-1, g.nodeIndex(a));
        assertEquals(1, g.leafIndex(a));
        assertTrue(g.contains(a));
        assertFalse(g.contains(ctx.newTensor1d(GgmlType.F32, 1)));
    }

    @Test
    void expandingTwiceAddsOnlyWhatIsNew() {
        Tensor a = ctx.newTensor1d(GgmlType.F32, 4);
        Tensor x = ctx.sqr(a);
        Tensor y = ctx.sin(x);
        Graph g = new Graph().buildForwardExpand(x).buildForwardExpand(y).buildForwardExpand(x);
        assertEquals(2, g.nodeCount());
        assertSame(y, g.node(1));
        assertEquals("node_0", x.name());
        assertEquals("leaf_0", a.name());
    }

    @Test
    void aChainOfAMillionNodesNeedsNoStack() {
        Tensor y = ctx.newTensor1d(GgmlType.F32, 1);
        for (int i = 0; i < 300_000; i++) {
            y = ctx.neg(y);
        }
        Graph g = Graph.build(y);
        assertEquals(300_000, g.nodeCount());
        assertSame(y, g.node(299_999));
        assertEquals(299_999, g.nodeIndex(y));
    }

    @Test
    void capacityFromAMeasuringBuildIsExact() {
        Graph measured = Graph.build(chain(1000));
        assertTrue(measured.nodeCapacity() > 1000, "grew past 1000 by doubling");
        Graph real = Graph.withCapacityOf(measured);
        real.buildForwardExpand(chain(1000));
        assertEquals(1000, real.nodeCount());
        assertEquals(1000, real.nodeCapacity());
        assertEquals(1, real.leafCapacity());
        long before = measured.overhead().heapBytes();
        measured.trim();
        assertEquals(1000, measured.nodeCapacity());
        assertTrue(measured.overhead().heapBytes() < before);
        assertEquals(real.overhead().heapBytes(), measured.overhead().heapBytes());
        measured.buildForwardExpand(ctx.sqr(measured.node(999))); // still grows after a trim
        assertEquals(1001, measured.nodeCount());
    }

    @Test
    void overheadReportsGgmlsGraphBytes() {
        // ggml_graph_nbytes(2048, false): 80 + 2*2048*8 + 4099*8 + ceil(4099/32)*4 (hash size 4099)
        assertEquals(80 + 32768 + 32792 + 516, Graph.ggmlGraphNbytes(2048, false));
        assertEquals(80 + 32768 + 3 * 32792 + 516, Graph.ggmlGraphNbytes(2048, true));
        assertEquals(32 + 66160, Graph.ggmlGraphOverhead(2048, false)); // ggml_graph_overhead()
        assertEquals(11, Graph.ggmlHashSize(6));
        assertEquals(2147483659L, Graph.ggmlHashSize(2147483650L));
        Graph g = Graph.build(chain(10));
        Graph.Overhead o = g.overhead();
        assertEquals(10, o.nodes());
        assertEquals(Graph.ggmlGraphNbytes(10, false), o.ggmlGraphBytes());
        assertTrue(o.heapBytes() > 10 * 4);
    }

    @Test
    void viewsShowARangeOfNodesAndAreReadOnly() {
        Graph g = Graph.build(chain(10));
        Graph v = g.view(3, 7);
        assertEquals(4, v.nodeCount());
        assertEquals(0, v.leafCount());
        assertSame(g.node(3), v.node(0));
        assertEquals(2, v.nodeIndex(g.node(5)));
        assertEquals(-1, v.nodeIndex(g.node(2)));
        assertEquals(-1, v.nodeIndex(g.node(7)));
        assertTrue(v.isView());
        Graph vv = v.view(1, 3);
        assertSame(g.node(4), vv.node(0));
        assertThrows(IllegalStateException.class, () -> v.buildForwardExpand(ctx.sqr(g.node(9))));
        assertThrows(IndexOutOfBoundsException.class, () -> g.view(5, 11));
    }

    @Test
    void reorderedChecksThePermutationAndTheDependencies() {
        Tensor a = ctx.newTensor1d(GgmlType.F32, 4);
        Tensor x = ctx.sqr(a);
        Tensor y = ctx.sin(a);
        Tensor z = ctx.add(x, y);
        Graph g = Graph.build(z);
        Graph r = g.reordered(new int[] {1, 0, 2});
        assertSame(y, r.node(0));
        assertSame(x, r.node(1));
        assertEquals(0, r.nodeIndex(y));
        assertEquals(1, g.nodeIndex(y), "the original keeps its order");
        assertThrows(IllegalArgumentException.class, () -> g.reordered(new int[] {0, 2, 1}));
        assertThrows(IllegalArgumentException.class, () -> g.reordered(new int[] {0, 0, 2}));
        assertThrows(IllegalArgumentException.class, () -> g.reordered(new int[] {0, 1}));
    }

    @Test
    void dotExportListsEveryNodeLeafAndEdge() {
        Tensor a = ctx.newTensor1d(GgmlType.F32, 4).setName("a\"quote");
        Tensor y = ctx.add(ctx.sqr(a), a).setName("y").setOutput();
        String dot = Graph.build(y).toDot();
        assertTrue(dot.startsWith("digraph G {"), dot);
        assertTrue(dot.contains("l0 [fillcolor=pink"), dot);
        assertTrue(dot.contains("a\\\"quote"), dot);
        assertTrue(dot.contains("n1 [fillcolor=palegreen"), dot);
        assertTrue(dot.contains("ADD"), dot);
        assertEquals(3, dot.split("->", -1).length - 1, dot);
        String part = Graph.build(y).view(1, 2).toDot();
        assertTrue(part.contains("lightgrey"), "sources outside a view appear as external: " + part);
    }

    private Tensor chain(int n) {
        Tensor y = ctx.newTensor1d(GgmlType.F32, 1);
        for (int i = 0; i < n; i++) {
            y = ctx.sqr(y);
        }
        return y;
    }
}
