package io.ggmljava.alloc;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * ggml's dynamic allocator (ggml_dyn_tallocr) replayed over the lifetime table: units are allocated in ggml's order
 * from a free list by best fit (the smallest free block that fits, the highest-addressed among equals, the open end
 * only as a last resort), and freed after the last node that needs them, merging with free neighbours. Unlike ggml
 * the free list has no 256-block limit; it is kept in two ordered sets, so each step costs O(log blocks).
 */
final class DynamicStrategy implements PlacementStrategy {
    @Override
    public String name() {
        return "dynamic";
    }

    @Override
    public long[] place(Lifetimes table) {
        int nUnits = table.unitCount();
        long[] offsets = new long[nUnits];
        int times = table.times();
        // units to free after each time, as linked lists (head per time, next per unit)
        int[] freeHead = new int[times];
        java.util.Arrays.fill(freeHead, -1);
        int[] freeNext = new int[nUnits];
        for (int u = 0; u < nUnits; u++) {
            int e = table.unitEnd(u);
            if (e < times - 1) { // units live to the end are never freed
                freeNext[u] = freeHead[e];
                freeHead[e] = u;
            }
        }
        FreeList free = new FreeList();
        int[] order = table.allocationOrderShared();
        int next = 0;
        for (int t = 0; t < times; t++) {
            while (next < nUnits && table.unitStart(order[next]) == t) {
                int u = order[next++];
                offsets[u] = free.alloc(table.unitSize(u));
            }
            for (int u = freeHead[t]; u != -1; u = freeNext[u]) {
                free.free(offsets[u], table.unitSize(u));
            }
        }
        if (next != nUnits) {
            throw new IllegalStateException("dynamic: allocation order is not sorted by start time");
        }
        return offsets;
    }

    /** Free blocks below the open end, by address and by (size, -address); the open end starts at {@code tail}. */
    static final class FreeList {
        private record Block(long offset, long size) {
        }

        private static final java.util.Comparator<Block> BEST_FIT = (a, b) -> {
            int c = Long.compare(a.size, b.size);
            return c != 0 ? c : Long.compare(b.offset, a.offset);
        };

        private final TreeMap<Long, Long> byOffset = new TreeMap<>();
        private final TreeSet<Block> bySize = new TreeSet<>(BEST_FIT);
        private long tail;

        long alloc(long size) {
            // the smallest block that fits; among equal sizes the highest address (ggml's '<=' keeps the last)
            Block b = bySize.ceiling(new Block(Long.MAX_VALUE, size));
            if (b == null) {
                long off = tail;
                tail += size;
                return off;
            }
            bySize.remove(b);
            byOffset.remove(b.offset);
            if (b.size > size) {
                add(b.offset + size, b.size - size);
            }
            return b.offset;
        }

        void free(long offset, long size) {
            long lo = offset;
            long hi = offset + size;
            Map.Entry<Long, Long> prev = byOffset.floorEntry(offset);
            if (prev != null && prev.getKey() + prev.getValue() == offset) {
                lo = prev.getKey();
                remove(prev.getKey(), prev.getValue());
            }
            Long nextSize = byOffset.get(hi);
            if (nextSize != null) {
                remove(hi, nextSize);
                hi += nextSize;
            }
            if (hi == tail) {
                tail = lo;
            } else {
                add(lo, hi - lo);
            }
        }

        private void add(long offset, long size) {
            byOffset.put(offset, size);
            bySize.add(new Block(offset, size));
        }

        private void remove(long offset, long size) {
            byOffset.remove(offset);
            bySize.remove(new Block(offset, size));
        }

        int blocks() {
            return byOffset.size();
        }
    }
}
