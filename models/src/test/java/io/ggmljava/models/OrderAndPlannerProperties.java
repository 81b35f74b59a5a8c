package io.ggmljava.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.PlanOptions;
import io.ggmljava.alloc.Planner;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.ExecutionOrder;
import io.ggmljava.graph.Graph;
import io.ggmljava.graph.Liveness;
import io.ggmljava.testdata.arbitraries.GraphArbitraries;
import io.ggmljava.testdata.arbitraries.GraphArbitraries.DagSpec;
import java.lang.foreign.Arena;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The graph module's {@link Liveness} and the allocator agree: for any order of the allocator engineer's random DAGs
 * the liveness peak is the planner's lower bound, so "the memory order never has a higher peak than ggml's order"
 * holds for the bytes the planner reaches too.
 */
class OrderAndPlannerProperties {

    @Property(tries = 150)
    void livenessPeakIsThePlannersLowerBoundAndMemoryOrderNeverRaisesIt(@ForAll("dags") DagSpec spec) {
        GraphArbitraries.Dag dag = spec.build();
        try (Arena arena = Arena.ofConfined()) {
            for (Tensor t : dag.preallocate()) {
                t.bind(arena.allocate(Math.max(1, t.nbytes()), 64));
            }
            Graph g = dag.graph();
            Graph m = g.ordered(ExecutionOrder.MEMORY);
            MemoryPlan pg = Planner.best().plan(g, PlanOptions.defaults());
            MemoryPlan pm = Planner.best().plan(m, PlanOptions.defaults());
            assertEquals(pg.lowerBoundBytes(), Liveness.of(g).peakBytes(), "ggml order, " + spec);
            assertEquals(pm.lowerBoundBytes(), Liveness.of(m).peakBytes(), "memory order, " + spec);
            assertTrue(pm.lowerBoundBytes() <= pg.lowerBoundBytes(), spec.toString());
        }
    }

    @Provide
    Arbitrary<DagSpec> dags() {
        return GraphArbitraries.dags(200);
    }
}
