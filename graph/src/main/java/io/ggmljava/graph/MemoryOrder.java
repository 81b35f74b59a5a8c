package io.ggmljava.graph;

import java.util.Arrays;

/**
 * The {@link ExecutionOrder#MEMORY} heuristic: a few dependency-respecting orders, each scored by its peak of live
 * bytes ({@link Liveness}); the lowest wins and ties keep the current order, so the result is never worse than the
 * order the graph came in.
 *
 * <ul>
 * <li><b>need-first depth-first</b>: Sethi-Ullman's rule for trees carried over to the DAG. Every node gets an
 * estimate of the bytes needed to compute it from scratch ({@code need}); the depth-first visit that emits nodes
 * after their sources visits the source with the largest {@code need - size} first, so a small independent branch
 * (an RNN's input projection) is computed just before it is used instead of long before. This is what makes an
 * unrolled LSTM flat in T.
 * <li><b>greedy</b>: list scheduling that always runs, among the ready nodes, the one that frees the most bytes net
 * of what it allocates (ties in need-first order). It wins on wide graphs with many independent branches.
 * </ul>
 * Both are O(E log E); a 100k-node graph takes a few tens of milliseconds.
 */
final class MemoryOrder {
    private MemoryOrder() {
    }

    /** The best order found for {@code tab}'s graph (the identity if nothing beats the current order). */
    static int[] best(NodeTable tab) {
        int n = tab.n;
        int[] current = Liveness.identity(n);
        if (n < 2) {
            return current;
        }
        long bestPeak = Liveness.peak(tab, current);
        int[] best = current;
        int[] dfs = needFirst(tab);
        long p = Liveness.peak(tab, dfs);
        if (p < bestPeak) {
            bestPeak = p;
            best = dfs;
        }
        int[] greedy = greedy(tab, rankOf(dfs));
        p = Liveness.peak(tab, greedy);
        if (p < bestPeak) {
            best = greedy;
        }
        return best;
    }

    static int[] rankOf(int[] order) {
        int[] rank = new int[order.length];
        for (int k = 0; k < order.length; k++) {
            rank[order[k]] = k;
        }
        return rank;
    }

    // ---- need-first depth-first ----

    /** Each node's dependencies sorted by decreasing {@code need - size} (stable), as one CSR array. */
    static int[] needFirst(NodeTable tab) {
        int n = tab.n;
        long[] need = new long[n];
        int[] sorted = tab.deps.clone();
        long[] key = new long[16];
        for (int i = 0; i < n; i++) {
            int from = tab.depStart[i];
            int to = tab.depStart[i + 1];
            int m = to - from;
            if (key.length < m) {
                key = new long[Math.max(m, key.length * 2)];
            }
            // insertion sort: lists are short; stable, so ties keep source order
            for (int a = 0; a < m; a++) {
                int c = sorted[from + a];
                long kc = need[c] - out(tab, c);
                int b = a;
                while (b > 0 && key[b - 1] < kc) {
                    key[b] = key[b - 1];
                    sorted[from + b] = sorted[from + b - 1];
                    b--;
                }
                key[b] = kc;
                sorted[from + b] = c;
            }
            long acc = 0;
            long nd = 0;
            for (int a = from; a < to; a++) {
                int c = sorted[a];
                nd = Math.max(nd, acc + need[c]);
                acc += out(tab, c);
            }
            need[i] = Math.max(nd, acc + out(tab, i));
        }

        // depth-first from the nodes nobody depends on, in their current order
        int[] order = new int[n];
        int emitted = 0;
        boolean[] visited = new boolean[n];
        int[] stack = new int[64];
        int[] next = new int[64];
        for (int r = 0; r < n; r++) {
            if (tab.useStart[r + 1] != tab.useStart[r] || visited[r]) {
                continue;
            }
            visited[r] = true;
            stack[0] = r;
            next[0] = tab.depStart[r];
            int sp = 1;
            while (sp > 0) {
                int v = stack[sp - 1];
                int k = next[sp - 1];
                int child = -1;
                int end = tab.depStart[v + 1];
                while (k < end) {
                    int c = sorted[k++];
                    if (!visited[c]) {
                        child = c;
                        break;
                    }
                }
                next[sp - 1] = k;
                if (child >= 0) {
                    visited[child] = true;
                    if (sp == stack.length) {
                        stack = Arrays.copyOf(stack, sp * 2);
                        next = Arrays.copyOf(next, sp * 2);
                    }
                    stack[sp] = child;
                    next[sp] = tab.depStart[child];
                    sp++;
                } else {
                    sp--;
                    order[emitted++] = v;
                }
            }
        }
        if (emitted != n) {
            throw new IllegalStateException("memory order: visited " + emitted + " of " + n + " nodes");
        }
        return order;
    }

