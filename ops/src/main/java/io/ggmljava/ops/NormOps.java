package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Op drivers for NORM, RMS_NORM, RMS_NORM_BACK, GROUP_NORM: iterate rows, split work over threads, call the provider's
 * kernels. All are f32 ops. Rows are split over threads (NORM, RMS_NORM, RMS_NORM_BACK) or groups are (GROUP_NORM);
 * each row or group is computed whole by one thread, so results do not depend on the thread count.
 */
final class NormOps {
    private NormOps() {
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
        float eps = op == Op.GROUP_NORM ? node.opParamF32(1) : node.opParamF32(0);
        if (!(eps >= 0.0f)) {
            throw new ShapeException(node.opDesc() + ": eps (" + eps + ") must be >= 0");
        }
        NormKernels k = p.norm();
        if (op == Op.NORM) {
            UnaryOps.mapRows(cp, x, node, (xs, xo, ys, yo, n) -> k.norm(xs, xo, ys, yo, n, eps));
        } else if (op == Op.RMS_NORM) {
            UnaryOps.mapRows(cp, x, node, (xs, xo, ys, yo, n) -> k.rmsNorm(xs, xo, ys, yo, n, eps));
        } else if (op == Op.RMS_NORM_BACK) {
            // ggml: src0 is the gradient of the output, src1 the forward input
            Tensor fx = node.src(1);
            TensorRows.requireType(node, "src1", fx, GgmlType.F32);
            if (!fx.sameShape(node)) {
                throw new ShapeException("RMS_NORM_BACK: src1 " + fx.describe() + " must have the shape of src0 "
                        + x.describe());
            }
            UnaryOps.map2Rows(cp, x, fx, node,
                    (dz, dzo, xs, xo, dx, dxo, n) -> k.rmsNormBack(dz, dzo, xs, xo, dx, dxo, n, eps));
        } else if (op == Op.GROUP_NORM) {
            groupNorm(p, node, cp, eps);
        } else {
            throw new IllegalArgumentException("NormOps cannot compute " + node.opDesc());
        }
    }

    /**
     * GROUP_NORM: channels are {@code ne2}; groups of {@code ceil(ne2 / n_groups)} consecutive channels (the last one
     * may be smaller) are normalised together over {@code ne0*ne1*channels} values, for each {@code i3} separately.
     */
    private static void groupNorm(KernelProvider p, Tensor y, ComputeParams cp, float eps) {
        Tensor x = y.src(0);
        int nGroups = y.opParamI32(0);
        if (nGroups <= 0) {
            throw new ShapeException("GROUP_NORM: n_groups (" + nGroups + ") must be positive");
        }
        long nChannels = x.ne(2);
        long perGroup = (nChannels + nGroups - 1) / nGroups;
        int ne0 = TensorRows.rowLength(y, x.ne(0));
        boolean dense = x.nb(0) == 4 && y.nb(0) == 4;
        MemorySegment tmp = dense ? null : TensorRows.f32Buffer(ne0);
        ReduceKernels rk = p.reduce();
        NormKernels nk = p.norm();
        UnaryKernels uk = p.unary();
        MemorySegment xd = x.data();
        MemorySegment yd = y.data();
        for (long g = cp.ith(); g < nGroups; g += cp.nth()) {
            long start = g * perGroup;
            long end = Math.min(start + perGroup, nChannels);
            if (start >= end) {
                continue;
            }
            long step = end - start;
            double count = (double) (x.ne(0) * x.ne(1) * step);
            for (long i3 = 0; i3 < x.ne(3); i3++) {
                double sum = 0;
                for (long i2 = start; i2 < end; i2++) {
                    for (long i1 = 0; i1 < x.ne(1); i1++) {
                        if (dense) {
                            sum += rk.sum(xd, TensorRows.off(x, i1, i2, i3), ne0);
                        } else {
                            TensorRows.readF32(p, x, i1, i2, i3, tmp);
                            sum += rk.sum(tmp, 0, ne0);
                        }
                    }
                }
                float mean = (float) (sum / count);
                double sum2 = 0;
                for (long i2 = start; i2 < end; i2++) {
                    for (long i1 = 0; i1 < x.ne(1); i1++) {
                        if (dense) {
                            sum2 += nk.center(xd, TensorRows.off(x, i1, i2, i3), yd, TensorRows.off(y, i1, i2, i3),
                                    ne0, mean);
                        } else {
                            TensorRows.readF32(p, x, i1, i2, i3, tmp);
                            sum2 += nk.center(tmp, 0, tmp, 0, ne0, mean);
                            TensorRows.writeF32(p, y, i1, i2, i3, tmp);
                        }
                    }
                }
                float variance = (float) (sum2 / count);
                float scale = 1.0f / (float) Math.sqrt(variance + eps);
                for (long i2 = start; i2 < end; i2++) {
                    for (long i1 = 0; i1 < x.ne(1); i1++) {
                        if (dense) {
                            long o = TensorRows.off(y, i1, i2, i3);
                            uk.scale(yd, o, yd, o, ne0, scale);
                        } else {
                            TensorRows.readF32(p, y, i1, i2, i3, tmp);
                            uk.scale(tmp, 0, tmp, 0, ne0, scale);
                            TensorRows.writeF32(p, y, i1, i2, i3, tmp);
                        }
                    }
                }
            }
        }
    }
}
