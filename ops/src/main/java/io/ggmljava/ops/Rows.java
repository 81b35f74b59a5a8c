package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/**
 * The shared row iterator: maps a flat row index {@code r} in {@code [0, ne1*ne2*ne3)} to the byte offset of that
 * row, for contiguous and strided (viewed, permuted) tensors alike, and splits rows over threads.
 */
public final class Rows {
    private Rows() {
    }

    /** First row of thread {@code ith} of {@code nth} over {@code nrows} rows (ggml's split: ceil(nrows/nth) each). */
    public static long start(long nrows, int ith, int nth) {
        long per = (nrows + nth - 1) / nth;
        return Math.min(per * ith, nrows);
    }

    /** One past the last row of thread {@code ith} of {@code nth}. */
    public static long end(long nrows, int ith, int nth) {
        long per = (nrows + nth - 1) / nth;
        return Math.min(per * (ith + 1), nrows);
    }

    /** Byte offset of flat row {@code r} of {@code t}. */
    public static long offset(Tensor t, long r) {
        long ne1 = t.ne(1);
        long ne2 = t.ne(2);
        long i1 = r % ne1;
        long q = r / ne1;
        long i2 = q % ne2;
        long i3 = q / ne2;
        return i1 * t.nb(1) + i2 * t.nb(2) + i3 * t.nb(3);
    }
}
