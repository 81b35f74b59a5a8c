package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.SortOrder;
import io.ggmljava.core.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ARGSORT, per row: the i32 indices that sort the row ascending or descending.
 *
 * <p>ggml sorts with an exchange sort: for each position {@code j} it scans {@code k > j} and swaps whenever
 * {@code x[idx[j]] > x[idx[k]]} (ascending; {@code <} descending). With distinct, non-NaN values every correct sort
 * gives the same answer, so rows like that are sorted in O(n log n). Rows with equal values or NaNs keep ggml's
 * exact (and peculiar) order by running its exchange sort, O(n^2) as in ggml.
 */
final class Argsort {
    private Argsort() {
    }

    static void compute(Tensor d, ComputeParams cp) {
        Tensor s = d.src(0);
        TensorRows.requireType(d, "src0", s, GgmlType.F32);
        TensorRows.requireType(d, "dst", d, GgmlType.I32);
        if (!s.sameShape(d)) {
            throw new ShapeException("ARGSORT: src " + s.describe() + " and dst " + d.describe()
                    + " must have the same shape");
        }
        boolean desc = d.opParamI32(0) == SortOrder.DESC.ordinal();
        int n = TensorRows.rowLength(d, s.ne(0));
        float[] v = new float[n];
        int[] idx = new int[n];
        long[] keys = new long[n];
        long nrows = s.nrows();
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long so = Rows.offset(s, r);
            for (int i = 0; i < n; i++) {
                v[i] = s.data().get(Layouts.F32, so + i * s.nb(0));
            }
            sortRow(v, idx, keys, desc);
            MemorySegment dd = d.data();
            long dof = Rows.offset(d, r);
            for (int i = 0; i < n; i++) {
                dd.set(Layouts.I32, dof + i * d.nb(0), idx[i]);
            }
        }
    }

    /** Fills {@code idx} with the order of {@code v} as ggml's argsort produces it. */
    static void sortRow(float[] v, int[] idx, long[] keys, boolean desc) {
        int n = v.length;
        boolean simple = true;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(v[i])) {
                simple = false;
                break;
            }
            // order-preserving int image of the float (-0 sorts before +0; equal values are caught below)
            int bits = Float.floatToRawIntBits(v[i]);
            int key = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[i] = ((long) key << 32) | i;
        }
        if (simple) {
            Arrays.sort(keys, 0, n);
            for (int i = 0; i < n; i++) {
                idx[desc ? n - 1 - i : i] = (int) keys[i];
            }
            for (int i = 1; i < n; i++) {
                if (v[idx[i - 1]] == v[idx[i]]) {      // a tie (also -0 vs +0): ggml's order is not a plain sort's
                    simple = false;
                    break;
                }
            }
        }
        if (!simple) {
            exchangeSort(v, idx, desc);
        }
    }

    /** ggml's argsort loop, verbatim in effect: O(n^2), used only for rows with ties or NaNs. */
    static void exchangeSort(float[] v, int[] idx, boolean desc) {
        int n = v.length;
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int j = 0; j < n; j++) {
            for (int k = j + 1; k < n; k++) {
                boolean swap = desc ? v[idx[j]] < v[idx[k]] : v[idx[j]] > v[idx[k]];
                if (swap) {
                    int t = idx[j];
                    idx[j] = idx[k];
                    idx[k] = t;
                }
            }
        }
    }
}
