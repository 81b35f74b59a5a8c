package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lifetime table of a graph in a fixed execution order: which tensors the planner places, when each is live,
 * which nodes are computed in a parent's memory, and the lower bounds on the compute buffer. Placement strategies
 * work on its <em>units</em> (a tensor and the in-place children that inherit its memory) and return an offset per
 * unit.
 *
 * <h2>Time</h2>
 * Time 0 is before the first node (leafs and inputs are placed then); node {@code i} runs at time {@code i + 1}.
 * A unit is live on the closed interval {@code [start, end]}; two units may share bytes only if their intervals are
 * disjoint.
 *
 * <h2>Rules (ggml's graph allocator, ggml-alloc.c)</h2>
 * <ul>
 * <li>Placed: every leaf and node that is not a view, has no memory yet and is not declared external.</li>
 * <li>Start: time 0 for leafs and inputs, else the node's own time.</li>
 * <li>End: the last node that reads the tensor directly or reads one of its views; a view that nobody reads keeps
 * its source to the end, as do outputs (or a source with an output view) and tensors nobody reads.</li>
 * <li>In place: a node whose op {@link io.ggmljava.core.Op#canInplace() can run in place} takes the memory of the
 * first source (in slot order) that the planner owns, that is no output, has the node's exact layout (type, ne, nb),
 * is read by this node exactly once and by no later node, and whose views were all read for the last time before
 * this node.</li>
 * </ul>
 * Deviations from ggml, both on the safe side: a source with an output view lives to the end (ggml may free it),
 * and views that are leafs (op NONE) keep their source alive (ggml ignores them). Empty tensors get no bytes.
 * {@code io.ggmljava.graph.Liveness} states the same rules for nodes only (it leaves leafs and inputs out of the
 * buffer, to compare execution orders); a property test checks that the two agree where their models coincide.
 *
 * <h2>Lower bounds</h2>
 * For this order: the maximum over time of the bytes of live units ({@link #lowerBound()}, in-place pairs counted
 * once) and of live tensors ({@link #strictLowerBound()}, every tensor counted on its own).
 */
public final class Lifetimes {
    private static final int INF = Integer.MAX_VALUE;
    private static final int NONE = GraphIndex.NONE;

    final GraphIndex idx;
    /** Per tensor: start and end time (owned tensors), unit, in-place parent. */
    private final int[] start;
    private final int[] end;
    final int[] unitOf;
    final int[] inplaceParent;

    private final long[] unitSize;
    private final int[] unitStart;
    private final int[] unitEnd;
    private final int[] unitRoot;
    private final int[] allocOrder;

    private final long[] live;
    private final long lowerBound;
    private final long strictLowerBound;
    private final int peakTime;

    Lifetimes(GraphIndex idx) {
        this.idx = idx;
        int n = idx.nTensors();
        int nLeafs = idx.nLeafs;
        int nNodes = idx.nNodes;
        int[] srcStart = idx.srcStart;
        int[] srcIdx = idx.srcIdx;

        // last direct reader of every tensor (0 = none: readers are nodes, at time >= 1)
        int[] lastRef = new int[n];
        for (int i = 0; i < nNodes; i++) {
            for (int s = srcStart[i]; s < srcStart[i + 1]; s++) {
                lastRef[srcIdx[s]] = i + 1;
            }
        }
        // views: when each releases its source; per source the latest release and whether an output view exists
        int[] viewRelease = new int[n];
        boolean[] hasView = new boolean[n];
        boolean[] outputView = new boolean[n];
        for (int k = 0; k < n; k++) {
            int v = idx.viewSrc[k];
            if (v == NONE) {
                continue;
            }
            Tensor t = idx.tensors[k];
            boolean out = t.hasFlag(Tensor.FLAG_OUTPUT);
            int release = out || lastRef[k] == 0 ? INF : lastRef[k];
            hasView[v] = true;
            outputView[v] |= out;
            viewRelease[v] = Math.max(viewRelease[v], release);
        }

        start = new int[n];
        end = new int[n];
        for (int k = 0; k < n; k++) {
            if (!idx.own[k]) {
                continue;
            }
            Tensor t = idx.tensors[k];
            boolean input = t.hasFlag(Tensor.FLAG_INPUT);
            start[k] = k < nLeafs || input ? 0 : k - nLeafs + 1;
            if (t.hasFlag(Tensor.FLAG_OUTPUT) || outputView[k] || (lastRef[k] == 0 && !hasView[k])) {
                end[k] = INF;
            } else {
                end[k] = Math.max(lastRef[k], hasView[k] ? viewRelease[k] : 0);
            }
        }

        // in-place decisions, in node order (a child may itself be taken over by a later node)
        inplaceParent = new int[n];
        Arrays.fill(inplaceParent, NONE);
        for (int i = 0; i < nNodes; i++) {
            int k = nLeafs + i;
            Tensor node = idx.tensors[k];
            if (!idx.own[k] || idx.size[k] == 0 || !node.op().canInplace() || node.hasFlag(Tensor.FLAG_INPUT)) {
                continue;
            }
            int time = i + 1;
            for (int s = srcStart[i]; s < srcStart[i + 1]; s++) {
                int p = srcIdx[s];
                if (!idx.own[p] || end[p] != time) {
                    continue; // external, a view, an output, or still read later
                }
                if (hasView[p] && viewRelease[p] >= time) {
                    continue; // a view of p is read by this node or later
                }
                if (countRefs(srcIdx, srcStart[i], srcStart[i + 1], p) != 1) {
                    continue;
                }
                if (!sameLayout(node, idx.tensors[p])) {
                    continue;
                }
                inplaceParent[k] = p;
                break;
            }
        }

        // units: a root tensor and the chain of in-place children that inherit its bytes
        unitOf = new int[n];
        Arrays.fill(unitOf, NONE);
        int nUnits = 0;
        int[] uStart = new int[Math.max(n, 1)];
        int[] uEnd = new int[Math.max(n, 1)];
        long[] uSize = new long[Math.max(n, 1)];
        int[] uRoot = new int[Math.max(n, 1)];
        for (int k = 0; k < n; k++) {
            if (!idx.own[k] || idx.size[k] == 0) {
                continue;
            }
            int p = inplaceParent[k];
            if (p != NONE) {
                int u = unitOf[p];
                unitOf[k] = u;
                uEnd[u] = Math.max(uEnd[u], end[k]);
            } else {
                int u = nUnits++;
                unitOf[k] = u;
                uStart[u] = start[k];
                uEnd[u] = end[k];
                uSize[u] = idx.size[k];
                uRoot[u] = k;
            }
        }
        unitSize = Arrays.copyOf(uSize, nUnits);
        unitStart = Arrays.copyOf(uStart, nUnits);
        unitEnd = Arrays.copyOf(uEnd, nUnits);
        unitRoot = Arrays.copyOf(uRoot, nUnits);
        for (int u = 0; u < nUnits; u++) {
            if (unitEnd[u] > nNodes) {
                unitEnd[u] = nNodes; // INF: live to the end
            }
        }
        allocOrder = ggmlAllocationOrder(nUnits);

        // live bytes over time, with and without in-place sharing
        int times = nNodes + 1;
        long[] diff = new long[times + 1];
        for (int u = 0; u < nUnits; u++) {
            diff[unitStart[u]] += unitSize[u];
            diff[unitEnd[u] + 1] -= unitSize[u];
        }
        live = new long[times];
        long cur = 0;
        long best = 0;
        int bestTime = 0;
        for (int t = 0; t < times; t++) {
            cur += diff[t];
            live[t] = cur;
            if (cur > best) {
                best = cur;
                bestTime = t;
            }
        }
        lowerBound = best;
        peakTime = bestTime;
        Arrays.fill(diff, 0);
        for (int k = 0; k < n; k++) {
            if (unitOf[k] == NONE) {
                continue;
            }
            diff[start[k]] += idx.size[k];
            diff[Math.min(end[k], nNodes) + 1] -= idx.size[k];
        }
        cur = 0;
        best = 0;
        for (int t = 0; t < times; t++) {
            cur += diff[t];
            best = Math.max(best, cur);
        }
        strictLowerBound = best;
    }

    /** Units in the order ggml allocates them: leafs, then inputs as the nodes read them, then nodes in order. */
    private int[] ggmlAllocationOrder(int nUnits) {
        int[] order = new int[nUnits];
        boolean[] done = new boolean[nUnits];
        int m = 0;
        for (int k = 0; k < idx.nLeafs; k++) {
            int u = unitOf[k];
            if (u != NONE && !done[u]) {
                done[u] = true;
                order[m++] = u;
            }
        }
        for (int i = 0; i < idx.nNodes; i++) {
            int k = idx.nLeafs + i;
            if (idx.tensors[k].hasFlag(Tensor.FLAG_INPUT)) {
                m = addIfRoot(order, done, m, k);
            }
            for (int s = idx.srcStart[i]; s < idx.srcStart[i + 1]; s++) {
                int p = idx.srcIdx[s];
                if (idx.tensors[p].hasFlag(Tensor.FLAG_INPUT)) {
                    m = addIfRoot(order, done, m, p);
                }
            }
        }
        for (int u = 0; u < nUnits; u++) {
            if (!done[u]) {
                order[m++] = u;
            }
        }
        return order;
    }

    private int addIfRoot(int[] order, boolean[] done, int m, int k) {
        int u = unitOf[k];
        if (u != NONE && unitRoot[u] == k && !done[u]) {
            done[u] = true;
            order[m++] = u;
        }
        return m;
    }

    private static int countRefs(int[] srcIdx, int from, int to, int p) {
        int c = 0;
        for (int s = from; s < to; s++) {
            if (srcIdx[s] == p) {
                c++;
            }
        }
        return c;
    }

    private static boolean sameLayout(Tensor a, Tensor b) {
        if (a.type() != b.type()) {
            return false;
        }
        for (int d = 0; d < Tensor.MAX_DIMS; d++) {
            if (a.ne(d) != b.ne(d) || a.nb(d) != b.nb(d)) {
                return false;
            }
        }
        return true;
    }

    // ---- the table, for placement strategies ----

    /** The graph this table describes. */
    public Graph graph() {
        return idx.graph;
    }

    /** Tensor alignment in bytes; every unit size is a multiple of it. */
    public long alignment() {
        return idx.alignment;
    }

    /** Number of times: {@code nodes + 1} (time 0 is before the first node). */
    public int times() {
        return idx.nNodes + 1;
    }

    public int unitCount() {
        return unitSize.length;
    }

    /** Padded bytes of unit {@code u}. */
    public long unitSize(int u) {
        return unitSize[u];
    }

    /** First time unit {@code u} is live. */
    public int unitStart(int u) {
        return unitStart[u];
    }

    /** Last time unit {@code u} is live (the last time, {@code times() - 1}, for units live to the end). */
    public int unitEnd(int u) {
        return unitEnd[u];
    }

    /** The tensor that first holds unit {@code u}'s bytes. */
    public Tensor unitTensor(int u) {
        return idx.tensors[unitRoot[u]];
    }

    /** Units in the order ggml's allocator allocates them (a copy). */
    public int[] allocationOrder() {
        return allocOrder.clone();
    }

    int[] allocationOrderShared() {
        return allocOrder;
    }

    /** The in-place lower bound: the most bytes live at once, in-place pairs counted once. */
    public long lowerBound() {
        return lowerBound;
    }

    /** The strict lower bound: the most bytes live at once, every tensor counted on its own. */
    public long strictLowerBound() {
        return strictLowerBound;
    }

    /** The time at which {@link #lowerBound()} is reached (first such time). */
    public int peakTime() {
        return peakTime;
    }

    /** Bytes live at time {@code t}. */
    public long liveBytes(int t) {
        return live[t];
    }

    /**
     * Tensors holding bytes at time {@code t}: each placed tensor over its lifetime, except that a parent computed
     * over in place is listed up to the time before its child takes its bytes.
     */
    public List<Tensor> liveTensors(int t) {
        boolean[] handedOver = new boolean[idx.nTensors()];
        for (int k = 0; k < idx.nTensors(); k++) {
            if (inplaceParent[k] != NONE) {
                handedOver[inplaceParent[k]] = true;
            }
        }
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < idx.nTensors(); k++) {
            if (unitOf[k] == NONE) {
                continue;
            }
            int e = Math.min(end[k], idx.nNodes) - (handedOver[k] ? 1 : 0);
            if (start[k] <= t && t <= e) {
                out.add(idx.tensors[k]);
            }
        }
        return out;
    }
}
