package io.ggmljava.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.PlanOptions;
import io.ggmljava.alloc.Planner;
import io.ggmljava.graph.Graph;
import org.junit.jupiter.api.Test;

/** GPT-2 small's compute buffer against ggml's gallocr sizes (ANCHORS.md, issue 8). */
class Gpt2PlanTest {
    static final double MIB = 1024.0 * 1024.0;
    private final Gpt2 gpt2 = new Gpt2(Gpt2.Config.small());
    private final PlanOptions opts = PlanOptions.defaults().withExternal(gpt2.weightsAndCache());

    @Test
    void promptOf128TokensMatchesGgml() {
        Graph g = gpt2.graph(0, 128);
        assertEquals(487, g.nodeCount(), "ggml's gpt-2 example graph has 487 nodes");
        MemoryPlan dyn = Planner.dynamic().plan(g, opts);
        assertEquals(25.29, dyn.computeBytes() / MIB, 0.005, dyn.summary());   // ggml: 25.29 MiB
        MemoryPlan best = Planner.best().plan(g, opts);
        assertTrue(best.computeBytes() <= dyn.computeBytes());
        assertEquals(best.lowerBoundBytes(), best.computeBytes(), best.summary());
    }

    @Test
    void decodeOneTokenAfter128MatchesGgml() {
        MemoryPlan dyn = Planner.dynamic().plan(gpt2.graph(128, 1), opts);
        assertEquals(0.39, dyn.computeBytes() / MIB, 0.005, dyn.summary());    // ggml: 0.39 MiB
    }

    @Test
    void theGraphWithoutACacheHasNoCacheWrites() {
        Graph g = gpt2.graphNoCache(16);
        for (var n : g.nodes()) {
            assertTrue(n.viewSource() != gpt2.kvCache().tensors().get(0), n.toString());
        }
        assertEquals(0, Planner.best().plan(g, opts).placedTensors().stream()
                .filter(t -> t.name().startsWith("cache_")).count());
    }
}
