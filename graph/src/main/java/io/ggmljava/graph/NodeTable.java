package io.ggmljava.graph;

import io.ggmljava.core.Op;
import io.ggmljava.core.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.function.Predicate;

/**
 * A graph's nodes flattened to int arrays for ordering and liveness: who depends on whom, which compute-buffer bytes
 * each node holds and reads, and which nodes could be computed in a parent's bytes.
 *
 * <h2>Buffers</h2>
 * Tensor {@code k} is node {@code k} for {@code k < n}, else leaf {@code k - n}. A tensor is <em>counted</em> if it
 * owns compute-buffer bytes, exactly as the allocator decides: it is not a view, has no memory yet, is not declared
 * external and is not empty (its bytes padded to the alignment). Leafs and inputs are counted from the start
 * ({@link #early}). A view holds its view source's buffer; reading a view reads that buffer.
 *
 * <h2>Dependencies</h2>
 * A node depends on its sources, and also on the ordering the graph's current order gives to writes into shared
 * memory: a node computed into a view of another tensor (in-place ops, {@code cpy} into a view, {@code set}) is an
 * ordering point for every access to that tensor's memory, so reads stay on the same side of each write as in the
 * current order. Without these edges a reorder could move a read of a KV cache before the {@code cpy} that fills it.
 */
final class NodeTable {
    static final int NONE = -1;

    final Graph graph;
    /** Nodes. */
    final int n;
    /** Nodes and leafs: the size of the per-tensor arrays. */
    final int total;
    final long alignment;
    /** Dependencies of node i: {@code deps[depStart[i] .. depStart[i+1])}, node indices, no repeats. */
    final int[] depStart;
    final int[] deps;
    /** Dependents of node i (the reverse of deps). */
    final int[] useStart;
    final int[] uses;
    /** The buffer tensor k holds: k if counted, the counted view source of a view, else NONE. */
    final int[] buf;
    /** Padded bytes of counted tensors (0 otherwise). */
    final long[] size;
    /** Counted tensors live from the start: leafs and inputs (the allocator places them first). */
    final boolean[] early;
    /** Buffers read by node i, no repeats. */
    final int[] readStart;
    final int[] reads;
    /** Per buffer: number of (node, buffer) reads. */
    final int[] readers;
    /** Per buffer: live to the end (an output, a view of it is an output or unread, or nobody reads it). */
    final boolean[] pinned;
    /** Parents whose bytes node i may take, in slot order (if i turns out to be their last reader). */
    final int[] candStart;
    final int[] cands;
    private final Lookup lookup;

    NodeTable(Graph graph, long alignment, Predicate<Tensor> external) {
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        this.graph = graph;
        this.alignment = alignment;
        n = graph.nodeCount();
        int nLeafs = graph.leafCount();
        total = n + nLeafs;
        Tensor[] t = new Tensor[total];
        for (int i = 0; i < n; i++) {
            t[i] = graph.node(i);
        }
        for (int l = 0; l < nLeafs; l++) {
            t[n + l] = graph.leaf(l);
        }
        lookup = new Lookup(graph, t, n);

        buf = new int[total];
        size = new long[total];
        early = new boolean[total];
        for (int k = 0; k < total; k++) {
            Tensor x = t[k];
            if (x.viewSource() == null) {
                if (x.data() == null && !external.test(x) && x.nbytes() > 0) {
                    buf[k] = k;
                    size[k] = (x.nbytes() + alignment - 1) & -alignment;
                    early[k] = k >= n || x.hasFlag(Tensor.FLAG_INPUT);
                } else {
                    buf[k] = NONE;
                }
            }
        }
        for (int k = 0; k < total; k++) {
            Tensor root = t[k].viewSource();
            if (root != null) {
                int r = lookup.index(root);
                buf[k] = r >= 0 && buf[r] == r ? r : NONE;
            }
        }

        // direct node sources and buffer reads
        int[] srcIdx = new int[Tensor.MAX_SRC];
        int[] seen = new int[n];
        Arrays.fill(seen, -1);
        int[] seenBuf = new int[total];
        Arrays.fill(seenBuf, -1);
        IntList dep = new IntList(n * 2);
        int[] dStart = new int[n + 1];
        IntList rd = new IntList(n * 2);
        readStart = new int[n + 1];
        int[] directUses = new int[total];
        IntList cand = new IntList(n);
        candStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            Tensor x = t[i];
            dStart[i] = dep.size;
            readStart[i] = rd.size;
            candStart[i] = cand.size;
            int c = x.srcCount();
            for (int s = 0; s < c; s++) {
                Tensor src = x.src(s);
                srcIdx[s] = NONE;
                if (src == null) {
                    continue;
                }
                int j = lookup.index(src);
                srcIdx[s] = j;
                if (j >= 0) {
                    directUses[j]++;
                    if (j < n && seen[j] != i) {
                        seen[j] = i;
                        dep.add(j);
                    }
                }
                int b = j >= 0 ? buf[j] : bufferOfOutsider(src);
                if (b >= 0 && seenBuf[b] != i) {
                    seenBuf[b] = i;
                    rd.add(b);
                }
            }
            if (buf[i] == i && !early[i] && x.op().canInplace()) {
                for (int s = 0; s < c; s++) {
                    int p = srcIdx[s];
                    if (p < 0 || buf[p] != p || !sameLayout(x, t[p]) || readsOf(x, p, srcIdx, c) != 1) {
                        continue;
                    }
                    cand.add(p);
                }
            }
        }
        dStart[n] = dep.size;
        readStart[n] = rd.size;
        candStart[n] = cand.size;
        reads = rd.toArray();
        cands = cand.toArray();

