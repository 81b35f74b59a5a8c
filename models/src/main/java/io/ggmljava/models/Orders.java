package io.ggmljava.models;

import io.ggmljava.graph.Graph;
import java.util.List;

/**
 * The execution orders a graph can be planned and run in: {@code ggml} (ggml's depth-first order, for conformance)
 * and {@code memory} (a dependency-respecting reorder that lowers the peak of live bytes, from the graph module).
 */
public final class Orders {
    private Orders() {
    }

    /** The names accepted by {@link #apply}. */
    public static List<String> names() {
        return List.of("ggml", "memory");
    }

    /** The default order: {@code memory} once the graph module provides it, else {@code ggml}. */
    public static String defaultOrder() {
        return "ggml";
    }

    /** {@code graph} in the named order (the same graph for {@code ggml}). */
    public static Graph apply(String order, Graph graph) {
        return switch (order) {
            case "ggml" -> graph;
            case "memory" -> throw new UnsupportedOperationException("the 'memory' execution order is not available "
                    + "yet (it comes with the graph module's execution orders); use --order ggml");
            default -> throw new IllegalArgumentException("no execution order named '" + order + "'; known: "
                    + String.join(", ", names()));
        };
    }
}
