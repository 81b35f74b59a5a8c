package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnaryOp;
import java.lang.foreign.MemorySegment;

/**
 * Op drivers for UNARY, SQR, SQRT, LOG, SIN, COS, CLAMP, LEAKY_RELU, SCALE, SILU_BACK: iterate rows, split work over
 * threads, call the provider's kernels.
 *
 * <p>All are f32 ops (as in ggml). Contiguous tensors are processed as one flat run split evenly over the threads;
 * other layouts row by row, with rows whose elements are not adjacent gathered into a scratch row first.
 */
final class UnaryOps {
    private UnaryOps() {
    }

    /** A row function {@code y = f(x)} over {@code n} contiguous f32 values. */
    @FunctionalInterface
    interface RowFn {
        void apply(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);
    }

    /** A row function {@code y = f(a, b)} over {@code n} contiguous f32 values of two same-shaped inputs. */
    @FunctionalInterface
    interface RowFn2 {
        void apply(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int n);
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        Op op = node.op();
        Tensor x = node.src(0);
        TensorRows.requireType(node, "src0", x, GgmlType.F32);
        TensorRows.requireType(node, "dst", node, GgmlType.F32);
        if (!x.sameShape(node)) {
            throw new ShapeException(node.opDesc() + ": src0 " + x.describe() + " and dst " + node.describe()
                    + " must have the same shape");
        }
        UnaryKernels k = p.unary();
        if (op == Op.UNARY) {
            UnaryOp u = node.unaryOp();
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.unary(u, xs, xo, ys, yo, n));
        } else if (op == Op.SQR) {
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.math(UnaryKernels.MathOp.SQR, xs, xo, ys, yo, n));
        } else if (op == Op.SQRT) {
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.math(UnaryKernels.MathOp.SQRT, xs, xo, ys, yo, n));
        } else if (op == Op.LOG) {
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.math(UnaryKernels.MathOp.LOG, xs, xo, ys, yo, n));
        } else if (op == Op.SIN) {
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.math(UnaryKernels.MathOp.SIN, xs, xo, ys, yo, n));
        } else if (op == Op.COS) {
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.math(UnaryKernels.MathOp.COS, xs, xo, ys, yo, n));
        } else if (op == Op.SCALE) {
            float s = node.opParamF32(0);
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.scale(xs, xo, ys, yo, n, s));
        } else if (op == Op.CLAMP) {
            float min = node.opParamF32(0);
            float max = node.opParamF32(1);
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.clamp(xs, xo, ys, yo, n, min, max));
        } else if (op == Op.LEAKY_RELU) {
            float slope = node.opParamF32(0);
            map(cp, x, node, (xs, xo, ys, yo, n) -> k.leakyRelu(xs, xo, ys, yo, n, slope));
        } else if (op == Op.SILU_BACK) {
            // ggml: src0 is the output gradient dy, src1 the forward input x
            Tensor dy = x;
            Tensor fx = node.src(1);
            TensorRows.requireType(node, "src1", fx, GgmlType.F32);
            if (!fx.sameShape(node)) {
                throw new ShapeException("SILU_BACK: src1 " + fx.describe() + " must have the shape of src0 "
                        + dy.describe());
            }
            map2(cp, fx, dy, node, k::siluBack);
        } else {
            throw new IllegalArgumentException("UnaryOps cannot compute " + node.opDesc());
        }
    }

    /** Elements per flat chunk handed to a kernel at once. */
    static final int CHUNK = 1 << 16;

    /**
     * Applies an element-wise {@code fn} to {@code x} into {@code y} (same shape), this thread's share: contiguous
     * tensors as one flat run cut into equal pieces, others row by row.
     */
    static void map(ComputeParams cp, Tensor x, Tensor y, RowFn fn) {
        map(cp, x, y, fn, true);
    }

    /** Applies a row function {@code fn} (it needs whole rows) to the rows of {@code x} into {@code y}. */
    static void mapRows(ComputeParams cp, Tensor x, Tensor y, RowFn fn) {
        map(cp, x, y, fn, false);
    }

    private static void map(ComputeParams cp, Tensor x, Tensor y, RowFn fn, boolean flat) {
        MemorySegment xd = x.data();
        MemorySegment yd = y.data();
        if (flat && x.isContiguous() && y.isContiguous()) {
            long total = y.nelements();
            long[] range = flatRange(total, cp.ith(), cp.nth());
            for (long i = range[0]; i < range[1]; i += CHUNK) {
                int n = (int) Math.min(CHUNK, range[1] - i);
                fn.apply(xd, 4 * i, yd, 4 * i, n);
            }
            return;
        }
        int ne0 = TensorRows.rowLength(y, y.ne(0));
        long nrows = y.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        boolean dense = x.nb(0) == 4 && y.nb(0) == 4;
        MemorySegment tmp = dense ? null : TensorRows.f32Buffer(ne0);
        for (long r = r0; r < r1; r++) {
            long xo = Rows.offset(x, r);
            long yo = Rows.offset(y, r);
            if (dense) {
                fn.apply(xd, xo, yd, yo, ne0);
            } else {
                for (int i = 0; i < ne0; i++) {
                    tmp.set(Layouts.F32, 4L * i, xd.get(Layouts.F32, xo + i * x.nb(0)));
                }
                fn.apply(tmp, 0, tmp, 0, ne0);
                for (int i = 0; i < ne0; i++) {
                    yd.set(Layouts.F32, yo + i * y.nb(0), tmp.get(Layouts.F32, 4L * i));
                }
            }
        }
    }

    /** Applies an element-wise {@code fn} to {@code a} and {@code b} (both shaped like {@code y}). */
    static void map2(ComputeParams cp, Tensor a, Tensor b, Tensor y, RowFn2 fn) {
        map2(cp, a, b, y, fn, true);
    }

    /** Applies a row function {@code fn} (it needs whole rows) to the rows of {@code a} and {@code b}. */
    static void map2Rows(ComputeParams cp, Tensor a, Tensor b, Tensor y, RowFn2 fn) {
        map2(cp, a, b, y, fn, false);
    }

    private static void map2(ComputeParams cp, Tensor a, Tensor b, Tensor y, RowFn2 fn, boolean flat) {
        MemorySegment ad = a.data();
        MemorySegment bd = b.data();
        MemorySegment yd = y.data();
        if (flat && a.isContiguous() && b.isContiguous() && y.isContiguous()) {
            long[] range = flatRange(y.nelements(), cp.ith(), cp.nth());
            for (long i = range[0]; i < range[1]; i += CHUNK) {
                int n = (int) Math.min(CHUNK, range[1] - i);
                fn.apply(ad, 4 * i, bd, 4 * i, yd, 4 * i, n);
            }
            return;
        }
        int ne0 = TensorRows.rowLength(y, y.ne(0));
        long nrows = y.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        boolean dense = a.nb(0) == 4 && b.nb(0) == 4 && y.nb(0) == 4;
        MemorySegment ta = dense ? null : TensorRows.f32Buffer(ne0);
        MemorySegment tb = dense ? null : TensorRows.f32Buffer(ne0);
        for (long r = r0; r < r1; r++) {
            long ao = Rows.offset(a, r);
            long bo = Rows.offset(b, r);
            long yo = Rows.offset(y, r);
            if (dense) {
                fn.apply(ad, ao, bd, bo, yd, yo, ne0);
            } else {
                for (int i = 0; i < ne0; i++) {
                    ta.set(Layouts.F32, 4L * i, ad.get(Layouts.F32, ao + i * a.nb(0)));
                    tb.set(Layouts.F32, 4L * i, bd.get(Layouts.F32, bo + i * b.nb(0)));
                }
                fn.apply(ta, 0, tb, 0, ta, 0, ne0);
                for (int i = 0; i < ne0; i++) {
                    yd.set(Layouts.F32, yo + i * y.nb(0), ta.get(Layouts.F32, 4L * i));
                }
            }
        }
    }

    /**
     * This thread's part {@code [start, end)} of {@code total} elements: equal shares rounded up to 64 elements
     * (a cache line of floats for every vector width), so threads never share a line.
     */
    static long[] flatRange(long total, int ith, int nth) {
        long per = (total + nth - 1) / nth;
        per = (per + 63) & ~63L;
        long start = Math.min(total, per * ith);
        long end = Math.min(total, start + per);
        return new long[]{start, end};
    }
}
