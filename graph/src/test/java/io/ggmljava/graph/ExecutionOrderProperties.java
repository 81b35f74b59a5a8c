package io.ggmljava.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Contracts of the execution orders over random DAGs: each is a topological order with every node once, keeps every
 * access to written memory on its side of the write, and MEMORY never has a higher peak than GGML. The peak itself
 * is checked against a slow reference.
 */
class ExecutionOrderProperties {

    @Property(tries = 150)
    void everyOrderIsTopologicalAndContainsEachNodeOnce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 250) int ops,
                                                        @ForAll boolean inplace) {
        Graph g = RandomGraphs.build(seed, ops, 16, inplace).graph();
        NodeTable tab = new NodeTable(g, 32, t -> false);
        int[] dfs = MemoryOrder.needFirst(tab);
        List<int[]> orders = List.of(ExecutionOrder.GGML.order(g), ExecutionOrder.MEMORY.order(g), dfs,
                MemoryOrder.greedy(tab, MemoryOrder.rankOf(dfs)));
        for (int[] order : orders) {
            assertTopological(g, order);
            assertWritesKeepTheirPlace(g, order);
        }
        Statistics.label("in-place and cache writes").collect(inplace);
    }

    @Property(tries = 150)
    void memoryOrderNeverHasAHigherPeakThanGgmlOrder(@ForAll long seed,
                                                     @ForAll @IntRange(min = 1, max = 250) int ops,
                                                     @ForAll boolean inplace) {
        Graph g = RandomGraphs.build(seed, ops, 16, inplace).graph();
        long ggml = Liveness.of(g).peakBytes();
        Graph m = g.ordered(ExecutionOrder.MEMORY);
        long mem = Liveness.of(m).peakBytes();
        assertTrue(mem <= ggml, "memory " + mem + " > ggml " + ggml);
        assertEquals(g.nodeCount(), m.nodeCount());
        Statistics.label("memory order").collect(mem < ggml ? "lower" : "equal");
    }

    @Property(tries = 100)
    void peakMatchesTheReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int ops,
                                 @ForAll boolean inplace) {
        Graph g = RandomGraphs.build(seed, ops, 16, inplace).graph();
        for (int[] order : List.of(ExecutionOrder.GGML.order(g), ExecutionOrder.MEMORY.order(g))) {
            Liveness l = Liveness.of(g, order, 32, t -> false);
            assertEquals(ReferenceLiveness.peak(g, order, 32), l.peakBytes());
            boolean shared = false;
            for (int i = 0; i < g.nodeCount(); i++) {
                shared |= l.inplaceParent(i) >= 0;
            }
            Statistics.label("in-place pairs").collect(shared);
            long max = 0;
            for (int k = 0; k < l.steps(); k++) {
                max = Math.max(max, l.liveBytes(k));
            }
            assertEquals(max, l.peakBytes());
        }
    }

    @Example
    void aRegressionSeedWithEveryKindOfOp() {
        peakMatchesTheReference(7L, 120, true);
        memoryOrderNeverHasAHigherPeakThanGgmlOrder(-3L, 250, true);
    }

    static void assertTopological(Graph g, int[] order) {
        int n = g.nodeCount();
        assertEquals(n, order.length);
        int[] pos = new int[n];
        java.util.Arrays.fill(pos, -1);
        for (int k = 0; k < n; k++) {
            assertTrue(order[k] >= 0 && order[k] < n, "entry out of range");
            assertEquals(-1, pos[order[k]], "node " + order[k] + " twice");
            pos[order[k]] = k;
        }
        for (int i = 0; i < n; i++) {
            Tensor t = g.node(i);
            for (int s = 0; s < t.srcCount(); s++) {
                int j = t.src(s) == null ? -1 : g.nodeIndex(t.src(s));
                if (j >= 0) {
                    assertTrue(pos[j] < pos[i], "node " + i + " runs before its source " + j);
                }
            }
        }
    }

    /** Every node that touches a written tensor's memory stays on the same side of each write as in ggml order. */
    static void assertWritesKeepTheirPlace(Graph g, int[] order) {
        int n = g.nodeCount();
        int[] pos = new int[n];
        for (int k = 0; k < n; k++) {
            pos[order[k]] = k;
        }
        Map<Tensor, List<Integer>> access = new IdentityHashMap<>();
        Map<Tensor, List<Integer>> writes = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Tensor t = g.node(i);
            if (NodeTable.isWriter(t)) {
                writes.computeIfAbsent(t.viewSource(), x -> new ArrayList<>()).add(i);
            }
            for (int s = 0; s < t.srcCount(); s++) {
                Tensor src = t.src(s);
                if (src != null) {
                    access.computeIfAbsent(src.isView() ? src.viewSource() : src, x -> new ArrayList<>()).add(i);
                }
            }
        }
        for (Map.Entry<Tensor, List<Integer>> e : writes.entrySet()) {
            for (int w : e.getValue()) {
                for (int a : access.getOrDefault(e.getKey(), List.of())) {
                    if (a != w) {
                        assertEquals(a < w, pos[a] < pos[w], "access " + a + " moved across write " + w);
                    }
                }
            }
        }
    }
}
