package io.ggmljava.graph;

import io.ggmljava.core.Tensor;
import java.util.function.Predicate;

/**
 * The order in which a graph's nodes execute. The planner sizes the compute buffer for the order the graph has, so
 * choose it before planning: {@code graph = graph.ordered(ExecutionOrder.MEMORY)}.
 *
 * <ul>
 * <li>{@link #GGML}: ggml's order, the depth-first order the graph was built in. For conformance: a planner then
 * reproduces ggml's buffer sizes.
 * <li>{@link #MEMORY} (the {@linkplain #DEFAULT default}): a reorder that respects every dependency (and keeps reads
 * and writes of shared memory in their original order) and lowers the peak of live bytes ({@link Liveness}). It
 * is never worse than the graph's current order: both peaks are computed and the lower wins. An unrolled LSTM,
 * whose ggml order computes all T input projections first, becomes flat in T.
 * </ul>
 */
public enum ExecutionOrder {
    /** ggml's order: the graph as built (depth-first over sources, in source order). */
    GGML {
        @Override
        public int[] order(Graph graph, Predicate<Tensor> external) {
            return Liveness.identity(graph.nodeCount());
        }

        @Override
        public Graph apply(Graph graph, Predicate<Tensor> external) {
            return graph;
        }
    },
    /** A dependency-respecting order with a lower peak of live bytes (never higher than the current order's). */
    MEMORY {
        @Override
        public int[] order(Graph graph, Predicate<Tensor> external) {
            return MemoryOrder.best(new NodeTable(graph, Liveness.DEFAULT_ALIGNMENT, external));
        }

        @Override
        public Graph apply(Graph graph, Predicate<Tensor> external) {
            int[] order = order(graph, external);
            for (int k = 0; k < order.length; k++) {
                if (order[k] != k) {
                    return graph.reordered(order);
                }
            }
            return graph;
        }
    };

    /** The order used when none is given. */
    public static final ExecutionOrder DEFAULT = MEMORY;

    /** The order as node indices of {@code graph}: entry {@code k} is the node executed at step {@code k}. */
    public int[] order(Graph graph) {
        return order(graph, t -> false);
    }

    /**
     * The order of {@code graph}, counting the tensors {@code external} names as already allocated (pass the same
     * predicate the planner gets, e.g. the weights, so both minimise the same bytes).
     */
    public abstract int[] order(Graph graph, Predicate<Tensor> external);

    /** {@code graph} in this order: the same graph if nothing moves, else a reordered copy. */
    public Graph apply(Graph graph) {
        return apply(graph, t -> false);
    }

    /** {@code graph} in this order, with {@code external} tensors counted as already allocated. */
    public abstract Graph apply(Graph graph, Predicate<Tensor> external);
}
