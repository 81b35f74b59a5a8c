package io.ggmljava.alloc;

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
    /** Per node: the last {@link #add} that updated its {@code sub} (ancestors are shared by canonical nodes). */
    private final int[] stamp;
    private int adds;
    /** Merged-set updates so far (the cost of adds, for work budgets). */
    long updates;

    Occupancy(int times) {
        int s = 1;
        while (s < times) {
            s <<= 1;
        }
        size = s;
        at = new IntervalSet[2 * s];
        sub = new IntervalSet[2 * s];
        stamp = new int[2 * s];
    }

    /** Marks addresses {@code [lo, hi)} taken during times {@code [s, e]}. */
    void add(int s, int e, long lo, long hi) {
        adds++;
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
        updates++;
        // the canonical nodes of one interval share their ancestors: update each ancestor's set once
        for (int x = v; x >= 1 && stamp[x] != adds; x >>= 1) {
            stamp[x] = adds;
            set(sub, x).add(lo, hi);
            updates++;
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
            for (int i = 0; i < set.n; i++) {
                out.add(set.lo[i], set.hi[i]);
            }
        }
    }

    /**
     * A union of address intervals, kept merged and sorted in two arrays: most sets hold a handful of intervals, so
     * a binary search and a short array copy beat a tree.
     */
    static final class IntervalSet {
        long[] lo = new long[2];
        long[] hi = new long[2];
        int n;

        void add(long l, long h) {
            // first interval whose end reaches l: everything before it stays
            int a = 0;
            int b = n;
            while (a < b) {
                int m = (a + b) >>> 1;
                if (hi[m] < l) {
                    a = m + 1;
                } else {
                    b = m;
                }
            }
            int first = a;
            // intervals first .. last-1 touch or overlap [l, h]: merge them
            int last = first;
            while (last < n && lo[last] <= h) {
                l = Math.min(l, lo[last]);
                h = Math.max(h, hi[last]);
                last++;
            }
            int removed = last - first;
            if (removed == 0) {
                if (n == lo.length) {
                    lo = java.util.Arrays.copyOf(lo, n * 2);
                    hi = java.util.Arrays.copyOf(hi, n * 2);
                }
                System.arraycopy(lo, first, lo, first + 1, n - first);
                System.arraycopy(hi, first, hi, first + 1, n - first);
                n++;
            } else if (removed > 1) {
                System.arraycopy(lo, last, lo, first + 1, n - last);
                System.arraycopy(hi, last, hi, first + 1, n - last);
                n -= removed - 1;
            }
            lo[first] = l;
            hi[first] = h;
        }
    }
}
