package io.ggmljava.testdata.contracts;

import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * An independent, deliberately plain statement of when each tensor of a graph must keep its bytes, used to judge
 * planners (it shares no code with them). Time 0 is before the first node; node {@code i} runs at time {@code i+1}.
 * A tensor is live from its production (time 0 for leafs and inputs) through the last node that reads it directly
 * or through a view; to the end if it is an output, has an output view, has a view nobody reads, or is read by
 * nobody.
 */
public final class ReferenceLiveness {
    private final Graph graph;
    private final Map<Tensor, Integer> start = new IdentityHashMap<>();
    private final Map<Tensor, Integer> end = new IdentityHashMap<>();
    private final Map<Tensor, Integer> lastRead = new IdentityHashMap<>();
    private final Map<Tensor, Integer> time = new IdentityHashMap<>();
    private final Map<Tensor, java.util.List<Tensor>> views = new IdentityHashMap<>();
    private final int last;

    public ReferenceLiveness(Graph graph) {
        this.graph = graph;
        int n = graph.nodeCount();
        last = n;
        for (int i = 0; i < n; i++) {
            Tensor node = graph.node(i);
            time.put(node, i + 1);
            for (int j = 0; j < Tensor.MAX_SRC; j++) {
                Tensor s = node.src(j);
                if (s != null) {
                    lastRead.put(s, i + 1);
                }
            }
        }
        for (Tensor t : graph.leafs()) {
            define(t, 0);
        }
        for (int i = 0; i < n; i++) {
            Tensor t = graph.node(i);
            define(t, t.hasFlag(Tensor.FLAG_INPUT) ? 0 : i + 1);
        }
        // views extend their source's life to their own readers (or to the end)
        for (Tensor v : allTensors()) {
            Tensor src = v.viewSource();
            if (src == null || !end.containsKey(src)) {
                continue;
            }
            views.computeIfAbsent(src, k -> new java.util.ArrayList<>()).add(v);
            Integer r = lastRead.get(v);
            int until = (r == null || v.hasFlag(Tensor.FLAG_OUTPUT)) ? last : r;
            end.put(src, Math.max(end.get(src), until));
        }
    }

    private Iterable<Tensor> allTensors() {
        java.util.List<Tensor> all = new java.util.ArrayList<>(graph.leafs());
        all.addAll(graph.nodes());
        return all;
    }

    private void define(Tensor t, int from) {
        if (t.isView()) {
            return;
        }
        start.put(t, from);
        Integer r = lastRead.get(t);
        end.put(t, (r == null || t.hasFlag(Tensor.FLAG_OUTPUT)) ? last : r);
    }

    /** The last time (the node count). */
    public int lastTime() {
        return last;
    }

    /** First time {@code t} (not a view) holds data. */
    public int start(Tensor t) {
        return start.get(t);
    }

    /** Last time {@code t} (not a view) must keep its data. */
    public int end(Tensor t) {
        return end.get(t);
    }

    /** The time of the last direct reader of {@code t}, or -1. */
    public int lastDirectRead(Tensor t) {
        Integer r = lastRead.get(t);
        return r == null ? -1 : r;
    }

    /** Time of node {@code t} ({@code index + 1}), or 0 for leafs. */
    public int timeOf(Tensor t) {
        return time.getOrDefault(t, 0);
    }

    /** True if some view of {@code t} is read at time {@code time} or later, or is never read (kept to the end). */
    public boolean viewNeededFrom(Tensor t, int from) {
        for (Tensor v : views.getOrDefault(t, java.util.List.of())) {
            Integer r = lastRead.get(v);
            if (r == null || r >= from || v.hasFlag(Tensor.FLAG_OUTPUT)) {
                return true;
            }
        }
        return false;
    }
}
