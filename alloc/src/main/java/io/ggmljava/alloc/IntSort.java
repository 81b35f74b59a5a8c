package io.ggmljava.alloc;

/** Allocation-free sorts of primitive index arrays (the planners sort up to millions of units). */
final class IntSort {
    private IntSort() {
    }

    /** Compares two ints. */
    @FunctionalInterface
    interface IntComparator {
        int compare(int a, int b);
    }

    /** Stable merge sort of {@code a} by {@code c}. */
    static void sort(int[] a, IntComparator c) {
        if (a.length < 2) {
            return;
        }
        int[] tmp = new int[a.length];
        mergeSort(a, tmp, 0, a.length, c);
    }

    private static void mergeSort(int[] a, int[] tmp, int lo, int hi, IntComparator c) {
        if (hi - lo <= 16) {
            for (int i = lo + 1; i < hi; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= lo && c.compare(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(a, tmp, lo, mid, c);
        mergeSort(a, tmp, mid, hi, c);
        if (c.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || (i < mid && c.compare(tmp[i], tmp[j]) <= 0)) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }

    /** Sorts the first {@code n} pairs {@code (lo[i], hi[i])} by {@code lo}. */
    static void sortPairs(long[] lo, long[] hi, int n) {
        quick(lo, hi, 0, n - 1);
    }

    private static void quick(long[] lo, long[] hi, int l, int r) {
        while (r - l > 16) {
            long pivot = median(lo[l], lo[(l + r) >>> 1], lo[r]);
            int i = l;
            int j = r;
            while (i <= j) {
                while (lo[i] < pivot) {
                    i++;
                }
                while (lo[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(lo, hi, i++, j--);
                }
            }
            // recurse into the smaller side, loop on the larger: O(log n) stack
            if (j - l < r - i) {
                quick(lo, hi, l, j);
                l = i;
            } else {
                quick(lo, hi, i, r);
                r = j;
            }
        }
        for (int i = l + 1; i <= r; i++) {
            long x = lo[i];
            long y = hi[i];
            int j = i - 1;
            while (j >= l && lo[j] > x) {
                lo[j + 1] = lo[j];
                hi[j + 1] = hi[j];
                j--;
            }
            lo[j + 1] = x;
            hi[j + 1] = y;
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(long[] lo, long[] hi, int i, int j) {
        long x = lo[i];
        lo[i] = lo[j];
        lo[j] = x;
        x = hi[i];
        hi[i] = hi[j];
        hi[j] = x;
    }
}
