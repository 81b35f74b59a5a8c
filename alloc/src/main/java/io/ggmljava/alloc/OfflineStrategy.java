package io.ggmljava.alloc;

/**
 * An offline placement that sees the whole lifetime table: greedy by size (largest units first, each put in the
 * smallest gap left by the already placed units that are live at the same time, else on top of them), tried with a
 * few orderings, then improved by letting every unit fall to the lowest free position ({@link #settle}). Stops as
 * soon as a placement reaches the table's lower bound.
 *
 * <p>Taken addresses are looked up in an {@link Occupancy} tree, so a placement costs O(log T) merged-set updates
 * per unit plus the size of the merged sets it reads. The work is capped ({@link #workBudget} address intervals
 * read per table) so that planning time stays bounded on large, fragmented graphs; the cap depends only on the
 * table, so plans stay deterministic.
 */
final class OfflineStrategy implements PlacementStrategy {
    /**
     * Work (address intervals read plus merged-set updates) the greedy passes and settling may do for a table before
     * giving up on further passes: 200k plus 300 per unit, at most 4M (a few hundred milliseconds). Small graphs are
     * never cut short.
     */
    static long workBudget(int units) {
        return Math.min(4_000_000L, 200_000L + 300L * units);
    }

    /** Unit orderings tried in turn; ties broken by start time, then unit number, so plans are deterministic. */
    private enum Order {
        SIZE_THEN_LENGTH, AREA, LENGTH_THEN_SIZE
    }

    @Override
    public String name() {
        return "offline";
    }

    @Override
    public long[] place(Lifetimes table) {
        return place(table, null);
    }

    /**
     * The best of the greedy orderings and of {@code seed} (another strategy's placement, or null), each settled;
     * stops early at the lower bound or when the work budget is spent (keeping the best so far).
     */
    static long[] place(Lifetimes table, long[] seed) {
        int n = table.unitCount();
        if (n == 0) {
            return new long[0];
        }
        long bound = table.lowerBound();
        Work work = new Work(workBudget(n));
        long[] best = seed;
        long bestPeak = seed == null ? Long.MAX_VALUE : peak(table, seed);
        Order[] orders = Order.values();
        // the first greedy ordering, then the seed settled, then the other orderings: cheapest likely wins first.
        // Without a seed the first greedy pass always runs to the end (there is nothing to fall back on).
        for (int step = 0; step <= orders.length; step++) {
            if (bestPeak <= bound || (best != null && work.exhausted())) {
                break;
            }
            long[] offsets;
            if (step == 1) {
                if (seed == null) {
                    continue;
                }
                offsets = settle(table, seed, work);
            } else {
                offsets = greedy(table, sorted(table, orders[step == 0 ? 0 : step - 1]),
                        best == null ? new Work(Long.MAX_VALUE) : work);
                if (offsets == null) {
                    break;
                }
                if (peak(table, offsets) > bound) {
                    offsets = settle(table, offsets, work);
                }
            }
            long peak = peak(table, offsets);
            if (peak < bestPeak) {
                bestPeak = peak;
                best = offsets;
            }
        }
        return best;
    }

    static long peak(Lifetimes table, long[] offsets) {
        long p = 0;
        for (int u = 0; u < offsets.length; u++) {
            p = Math.max(p, offsets[u] + table.unitSize(u));
        }
        return p;
    }

    /** Address intervals read so far, against a cap. */
    static final class Work {
        private final long budget;
        private long used;

        Work(long budget) {
            this.budget = budget;
        }

        boolean spend(long n) {
            used += n;
            return used <= budget;
        }

        boolean exhausted() {
            return used > budget;
        }
    }

