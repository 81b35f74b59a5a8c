package io.ggmljava.graph;

import io.ggmljava.core.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * When each tensor's compute-buffer bytes are live in an execution order, and the peak of live bytes: the lower bound
 * any placement of that order must reach (the allocator's, for the same order and the same external tensors), and
 * what {@link ExecutionOrder#MEMORY} minimises.
 *
 * <h2>Rules (the allocator's)</h2>
 * Step {@code k} is the k-th node executed. A tensor holds bytes if it is <em>counted</em>: not a view, no memory
 * bound yet, not declared external, non-empty; its size is {@code nbytes} padded to the alignment. Leafs and inputs
 * are live from the start; other counted nodes from their own step. A counted tensor stays live through the last
 * step that reads it, directly or through a view (a view node reading it counts too); it lives to the end if it is
 * an output, if one of its views is an output or is read by nobody, or if nobody reads it. A node whose op can run
 * in place ({@link io.ggmljava.core.Op#canInplace}) takes the bytes of a source when it is that source's last
 * reader, reads it through exactly one slot and no view, has the same type and layout, and the source is not live to
 * the end (ggml's allocator rules): the pair is counted once. While a node executes, its sources and its result are
 * all live. Tensors that already have memory (weights, the caller's inputs and outputs) count for nothing, and so do
 * tensors the {@code external} predicate names.
 *
 * <pre>{@code
 * Liveness ggml = Liveness.of(graph);                                   // the graph's own order
 * Liveness mem = Liveness.of(graph.ordered(ExecutionOrder.MEMORY));
 * assert mem.peakBytes() <= ggml.peakBytes();
 * int first = ggml.firstStep(i), last = ggml.lastStep(i);              // node i's live range, in steps
 * }</pre>
 */
public final class Liveness {
    /** Default alignment of tensors in a compute buffer (ggml's CPU buffer alignment). */
    public static final long DEFAULT_ALIGNMENT = 32;

    private final int n;
    private final int[] first;
    private final int[] lastStep;
    private final long[] size;
    private final int[] inplaceParent;
    private final long[] live;
    private final long peak;
    private final int peakStep;

    private Liveness(NodeTable tab, int[] order) {
        n = tab.n;
        int total = tab.total;
        first = new int[total];
        lastStep = new int[total];
        inplaceParent = new int[n];
        size = tab.size.clone();
        live = new long[n];
        Arrays.fill(first, -1);
        Arrays.fill(lastStep, -1);
        Arrays.fill(inplaceParent, -1);
        for (int k = 0; k < total; k++) {
            if (tab.early[k]) {
                first[k] = 0;
            }
        }
        Sweep sw = new Sweep(tab);
        long best = sw.current();
        int bestStep = -1;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (tab.buf[i] == i && !tab.early[i]) {
                first[i] = k;
            }
            long cur = sw.step(i, this, k);
            live[k] = cur;
            if (cur > best || bestStep < 0 && cur == best) {
                best = cur;
                bestStep = k;
            }
            sw.release(i, this, k);
        }
        for (int k = 0; k < total; k++) {
            if (first[k] >= 0 && (tab.pinned[k] || lastStep[k] < 0)) {
                lastStep[k] = n - 1;
            }
        }
        peak = best;
        peakStep = bestStep;
    }

    /** The liveness of {@code graph} in its own node order, tensors aligned to {@link #DEFAULT_ALIGNMENT}. */
    public static Liveness of(Graph graph) {
        return of(graph, identity(graph.nodeCount()), DEFAULT_ALIGNMENT, t -> false);
    }

    /** The liveness of {@code graph} executed in {@code order} (node indices of the graph, a valid order). */
    public static Liveness of(Graph graph, int[] order) {
        return of(graph, order, DEFAULT_ALIGNMENT, t -> false);
    }

    /**
     * The liveness of {@code graph} executed in {@code order}, tensors aligned to {@code alignment} bytes, the
     * tensors {@code external} names left out as if they had memory.
     */
    public static Liveness of(Graph graph, int[] order, long alignment, Predicate<Tensor> external) {
        Objects.requireNonNull(order, "order");
        NodeTable tab = new NodeTable(graph, alignment, external);
        if (!tab.isValidOrder(order)) {
            throw new IllegalArgumentException("Liveness: the order is not a permutation of the " + tab.n
                    + " nodes that respects their dependencies");
        }
        return new Liveness(tab, order);
    }

    static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }

    /** The peak of live bytes of {@code order} (no validation; for the ordering heuristics). */
    static long peak(NodeTable tab, int[] order) {
        Sweep sw = new Sweep(tab);
        long best = sw.current();
        for (int i : order) {
            best = Math.max(best, sw.step(i, null, 0));
            sw.release(i, null, 0);
        }
        return best;
    }

    /**
     * The running state of a sweep over an order: bytes live, readers left per buffer, which buffers were handed to
     * an in-place child.
     */
    static final class Sweep {
        private final NodeTable tab;
        private final int[] remaining;
        /** Per buffer: the node that now holds its bytes (itself, or the in-place child that took them). */
        private final int[] holder;
        private long cur;

        Sweep(NodeTable tab) {
            this.tab = tab;
            remaining = tab.readers.clone();
            holder = new int[tab.total];
            for (int k = 0; k < tab.total; k++) {
                if (tab.early[k]) {
                    holder[k] = k;
                    cur += tab.size[k];
                }
            }
        }

        long current() {
            return cur;
        }

        /** Starts node i: allocates its bytes (or takes a parent's); returns the bytes live while it runs. */
        long step(int i, Liveness out, int k) {
            if (tab.buf[i] == i && !tab.early[i]) {
                int p = inplaceParentOf(i);
                if (p >= 0) {
                    holder[p] = -1; // handed over: releasing p frees nothing
                    holder[i] = i;
                    if (out != null && p < tab.n) {
                        out.inplaceParent[i] = p;
                    }
                } else {
                    holder[i] = i;
                    cur += tab.size[i];
                }
            }
            return cur;
        }

        /** The parent whose bytes node i takes now, or -1. */
        int inplaceParentOf(int i) {
            for (int c = tab.candStart[i]; c < tab.candStart[i + 1]; c++) {
                int p = tab.cands[c];
                if (!tab.pinned[p] && remaining[p] == 1 && holder[p] == p) {
                    return p;
                }
            }
            return -1;
        }

        /** Ends node i: every buffer it read for the last time is freed. */
        void release(int i, Liveness out, int k) {
            for (int r = tab.readStart[i]; r < tab.readStart[i + 1]; r++) {
                int b = tab.reads[r];
                if (--remaining[b] == 0) {
                    if (out != null) {
                        out.lastStep[b] = k;
                    }
                    if (!tab.pinned[b] && holder[b] == b) {
                        cur -= tab.size[b];
                    }
                }
            }
        }

        /** Bytes freed if node i ran now (its last reads), minus the bytes it allocates. */
        long delta(int i) {
            long d = 0;
            int p = -1;
            if (tab.buf[i] == i && !tab.early[i]) {
                p = inplaceParentOf(i);
                if (p < 0) {
                    d -= tab.size[i];
                }
            }
            for (int r = tab.readStart[i]; r < tab.readStart[i + 1]; r++) {
                int b = tab.reads[r];
                if (remaining[b] == 1 && !tab.pinned[b] && holder[b] == b && b != p) {
                    d += tab.size[b];
                }
            }
            return d;
        }

        int remaining(int b) {
            return remaining[b];
        }
    }

    // ---- results ----

    /** Number of steps (nodes). */
    public int steps() {
        return n;
    }

    /** The most bytes live at once. */
    public long peakBytes() {
        return peak;
    }

    /** The first step at which {@link #peakBytes()} is reached, or -1 if nothing is ever live. */
    public int peakStep() {
        return peakStep;
    }

    /** Bytes live while step {@code k} executes (its sources and result included). */
    public long liveBytes(int k) {
        Objects.checkIndex(k, n);
        return live[k];
    }

    /** True if node {@code i} owns compute-buffer bytes. */
    public boolean counted(int i) {
        return first[Objects.checkIndex(i, n)] >= 0;
    }

    /** Padded bytes of node {@code i} (0 if it is not counted). */
    public long bytes(int i) {
        return size[Objects.checkIndex(i, n)];
    }

    /** The step from which node {@code i}'s bytes are live (0 for inputs), or -1 if it is not counted. */
    public int firstStep(int i) {
        return first[Objects.checkIndex(i, n)];
    }

    /** The last step at which node {@code i}'s bytes are live ({@code steps() - 1} if to the end), or -1. */
    public int lastStep(int i) {
        return lastStep[Objects.checkIndex(i, n)];
    }

    /** Padded bytes of leaf {@code l} in the compute buffer (0 if it has memory or is external). */
    public long leafBytes(int l) {
        return size[n + Objects.checkIndex(l, size.length - n)];
    }

    /** The last step at which leaf {@code l}'s bytes are live (it is live from step 0), or -1 if not counted. */
    public int leafLastStep(int l) {
        return lastStep[n + Objects.checkIndex(l, size.length - n)];
    }

    /** The node whose bytes node {@code i} computes in (in place), or -1 (also when it takes a leaf's bytes). */
    public int inplaceParent(int i) {
        return inplaceParent[Objects.checkIndex(i, n)];
    }

    @Override
    public String toString() {
        return "Liveness{" + n + " steps, peak " + peak + " bytes at step " + peakStep + "}";
    }
}
