package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.PlanOptions;
import io.ggmljava.alloc.Planner;
import io.ggmljava.core.Op;
import io.ggmljava.graph.Graph;
import io.ggmljava.graph.Liveness;
import io.ggmljava.testdata.arbitraries.GraphArbitraries;
import io.ggmljava.testdata.arbitraries.GraphArbitraries.DagSpec;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The planner's lower bound ({@code alloc.Lifetimes}) and the execution-order liveness ({@code graph.Liveness}) are
 * written independently; for the same graph, order and external tensors they must agree on the peak, and on which
 * nodes are computed in place.
 */
class LivenessAgreementProperties {
    @Provide
    Arbitrary<DagSpec> dags() {
        return GraphArbitraries.dags(150).map(s -> new DagSpec(s.ops(), s.seed(), s.locality(), s.viewPercent(),
                s.inplacePercent(), s.outputPercent(), 0));
    }

    @Property(tries = 300)
    void peakAndInplaceDecisionsAgree(@ForAll("dags") DagSpec spec) {
        Graph g = spec.build().graph();
        agree(g, t -> false, spec);
        agree(g, t -> t.op() == Op.NONE, spec); // leafs in their own buffer (weights)
    }

    private static void agree(Graph g, java.util.function.Predicate<io.ggmljava.core.Tensor> external, DagSpec spec) {
        MemoryPlan plan = Planner.dynamic().plan(g, PlanOptions.defaults().withExternal(external));
        int[] order = new int[g.nodeCount()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Liveness live = Liveness.of(g, order, Liveness.DEFAULT_ALIGNMENT, external);
        if (live.peakBytes() != plan.lowerBoundBytes()) {
            throw new AssertionError("graph.Liveness peak " + live.peakBytes() + " but alloc lower bound "
                    + plan.lowerBoundBytes() + "; " + spec);
        }
        for (int i = 0; i < g.nodeCount(); i++) {
            var node = g.node(i);
            int p = live.inplaceParent(i);
            var mine = plan.isPlaced(node) ? plan.inplaceParentOf(node) : null;
            var theirs = p < 0 ? null : g.node(p);
            boolean leafParent = mine != null && theirs == null && g.leafs().contains(mine); // graph reports -1
            if (mine != theirs && !leafParent) {
                throw new AssertionError("node " + i + " '" + node.name() + "': in place of "
                        + (mine == null ? "nothing" : mine.name()) + " (alloc) vs "
                        + (theirs == null ? "nothing" : theirs.name()) + " (graph); " + spec);
            }
        }
    }
}