    private static int[] sorted(Lifetimes t, Order order) {
        int n = t.unitCount();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        IntSort.sort(idx, (a, b) -> {
            long sa = t.unitSize(a);
            long sb = t.unitSize(b);
            long la = t.unitEnd(a) - t.unitStart(a) + 1L;
            long lb = t.unitEnd(b) - t.unitStart(b) + 1L;
            int c = switch (order) {
                case SIZE_THEN_LENGTH -> {
                    int x = Long.compare(sb, sa);
                    yield x != 0 ? x : Long.compare(lb, la);
                }
                case LENGTH_THEN_SIZE -> {
                    int x = Long.compare(lb, la);
                    yield x != 0 ? x : Long.compare(sb, sa);
                }
                case AREA -> {
                    int x = Double.compare((double) sb * lb, (double) sa * la);
                    yield x != 0 ? x : Long.compare(sb, sa);
                }
            };
            if (c != 0) {
                return c;
            }
            c = Integer.compare(t.unitStart(a), t.unitStart(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        return idx;
    }

    /** Greedy best fit in the given unit order; null if the work budget runs out. */
    private static long[] greedy(Lifetimes t, int[] order, Work work) {
        long[] offsets = new long[t.unitCount()];
        Occupancy occ = new Occupancy(t.times());
        Gaps gaps = new Gaps();
        for (int u : order) {
            gaps.clear();
            occ.collect(t.unitStart(u), t.unitEnd(u), gaps);
            if (!work.spend(gaps.n)) {
                return null;
            }
            long off = gaps.bestFit(t.unitSize(u));
            offsets[u] = off;
            long before = occ.updates;
            occ.add(t.unitStart(u), t.unitEnd(u), off, off + t.unitSize(u));
            if (!work.spend(occ.updates - before)) {
                return null;
            }
        }
        return offsets;
    }

    /**
     * Lets units fall: re-places every unit, lowest first, at the lowest position free of the units already
     * re-placed. No unit moves up (everything re-placed before it that shares its lifetime lay wholly below it and
     * only moved down), so the peak never grows; repeated while it shrinks, at most 4 times. Returns a new array
     * (the input if the budget runs out).
     */
    static long[] settle(Lifetimes t, long[] offsets, Work work) {
        long[] cur = offsets;
        long curPeak = peak(t, cur);
        for (int pass = 0; pass < 4; pass++) {
            long[] src = cur;
            int n = t.unitCount();
            int[] byOffset = new int[n];
            for (int i = 0; i < n; i++) {
                byOffset[i] = i;
            }
            IntSort.sort(byOffset, (a, b) -> {
                int c = Long.compare(src[a], src[b]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            long[] next = new long[n];
            Occupancy occ = new Occupancy(t.times());
            Gaps gaps = new Gaps();
            for (int u : byOffset) {
                gaps.clear();
                occ.collect(t.unitStart(u), t.unitEnd(u), gaps);
                if (!work.spend(gaps.n)) {
                    return cur;
                }
                long off = Math.min(gaps.firstFit(t.unitSize(u)), src[u]);
                next[u] = off;
                long before = occ.updates;
                occ.add(t.unitStart(u), t.unitEnd(u), off, off + t.unitSize(u));
                if (!work.spend(occ.updates - before)) {
                    return cur;
                }
            }
            long p = peak(t, next);
            if (p >= curPeak) {
                return p == curPeak ? next : cur;
            }
            cur = next;
            curPeak = p;
        }
        return cur;
    }

    /** Address intervals of the units overlapping a query, and the search for a gap among them. */
    static final class Gaps {
        long[] lo = new long[16];
        long[] hi = new long[16];
        int n;

        void clear() {
            n = 0;
        }

        void add(long l, long h) {
            if (n == lo.length) {
                lo = java.util.Arrays.copyOf(lo, n * 2);
                hi = java.util.Arrays.copyOf(hi, n * 2);
            }
            lo[n] = l;
            hi[n] = h;
            n++;
        }

        /** The smallest gap that holds {@code size} (lowest among equals), else the top of the intervals. */
        long bestFit(long size) {
            IntSort.sortPairs(lo, hi, n);
            long cursor = 0;
            long bestOff = -1;
            long bestGap = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (lo[i] > cursor) {
                    long gap = lo[i] - cursor;
                    if (gap >= size && gap < bestGap) {
                        bestGap = gap;
                        bestOff = cursor;
                    }
                }
                cursor = Math.max(cursor, hi[i]);
            }
            return bestOff >= 0 ? bestOff : cursor;
        }

        /** The lowest position that holds {@code size}. */
        long firstFit(long size) {
            IntSort.sortPairs(lo, hi, n);
            long cursor = 0;
            for (int i = 0; i < n; i++) {
                if (lo[i] - cursor >= size) {
                    return cursor;
                }
                cursor = Math.max(cursor, hi[i]);
            }
            return cursor;
        }
    }
}
