package io.ggmljava.models;

import io.ggmljava.graph.ExecutionOrder;
import io.ggmljava.graph.Graph;
import java.util.List;

/**
 * The execution orders a graph can be planned and run in, by name: {@code ggml} (ggml's depth-first order, for
 * conformance) and {@code memory} (the graph module's dependency-respecting reorder that lowers the peak of live
 * bytes; see {@link ExecutionOrder}).
 */
public final class Orders {
    private Orders() {
    }

    /** The names accepted by {@link #apply}. */
    public static List<String> names() {
        return List.of("ggml", "memory");
    }

    /** The default order: {@link ExecutionOrder#DEFAULT}. */
    public static String defaultOrder() {
        return ExecutionOrder.DEFAULT.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code graph} in the named order (the same graph for {@code ggml}). */
    public static Graph apply(String order, Graph graph) {
        return switch (order) {
            case "ggml" -> graph;
            case "memory" -> ExecutionOrder.MEMORY.apply(graph);
            default -> throw new IllegalArgumentException("no execution order named '" + order + "'; known: "
                    + String.join(", ", names()));
        };
    }
}
