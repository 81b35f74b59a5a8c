package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.util.function.Predicate;

/**
 * A graph flattened to int arrays for planning: tensor {@code k} is leaf {@code k} for {@code k < nLeafs}, else node
 * {@code k - nLeafs}. Holds each tensor's view source, whether the planner owns its memory, its padded size, and the
 * node sources in CSR form.
 */
final class GraphIndex {
    static final int NONE = -1;

    final Graph graph;
    final int nLeafs;
    final int nNodes;
    final Tensor[] tensors;
    /** Index of the view source, or NONE; for views whose source is external and outside the graph: NONE too. */
    final int[] viewSrc;
    /** True if the planner places this tensor (not a view, not already allocated, not declared external). */
    final boolean[] own;
    /** Padded bytes of owned tensors (0 otherwise). */
    final long[] size;
    /** Sources of node {@code i}: {@code srcIdx[srcStart[i] .. srcStart[i+1])}, in slot order, nulls skipped. */
    final int[] srcStart;
    final int[] srcIdx;
    final long alignment;

    GraphIndex(Graph graph, BufferType type, Predicate<Tensor> external) {
        this.graph = graph;
        this.alignment = type.alignment();
        nLeafs = graph.leafCount();
        nNodes = graph.nodeCount();
        int n = nLeafs + nNodes;
        tensors = new Tensor[n];
        IdentityIndex index = new IdentityIndex(n);
        for (int k = 0; k < nLeafs; k++) {
            tensors[k] = graph.leaf(k);
        }
        for (int i = 0; i < nNodes; i++) {
            tensors[nLeafs + i] = graph.node(i);
        }
        for (int k = 0; k < n; k++) {
            if (!index.putIfAbsent(tensors[k], k)) {
                throw new AllocationException("graph lists tensor '" + tensors[k].name() + "' twice");
            }
        }
        viewSrc = new int[n];
        own = new boolean[n];
        size = new long[n];
        for (int k = 0; k < n; k++) {
            Tensor t = tensors[k];
            Tensor vs = t.viewSource();
            if (vs != null) {
                int v = index.get(vs);
                if (v < 0) {
                    if (vs.data() == null && !external.test(vs)) {
                        throw new AllocationException("view '" + t.name() + "' " + t.describe() + ": its source '"
                                + vs.name() + "' is not in the graph and has no memory; allocate it first or add "
                                + "it to the graph");
                    }
                    viewSrc[k] = NONE;
                } else {
                    viewSrc[k] = v;
                }
            } else {
                viewSrc[k] = NONE;
                if (t.data() == null && !external.test(t)) {
                    own[k] = true;
                    size[k] = pad(type.allocSize(t), alignment);
                }
            }
        }
        int total = 0;
        for (int i = 0; i < nNodes; i++) {
            total += tensors[nLeafs + i].srcCount();
        }
        srcStart = new int[nNodes + 1];
        int[] srcs = new int[total];
        int m = 0;
        for (int i = 0; i < nNodes; i++) {
            Tensor node = tensors[nLeafs + i];
            srcStart[i] = m;
            for (int j = 0, c = node.srcCount(); j < c; j++) {
                Tensor s = node.src(j);
                if (s == null) {
                    continue;
                }
                if (s == node) {
                    continue; // ggml_cast names the result its own src[1]: no dependency
                }
                int k = index.get(s);
                if (k < 0) {
                    throw new AllocationException("node '" + node.name() + "' (" + node.opDesc() + "): source " + j
                            + " '" + s.name() + "' is not in the graph");
                }
                if (k >= nLeafs + i) {
                    throw new AllocationException("node " + i + " '" + node.name() + "' (" + node.opDesc()
                            + ") reads node " + (k - nLeafs) + " '" + s.name() + "', which comes later: the node "
                            + "order is not a topological order");
                }
                srcs[m++] = k;
            }
        }
        srcStart[nNodes] = m;
        srcIdx = m == total ? srcs : java.util.Arrays.copyOf(srcs, m);
    }

    int nTensors() {
        return tensors.length;
    }

    static long pad(long bytes, long alignment) {
        return (bytes + alignment - 1) & -alignment;
    }
}
