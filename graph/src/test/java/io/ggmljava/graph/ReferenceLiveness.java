package io.ggmljava.graph;

import io.ggmljava.core.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peak of live bytes computed the slow, obvious way (an interval per tensor, then a sum per step), as an oracle
 * for {@link Liveness}. Same rules, written independently of its sweep.
 */
final class ReferenceLiveness {
    private ReferenceLiveness() {
    }

    static long peak(Graph g, int[] order, long align) {
        int n = order.length;
        List<Tensor> seq = new ArrayList<>();
        Map<Tensor, Integer> start = new IdentityHashMap<>();
        for (int k = 0; k < n; k++) {
            Tensor t = g.node(order[k]);
            seq.add(t);
            if (counted(t)) {
                start.put(t, t.hasFlag(Tensor.FLAG_INPUT) ? 0 : k);
            }
        }
        List<Tensor> views = new ArrayList<>();
        for (Tensor l : g.leafs()) {
            if (counted(l)) {
                start.put(l, 0);
            } else if (l.isView()) {
                views.add(l);
            }
        }
        for (Tensor t : seq) {
            if (t.isView()) {
                views.add(t);
            }
        }
        // last read of each counted tensor, directly or through a view
        Map<Tensor, Integer> end = new IdentityHashMap<>();
        for (Tensor t : start.keySet()) {
            end.put(t, -1);
        }
        for (int k = 0; k < n; k++) {
            Tensor t = seq.get(k);
            for (int s = 0; s < t.srcCount(); s++) {
                Tensor b = base(t.src(s));
                if (b != null && end.containsKey(b)) {
                    end.put(b, Math.max(end.get(b), k));
                }
            }
        }
        Map<Tensor, Boolean> pinned = new IdentityHashMap<>();
        for (Tensor v : views) {
            if (!end.containsKey(v.viewSource())) {
                continue;
            }
            boolean read = false;
            for (Tensor u : seq) {
                for (int s = 0; s < u.srcCount(); s++) {
                    read |= u.src(s) == v;
                }
            }
            if (!read || v.hasFlag(Tensor.FLAG_OUTPUT)) {
                pinned.put(v.viewSource(), true);
            }
        }
        for (Tensor t : end.keySet()) {
            if (t.hasFlag(Tensor.FLAG_OUTPUT) || end.get(t) < 0) {
                pinned.put(t, true);
            }
        }
        // in place: a node takes a parent it reads last, once, with the same layout
        Map<Tensor, Tensor> takenBy = new IdentityHashMap<>();
        for (int k = 0; k < n; k++) {
            Tensor t = seq.get(k);
            if (!start.containsKey(t) || t.hasFlag(Tensor.FLAG_INPUT) || !t.op().canInplace()) {
                continue;
            }
            for (int s = 0; s < t.srcCount(); s++) {
                Tensor p = t.src(s);
                if (p == null || !end.containsKey(p) || pinned.containsKey(p) || end.get(p) != k
                        || takenBy.containsKey(p) || !sameLayout(t, p)) {
                    continue;
                }
                int uses = 0;
                for (int q = 0; q < t.srcCount(); q++) {
                    if (t.src(q) != null && base(t.src(q)) == p) {
                        uses++;
                    }
                }
                if (uses != 1) {
                    continue;
                }
                takenBy.put(p, t);
                break;
            }
        }
        // each tensor holds its bytes from its start to its last read; a parent hands them over to its child
        Map<Tensor, Integer> pos = new IdentityHashMap<>();
        for (int k = 0; k < n; k++) {
            pos.put(seq.get(k), k);
        }
        long peak = 0;
        for (Tensor t : start.keySet()) {
            peak += t.hasFlag(Tensor.FLAG_INPUT) || !pos.containsKey(t) ? size(t, align) : 0; // before node 0
        }
        for (int k = 0; k < n; k++) {
            long live = 0;
            for (Tensor t : start.keySet()) {
                int from = start.get(t);
                Tensor child = takenBy.get(t);
                int to = child != null ? pos.get(child) - 1 : pinned.containsKey(t) ? n - 1 : end.get(t);
                if (from <= k && k <= to) {
                    live += size(t, align);
                }
            }
            peak = Math.max(peak, live);
        }
        return peak;
    }

    private static Tensor base(Tensor t) {
        if (t == null) {
            return null;
        }
        return t.isView() ? t.viewSource() : t;
    }

    private static boolean counted(Tensor t) {
        return !t.isView() && t.data() == null && t.nbytes() > 0;
    }

    private static long size(Tensor t, long align) {
        return (t.nbytes() + align - 1) / align * align;
    }

    private static boolean sameLayout(Tensor a, Tensor b) {
        if (a.type() != b.type()) {
            return false;
        }
        for (int d = 0; d < 4; d++) {
            if (a.ne(d) != b.ne(d) || a.nb(d) != b.nb(d)) {
                return false;
            }
        }
        return true;
    }
}
