package io.ggmljava.alloc;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which addresses are taken during a time interval, for greedy placement (units are only added, never moved).
 * A segment tree over time: each unit is stored at the O(log T) nodes that exactly cover its lifetime ({@code at}),
 * and added to the merged address set of those nodes and all their ancestors ({@code sub}). The addresses taken
 * during {@code [s, e]} are then the union of {@code sub} of the nodes covering {@code [s, e]} and {@code at} of the
 * nodes on the paths from the leaves {@code s} and {@code e} to the root: O(log T) merged sets, which stay short
 * because placed units pack densely. Cost per unit: O(log T) set updates, not O(units alive at the same time).
 */
final class Occupancy {
    private final int size;
    private final IntervalSet[] at;
    private final IntervalSet[] sub;

    Occupancy(int times) {
        int s = 1;
        while (s < times) {
            s <<= 1;
        }
        size = s;
        at = new IntervalSet[2 * s];
        sub = new IntervalSet[2 * s];
    }

    /** Marks addresses {@code [lo, hi)} taken during times {@code [s, e]}. */
    void add(int s, int e, long lo, long hi) {
        int l = s + size;
        int r = e + size + 1;
        while (l < r) {
            if ((l & 1) != 0) {
                mark(l++, lo, hi);
            }
            if ((r & 1) != 0) {
                mark(--r, lo, hi);
            }
            l >>= 1;
            r >>= 1;
        }
    }

    private void mark(int v, long lo, long hi) {
        set(at, v).add(lo, hi);
        for (int x = v; x >= 1; x >>= 1) {
            set(sub, x).add(lo, hi);
        }
    }

    private static IntervalSet set(IntervalSet[] sets, int v) {
        IntervalSet s = sets[v];
        if (s == null) {
            s = new IntervalSet();
            sets[v] = s;
        }
        return s;
    }

    /** Adds to {@code out} address intervals whose union is exactly what is taken during {@code [s, e]}. */
    void collect(int s, int e, OfflineStrategy.Gaps out) {
        int l = s + size;
        int r = e + size + 1;
        while (l < r) {
            if ((l & 1) != 0) {
                dump(sub[l++], out);
            }
            if ((r & 1) != 0) {
                dump(sub[--r], out);
            }
            l >>= 1;
            r >>= 1;
        }
        for (int x = (s + size) >> 1; x >= 1; x >>= 1) {
            dump(at[x], out);
        }
        for (int x = (e + size) >> 1; x >= 1; x >>= 1) {
            dump(at[x], out);
        }
    }

    private static void dump(IntervalSet set, OfflineStrategy.Gaps out) {
        if (set != null) {
            for (Map.Entry<Long, Long> iv : set.map.entrySet()) {
                out.add(iv.getKey(), iv.getValue());
            }
        }
    }

    /** A union of address intervals, kept merged: start to end. */
    static final class IntervalSet {
        final TreeMap<Long, Long> map = new TreeMap<>();

        void add(long lo, long hi) {
            Map.Entry<Long, Long> prev = map.floorEntry(lo);
            if (prev != null && prev.getValue() >= lo) {
                if (prev.getValue() >= hi) {
                    return; // already covered
                }
                lo = prev.getKey();
                map.remove(lo);
            }
            // swallow every interval starting inside [lo, hi]
            Map.Entry<Long, Long> next = map.ceilingEntry(lo);
            while (next != null && next.getKey() <= hi) {
                hi = Math.max(hi, next.getValue());
                map.remove(next.getKey());
                next = map.ceilingEntry(lo);
            }
            map.put(lo, hi);
        }
    }
}