    /** The bytes a node's result keeps live for its readers (0 for views and uncounted nodes). */
    private static long out(NodeTable tab, int i) {
        return tab.buf[i] == i ? tab.size[i] : 0;
    }

    // ---- greedy list scheduling ----

    /**
     * Runs, among the ready nodes, the one with the largest (bytes freed - bytes allocated), ties broken by
     * {@code rank}. A node's score only changes when one of the buffers it reads is left with a single reader, so
     * a heap with lazy re-insertion keeps this O(E log E).
     */
    static int[] greedy(NodeTable tab, int[] rank) {
        int n = tab.n;
        int[][] rr = NodeTable.reverse(tab.readStart, tab.reads, n, tab.total); // readers of each buffer
        int[] rdStart = rr[0];
        int[] rdBy = rr[1];
        int[] indeg = new int[n];
        for (int i = 0; i < n; i++) {
            indeg[i] = tab.depStart[i + 1] - tab.depStart[i];
        }
        boolean[] done = new boolean[n];
        int[] version = new int[n];
        Liveness.Sweep sw = new Liveness.Sweep(tab);
        Heap heap = new Heap(n);
        for (int i = 0; i < n; i++) {
            if (indeg[i] == 0) {
                heap.push(sw.delta(i), rank[i], i, version[i]);
            }
        }
        int[] order = new int[n];
        int k = 0;
        while (heap.size > 0) {
            int e = heap.pop();
            int i = heap.node[e];
            if (done[i] || heap.version[e] != version[i]) {
                continue;
            }
            done[i] = true;
            order[k++] = i;
            sw.step(i, null, 0);
            sw.release(i, null, 0);
            // buffers left with one reader: that reader's score changed
            for (int r = tab.readStart[i]; r < tab.readStart[i + 1]; r++) {
                int b = tab.reads[r];
                if (sw.remaining(b) == 1) {
                    for (int q = rdStart[b]; q < rdStart[b + 1]; q++) {
                        int j = rdBy[q];
                        if (!done[j] && indeg[j] == 0) {
                            version[j]++;
                            heap.push(sw.delta(j), rank[j], j, version[j]);
                        }
                    }
                }
            }
            for (int u = tab.useStart[i]; u < tab.useStart[i + 1]; u++) {
                int j = tab.uses[u];
                if (--indeg[j] == 0) {
                    version[j]++;
                    heap.push(sw.delta(j), rank[j], j, version[j]);
                }
            }
        }
        if (k != n) {
            throw new IllegalStateException("memory order: scheduled " + k + " of " + n + " nodes");
        }
        return order;
    }

    /** A binary max-heap of entries (score, then lower rank first). */
    static final class Heap {
        long[] score;
        int[] rank;
        int[] node;
        int[] version;
        int[] heap;
        int size;
        private int entries;

        Heap(int capacity) {
            int c = Math.max(16, capacity);
            score = new long[c];
            rank = new int[c];
            node = new int[c];
            version = new int[c];
            heap = new int[c];
        }

        void push(long s, int r, int nd, int v) {
            if (entries == score.length) {
                int c = entries * 2;
                score = Arrays.copyOf(score, c);
                rank = Arrays.copyOf(rank, c);
                node = Arrays.copyOf(node, c);
                version = Arrays.copyOf(version, c);
            }
            int e = entries++;
            score[e] = s;
            rank[e] = r;
            node[e] = nd;
            version[e] = v;
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            int pos = size++;
            while (pos > 0) {
                int parent = (pos - 1) >>> 1;
                if (!before(e, heap[parent])) {
                    break;
                }
                heap[pos] = heap[parent];
                pos = parent;
            }
            heap[pos] = e;
        }

        int pop() {
            int top = heap[0];
            int last = heap[--size];
            int pos = 0;
            while (true) {
                int c = 2 * pos + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && before(heap[c + 1], heap[c])) {
                    c++;
                }
                if (!before(heap[c], last)) {
                    break;
                }
                heap[pos] = heap[c];
                pos = c;
            }
            if (size > 0) {
                heap[pos] = last;
            }
            return top;
        }

        private boolean before(int a, int b) {
            return score[a] > score[b] || (score[a] == score[b] && rank[a] < rank[b]);
        }
    }
}
