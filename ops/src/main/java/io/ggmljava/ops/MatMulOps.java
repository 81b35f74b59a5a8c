package io.ggmljava.ops;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Op drivers for MUL_MAT, MUL_MAT_ID and OUT_PROD (ggml_compute_forward_mul_mat, _mul_mat_id, _out_prod).
 *
 * <p>MUL_MAT, {@code dst[i, j, i2, i3] = a[:, i, i2/r2, i3/r3] · b[:, j, i2, i3]}: every thread first converts its
 * share of the activation rows to the weight type's dot type in the work buffer ({@link MatMulKernels#prepare});
 * after one barrier the output, {@code m} rows by {@code n*ne2*ne3} columns, is cut in chunks that the threads
 * claim from {@link ComputeParams#counter()}, and each chunk is one {@link MatMulKernels#tile} call per run of
 * columns within one matrix. Each output element is computed by exactly one tile, and tiles do not depend on their
 * size or position, so the result is the same for every thread count.
 *
 * <p>Work buffer: one prepared activation row per row of {@code b} ({@link #workSize}), each at a 64-byte aligned
 * stride. MUL_MAT_ID uses the same layout; OUT_PROD uses one f32 row per thread for dequantized weight rows.
 */
final class MatMulOps {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Prepared activation rows and per-thread rows start at multiples of this. */
    static final long ALIGN = 64;
    /** ggml's chunk edge for MUL_MAT (64 when the output is a single row or column). */
    static final int CHUNK = 16;

    private MatMulOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        Op op = node.op();
        if (op == Op.MUL_MAT) {
            mulMat(p.matMul(), node, cp);
        } else if (op == Op.MUL_MAT_ID) {
            mulMatId(p.matMul(), node, cp);
        } else if (op == Op.OUT_PROD) {
            outProd(p, node, cp);
        } else {
            throw new IllegalArgumentException("MatMulOps: " + node.opDesc() + " is not a matrix product");
        }
    }

    /** Bytes of work memory {@code node} needs when computed by {@code nTasks} threads. */
    static long workSize(Tensor node, int nTasks) {
        Op op = node.op();
        if (op == Op.MUL_MAT || op == Op.MUL_MAT_ID) {
            Tensor a = node.src(0);
            Tensor b = node.src(1);
            if (!needsPrepare(a, b)) {
                return 0;
            }
            return b.nrows() * preparedStride(a.type(), a.ne(0));
        }
        if (op == Op.OUT_PROD) {
            Tensor a = node.src(0);
            if (a.type() == GgmlType.F32 && a.nb(0) == 4) {
                return 0;
            }
            return Math.max(1, nTasks) * align(4 * a.ne(0));
        }
        return 0;
    }

    // =====================================================================================================
    // MUL_MAT
    // =====================================================================================================

    private static void mulMat(MatMulKernels kern, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        Tensor b = dst.src(1);
        checkMulMat("MUL_MAT", a, b, dst);
        if (dst.isEmpty()) {
            return;
        }
        GgmlType wt = a.type();
        int k = (int) a.ne(0);
        long ne1 = b.ne(1);
        long ne2 = b.ne(2);
        long ne3 = b.ne(3);
        long r2 = ne2 / a.ne(2);
        long r3 = ne3 / a.ne(3);

        MemorySegment aData = a.data();
        MemorySegment bData = b.data();
        MemorySegment dData = dst.data();

        boolean prepared = needsPrepare(a, b);
        long prs = preparedStride(wt, k);
        MemorySegment work = cp.work();
        if (prepared) {
            requireWork(dst, work, b.nrows() * prs);
            prepareRows(kern, wt, b, bData, work, prs, cp);
            cp.barrier();
        }

        long nr0 = a.ne(1);
        long nr1 = ne1 * ne2 * ne3;
        Chunks ch = Chunks.of(nr0, nr1, cp.nth());
        AtomicInteger counter = cp.counter();
        for (long c = counter.getAndIncrement(); c < ch.count; c = counter.getAndIncrement()) {
            // columns vary fastest: a block of weight rows stays in cache while the threads sweep the columns
            long ir0s = (c / ch.n1) * ch.d0;
            long ir0e = Math.min(ir0s + ch.d0, nr0);
            long ir1s = (c % ch.n1) * ch.d1;
            long ir1e = Math.min(ir1s + ch.d1, nr1);
            int rows = (int) (ir0e - ir0s);
            long ir1 = ir1s;
            while (ir1 < ir1e) {
                long i13 = ir1 / (ne2 * ne1);
                long i12 = (ir1 - i13 * ne2 * ne1) / ne1;
                long i11 = ir1 - (i13 * ne2 + i12) * ne1;
                long runEnd = Math.min(ir1e, ir1 + (ne1 - i11)); // the columns of one (i12, i13) matrix
                int cols = (int) (runEnd - ir1);
                long aOff = (i12 / r2) * a.nb(2) + (i13 / r3) * a.nb(3) + ir0s * a.nb(1);
                long dOff = i11 * dst.nb(1) + i12 * dst.nb(2) + i13 * dst.nb(3) + 4 * ir0s;
                if (prepared) {
                    long bRow = (i13 * ne2 + i12) * ne1 + i11;
                    kern.tile(wt, k, aData, aOff, a.nb(1), rows, work, bRow * prs, prs, cols, dData, dOff, dst.nb(1));
                } else {
                    long bOff = i11 * b.nb(1) + i12 * b.nb(2) + i13 * b.nb(3);
                    kern.tile(wt, k, aData, aOff, a.nb(1), rows, bData, bOff, b.nb(1), cols, dData, dOff, dst.nb(1));
                }
                ir1 = runEnd;
            }
        }
    }

    /** The chunk grid of an {@code nr0 x nr1} output (ggml's choice of sizes). */
    record Chunks(long d0, long d1, long n0, long n1, long count) {
        static Chunks of(long nr0, long nr1, int nth) {
            long size = (nr0 == 1 || nr1 == 1) ? 64 : CHUNK;
            long n0 = (nr0 + size - 1) / size;
            long n1 = (nr1 + size - 1) / size;
            if (n0 * n1 < 4L * nth) {
                // too few chunks to balance: one chunk per thread along the longer side
                n0 = nr0 > nr1 ? nth : 1;
                n1 = nr0 > nr1 ? 1 : nth;
            }
            long d0 = (nr0 + n0 - 1) / n0;
            long d1 = (nr1 + n1 - 1) / n1;
            // huge outputs: grow chunks until their number fits the int counter
            while (((nr0 + d0 - 1) / d0) * ((nr1 + d1 - 1) / d1) > (1L << 30)) {
                d0 *= 2;
                d1 *= 2;
            }
            n0 = (nr0 + d0 - 1) / d0;
            n1 = (nr1 + d1 - 1) / d1;
            return new Chunks(d0, d1, n0, n1, n0 * n1);
        }
    }

    /** Converts this thread's share of b's rows (rows ith, ith+nth, ...) to prepared rows in {@code work}. */
    private static void prepareRows(MatMulKernels kern, GgmlType wt, Tensor b, MemorySegment bData,
                                    MemorySegment work, long prs, ComputeParams cp) {
        int k = (int) b.ne(0);
        long nrows = b.nrows();
        for (long r = cp.ith(); r < nrows; r += cp.nth()) {
            kern.prepare(wt, b.type(), k, bData, Rows.offset(b, r), work, r * prs);
        }
    }

    /** True unless the weights are f32 and the activations f32: then b is read in place. */
    static boolean needsPrepare(Tensor a, Tensor b) {
        return !(a.type() == GgmlType.F32 && b.type() == GgmlType.F32);
    }

    /** Byte stride of prepared activation rows in the work buffer. */
    static long preparedStride(GgmlType wt, long k) {
        return align(MatMulKernels.preparedRowSize(wt, k));
    }

    static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static void checkMulMat(String op, Tensor a, Tensor b, Tensor dst) {
        GgmlType wt = a.type();
        MatMulKernels.preparedRowSize(wt, a.ne(0)); // rejects types without a dot product
        GgmlType bt = b.type();
        boolean floatWeights = wt == GgmlType.F32 || wt == GgmlType.F16 || wt == GgmlType.BF16;
        if (!(bt == GgmlType.F32 || (floatWeights && (bt == GgmlType.F16 || bt == GgmlType.BF16)))) {
            throw new UnsupportedTypeException(op + ": activations (src1) must be f32" + (floatWeights
                    ? ", f16 or bf16" : "") + " for " + wt + " weights, got " + bt + "; " + desc(a, b, dst));
        }
        if (dst.type() != GgmlType.F32 || dst.nb(0) != 4) {
            throw new UnsupportedTypeException(op + ": dst must be f32 with contiguous rows; " + desc(a, b, dst));
        }
        if (a.nb(0) != wt.typeSize() || b.nb(0) != bt.typeSize()) {
            throw new ShapeException(op + ": src0 and src1 must have contiguous rows (nb0 == type size; use cont() "
                    + "on a permuted view that moves dimension 0); " + desc(a, b, dst));
        }
        if (a.ne(0) > Integer.MAX_VALUE - 1024) {
            throw new ShapeException(op + ": rows of " + a.ne(0) + " elements are longer than supported; "
                    + desc(a, b, dst));
        }
        if (a.data() == null || b.data() == null || dst.data() == null) {
            throw new IllegalStateException(op + ": a tensor has no memory; " + desc(a, b, dst));
        }
    }

    private static void requireWork(Tensor dst, MemorySegment work, long need) {
        if (work == null || work.byteSize() < need) {
            throw new IllegalStateException(dst.opDesc() + ": the work buffer has " + (work == null ? 0
                    : work.byteSize()) + " bytes, needs " + need + " (see Kernels.workSize)");
        }
    }

    private static String desc(Tensor a, Tensor b, Tensor dst) {
        return "src0=" + a.describe() + " nb=" + strides(a) + ", src1=" + b.describe() + " nb=" + strides(b)
                + ", dst=" + dst.describe();
    }

    private static String strides(Tensor t) {
        return "[" + t.nb(0) + "," + t.nb(1) + "," + t.nb(2) + "," + t.nb(3) + "]";
    }

    // =====================================================================================================
    // MUL_MAT_ID
    // =====================================================================================================

    /**
     * {@code dst[:, e, t] = as[:, :, ids[e, t]] · b[:, e % b.ne1, t]}. Every thread groups the output columns by
     * expert (the same grouping, in ggml's order: token-major, then slot), then the chunks of all experts are
     * claimed from one counter.
     */
    private static void mulMatId(MatMulKernels kern, Tensor dst, ComputeParams cp) {
        Tensor as = dst.src(0);
        Tensor b = dst.src(1);
        Tensor ids = dst.src(2);
        checkMulMat("MUL_MAT_ID", as, b, dst);
        if (ids.data() == null) {
            throw new IllegalStateException("MUL_MAT_ID: ids has no memory");
        }
        if (dst.isEmpty()) {
            return;
        }
        GgmlType wt = as.type();
        int k = (int) as.ne(0);
        int nAs = (int) as.ne(2);
        long nIds = ids.ne(0);
        long nTok = ids.ne(1);
        long ne11 = b.ne(1);

        // group (slot, token) pairs by expert; validated by every thread before any barrier, so a bad id fails
        // all threads alike instead of leaving some waiting
        MemorySegment idData = ids.data();
        int[] counts = new int[nAs];
        int[] expertOf = new int[Math.toIntExact(nIds * nTok)];
        for (long t = 0; t < nTok; t++) {
            for (long e = 0; e < nIds; e++) {
                int x = idData.get(I32, t * ids.nb(1) + e * ids.nb(0));
                if (x < 0 || x >= nAs) {
                    throw new IndexOutOfBoundsException("MUL_MAT_ID: ids[" + e + ", " + t + "] = " + x
                            + " is not an expert index in [0, " + nAs + ")");
                }
                expertOf[(int) (t * nIds + e)] = x;
                counts[x]++;
            }
        }
        int[] start = new int[nAs + 1];
        for (int x = 0; x < nAs; x++) {
            start[x + 1] = start[x] + counts[x];
        }
        int[] fill = start.clone();
        int[] pairs = new int[expertOf.length]; // pair index t*nIds + e, grouped by expert
        for (int q = 0; q < expertOf.length; q++) {
            pairs[fill[expertOf[q]]++] = q;
        }

        MemorySegment aData = as.data();
        MemorySegment bData = b.data();
        MemorySegment dData = dst.data();
        boolean prepared = needsPrepare(as, b);
        long prs = preparedStride(wt, k);
        MemorySegment work = cp.work();
        if (prepared) {
            requireWork(dst, work, b.nrows() * prs);
            prepareRows(kern, wt, b, bData, work, prs, cp);
            cp.barrier();
        }

        long nr0 = as.ne(1);
        Chunks[] grids = new Chunks[nAs];
        long[] firstChunk = new long[nAs + 1];
        for (int x = 0; x < nAs; x++) {
            grids[x] = counts[x] == 0 ? null : Chunks.of(nr0, counts[x], cp.nth());
            firstChunk[x + 1] = firstChunk[x] + (counts[x] == 0 ? 0 : grids[x].count);
        }
        AtomicInteger counter = cp.counter();
        int x = 0;
        for (long c = counter.getAndIncrement(); c < firstChunk[nAs]; c = counter.getAndIncrement()) {
            while (c >= firstChunk[x + 1]) {
                x++;
            }
            Chunks ch = grids[x];
            long cc = c - firstChunk[x];
            long ir0s = (cc / ch.n1) * ch.d0;
            int rows = (int) (Math.min(ir0s + ch.d0, nr0) - ir0s);
            long ir1s = (cc % ch.n1) * ch.d1;
            long ir1e = Math.min(ir1s + ch.d1, counts[x]);
            long aOff = x * as.nb(2) + ir0s * as.nb(1);
            for (long ir1 = ir1s; ir1 < ir1e; ir1++) {
                int q = pairs[start[x] + (int) ir1];
                long t = q / nIds;
                long e = q % nIds;
                long i11 = e % ne11;
                long dOff = e * dst.nb(1) + t * dst.nb(2) + 4 * ir0s;
                if (prepared) {
                    long bRow = t * ne11 + i11;
                    kern.tile(wt, k, aData, aOff, as.nb(1), rows, work, bRow * prs, prs, 1, dData, dOff, dst.nb(1));
                } else {
                    long bOff = i11 * b.nb(1) + t * b.nb(2);
                    kern.tile(wt, k, aData, aOff, as.nb(1), rows, bData, bOff, b.nb(1), 1, dData, dOff, dst.nb(1));
                }
            }
        }
    }

    // =====================================================================================================
    // OUT_PROD
    // =====================================================================================================

    /**
     * {@code dst[i0, i1, i2, i3] = sum_k a[i0, k, i2/r2, i3/r3] * b[i1, k, i2, i3]}: each thread owns a range of
     * dst rows, zeroes them and adds {@code b[i1, k] * a_row(k)} for k in order. Weight rows that are not plain
     * f32 are first dequantized into the thread's part of the work buffer.
     */
    private static void outProd(KernelProvider p, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        Tensor b = dst.src(1);
        GgmlType at = a.type();
        if (b.type() != GgmlType.F32 || dst.type() != GgmlType.F32 || dst.nb(0) != 4) {
            throw new UnsupportedTypeException("OUT_PROD: src1 and dst must be f32 (dst with contiguous rows); "
                    + desc(a, b, dst));
        }
        if (!(at == GgmlType.F32 || at == GgmlType.F16 || at == GgmlType.BF16 || at.isQuantized())) {
            throw new UnsupportedTypeException("OUT_PROD: src0 must be f32, f16, bf16 or quantized; " + desc(a, b, dst));
        }
        if (at != GgmlType.F32 && a.nb(0) != at.typeSize()) {
            throw new ShapeException("OUT_PROD: a " + at + " src0 must have contiguous rows; " + desc(a, b, dst));
        }
        if (a.data() == null || b.data() == null || dst.data() == null) {
            throw new IllegalStateException("OUT_PROD: a tensor has no memory; " + desc(a, b, dst));
        }
        if (dst.isEmpty()) {
            return;
        }
        MatMulKernels kern = p.matMul();
        int m = (int) dst.ne(0);
        long n = dst.ne(1);
        long ne2 = dst.ne(2);
        long ne3 = dst.ne(3);
        long kk = a.ne(1);
        long r2 = ne2 / a.ne(2);
        long r3 = ne3 / a.ne(3);
        boolean direct = at == GgmlType.F32 && a.nb(0) == 4;
        MemorySegment aData = a.data();
        MemorySegment bData = b.data();
        MemorySegment dData = dst.data();
        MemorySegment scratch = null;
        if (!direct) {
            long rowBytes = align(4L * m);
            requireWork(dst, cp.work(), rowBytes * cp.nth());
            scratch = cp.work().asSlice(rowBytes * cp.ith(), rowBytes);
        }

        long nr = n * ne2 * ne3;
        long ir0 = Rows.start(nr, cp.ith(), cp.nth());
        long ir1 = Rows.end(nr, cp.ith(), cp.nth());
        for (long ir = ir0; ir < ir1; ir++) {
            long i3 = ir / (ne2 * n);
            long i2 = (ir - i3 * ne2 * n) / n;
            long i1 = ir - (i3 * ne2 + i2) * n;
            long dOff = i1 * dst.nb(1) + i2 * dst.nb(2) + i3 * dst.nb(3);
            dData.asSlice(dOff, 4L * m).fill((byte) 0);
            long aBase = (i2 / r2) * a.nb(2) + (i3 / r3) * a.nb(3);
            long bBase = i1 * b.nb(0) + i2 * b.nb(2) + i3 * b.nb(3);
            for (long i01 = 0; i01 < kk; i01++) {
                float s = bData.get(F32, bBase + i01 * b.nb(1));
                long aOff = aBase + i01 * a.nb(1);
                if (direct) {
                    kern.axpy(m, s, aData, aOff, dData, dOff);
                } else {
                    rowToFloat(p, a, aData, aOff, scratch);
                    kern.axpy(m, s, scratch, 0, dData, dOff);
                }
            }
        }
    }

    /** One row of {@code a} (at {@code off}) as f32 in {@code out}: dequantized, widened or gathered. */
    private static void rowToFloat(KernelProvider p, Tensor a, MemorySegment aData, long off, MemorySegment out) {
        int m = (int) a.ne(0);
        switch (a.type()) {
            case F32 -> {
                for (int i = 0; i < m; i++) {
                    out.set(F32, 4L * i, aData.get(F32, off + i * a.nb(0)));
                }
            }
            case F16 -> {
                for (int i = 0; i < m; i++) {
                    out.set(F32, 4L * i, Fp16.f16ToF32(aData.get(I16, off + 2L * i)));
                }
            }
            case BF16 -> {
                for (int i = 0; i < m; i++) {
                    out.set(F32, 4L * i, Fp16.bf16ToF32(aData.get(I16, off + 2L * i)));
                }
            }
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S,
                 IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0 ->
                    p.quant().dequantizeRow(a.type(), aData, off, out, 0, m);
            case I8, I16, I32, I64, F64, Q4_2, Q4_3, Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new UnsupportedTypeException("OUT_PROD: src0 of type " + a.type() + " is not supported");
        }
    }
}