        readers = new int[total];
        for (int b : reads) {
            readers[b]++;
        }
        pinned = new boolean[total];
        for (int k = 0; k < total; k++) {
            Tensor x = t[k];
            int b = buf[k];
            if (b < 0) {
                continue;
            }
            if (x.hasFlag(Tensor.FLAG_OUTPUT) || (b != k && directUses[k] == 0) || (b == k && readers[k] == 0)) {
                pinned[b] = true;
            }
        }

        // ordering points for writes into shared memory
        int[][] hazard = hazardEdges(t);
        int extra = hazard[0].length;
        if (extra == 0) {
            depStart = dStart;
            deps = dep.toArray();
        } else {
            int[][] merged = merge(dStart, dep.toArray(), hazard[0], hazard[1]);
            depStart = merged[0];
            deps = merged[1];
        }
        int[][] rev = reverse(depStart, deps, n, n);
        useStart = rev[0];
        uses = rev[1];
    }

    /** The buffer a tensor outside the graph reads: its counted view source's (if in the graph), else NONE. */
    private int bufferOfOutsider(Tensor src) {
        Tensor root = src.viewSource();
        if (root != null) {
            int r = lookup.index(root);
            if (r >= 0 && buf[r] == r) {
                return r;
            }
        }
        return NONE;
    }

    /**
     * Tensor positions: a table indexed by {@link Tensor#id()} (ids are dense within a context, and most graphs come
     * from one), each hit confirmed by identity; anything else asks the graph's hash index.
     */
    private static final class Lookup {
        private final Graph graph;
        private final Tensor[] tensors;
        private final int n;
        private final long minId;
        private final int[] byId;

        Lookup(Graph graph, Tensor[] tensors, int n) {
            this.graph = graph;
            this.tensors = tensors;
            this.n = n;
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (Tensor x : tensors) {
                lo = Math.min(lo, x.id());
                hi = Math.max(hi, x.id());
            }
            if (tensors.length == 0 || hi - lo > 4L * tensors.length + 4096) {
                minId = 0;
                byId = new int[0]; // ids too sparse (several contexts): hash only
                return;
            }
            minId = lo;
            byId = new int[(int) (hi - lo + 1)];
            Arrays.fill(byId, -1);
            for (int k = 0; k < tensors.length; k++) {
                int j = (int) (tensors[k].id() - lo);
                byId[j] = byId[j] == -1 ? k : -2; // -2: two tensors share an id, ask the hash index
            }
        }

        /** The position of {@code x} (node {@code i}, or {@code n + leaf}), or -1 if it is not in the graph. */
        int index(Tensor x) {
            long j = x.id() - minId;
            if (j >= 0 && j < byId.length) {
                int k = byId[(int) j];
                if (k >= 0 && tensors[k] == x) {
                    return k;
                }
            }
            int i = graph.nodeIndex(x);
            if (i >= 0) {
                return i;
            }
            int l = graph.leafIndex(x);
            return l >= 0 ? n + l : -1;
        }
    }

    /** How many of node x's sources use buffer p (directly or as a view). */
    private int readsOf(Tensor x, int p, int[] srcIdx, int c) {
        int k = 0;
        for (int s = 0; s < c; s++) {
            Tensor src = x.src(s);
            if (src != null && (srcIdx[s] >= 0 ? buf[srcIdx[s]] : bufferOfOutsider(src)) == p) {
                k++;
            }
        }
        return k;
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

    /** True for a node that computes into a view of another tensor's memory (not a pure view op). */
    static boolean isWriter(Tensor x) {
        return x.viewSource() != null && !x.op().isView() && x.op() != Op.NONE;
    }

    private static Tensor root(Tensor x) {
        Tensor r = x.viewSource();
        return r == null ? x : r;
    }

    /**
     * Extra edges (from, to) that keep every access to a written tensor on the same side of each write as in the
     * current order: the accesses between two writes all precede the later write and follow the earlier one.
     */
    private int[][] hazardEdges(Tensor[] t) {
        IdentityHashMap<Tensor, Integer> roots = null;
        for (Tensor x : t) {
            if (isWriter(x)) {
                if (roots == null) {
                    roots = new IdentityHashMap<>();
                }
                roots.putIfAbsent(x.viewSource(), roots.size());
            }
        }
        if (roots == null) {
            return new int[][] {new int[0], new int[0]};
        }
        int nr = roots.size();
        IntList[] access = new IntList[nr];
        for (int r = 0; r < nr; r++) {
            access[r] = new IntList(8);
        }
        int[] last = new int[nr];
        Arrays.fill(last, -1);
        for (int i = 0; i < n; i++) {
            Tensor x = t[i];
            boolean writer = isWriter(x);
            for (int s = -1, c = x.srcCount(); s < c; s++) {
                Tensor a = s < 0 ? (writer ? x : null) : x.src(s);
                if (a == null) {
                    continue;
                }
                Integer r = roots.get(root(a));
                if (r == null || last[r] == i) {
                    continue;
                }
                last[r] = i;
                // encode writers of this root as ~i so the scan below can tell them apart
                access[r].add(writer && root(x) == root(a) ? ~i : i);
            }
        }
        IntList from = new IntList(16);
        IntList to = new IntList(16);
        for (int r = 0; r < nr; r++) {
            IntList acc = access[r];
            int prevWriter = -1;
            int segStart = 0;
            for (int k = 0; k < acc.size; k++) {
                int e = acc.data[k];
                if (e < 0) {
                    int w = ~e;
                    for (int m = segStart; m < k; m++) {
                        from.add(decode(acc.data[m]));
                        to.add(w);
                    }
                    if (prevWriter >= 0 && segStart == k) {
                        from.add(prevWriter);
                        to.add(w);
                    }
                    prevWriter = w;
                    segStart = k + 1;
                } else if (prevWriter >= 0) {
                    from.add(prevWriter);
                    to.add(e);
                }
            }
        }
        return new int[][] {from.toArray(), to.toArray()};
    }

    private static int decode(int e) {
        return e < 0 ? ~e : e;
    }

    /** Adds edges (from[k] -> to[k]) to a CSR dependency list, dropping repeats. */
    private int[][] merge(int[] start, int[] list, int[] from, int[] to) {
        int[] count = new int[n + 1];
        for (int i = 0; i < n; i++) {
            count[i] = start[i + 1] - start[i];
        }
        for (int v : to) {
            count[v]++;
        }
        int[] ms = new int[n + 1];
        for (int i = 0; i < n; i++) {
            ms[i + 1] = ms[i] + count[i];
        }
        int[] fill = Arrays.copyOf(ms, n);
        int[] m = new int[ms[n]];
        for (int i = 0; i < n; i++) {
            for (int k = start[i]; k < start[i + 1]; k++) {
                m[fill[i]++] = list[k];
            }
        }
        for (int k = 0; k < from.length; k++) {
            m[fill[to[k]]++] = from[k];
        }
        // dedupe within each node's list
        int[] seen = new int[n];
        Arrays.fill(seen, -1);
        int[] outStart = new int[n + 1];
        int w = 0;
        for (int i = 0; i < n; i++) {
            outStart[i] = w;
            for (int k = ms[i]; k < fill[i]; k++) {
                int d = m[k];
                if (d != i && seen[d] != i) {
                    seen[d] = i;
                    m[w++] = d;
                }
            }
        }
        outStart[n] = w;
        return new int[][] {outStart, Arrays.copyOf(m, w)};
    }

    /** The reverse of a CSR list with {@code rows} rows whose values are below {@code range}. */
    static int[][] reverse(int[] start, int[] list, int rows, int range) {
        int[] count = new int[range + 1];
        for (int v : list) {
            count[v + 1]++;
        }
        for (int i = 0; i < range; i++) {
            count[i + 1] += count[i];
        }
        int[] fill = Arrays.copyOf(count, range);
        int[] out = new int[list.length];
        for (int i = 0; i < rows; i++) {
            for (int k = start[i]; k < start[i + 1]; k++) {
                out[fill[list[k]]++] = i;
            }
        }
        return new int[][] {count, out};
    }

    /** True if {@code order} is a permutation of the nodes that puts every node after its dependencies. */
    boolean isValidOrder(int[] order) {
        if (order.length != n) {
            return false;
        }
        int[] pos = new int[n];
        Arrays.fill(pos, -1);
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (i < 0 || i >= n || pos[i] >= 0) {
                return false;
            }
            pos[i] = k;
        }
        for (int i = 0; i < n; i++) {
            for (int k = depStart[i]; k < depStart[i + 1]; k++) {
                if (pos[deps[k]] >= pos[i]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A growable int array. */
    static final class IntList {
        int[] data;
        int size;

        IntList(int capacity) {
            data = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
