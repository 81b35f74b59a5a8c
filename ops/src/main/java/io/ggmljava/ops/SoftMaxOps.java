package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Op drivers for SOFT_MAX, SOFT_MAX_BACK, DIAG_MASK_INF, DIAG_MASK_ZERO: iterate rows, split work over threads, call
 * the provider's kernels. All are f32 ops; rows are split over threads and each row is computed whole by one.
 */
final class SoftMaxOps {
    private SoftMaxOps() {
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
        if (op == Op.SOFT_MAX) {
            softMax(p, node, cp);
        } else if (op == Op.SOFT_MAX_BACK) {
            softMaxBack(p, node, cp);
        } else if (op == Op.DIAG_MASK_INF) {
            diagMask(p, node, cp, Float.NEGATIVE_INFINITY);
        } else if (op == Op.DIAG_MASK_ZERO) {
            diagMask(p, node, cp, 0.0f);
        } else {
            throw new IllegalArgumentException("SoftMaxOps cannot compute " + node.opDesc());
        }
    }

    /**
     * The ALiBi slope of head {@code h} of {@code nHead} (1 when {@code maxBias} is 0): with
     * {@code n2 = 2^floor(log2(nHead))}, {@code m0^(h+1)} for {@code h < n2}, else {@code m1^(2(h-n2)+1)}, where
     * {@code m0 = 2^(-maxBias/n2)} and {@code m1 = 2^(-maxBias/2/n2)}; computed in float like ggml.
     */
    static float alibiSlope(float maxBias, long nHead, long h) {
        if (!(maxBias > 0.0f)) {
            return 1.0f;
        }
        int n2 = Integer.highestOneBit((int) Math.min(nHead, 1 << 30));
        float m0 = (float) Math.pow(2.0f, -maxBias / n2);
        float m1 = (float) Math.pow(2.0f, -(maxBias / 2.0f) / n2);
        return h < n2 ? (float) Math.pow(m0, h + 1) : (float) Math.pow(m1, 2 * (h - n2) + 1);
    }

    private static void softMax(KernelProvider p, Tensor y, ComputeParams cp) {
        Tensor x = y.src(0);
        Tensor mask = y.src(1);
        float scale = y.opParamF32(0);
        float maxBias = y.opParamF32(1);
        int ne0 = TensorRows.rowLength(y, x.ne(0));
        if (mask != null) {
            TensorRows.requireType(y, "mask", mask, GgmlType.F32, GgmlType.F16);
            if (mask.ne(0) != x.ne(0) || mask.ne(1) < x.ne(1) || !TensorRows.denseRows(mask)) {
                throw new ShapeException("SOFT_MAX: mask " + mask.describe() + " must have rows of ne0 = " + x.ne(0)
                        + " contiguous elements and at least ne1 = " + x.ne(1) + " rows");
            }
        } else if (maxBias > 0.0f) {
            throw new ShapeException("SOFT_MAX: ALiBi (max_bias " + maxBias + ") needs a mask");
        }
        boolean dense = x.nb(0) == 4 && y.nb(0) == 4;
        MemorySegment tmp = dense ? null : TensorRows.f32Buffer(ne0);
        SoftMaxKernels k = p.softMax();
        long nrows = x.nrows();
        long ne1 = x.ne(1);
        long ne2 = x.ne(2);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long h = (r / ne1) % ne2;                          // the head, for ALiBi
            float slope = alibiSlope(maxBias, ne2, h);
            MemorySegment md = mask == null ? null : mask.data();
            long mo = mask == null ? 0 : (r % ne1) * mask.nb(1);  // row i1 of every matrix uses mask row i1
            GgmlType mt = mask == null ? GgmlType.F32 : mask.type();
            if (dense) {
                k.softMax(x.data(), Rows.offset(x, r), md, mo, mt, scale, slope, y.data(), Rows.offset(y, r), ne0);
            } else {
                long i1 = r % ne1;
                long i2 = (r / ne1) % ne2;
                long i3 = r / (ne1 * ne2);
                TensorRows.readF32(p, x, i1, i2, i3, tmp);
                k.softMax(tmp, 0, md, mo, mt, scale, slope, tmp, 0, ne0);
                TensorRows.writeF32(p, y, i1, i2, i3, tmp);
            }
        }
    }

    private static void softMaxBack(KernelProvider p, Tensor dx, ComputeParams cp) {
        Tensor dy = dx.src(0);
        Tensor y = dx.src(1);
        TensorRows.requireType(dx, "src1", y, GgmlType.F32);
        if (!y.sameShape(dx)) {
            throw new ShapeException("SOFT_MAX_BACK: src1 " + y.describe() + " must have the shape of src0 "
                    + dy.describe());
        }
        float scale = dx.opParamF32(0);
        float maxBias = dx.opParamF32(1);
        if (maxBias != 0.0f) {
            throw new ShapeException("SOFT_MAX_BACK: max_bias (" + maxBias + ") must be 0, as in ggml");
        }
        SoftMaxKernels k = p.softMax();
        UnaryOps.map2Rows(cp, dy, y, dx, (a, ao, b, bo, o, oo, n) -> k.softMaxBack(a, ao, b, bo, o, oo, n, scale));
    }

    /** Element {@code (i0, i1)} of every matrix becomes {@code value} where {@code i0 > n_past + i1}. */
    private static void diagMask(KernelProvider p, Tensor y, ComputeParams cp, float value) {
        Tensor x = y.src(0);
        int nPast = y.opParamI32(0);
        if (nPast < 0) {
            throw new ShapeException(y.opDesc() + ": n_past (" + nPast + ") must not be negative");
        }
        MemorySegment xd = x.data();
        MemorySegment yd = y.data();
        boolean inplace = xd.equals(yd);   // same start address in the same memory
        if (!inplace) {
            if (cp.ith() == 0) {
                LayoutOps.copyRows(p, x, y);
            }
            cp.barrier();
        }
        long nc = y.ne(0);
        long nr = y.ne(1);
        long nz = y.ne(2) * y.ne(3);
        CopyKernels ck = p.copy();
        for (long z = 0; z < nz; z++) {
            long i2 = z % y.ne(2);
            long i3 = z / y.ne(2);
            for (long j = cp.ith(); j < nr; j += cp.nth()) {
                long from = Math.max(nPast, nPast + j + 1);    // first masked column of row j
                if (from < nc) {
                    ck.fill(GgmlType.F32, yd, TensorRows.off(y, j, i2, i3) + from * y.nb(0), y.nb(0),
                            (int) (nc - from), value);
                }
            }
        }
    }
}
