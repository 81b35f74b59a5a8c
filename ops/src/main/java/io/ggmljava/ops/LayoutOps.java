package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;

/**
 * Op drivers for DUP, CPY, CONT, SET, GET_ROWS, GET_ROWS_BACK, REPEAT, REPEAT_BACK, CONCAT, PAD, PAD_REFLECT_1D,
 * ARANGE, TIMESTEP_EMBEDDING, ARGSORT, DIAG: iterate rows, split work over threads, call the provider's kernels.
 *
 * <p>Copies (DUP, CPY, CONT) move the elements of the source, in its logical row-major order, to the same logical
 * positions of the destination, whatever the two shapes and strides; types convert through f32 (f16 and bf16 round to
 * nearest even, quantized destinations use ggml's CPU quantizer, quantized sources its dequantizer).
 */
final class LayoutOps {
    private LayoutOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        Op op = node.op();
        if (op == Op.DUP || op == Op.CPY || op == Op.CONT) {
            dup(p, node, cp);
        } else if (op == Op.SET) {
            set(p, node, cp);
        } else if (op == Op.GET_ROWS) {
            getRows(p, node, cp);
        } else if (op == Op.GET_ROWS_BACK) {
            getRowsBack(p, node, cp);
        } else if (op == Op.REPEAT) {
            repeat(p, node, cp);
        } else if (op == Op.REPEAT_BACK) {
            repeatBack(p, node, cp);
        } else if (op == Op.CONCAT) {
            concat(p, node, cp);
        } else if (op == Op.PAD) {
            pad(p, node, cp);
        } else if (op == Op.PAD_REFLECT_1D) {
            padReflect1d(p, node, cp);
        } else if (op == Op.ARANGE) {
            arange(node, cp);
        } else if (op == Op.TIMESTEP_EMBEDDING) {
            timestepEmbedding(node, cp);
        } else if (op == Op.ARGSORT) {
            Argsort.compute(node, cp);
        } else if (op == Op.DIAG) {
            diag(p, node, cp);
        } else {
            throw new IllegalArgumentException("LayoutOps cannot compute " + node.opDesc());
        }
    }

    // =================================================================================================
    // DUP / CPY / CONT
    // =================================================================================================

    private static void dup(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor s = d.src(0);
        if (s.nelements() != d.nelements()) {
            throw new ShapeException(d.opDesc() + ": src " + s.describe() + " and dst " + d.describe()
                    + " must have the same number of elements");
        }
        if (d.nelements() == 0) {
            return;
        }
        if (s.type() == d.type() && s.isContiguous() && d.isContiguous()) {
            // same bytes in the same order: split the bytes (whole blocks) over the threads
            long unit = s.type().typeSize();
            long units = d.nbytes() / unit;
            long u0 = Rows.start(units, cp.ith(), cp.nth());
            long u1 = Rows.end(units, cp.ith(), cp.nth());
            if (u1 > u0) {
                MemorySegment.copy(s.data(), u0 * unit, d.data(), u0 * unit, (u1 - u0) * unit);
            }
            return;
        }
        if (d.type().isQuantized()) {
            dupToQuantized(p, s, d, cp);
        } else if (s.type().isQuantized()) {
            dupFromQuantized(p, s, d, cp);
        } else {
            dupPlain(p, s, d, cp);
        }
    }

    /** Position of the element with flat (row-major) index {@code i} in {@code t}: {@code [i0, i1, i2, i3]}. */
    private static long[] coords(Tensor t, long i) {
        long i0 = i % t.ne(0);
        long r = i / t.ne(0);
        long i1 = r % t.ne(1);
        r /= t.ne(1);
        long i2 = r % t.ne(2);
        long i3 = r / t.ne(2);
        return new long[]{i0, i1, i2, i3};
    }

    /** Moves {@code c} to the next row of {@code t} ({@code c[0]} reset to 0). */
    private static void nextRow(Tensor t, long[] c) {
        c[0] = 0;
        if (++c[1] == t.ne(1)) {
            c[1] = 0;
            if (++c[2] == t.ne(2)) {
                c[2] = 0;
                c[3]++;
            }
        }
    }

    /** Plain types on both sides: each source row goes, in runs that fit the destination's rows, to its place. */
    private static void dupPlain(KernelProvider p, Tensor s, Tensor d, ComputeParams cp) {
        CopyKernels k = p.copy();
        long ne00 = s.ne(0);
        long nrows = s.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        if (r0 >= r1) {
            return;
        }
        long[] dc = coords(d, r0 * ne00);
        long ne01 = s.ne(1);
        long ne02 = s.ne(2);
        for (long r = r0; r < r1; r++) {
            long i1 = r % ne01;
            long i2 = (r / ne01) % ne02;
            long i3 = r / (ne01 * ne02);
            long so = TensorRows.off(s, i1, i2, i3);
            long done = 0;
            while (done < ne00) {
                long run = Math.min(ne00 - done, d.ne(0) - dc[0]);
                long doff = dc[0] * d.nb(0) + TensorRows.off(d, dc[1], dc[2], dc[3]);
                k.convert(s.type(), s.data(), so + done * s.nb(0), s.nb(0), d.type(), d.data(), doff, d.nb(0),
                        TensorRows.rowLength(d, run));
                done += run;
                dc[0] += run;
                if (dc[0] == d.ne(0)) {
                    nextRow(d, dc);
                }
            }
        }
    }

    /** Quantized source, plain destination: dequantize each source row, then place it like a plain row. */
    private static void dupFromQuantized(KernelProvider p, Tensor s, Tensor d, ComputeParams cp) {
        CopyKernels k = p.copy();
        long ne00 = s.ne(0);
        int n = TensorRows.rowLength(s, ne00);
        MemorySegment buf = TensorRows.f32Buffer(n);
        long nrows = s.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        if (r0 >= r1) {
            return;
        }
        long[] dc = coords(d, r0 * ne00);
        long ne01 = s.ne(1);
        long ne02 = s.ne(2);
        for (long r = r0; r < r1; r++) {
            TensorRows.readF32(p, s, r % ne01, (r / ne01) % ne02, r / (ne01 * ne02), buf);
            long done = 0;
            while (done < ne00) {
                long run = Math.min(ne00 - done, d.ne(0) - dc[0]);
                long doff = dc[0] * d.nb(0) + TensorRows.off(d, dc[1], dc[2], dc[3]);
                k.convert(GgmlType.F32, buf, 4 * done, 4, d.type(), d.data(), doff, d.nb(0), (int) run);
                done += run;
                dc[0] += run;
                if (dc[0] == d.ne(0)) {
                    nextRow(d, dc);
                }
            }
        }
    }

    /**
     * Quantized destination (its rows hold whole blocks): gather each destination row's elements from the source as
     * f32, then quantize the row with ggml's CPU quantizer.
     */
    private static void dupToQuantized(KernelProvider p, Tensor s, Tensor d, ComputeParams cp) {
        if (d.nb(0) != d.type().typeSize()) {
            throw new ShapeException(d.opDesc() + ": a quantized destination must have consecutive blocks; dst="
                    + d.describe());
        }
        int n = TensorRows.rowLength(d, d.ne(0));
        MemorySegment buf = TensorRows.f32Buffer(n);
        MemorySegment srow = s.type().isQuantized() ? TensorRows.f32Buffer(s.ne(0)) : null;
        long cached = -1;
        long nrows = d.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        if (r0 >= r1) {
            return;
        }
        long[] sc = coords(s, r0 * d.ne(0));
        long ne1 = d.ne(1);
        long ne2 = d.ne(2);
        for (long r = r0; r < r1; r++) {
            long done = 0;
            while (done < n) {
                long run = Math.min(n - done, s.ne(0) - sc[0]);
                if (srow != null) {
                    long key = sc[1] + s.ne(1) * (sc[2] + s.ne(2) * sc[3]);
                    if (key != cached) {
                        TensorRows.readF32(p, s, sc[1], sc[2], sc[3], srow);
                        cached = key;
                    }
                    MemorySegment.copy(srow, 4 * sc[0], buf, 4 * done, 4 * run);
                } else {
                    long so = sc[0] * s.nb(0) + TensorRows.off(s, sc[1], sc[2], sc[3]);
                    p.copy().convert(s.type(), s.data(), so, s.nb(0), GgmlType.F32, buf, 4 * done, 4, (int) run);
                }
                done += run;
                sc[0] += run;
                if (sc[0] == s.ne(0)) {
                    nextRow(s, sc);
                }
            }
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            TensorRows.quantizeCpu(p, d.type(), buf, 0, d.data(), TensorRows.off(d, i1, i2, i3), n);
        }
    }

    /** Copies same-shaped {@code s} into {@code d} (plain types) on the calling thread. */
    static void copyRows(KernelProvider p, Tensor s, Tensor d) {
        if (!s.sameShape(d)) {
            throw new ShapeException("copy: src " + s.describe() + " and dst " + d.describe()
                    + " must have the same shape");
        }
        if (s.type() == d.type() && s.isContiguous() && d.isContiguous()) {
            MemorySegment.copy(s.data(), 0, d.data(), 0, d.nbytes());
            return;
        }
        int n = TensorRows.rowLength(d, d.ne(0));
        for (long i3 = 0; i3 < d.ne(3); i3++) {
            for (long i2 = 0; i2 < d.ne(2); i2++) {
                for (long i1 = 0; i1 < d.ne(1); i1++) {
                    p.copy().convert(s.type(), s.data(), TensorRows.off(s, i1, i2, i3), s.nb(0), d.type(), d.data(),
                            TensorRows.off(d, i1, i2, i3), d.nb(0), n);
                }
            }
        }
    }

    // =================================================================================================
    // SET
    // =================================================================================================

    /** SET: {@code dst = src0}, then the view {@code (nb1, nb2, nb3, offset)} of dst overwritten by src1. */
    private static void set(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor a = d.src(0);
        Tensor b = d.src(1);
        TensorRows.requireType(d, "src0", a, GgmlType.F32, GgmlType.I32);
        if (b.type() != a.type() || d.type() != a.type() || !a.sameShape(d) || !a.isContiguous()
                || !d.isContiguous()) {
            throw new ShapeException("SET: src0 " + a.describe() + ", src1 " + b.describe() + " and dst "
                    + d.describe() + " must have one type; src0 and dst contiguous and of the same shape");
        }
        long nb1 = d.opParamI32(0);
        long nb2 = d.opParamI32(1);
        long nb3 = d.opParamI32(2);
        long offset = d.opParamI32(3);
        boolean inplace = d.opParamI32(4) != 0;
        long es = a.type().typeSize();
        long last = offset + es * (b.ne(0) - 1) + nb1 * (b.ne(1) - 1) + nb2 * (b.ne(2) - 1) + nb3 * (b.ne(3) - 1) + es;
        if (!b.isEmpty() && (offset < 0 || last > d.nbytes())) {
            throw new ShapeException("SET: the view at offset " + offset + " with strides [" + es + "," + nb1 + ","
                    + nb2 + "," + nb3 + "] of src1's shape " + b.describe() + " must lie inside dst (" + d.nbytes()
                    + " bytes)");
        }
        if (!inplace) {
            if (cp.ith() == 0) {
                MemorySegment.copy(a.data(), 0, d.data(), 0, d.nbytes());
            }
            cp.barrier();
        }
        int ne10 = TensorRows.rowLength(d, b.ne(0));
        long nrows = b.nrows();
        long ne11 = b.ne(1);
        long ne12 = b.ne(2);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne11;
            long i2 = (r / ne11) % ne12;
            long i3 = r / (ne11 * ne12);
            p.copy().convert(b.type(), b.data(), TensorRows.off(b, i1, i2, i3), b.nb(0), d.type(), d.data(),
                    offset + i1 * nb1 + i2 * nb2 + i3 * nb3, es, ne10);
        }
    }

    // =================================================================================================
    // GET_ROWS, GET_ROWS_BACK
    // =================================================================================================

    /** GET_ROWS: {@code dst[:, i, j, k] = src0[:, src1[i, j, k], j, k]} as f32 (or i32 for an i32 src0). */
    private static void getRows(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor a = d.src(0);
        Tensor idx = d.src(1);
        TensorRows.requireType(d, "src1", idx, GgmlType.I32);
        if (d.ne(0) != a.ne(0) || d.ne(1) != idx.ne(0) || d.ne(2) != idx.ne(1) || d.ne(3) != idx.ne(2)
                || a.ne(2) != idx.ne(1) || a.ne(3) != idx.ne(2)) {
            throw new ShapeException("GET_ROWS: src0 " + a.describe() + ", src1 " + idx.describe() + " and dst "
                    + d.describe() + " must be [n, m, B, C], [r, B, C] and [n, r, B, C]");
        }
        int n = TensorRows.rowLength(d, a.ne(0));
        boolean direct = d.type() == GgmlType.F32 && d.nb(0) == 4;
        MemorySegment buf = a.type().isQuantized() && !direct ? TensorRows.f32Buffer(n) : null;
        long nr = idx.nelements();
        long ne10 = idx.ne(0);
        long ne11 = idx.ne(1);
        for (long i = Rows.start(nr, cp.ith(), cp.nth()); i < Rows.end(nr, cp.ith(), cp.nth()); i++) {
            long i10 = i % ne10;
            long i11 = (i / ne10) % ne11;
            long i12 = i / (ne10 * ne11);
            int row = idx.data().get(Layouts.I32, i10 * idx.nb(0) + i11 * idx.nb(1) + i12 * idx.nb(2));
            if (row < 0 || row >= a.ne(1)) {
                throw new IndexOutOfBoundsException("GET_ROWS: index " + row + " at [" + i10 + "," + i11 + "," + i12
                        + "] of src1 is outside src0's " + a.ne(1) + " rows; src0=" + a.describe());
            }
            long so = TensorRows.off(a, row, i11, i12);
            long dof = TensorRows.off(d, i10, i11, i12);
            if (a.type().isQuantized()) {
                if (direct) {
                    p.quant().dequantizeRow(a.type(), a.data(), so, d.data(), dof, n);
                } else {
                    p.quant().dequantizeRow(a.type(), a.data(), so, buf, 0, n);
                    p.copy().convert(GgmlType.F32, buf, 0, 4, d.type(), d.data(), dof, d.nb(0), n);
                }
            } else {
                p.copy().convert(a.type(), a.data(), so, a.nb(0), d.type(), d.data(), dof, d.nb(0), n);
            }
        }
    }

    /** GET_ROWS_BACK: {@code dst} zeroed, then row {@code i} of src0 added to row {@code src1[i]} (in order). */
    private static void getRowsBack(KernelProvider p, Tensor d, ComputeParams cp) {
        if (cp.ith() != 0) {
            return;
        }
        Tensor a = d.src(0);
        Tensor idx = d.src(1);
        TensorRows.requireType(d, "src0", a, GgmlType.F32, GgmlType.F16);
        TensorRows.requireType(d, "src1", idx, GgmlType.I32);
        TensorRows.requireType(d, "dst", d, GgmlType.F32);
        if (!d.isContiguous() || d.ne(0) != a.ne(0) || idx.nelements() > a.ne(1)) {
            throw new ShapeException("GET_ROWS_BACK: dst " + d.describe() + " must be contiguous with rows of src0 "
                    + a.describe() + ", one src0 row per index in src1 " + idx.describe());
        }
        int n = TensorRows.rowLength(d, d.ne(0));
        d.data().fill((byte) 0);
        MemorySegment buf = TensorRows.f32Buffer(n);
        for (long i = 0; i < idx.nelements(); i++) {
            int r = idx.data().get(Layouts.I32, i * idx.nb(0));
            if (r < 0 || r >= d.ne(1)) {
                throw new IndexOutOfBoundsException("GET_ROWS_BACK: index " + r + " outside dst's " + d.ne(1)
                        + " rows");
            }
            TensorRows.readF32(p, a, i, 0, 0, buf);
            p.binary().apply(BinaryKernels.BinaryOp.ADD, d.data(), r * d.nb(1), buf, 0, d.data(), r * d.nb(1), n);
        }
    }

    // =================================================================================================
    // REPEAT, REPEAT_BACK, CONCAT, PAD, PAD_REFLECT_1D
    // =================================================================================================

    /** REPEAT: {@code dst[i0, i1, i2, i3] = src[i0 % ne00, i1 % ne01, i2 % ne02, i3 % ne03]}. */
    private static void repeat(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor s = d.src(0);
        if (s.type() != d.type() || !s.canRepeatTo(d)) {
            throw new ShapeException("REPEAT: src " + s.describe() + " must repeat to dst " + d.describe()
                    + " (same type, each dst ne a multiple)");
        }
        if (d.isEmpty()) {
            return;
        }
        int ne00 = TensorRows.rowLength(d, s.ne(0));
        long nrows = d.nrows();
        long ne1 = d.ne(1);
        long ne2 = d.ne(2);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            long so = TensorRows.off(s, i1 % s.ne(1), i2 % s.ne(2), i3 % s.ne(3));
            long dof = TensorRows.off(d, i1, i2, i3);
            for (long i0 = 0; i0 < d.ne(0); i0 += ne00) {
                p.copy().convert(s.type(), s.data(), so, s.nb(0), d.type(), d.data(), dof + i0 * d.nb(0), d.nb(0),
                        ne00);
            }
        }
    }

    /**
     * REPEAT_BACK: each element of dst is the sum of the src elements that repeat it, added in ggml's order (outer
     * repeats first) on one thread.
     */
    private static void repeatBack(KernelProvider p, Tensor d, ComputeParams cp) {
        if (cp.ith() != 0) {
            return;
        }
        Tensor s = d.src(0);
        TensorRows.requireType(d, "src0", s, GgmlType.F32);
        TensorRows.requireType(d, "dst", d, GgmlType.F32);
        if (!d.canRepeatTo(s)) {
            throw new ShapeException("REPEAT_BACK: dst " + d.describe() + " must repeat to src " + s.describe());
        }
        int ne0 = TensorRows.rowLength(d, d.ne(0));
        for (long k3 = 0; k3 < d.ne(3); k3++) {
            for (long k2 = 0; k2 < d.ne(2); k2++) {
                for (long k1 = 0; k1 < d.ne(1); k1++) {
                    p.copy().fill(GgmlType.F32, d.data(), TensorRows.off(d, k1, k2, k3), d.nb(0), ne0, 0.0f);
                }
            }
        }
        boolean dense = s.nb(0) == 4 && d.nb(0) == 4;
        MemorySegment buf = dense ? null : TensorRows.f32Buffer(ne0);
        BinaryKernels k = p.binary();
        long nr0 = s.ne(0) / d.ne(0);
        long nr1 = s.ne(1) / d.ne(1);
        long nr2 = s.ne(2) / d.ne(2);
        long nr3 = s.ne(3) / d.ne(3);
        for (long i3 = 0; i3 < nr3; i3++) {
            for (long k3 = 0; k3 < d.ne(3); k3++) {
                for (long i2 = 0; i2 < nr2; i2++) {
                    for (long k2 = 0; k2 < d.ne(2); k2++) {
                        for (long i1 = 0; i1 < nr1; i1++) {
                            for (long k1 = 0; k1 < d.ne(1); k1++) {
                                for (long i0 = 0; i0 < nr0; i0++) {
                                    long dof = TensorRows.off(d, k1, k2, k3);
                                    long so = TensorRows.off(s, i1 * d.ne(1) + k1, i2 * d.ne(2) + k2,
                                            i3 * d.ne(3) + k3) + i0 * d.ne(0) * s.nb(0);
                                    if (dense) {
                                        k.apply(BinaryKernels.BinaryOp.ADD, d.data(), dof, s.data(), so, d.data(), dof,
                                                ne0);
                                    } else {
                                        p.copy().convert(GgmlType.F32, s.data(), so, s.nb(0), GgmlType.F32, buf, 0, 4,
                                                ne0);
                                        MemorySegment drow = TensorRows.f32Buffer(ne0);
                                        p.copy().convert(GgmlType.F32, d.data(), dof, d.nb(0), GgmlType.F32, drow, 0,
                                                4, ne0);
                                        k.apply(BinaryKernels.BinaryOp.ADD, drow, 0, buf, 0, drow, 0, ne0);
                                        p.copy().convert(GgmlType.F32, drow, 0, 4, GgmlType.F32, d.data(), dof,
                                                d.nb(0), ne0);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** CONCAT along {@code dim}: src0's elements, then src1's shifted by src0's extent in that dimension. */
    private static void concat(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor a = d.src(0);
        Tensor b = d.src(1);
        int dim = d.opParamI32(0);
        if (dim < 0 || dim > 3 || a.type() != d.type() || b.type() != d.type()) {
            throw new ShapeException("CONCAT: dim (" + dim + ") must be in [0, 4) and src0 " + a.describe()
                    + ", src1 " + b.describe() + ", dst " + d.describe() + " share one type");
        }
        if (d.type().isQuantized()) {
            throw new UnsupportedTypeException("CONCAT: quantized tensors are not supported; dst=" + d.describe());
        }
        long[] o = new long[4];
        o[dim] = a.ne(dim);
        long nrows = d.nrows();
        long ne1 = d.ne(1);
        long ne2 = d.ne(2);
        CopyKernels k = p.copy();
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            long dof = TensorRows.off(d, i1, i2, i3);
            if (dim == 0) {
                k.convert(a.type(), a.data(), TensorRows.off(a, i1, i2, i3), a.nb(0), d.type(), d.data(), dof,
                        d.nb(0), TensorRows.rowLength(d, a.ne(0)));
                k.convert(b.type(), b.data(), TensorRows.off(b, i1, i2, i3), b.nb(0), d.type(), d.data(),
                        dof + a.ne(0) * d.nb(0), d.nb(0), TensorRows.rowLength(d, b.ne(0)));
            } else if (i1 < a.ne(1) && i2 < a.ne(2) && i3 < a.ne(3)) {
                k.convert(a.type(), a.data(), TensorRows.off(a, i1, i2, i3), a.nb(0), d.type(), d.data(), dof,
                        d.nb(0), TensorRows.rowLength(d, d.ne(0)));
            } else {
                k.convert(b.type(), b.data(), TensorRows.off(b, i1 - o[1], i2 - o[2], i3 - o[3]), b.nb(0), d.type(),
                        d.data(), dof, d.nb(0), TensorRows.rowLength(d, d.ne(0)));
            }
        }
    }

    /** PAD: src's elements at their own positions, zeros in the appended ones. */
    private static void pad(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor s = d.src(0);
        if (s.type() != d.type() || d.type().isQuantized()) {
            throw new UnsupportedTypeException("PAD: src " + s.describe() + " and dst " + d.describe()
                    + " must share one plain type");
        }
        long nrows = d.nrows();
        long ne1 = d.ne(1);
        long ne2 = d.ne(2);
        int ne0 = TensorRows.rowLength(d, d.ne(0));
        int ne00 = (int) Math.min(s.ne(0), ne0);
        CopyKernels k = p.copy();
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            long dof = TensorRows.off(d, i1, i2, i3);
            if (i1 < s.ne(1) && i2 < s.ne(2) && i3 < s.ne(3)) {
                k.convert(s.type(), s.data(), TensorRows.off(s, i1, i2, i3), s.nb(0), d.type(), d.data(), dof, d.nb(0),
                        ne00);
                k.fill(d.type(), d.data(), dof + ne00 * d.nb(0), d.nb(0), ne0 - ne00, 0.0f);
            } else {
                k.fill(d.type(), d.data(), dof, d.nb(0), ne0, 0.0f);
            }
        }
    }

    /** PAD_REFLECT_1D: each row copied to {@code [p0, p0 + ne00)} and mirrored into the p0 and p1 margins. */
    private static void padReflect1d(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor s = d.src(0);
        TensorRows.requireType(d, "src0", s, GgmlType.F32);
        TensorRows.requireType(d, "dst", d, GgmlType.F32);
        int p0 = d.opParamI32(0);
        int p1 = d.opParamI32(1);
        if (p0 < 0 || p1 < 0 || d.ne(0) != s.ne(0) + p0 + p1 || p0 >= s.ne(0) || p1 >= s.ne(0)) {
            throw new ShapeException("PAD_REFLECT_1D: paddings (" + p0 + ", " + p1 + ") must be in [0, ne00) and dst "
                    + d.describe() + " be src " + s.describe() + " widened by both");
        }
        int ne00 = TensorRows.rowLength(d, s.ne(0));
        long nrows = d.nrows();
        long ne1 = d.ne(1);
        long ne2 = d.ne(2);
        MemorySegment dd = d.data();
        long nb0 = d.nb(0);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            long left = TensorRows.off(d, i1, i2, i3) + p0 * nb0;
            long right = TensorRows.off(d, i1, i2, i3) + (d.ne(0) - p1 - 1) * nb0;
            p.copy().convert(GgmlType.F32, s.data(), TensorRows.off(s, i1, i2, i3), s.nb(0), GgmlType.F32, dd, left,
                    nb0, ne00);
            for (int i = 1; i <= p0; i++) {
                dd.set(Layouts.F32, left - i * nb0, dd.get(Layouts.F32, left + i * nb0));
            }
            for (int i = 1; i <= p1; i++) {
                dd.set(Layouts.F32, right + i * nb0, dd.get(Layouts.F32, right - i * nb0));
            }
        }
    }

    // =================================================================================================
    // ARANGE, TIMESTEP_EMBEDDING, DIAG
    // =================================================================================================

    /** ARANGE: {@code dst[i] = start + step*i} in float. */
    private static void arange(Tensor d, ComputeParams cp) {
        TensorRows.requireType(d, "dst", d, GgmlType.F32);
        float start = d.opParamF32(0);
        float stop = d.opParamF32(1);
        float step = d.opParamF32(2);
        long steps = (long) Math.ceil((stop - start) / step);
        if (steps != d.nelements()) {
            throw new ShapeException("ARANGE: dst " + d.describe() + " must have ceil((stop - start)/step) = " + steps
                    + " elements");
        }
        for (long i = cp.ith(); i < steps; i += cp.nth()) {
            d.data().set(Layouts.F32, i * d.nb(0), Math.fma(step, (float) i, start));
        }
    }

    /**
     * TIMESTEP_EMBEDDING: for timestep {@code t} (row {@code i}) and {@code j < dim/2}:
     * {@code freq = exp(-log(max_period) * j / half)}, row = {@code [cos(t*freq) ..., sin(t*freq) ...]}, and a
     * trailing 0 when {@code dim} is odd. Float arithmetic as in ggml.
     */
    private static void timestepEmbedding(Tensor d, ComputeParams cp) {
        Tensor t = d.src(0);
        TensorRows.requireType(d, "src0", t, GgmlType.F32);
        TensorRows.requireType(d, "dst", d, GgmlType.F32);
        int dim = d.opParamI32(0);
        int maxPeriod = d.opParamI32(1);
        int half = dim / 2;
        if (dim <= 0 || d.ne(0) < dim + (dim % 2) || d.ne(1) != t.ne(0)) {
            throw new ShapeException("TIMESTEP_EMBEDDING: dst " + d.describe() + " must be [dim (+1 if odd), N] for "
                    + "dim " + dim + " and timesteps " + t.describe());
        }
        float negLog = -(float) Math.log((float) maxPeriod);
        MemorySegment dd = d.data();
        for (long i = 0; i < t.ne(0); i++) {
            float ts = t.data().get(Layouts.F32, i * t.nb(0));
            long row = i * d.nb(1);
            for (int j = cp.ith(); j < half; j += cp.nth()) {
                float freq = (float) Math.exp(negLog * j / half);
                float arg = ts * freq;
                dd.set(Layouts.F32, row + (long) j * d.nb(0), (float) Math.cos(arg));
                dd.set(Layouts.F32, row + (long) (j + half) * d.nb(0), (float) Math.sin(arg));
            }
            if (cp.ith() == 0) {
                // odd dim: ggml zeroes element dim; element 2*half (= dim - 1) it leaves unwritten, we zero it too
                for (long j = 2L * half; j < d.ne(0); j++) {
                    dd.set(Layouts.F32, row + j * d.nb(0), 0.0f);
                }
            }
        }
    }

    /** DIAG: {@code dst[i0, i1] = i0 == i1 ? src[i1] : 0} for each matrix. */
    private static void diag(KernelProvider p, Tensor d, ComputeParams cp) {
        Tensor s = d.src(0);
        TensorRows.requireType(d, "src0", s, GgmlType.F32);
        TensorRows.requireType(d, "dst", d, GgmlType.F32);
        if (s.ne(1) != 1 || d.ne(0) != s.ne(0) || d.ne(1) != s.ne(0) || d.ne(2) != s.ne(2) || d.ne(3) != s.ne(3)) {
            throw new ShapeException("DIAG: src " + s.describe() + " must be [n, 1, B, C] and dst " + d.describe()
                    + " [n, n, B, C]");
        }
        int n = TensorRows.rowLength(d, d.ne(0));
        long nrows = d.nrows();
        long ne1 = d.ne(1);
        long ne2 = d.ne(2);
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < Rows.end(nrows, cp.ith(), cp.nth()); r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            long dof = TensorRows.off(d, i1, i2, i3);
            p.copy().fill(GgmlType.F32, d.data(), dof, d.nb(0), n, 0.0f);
            float v = s.data().get(Layouts.F32, TensorRows.off(s, 0, i2, i3) + i1 * s.nb(0));
            d.data().set(Layouts.F32, dof + i1 * d.nb(0), v);
        }
    }
}
