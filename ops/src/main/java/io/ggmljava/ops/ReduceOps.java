package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Op drivers for SUM, SUM_ROWS, MEAN, ARGMAX, COUNT_EQUAL: iterate rows, split work over threads, call the provider's
 * kernels.
 *
 * <p>SUM and COUNT_EQUAL reduce to one value and run on thread 0 alone (row order fixed, so the result does not
 * depend on the thread count); SUM_ROWS, MEAN and ARGMAX split rows over the threads.
 */
final class ReduceOps {
    private ReduceOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        Op op = node.op();
        if (op == Op.SUM) {
            sum(p, node, cp);
        } else if (op == Op.SUM_ROWS || op == Op.MEAN) {
            sumRows(p, node, cp, op == Op.MEAN);
        } else if (op == Op.ARGMAX) {
            argmax(p, node, cp);
        } else if (op == Op.COUNT_EQUAL) {
            countEqual(p, node, cp);
        } else {
            throw new IllegalArgumentException("ReduceOps cannot compute " + node.opDesc());
        }
    }

    /** A row of {@code t} as contiguous memory: the tensor itself if dense, else gathered into {@code tmp}. */
    private static long denseRow(KernelProvider p, Tensor t, long i1, long i2, long i3, MemorySegment tmp) {
        if (TensorRows.denseRows(t)) {
            return TensorRows.off(t, i1, i2, i3);
        }
        p.copy().convert(t.type(), t.data(), TensorRows.off(t, i1, i2, i3), t.nb(0), t.type(), tmp, 0,
                t.type().typeSize(), TensorRows.rowLength(t, t.ne(0)));
        return -1;
    }

    private static void sum(KernelProvider p, Tensor y, ComputeParams cp) {
        if (cp.ith() != 0) {
            return;
        }
        Tensor x = y.src(0);
        TensorRows.requireType(y, "src0", x, GgmlType.F32, GgmlType.F16, GgmlType.BF16);
        if (y.type() != x.type() || y.nelements() != 1) {
            throw new ShapeException("SUM: dst " + y.describe() + " must be one element of src0's type; src0="
                    + x.describe());
        }
        ReduceKernels k = p.reduce();
        int ne0 = TensorRows.rowLength(y, x.ne(0));
        MemorySegment tmp = TensorRows.denseRows(x) ? null : TensorRows.f32Buffer(ne0);
        double sumD = 0;      // f32 rows: ggml sums in ggml_float
        float sumF = 0;       // f16/bf16 rows: ggml sums in float
        for (long i3 = 0; i3 < x.ne(3); i3++) {
            for (long i2 = 0; i2 < x.ne(2); i2++) {
                for (long i1 = 0; i1 < x.ne(1); i1++) {
                    long o = denseRow(p, x, i1, i2, i3, tmp);
                    MemorySegment s = o < 0 ? tmp : x.data();
                    long so = o < 0 ? 0 : o;
                    if (x.type() == GgmlType.F32) {
                        sumD += k.sum(s, so, ne0);
                    } else if (x.type() == GgmlType.F16) {
                        sumF += k.sumF16(s, so, ne0);
                    } else {
                        sumF += k.sumBf16(s, so, ne0);
                    }
                }
            }
        }
        MemorySegment one = TensorRows.f32Buffer(1);
        one.set(Layouts.F32, 0, x.type() == GgmlType.F32 ? (float) sumD : sumF);
        p.copy().convert(GgmlType.F32, one, 0, 4, y.type(), y.data(), 0, y.nb(0), 1);
    }

    private static void sumRows(KernelProvider p, Tensor y, ComputeParams cp, boolean mean) {
        Tensor x = y.src(0);
        TensorRows.requireType(y, "src0", x, GgmlType.F32);
        TensorRows.requireType(y, "dst", y, GgmlType.F32);
        if (y.ne(0) != 1 || y.ne(1) != x.ne(1) || y.ne(2) != x.ne(2) || y.ne(3) != x.ne(3)) {
            throw new ShapeException(y.opDesc() + ": dst " + y.describe() + " must be [1, ne1, ne2, ne3] of src0 "
                    + x.describe());
        }
        ReduceKernels k = p.reduce();
        int ne0 = TensorRows.rowLength(y, x.ne(0));
        MemorySegment tmp = TensorRows.denseRows(x) ? null : TensorRows.f32Buffer(ne0);
        long nrows = x.nrows();
        long ne1 = x.ne(1);
        long ne2 = x.ne(2);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            long o = denseRow(p, x, i1, i2, i3, tmp);
            float s = (float) k.sum(o < 0 ? tmp : x.data(), o < 0 ? 0 : o, ne0);
            if (mean) {
                s /= (float) ne0;
            }
            y.data().set(Layouts.F32, TensorRows.off(y, i1, i2, i3), s);
        }
    }

    private static void argmax(KernelProvider p, Tensor y, ComputeParams cp) {
        Tensor x = y.src(0);
        TensorRows.requireType(y, "src0", x, GgmlType.F32);
        TensorRows.requireType(y, "dst", y, GgmlType.I32);
        if (!x.isMatrix() || y.nelements() != x.ne(1)) {
            throw new ShapeException("ARGMAX: src0 " + x.describe() + " must be a matrix and dst " + y.describe()
                    + " have one element per row");
        }
        ReduceKernels k = p.reduce();
        int ne0 = TensorRows.rowLength(y, x.ne(0));
        MemorySegment tmp = TensorRows.denseRows(x) ? null : TensorRows.f32Buffer(ne0);
        long nrows = x.ne(1);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long o = denseRow(p, x, r, 0, 0, tmp);
            int idx = k.argmax(o < 0 ? tmp : x.data(), o < 0 ? 0 : o, ne0);
            y.data().set(Layouts.I32, r * y.nb(0), idx);
        }
    }

    private static void countEqual(KernelProvider p, Tensor y, ComputeParams cp) {
        if (cp.ith() != 0) {
            return;
        }
        Tensor a = y.src(0);
        Tensor b = y.src(1);
        TensorRows.requireType(y, "src0", a, GgmlType.I32);
        TensorRows.requireType(y, "src1", b, GgmlType.I32);
        TensorRows.requireType(y, "dst", y, GgmlType.I64);
        if (!a.sameShape(b) || y.nelements() != 1) {
            throw new ShapeException("COUNT_EQUAL: src0 " + a.describe() + " and src1 " + b.describe()
                    + " must have the same shape, dst one element");
        }
        ReduceKernels k = p.reduce();
        int ne0 = TensorRows.rowLength(y, a.ne(0));
        MemorySegment ta = TensorRows.denseRows(a) ? null : TensorRows.f32Buffer(ne0);
        MemorySegment tb = TensorRows.denseRows(b) ? null : TensorRows.f32Buffer(ne0);
        long count = 0;
        for (long i3 = 0; i3 < a.ne(3); i3++) {
            for (long i2 = 0; i2 < a.ne(2); i2++) {
                for (long i1 = 0; i1 < a.ne(1); i1++) {
                    long ao = denseRow(p, a, i1, i2, i3, ta);
                    long bo = denseRow(p, b, i1, i2, i3, tb);
                    count += k.countEqualI32(ao < 0 ? ta : a.data(), ao < 0 ? 0 : ao, bo < 0 ? tb : b.data(),
                            bo < 0 ? 0 : bo, ne0);
                }
            }
        }
        y.data().set(Layouts.I64, 0, count);
    }
}
