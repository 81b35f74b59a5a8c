package io.ggmljava.alloc;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Verifies that no two units live at the same time overlap in the buffer (a sweep over time, O(n log n)). */
final class PlacementCheck {
    private PlacementCheck() {
    }

    static void requireNoOverlap(Lifetimes lt, long[] offsets, String who) {
        int n = lt.unitCount();
        Integer[] byStart = new Integer[n];
        Integer[] byEnd = new Integer[n];
        for (int u = 0; u < n; u++) {
            byStart[u] = u;
            byEnd[u] = u;
        }
        Arrays.sort(byStart, (a, b) -> Integer.compare(lt.unitStart(a), lt.unitStart(b)));
        Arrays.sort(byEnd, (a, b) -> Integer.compare(lt.unitEnd(a), lt.unitEnd(b)));
        TreeMap<Long, Integer> active = new TreeMap<>();
        int s = 0;
        int e = 0;
        for (int t = 0; t < lt.times(); t++) {
            while (e < n && lt.unitEnd(byEnd[e]) < t) {
                int u = byEnd[e++];
                active.remove(offsets[u], u);
            }
            while (s < n && lt.unitStart(byStart[s]) == t) {
                int u = byStart[s++];
                long lo = offsets[u];
                long hi = lo + lt.unitSize(u);
                Map.Entry<Long, Integer> below = active.floorEntry(lo);
                Map.Entry<Long, Integer> above = active.ceilingEntry(lo);
                for (Map.Entry<Long, Integer> other : Arrays.asList(below, above)) {
                    if (other == null) {
                        continue;
                    }
                    int w = other.getValue();
                    long wlo = offsets[w];
                    long whi = wlo + lt.unitSize(w);
                    if (wlo < hi && lo < whi) {
                        throw new AllocationException("placement '" + who + "' overlaps '" + lt.unitTensor(u).name()
                                + "' [" + lo + ", " + hi + ") with '" + lt.unitTensor(w).name() + "' [" + wlo + ", "
                                + whi + ") while both are live at time " + t);
                    }
                }
                active.put(lo, u);
            }
        }
    }
}
