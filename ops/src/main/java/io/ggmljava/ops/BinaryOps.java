package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.ops.BinaryKernels.BinaryOp;
import java.lang.foreign.MemorySegment;

/**
 * Op drivers for ADD, SUB, MUL, DIV, ADD1, ACC: iterate rows, split work over threads, call the provider's kernels.
 *
 * <p>Broadcasting follows ggml: {@code src1} repeats over {@code src0} in every dimension, row {@code (i1,i2,i3)} of
 * the result uses row {@code (i1 % ne11, i2 % ne12, i3 % ne13)} of {@code src1} and element {@code i0} uses
 * {@code i0 % ne10}. All-f32 operands take the fast paths (flat runs for same-shaped contiguous tensors, whole rows
 * otherwise); other element types (f16, bf16 and, for ADD, quantized {@code src0}) go through f32 scratch rows,
 * computed in f32 and rounded once on the way out, as in ggml.
 */
final class BinaryOps {
    private BinaryOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        Op op = node.op();
        if (op == Op.ADD) {
            binary(p, node, cp, BinaryOp.ADD);
        } else if (op == Op.SUB) {
            binary(p, node, cp, BinaryOp.SUB);
        } else if (op == Op.MUL) {
            binary(p, node, cp, BinaryOp.MUL);
        } else if (op == Op.DIV) {
            binary(p, node, cp, BinaryOp.DIV);
        } else if (op == Op.ADD1) {
            add1(p, node, cp);
        } else if (op == Op.ACC) {
            acc(p, node, cp);
        } else {
            throw new IllegalArgumentException("BinaryOps cannot compute " + node.opDesc());
        }
    }

    private static void binary(KernelProvider p, Tensor y, ComputeParams cp, BinaryOp op) {
        Tensor a = y.src(0);
        Tensor b = y.src(1);
        if (!a.sameShape(y) || !b.canRepeatTo(a)) {
            throw new ShapeException(y.opDesc() + ": src1 " + b.describe() + " must broadcast to src0 "
                    + a.describe() + ", and dst " + y.describe() + " have src0's shape");
        }
        if (b.type().isQuantized()) {
            throw new io.ggmljava.core.UnsupportedTypeException(y.opDesc() + ": src1 must not be quantized; src1="
                    + b.describe());
        }
        if (a.type().isQuantized() && op != BinaryOp.ADD) {
            throw new io.ggmljava.core.UnsupportedTypeException(y.opDesc() + ": only ADD accepts a quantized src0; "
                    + "src0=" + a.describe());
        }
        BinaryKernels k = p.binary();
        boolean f32 = a.type() == GgmlType.F32 && b.type() == GgmlType.F32 && y.type() == GgmlType.F32;
        if (f32 && a.isContiguous() && y.isContiguous()) {
            if (b.isContiguous() && b.sameShape(a)) {
                MemorySegment ad = a.data();
                MemorySegment bd = b.data();
                MemorySegment yd = y.data();
                long[] range = UnaryOps.flatRange(y.nelements(), cp.ith(), cp.nth());
                for (long i = range[0]; i < range[1]; i += UnaryOps.CHUNK) {
                    int n = (int) Math.min(UnaryOps.CHUNK, range[1] - i);
                    k.apply(op, ad, 4 * i, bd, 4 * i, yd, 4 * i, n);
                }
                return;
            }
            if (b.isScalar()) {
                float v = b.data().get(Layouts.F32, 0);
                MemorySegment ad = a.data();
                MemorySegment yd = y.data();
                long[] range = UnaryOps.flatRange(y.nelements(), cp.ith(), cp.nth());
                for (long i = range[0]; i < range[1]; i += UnaryOps.CHUNK) {
                    int n = (int) Math.min(UnaryOps.CHUNK, range[1] - i);
                    k.applyScalar(op, ad, 4 * i, v, yd, 4 * i, n);
                }
                return;
            }
        }
        int ne0 = TensorRows.rowLength(y, y.ne(0));
        int ne10 = TensorRows.rowLength(b, b.ne(0));
        long nrows = y.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        boolean dense = f32 && a.nb(0) == 4 && y.nb(0) == 4;
        boolean bDense = b.type() == GgmlType.F32 && b.nb(0) == 4;
        MemorySegment ta = dense ? null : TensorRows.f32Buffer(ne0);
        MemorySegment tb = bDense ? null : TensorRows.f32Buffer(ne10);
        MemorySegment ad = a.data();
        MemorySegment bd = b.data();
        MemorySegment yd = y.data();
        long ne1 = y.ne(1);
        long ne2 = y.ne(2);
        for (long r = r0; r < r1; r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            MemorySegment bs = bd;
            long bo = TensorRows.off(b, i1 % b.ne(1), i2 % b.ne(2), i3 % b.ne(3));
            if (!bDense) {
                TensorRows.readF32(p, b, i1 % b.ne(1), i2 % b.ne(2), i3 % b.ne(3), tb);
                bs = tb;
                bo = 0;
            }
            MemorySegment as;
            long ao;
            MemorySegment ys;
            long yo;
            if (dense) {
                as = ad;
                ao = TensorRows.off(a, i1, i2, i3);
                ys = yd;
                yo = TensorRows.off(y, i1, i2, i3);
            } else {
                TensorRows.readF32(p, a, i1, i2, i3, ta);
                as = ta;
                ao = 0;
                ys = ta;
                yo = 0;
            }
            if (ne10 == ne0) {
                k.apply(op, as, ao, bs, bo, ys, yo, ne0);
            } else if (ne10 == 1) {
                k.applyScalar(op, as, ao, bs.get(Layouts.F32, bo), ys, yo, ne0);
            } else {
                for (int j = 0; j < ne0; j += ne10) {
                    k.apply(op, as, ao + 4L * j, bs, bo, ys, yo + 4L * j, ne10);
                }
            }
            if (!dense) {
                TensorRows.writeF32(p, y, i1, i2, i3, ta);
            }
        }
    }

    private static void add1(KernelProvider p, Tensor y, ComputeParams cp) {
        Tensor a = y.src(0);
        Tensor b = y.src(1);
        if (!b.isScalar() || !a.sameShape(y)) {
            throw new ShapeException("ADD1: src1 " + b.describe() + " must have one element and dst " + y.describe()
                    + " the shape of src0 " + a.describe());
        }
        if (b.type().isQuantized()) {
            throw new io.ggmljava.core.UnsupportedTypeException("ADD1: src1 must not be quantized; src1="
                    + b.describe());
        }
        MemorySegment one = TensorRows.f32Buffer(1);
        TensorRows.readF32(p, b, 0, 0, 0, one);
        float v = one.get(Layouts.F32, 0);
        BinaryKernels k = p.binary();
        boolean f32 = a.type() == GgmlType.F32 && y.type() == GgmlType.F32;
        if (f32) {
            UnaryOps.map(cp, a, y, (xs, xo, ys, yo, n) -> k.applyScalar(BinaryOp.ADD, xs, xo, v, ys, yo, n));
            return;
        }
        int ne0 = TensorRows.rowLength(y, y.ne(0));
        MemorySegment t = TensorRows.f32Buffer(ne0);
        long nrows = y.nrows();
        long ne1 = y.ne(1);
        long ne2 = y.ne(2);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            TensorRows.readF32(p, a, i1, i2, i3, t);
            k.applyScalar(BinaryOp.ADD, t, 0, v, t, 0, ne0);
            TensorRows.writeF32(p, y, i1, i2, i3, t);
        }
    }

    /**
     * ACC: {@code dst = src0}, then {@code src1} added into the view of dst with byte strides
     * {@code (4, nb1, nb2, nb3)} at byte {@code offset} (f32 only). Like ggml, the sums read {@code src0}, not dst.
     */
    private static void acc(KernelProvider p, Tensor y, ComputeParams cp) {
        Tensor a = y.src(0);
        Tensor b = y.src(1);
        TensorRows.requireType(y, "src0", a, GgmlType.F32);
        TensorRows.requireType(y, "src1", b, GgmlType.F32);
        TensorRows.requireType(y, "dst", y, GgmlType.F32);
        if (!a.isContiguous() || !y.isContiguous() || !a.sameShape(y)) {
            throw new ShapeException("ACC: src0 " + a.describe() + " and dst " + y.describe()
                    + " must be contiguous and of the same shape");
        }
        long nb1 = y.opParamI32(0);
        long nb2 = y.opParamI32(1);
        long nb3 = y.opParamI32(2);
        long offset = y.opParamI32(3);
        boolean inplace = y.opParamI32(4) != 0;
        long last = offset + 4 * (b.ne(0) - 1) + nb1 * (b.ne(1) - 1) + nb2 * (b.ne(2) - 1) + nb3 * (b.ne(3) - 1) + 4;
        if (!b.isEmpty() && (offset < 0 || last > y.nbytes())) {
            throw new ShapeException("ACC: the view at offset " + offset + " with strides [4," + nb1 + "," + nb2 + ","
                    + nb3 + "] of src1's shape " + b.describe() + " must lie inside dst (" + y.nbytes() + " bytes)");
        }
        if (!inplace) {
            if (cp.ith() == 0) {
                MemorySegment.copy(a.data(), 0, y.data(), 0, y.nbytes());
            }
            cp.barrier();
        }
        int ne10 = TensorRows.rowLength(y, b.ne(0));
        MemorySegment tb = b.nb(0) == 4 ? null : TensorRows.f32Buffer(ne10);
        BinaryKernels k = p.binary();
        long nrows = b.nrows();
        long ne11 = b.ne(1);
        long ne12 = b.ne(2);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne11;
            long i2 = (r / ne11) % ne12;
            long i3 = r / (ne11 * ne12);
            long vo = offset + i1 * nb1 + i2 * nb2 + i3 * nb3;
            MemorySegment bs = b.data();
            long bo = TensorRows.off(b, i1, i2, i3);
            if (tb != null) {
                TensorRows.readF32(p, b, i1, i2, i3, tb);
                bs = tb;
                bo = 0;
            }
            k.apply(BinaryOp.ADD, a.data(), vo, bs, bo, y.data(), vo, ne10);
        }
    }
}
