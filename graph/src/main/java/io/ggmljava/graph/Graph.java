package io.ggmljava.graph;

import io.ggmljava.core.Op;
import io.ggmljava.core.Tensor;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A computation graph with no node limit: the nodes (tensors computed by an op) and leafs (inputs, weights,
 * constants) needed for some outputs, in ggml's order.
 *
 * <p>{@link #buildForwardExpand} visits the sources of a tensor depth-first, in source order, and appends every
 * tensor after its sources, exactly as ggml's {@code ggml_visit_parents}; it uses an explicit stack, so a chain of
 * millions of nodes does not overflow the Java stack. Storage grows as needed.
 *
 * <pre>{@code
 * Context ctx = new Context();
 * Tensor x = ctx.newTensor1d(GgmlType.F32, 8).setInput();
 * Tensor y = ctx.sqr(ctx.add(x, x));
 * Graph g = Graph.build(y);            // nodes: [add, sqr]; leafs: [x]
 * }</pre>
 */
public final class Graph {
    private Tensor[] nodes;
    private int nNodes;
    private Tensor[] leafs;
    private int nLeafs;
    private final IdentityHashMap<Tensor, Boolean> visited;

    /** An empty graph. */
    public Graph() {
        this(16);
    }

    /** An empty graph with room for {@code capacity} nodes before it grows. */
    public Graph(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        nodes = new Tensor[Math.max(capacity, 1)];
        leafs = new Tensor[Math.max(capacity / 4, 4)];
        visited = new IdentityHashMap<>(Math.max(capacity, 16) * 2);
    }

    /** A graph computing {@code outputs}, in order. */
    public static Graph build(Tensor... outputs) {
        Graph g = new Graph();
        for (Tensor t : outputs) {
            g.buildForwardExpand(t);
        }
        return g;
    }

    /**
     * Adds {@code tensor} and every tensor it depends on that is not yet in the graph (ggml_build_forward_expand).
     * May be called many times; returns this graph.
     */
    public Graph buildForwardExpand(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        if (visited.containsKey(tensor)) {
            return this;
        }
        // Explicit DFS stack: tensors and the index of the next source to visit.
        Tensor[] stack = new Tensor[64];
        int[] next = new int[64];
        int sp = 0;
        visited.put(tensor, Boolean.TRUE);
        stack[0] = tensor;
        next[0] = 0;
        sp = 1;
        while (sp > 0) {
            Tensor t = stack[sp - 1];
            int i = next[sp - 1];
            Tensor child = null;
            while (i < Tensor.MAX_SRC) {
                Tensor s = t.src(i++);
                if (s != null && !visited.containsKey(s)) {
                    child = s;
                    break;
                }
            }
            next[sp - 1] = i;
            if (child != null) {
                visited.put(child, Boolean.TRUE);
                if (sp == stack.length) {
                    stack = Arrays.copyOf(stack, sp * 2);
                    next = Arrays.copyOf(next, sp * 2);
                }
                stack[sp] = child;
                next[sp] = 0;
                sp++;
            } else {
                sp--;
                append(t);
            }
        }
        return this;
    }

    private void append(Tensor t) {
        if (t.op() == Op.NONE && !t.hasFlag(Tensor.FLAG_PARAM)) {
            if (t.name().isEmpty()) {
                t.setName("leaf_" + nLeafs);
            }
            if (nLeafs == leafs.length) {
                leafs = Arrays.copyOf(leafs, nLeafs * 2);
            }
            leafs[nLeafs++] = t;
        } else {
            if (t.name().isEmpty()) {
                t.setName("node_" + nNodes);
            }
            if (nNodes == nodes.length) {
                nodes = Arrays.copyOf(nodes, nNodes * 2);
            }
            nodes[nNodes++] = t;
        }
    }

    /** Number of nodes (tensors computed by an op). */
    public int nodeCount() {
        return nNodes;
    }

    /** Number of leafs (tensors with no op). */
    public int leafCount() {
        return nLeafs;
    }

    /** Node {@code i}, in execution order. */
    public Tensor node(int i) {
        Objects.checkIndex(i, nNodes);
        return nodes[i];
    }

    /** Leaf {@code i}. */
    public Tensor leaf(int i) {
        Objects.checkIndex(i, nLeafs);
        return leafs[i];
    }

    /** The nodes in execution order (a read-only live view). */
    public List<Tensor> nodes() {
        return view(true);
    }

    /** The leafs (a read-only live view). */
    public List<Tensor> leafs() {
        return view(false);
    }

    /** True if {@code t} is a node or leaf of this graph. */
    public boolean contains(Tensor t) {
        return visited.containsKey(t);
    }

    private List<Tensor> view(boolean ofNodes) {
        return new AbstractList<>() {
            @Override
            public Tensor get(int i) {
                return ofNodes ? node(i) : leaf(i);
            }

            @Override
            public int size() {
                return ofNodes ? nNodes : nLeafs;
            }
        };
    }

    @Override
    public String toString() {
        return "Graph{" + nNodes + " nodes, " + nLeafs + " leafs}";
    }
}
