package io.ggmljava.graph;

import io.ggmljava.core.Op;
import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A computation graph with no node limit: the nodes (tensors computed by an op) and leafs (inputs, weights,
 * constants) needed for some outputs, in an execution order (ggml's, as built, or one chosen by
 * {@link ExecutionOrder}).
 *
 * <p>{@link #buildForwardExpand} visits the sources of a tensor depth-first, in source order, and appends every
 * tensor after its sources, exactly as ggml's {@code ggml_visit_parents}; it uses an explicit stack, so a chain of
 * millions of nodes does not overflow the Java stack. Storage grows as needed; a graph built again after a
 * measuring pass can be created at exactly the measured capacity ({@link #withCapacityOf}), and {@link #trim()}
 * drops spare room.
 *
 * <pre>{@code
 * Context ctx = new Context();
 * Tensor x = ctx.newTensor1d(GgmlType.F32, 8).setInput();
 * Tensor y = ctx.sqr(ctx.add(x, x));
 * Graph g = Graph.build(y);                       // nodes: [add, sqr]; leafs: [x]
 * Graph m = g.ordered(ExecutionOrder.MEMORY);     // same nodes, an order with a lower peak of live bytes
 * Graph part = g.view(0, 1);                      // nodes [0, 1), no leafs (ggml_graph_view)
 * System.out.println(g.overhead());               // this graph's own bytes, and ggml's for the same size
 * }</pre>
 */
public final class Graph {
    private Tensor[] nodes;
    private int nNodes;
    private Tensor[] leafs;
    private int nLeafs;
    private final TensorIndex index;
    /** Nodes and leafs whose positions are recorded in the index (positions are recorded on first lookup). */
    private int indexedNodes;
    private int indexedLeafs;
    /** For a view: the first node of the parent it shows, else 0. */
    private final int offset;
    /** For a view: the graph it shows, else null. */
    private final Graph parent;

    /** An empty graph. */
    public Graph() {
        this(16, 8);
    }

    /** An empty graph with room for {@code nodeCapacity} nodes (and a quarter as many leafs) before it grows. */
    public Graph(int nodeCapacity) {
        this(nodeCapacity, Math.max(nodeCapacity / 4, 4));
    }

    /** An empty graph with room for exactly {@code nodeCapacity} nodes and {@code leafCapacity} leafs. */
    public Graph(int nodeCapacity, int leafCapacity) {
        if (nodeCapacity < 0 || leafCapacity < 0) {
            throw new IllegalArgumentException("graph capacities must not be negative: nodes " + nodeCapacity
                    + ", leafs " + leafCapacity);
        }
        nodes = new Tensor[nodeCapacity];
        leafs = new Tensor[leafCapacity];
        index = new TensorIndex(nodeCapacity + leafCapacity);
        offset = 0;
        parent = null;
    }

    private Graph(Tensor[] nodes, int nNodes, Tensor[] leafs, int nLeafs, TensorIndex index, int offset,
                  Graph parent) {
        this.nodes = nodes;
        this.nNodes = nNodes;
        this.leafs = leafs;
        this.nLeafs = nLeafs;
        this.index = index;
        this.offset = offset;
        this.parent = parent;
    }

    /**
     * An empty graph with exactly the node and leaf capacity of {@code measured}'s contents: build the same
     * computation again into it and no array grows.
     */
    public static Graph withCapacityOf(Graph measured) {
        return new Graph(measured.nodeCount(), measured.leafCount());
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
     *
     * @throws IllegalStateException on a {@linkplain #view view}, which is read-only
     */
    public Graph buildForwardExpand(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        requireNotView("buildForwardExpand");
        if (!index.add(tensor)) {
            return this;
        }
        // Explicit DFS stack: tensors and the index of the next source to visit.
        Tensor[] stack = new Tensor[64];
        int[] next = new int[64];
        stack[0] = tensor;
        next[0] = 0;
        int sp = 1;
        while (sp > 0) {
            Tensor t = stack[sp - 1];
            int i = next[sp - 1];
            Tensor child = null;
            while (i < Tensor.MAX_SRC) {
                Tensor s = t.src(i++);
                if (s != null && index.add(s)) {
                    child = s;
                    break;
                }
            }
            next[sp - 1] = i;
            if (child != null) {
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
                leafs = Arrays.copyOf(leafs, Math.max(4, nLeafs * 2));
            }
            leafs[nLeafs++] = t;
        } else {
            if (t.name().isEmpty()) {
                t.setName("node_" + nNodes);
            }
            if (nNodes == nodes.length) {
                nodes = Arrays.copyOf(nodes, Math.max(16, nNodes * 2));
            }
            nodes[nNodes++] = t;
        }
    }

    private void requireNotView(String what) {
        if (parent != null) {
            throw new IllegalStateException(what + ": this graph is a view of nodes [" + offset + ", "
                    + (offset + nNodes) + ") of another graph and is read-only");
        }
    }

    // ---- contents ----

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
        return nodes[offset + i];
    }

    /** Leaf {@code i}. */
    public Tensor leaf(int i) {
        Objects.checkIndex(i, nLeafs);
        return leafs[i];
    }

    /** The nodes in execution order (a read-only live view). */
    public List<Tensor> nodes() {
        return listView(true);
    }

    /** The leafs (a read-only live view). */
    public List<Tensor> leafs() {
        return listView(false);
    }

    /** True if {@code t} is a node or leaf of this graph (for a view: one of its nodes). */
    public boolean contains(Tensor t) {
        if (parent != null) {
            return nodeIndex(t) >= 0;
        }
        return index.contains(t);
    }

    /** Records the positions of nodes and leafs appended since the last lookup. */
    private void catchUp() {
        Graph owner = parent == null ? this : parent;
        for (int i = owner.indexedNodes; i < owner.nNodes; i++) {
            index.set(owner.nodes[i], i);
        }
        owner.indexedNodes = owner.nNodes;
        for (int i = owner.indexedLeafs; i < owner.nLeafs; i++) {
            index.set(owner.leafs[i], -i - 2);
        }
        owner.indexedLeafs = owner.nLeafs;
    }

    /** The position of node {@code t} in this graph's order, or -1 if it is not a node of this graph. */
    public int nodeIndex(Tensor t) {
        catchUp();
        int v = index.get(t);
        if (v < 0) {
            return -1;
        }
        int i = v - offset;
        return i >= 0 && i < nNodes && nodes[offset + i] == t ? i : -1;
    }

    /** The position of leaf {@code t}, or -1 if it is not a leaf of this graph. */
    public int leafIndex(Tensor t) {
        catchUp();
        int v = index.get(t);
        return v <= -2 && v != TensorIndex.ABSENT && nLeafs > -v - 2 ? -v - 2 : -1;
    }

    private List<Tensor> listView(boolean ofNodes) {
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

    // ---- views, orders ----

    /**
     * A read-only view of nodes {@code [from, to)} with no leafs (ggml_graph_view): compute a graph in parts, or
     * inspect a range. It shares this graph's storage; nodes appended to this graph later are not in it.
     */
    public Graph view(int from, int to) {
        Objects.checkFromToIndex(from, to, nNodes);
        return new Graph(nodes, to - from, new Tensor[0], 0, index, offset + from, parent == null ? this : parent);
    }

    /** True if this graph is a {@linkplain #view view} of another. */
    public boolean isView() {
        return parent != null;
    }

    /**
     * A new graph with the same nodes and leafs, the nodes in the order {@code order} (node {@code order[k]} of
     * this graph becomes node {@code k}), which must respect every dependency.
     *
     * @throws IllegalArgumentException if {@code order} is not a permutation or puts a node before a source
     */
    public Graph reordered(int[] order) {
        requireNotView("reordered");
        if (order.length != nNodes) {
            throw new IllegalArgumentException("reordered: the order has " + order.length + " entries, the graph "
                    + nNodes + " nodes");
        }
        int[] pos = new int[nNodes];
        Arrays.fill(pos, -1);
        Tensor[] out = new Tensor[nNodes];
        for (int k = 0; k < nNodes; k++) {
            int i = order[k];
            if (i < 0 || i >= nNodes || pos[i] >= 0) {
                throw new IllegalArgumentException("reordered: entry " + k + " (" + i + ") is out of range or "
                        + "repeated; the order must be a permutation of 0.." + (nNodes - 1));
            }
            pos[i] = k;
            out[k] = nodes[i];
        }
        for (int k = 0; k < nNodes; k++) {
            Tensor t = out[k];
            for (int s = 0, c = t.srcCount(); s < c; s++) {
                Tensor src = t.src(s);
                int v = src == null ? -1 : nodeIndex(src);
                if (v >= 0 && pos[v] >= k) {
                    throw new IllegalArgumentException("reordered: node '" + t.name() + "' (" + t.opDesc()
                            + ") at position " + k + " reads node '" + src.name() + "' placed at " + pos[v]);
                }
            }
        }
        Graph g = new Graph(out, nNodes, Arrays.copyOf(leafs, nLeafs), nLeafs, index.renumbered(pos), 0, null);
        g.indexedNodes = nNodes;
        g.indexedLeafs = nLeafs;
        return g;
    }

    /** This graph's nodes in {@code order}: this graph itself for {@link ExecutionOrder#GGML}, else a new graph. */
    public Graph ordered(ExecutionOrder order) {
        return order.apply(this);
    }

    // ---- capacity and footprint ----

    /** Nodes this graph holds before its node array grows. */
    public int nodeCapacity() {
        return parent != null ? nNodes : nodes.length;
    }

    /** Leafs this graph holds before its leaf array grows. */
    public int leafCapacity() {
        return parent != null ? nLeafs : leafs.length;
    }

    /** Drops spare room: node and leaf arrays of exactly the current counts, the smallest index table. */
    public Graph trim() {
        requireNotView("trim");
        if (nodes.length != nNodes) {
            nodes = Arrays.copyOf(nodes, nNodes);
        }
        if (leafs.length != nLeafs) {
            leafs = Arrays.copyOf(leafs, nLeafs);
        }
        index.trim();
        return this;
    }

    /**
     * This graph's own memory (not its tensors'): its heap bytes, and what a ggml graph with the same contents would
     * take ({@code ggml_graph_nbytes} of a graph sized for them, and the context space it uses).
     */
    public Overhead overhead() {
        long heap;
        if (parent != null) {
            heap = 48; // a view shares its parent's arrays
        } else {
            heap = 48 + (16 + 4L * nodes.length) + (16 + 4L * leafs.length) + index.heapBytes();
        }
        long size = Math.max(nNodes, nLeafs);
        return new Overhead(nNodes, nLeafs, nodeCapacity(), heap, ggmlGraphNbytes(size, false),
                ggmlGraphOverhead(size, false));
    }

    /**
     * A graph's own memory.
     *
     * @param nodes             nodes it holds
     * @param leafs             leafs it holds
     * @param nodeCapacity      nodes it holds before growing
     * @param heapBytes         this graph's heap bytes: its arrays and index table (estimated with 4-byte
     *                          compressed references)
     * @param ggmlGraphBytes    {@code ggml_graph_nbytes(max(nodes, leafs), false)}: a ggml graph just big enough
     * @param ggmlOverheadBytes {@code ggml_graph_overhead_custom(max(nodes, leafs), false)}: the context space that
     *                          graph takes (object header and padding included)
     */
    public record Overhead(int nodes, int leafs, int nodeCapacity, long heapBytes, long ggmlGraphBytes,
                           long ggmlOverheadBytes) {
        @Override
        public String toString() {
            return nodes + " nodes, " + leafs + " leafs: " + heapBytes + " bytes here, ggml " + ggmlGraphBytes
                    + " (" + ggmlOverheadBytes + " with its object header)";
        }
    }

    /** sizeof(struct ggml_cgraph) on a 64-bit build. */
    private static final long GGML_CGRAPH_SIZE = 80;
    /** sizeof(struct ggml_object). */
    private static final long GGML_OBJECT_SIZE = 32;
    private static final long GGML_MEM_ALIGN = 16;
    /** ggml_hash_size's table: the next prime after each power of two. */
    private static final long[] GGML_HASH_PRIMES = {2, 3, 5, 11, 17, 37, 67, 131, 257, 521, 1031, 2053, 4099, 8209,
        16411, 32771, 65537, 131101, 262147, 524309, 1048583, 2097169, 4194319, 8388617, 16777259, 33554467,
        67108879, 134217757, 268435459, 536870923, 1073741827, 2147483659L};

    /** ggml_hash_size: the smallest listed prime >= {@code minSize}, else {@code minSize | 1}. */
    static long ggmlHashSize(long minSize) {
        for (long p : GGML_HASH_PRIMES) {
            if (p >= minSize) {
                return p;
            }
        }
        return minSize | 1;
    }

    /**
     * The bytes of a ggml graph of {@code size} nodes ({@code ggml_graph_nbytes}): the struct, node and leaf pointer
     * arrays, the visited hash set (keys and bit set) and, with {@code grads}, two more pointer tables.
     */
    public static long ggmlGraphNbytes(long size, boolean grads) {
        long hash = ggmlHashSize(size * 2);
        long bytes = GGML_CGRAPH_SIZE;
        bytes += 8 * size * 2; // nodes, leafs
        bytes += 8 * hash * (grads ? 3 : 1); // hash keys (grads, grad_accs)
        bytes += 4 * ((hash + 31) / 32); // used bit set
        return bytes;
    }

    /** ggml_graph_overhead_custom: the context bytes a graph of {@code size} nodes takes. */
    public static long ggmlGraphOverhead(long size, boolean grads) {
        long n = ggmlGraphNbytes(size, grads);
        return GGML_OBJECT_SIZE + (n + GGML_MEM_ALIGN - 1) / GGML_MEM_ALIGN * GGML_MEM_ALIGN;
    }

    // ---- export ----

    /** This graph in Graphviz DOT: nodes with name, op, shape and type; leafs in pink; edges labelled by slot. */
    public String toDot() {
        StringBuilder sb = new StringBuilder();
        writeDot(sb);
        return sb.toString();
    }

    /** Writes {@link #toDot()} to {@code out}. */
    public void writeDot(Appendable out) {
        try {
            GraphDot.write(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the DOT of " + this, e);
        }
    }

    @Override
    public String toString() {
        return parent != null
                ? "Graph{view of nodes [" + offset + ", " + (offset + nNodes) + ")}"
                : "Graph{" + nNodes + " nodes, " + nLeafs + " leafs}";
    }
}
