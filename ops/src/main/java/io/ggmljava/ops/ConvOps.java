package io.ggmljava.ops;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Op drivers for IM2COL, CONV_TRANSPOSE_1D, CONV_TRANSPOSE_2D, POOL_1D, POOL_2D and UPSCALE: shapes, layouts and
 * the thread split; the provider's {@link ConvKernels} do the inner loops.
 *
 * <p>The transposed convolutions follow ggml: thread 0 first rearranges the kernel to {@code [Cout][K...][Cin]} and
 * the data to {@code [L...][Cin]} in the work buffer (in the kernel's type, so f16 kernels see the data rounded to
 * f16), then, after a barrier, each thread accumulates whole output channels with dot products over Cin.
 */
final class ConvOps {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ConvOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        switch (node.op()) {
            case IM2COL -> im2col(p.conv(), node, cp);
            case CONV_TRANSPOSE_1D -> convTranspose1d(p.conv(), node, cp);
            case CONV_TRANSPOSE_2D -> convTranspose2d(p.conv(), node, cp);
            case POOL_1D -> pool1d(p.conv(), node, cp);
            case POOL_2D -> pool2d(p.conv(), node, cp);
            case UPSCALE -> upscale(p.conv(), node, cp);
            default -> throw new UnsupportedOperationException(node.opDesc() + " is not supported by ggml-java");
        }
    }

    /**
     * Work memory of the transposed convolutions: the rearranged kernel and one batch of rearranged data, in the
     * kernel's element size (ggml's sizes); 0 for the other ops.
     */
    static long workSize(Tensor node, int nTasks) {
        Tensor a = node.src(0);
        Tensor b = node.src(1);
        return switch (node.op()) {
            case CONV_TRANSPOSE_1D -> a.type().typeSize() * (a.nelements() + b.ne(0) * b.ne(1));
            case CONV_TRANSPOSE_2D -> a.type().typeSize() * (a.nelements() + b.ne(0) * b.ne(1) * b.ne(2));
            default -> 0;
        };
    }

    // ---- IM2COL --------------------------------------------------------------------------------------------------

    /** a: kernel (shape only), b: data f32 [IW, IH, IC, N] (2-d) or [IW, IC, N] (1-d); dst [IC*KH*KW, OW, OH|N, N|1]. */
    private static void im2col(ConvKernels k, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        Tensor b = dst.src(1);
        if (b.type() != GgmlType.F32) {
            throw new UnsupportedTypeException("IM2COL: data (src1) must be f32, got " + b.describe());
        }
        boolean f16 = switch (dst.type()) {
            case F16 -> true;
            case F32 -> false;
            default -> throw new UnsupportedTypeException("IM2COL: result type must be f32 or f16, got "
                    + dst.describe());
        };
        int s0 = dst.opParamI32(0);
        int s1 = dst.opParamI32(1);
        int p0 = dst.opParamI32(2);
        int p1 = dst.opParamI32(3);
        int d0 = dst.opParamI32(4);
        int d1 = dst.opParamI32(5);
        boolean is2d = dst.opParamI32(6) == 1;
        long ic = is2d ? b.ne(2) : b.ne(1);
        long ih = is2d ? b.ne(1) : 1;
        int kh = (int) (is2d ? a.ne(1) : 1);
        int kw = (int) a.ne(0);
        ConvSpecs.Im2col g = new ConvSpecs.Im2col((int) ic, kh, kw, ih, b.ne(0), s0, s1, p0, p1, d0, d1, b.nb(0),
                is2d ? b.nb(1) : 0, is2d ? b.nb(2) : b.nb(1));
        if (g.patchSize() != dst.ne(0)) {
            throw new IllegalArgumentException("IM2COL: dst.ne0 (" + dst.ne(0) + ") must be IC*KH*KW ("
                    + g.patchSize() + ")");
        }
        long nbN = is2d ? b.nb(3) : b.nb(2);
        MemorySegment src = b.data();
        MemorySegment out = dst.data();
        long nrows = dst.nrows();
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < r1; r++) {
            // dst row (i1, i2, i3) = patch (ow, oh, n) in 2-d, (ow, n, -) in 1-d
            long ow = r % dst.ne(1);
            long i2 = (r / dst.ne(1)) % dst.ne(2);
            long i3 = r / (dst.ne(1) * dst.ne(2));
            long oh = is2d ? i2 : 0;
            long n = is2d ? i3 : i2;
            k.im2colPatch(g, src, n * nbN, oh, ow, out, Rows.offset(dst, r), f16);
        }
    }

    // ---- transposed convolutions ---------------------------------------------------------------------------------

    /** a: kernel [K, Cout, Cin] f32/f16, b: data f32 [L, Cin]; dst f32 [(L-1)*s0 + K, Cout]. */
    private static void convTranspose1d(ConvKernels k, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        Tensor b = dst.src(1);
        boolean f16 = kernelIsF16("CONV_TRANSPOSE_1D", a, b);
        int kk = (int) a.ne(0);
        long cout = a.ne(1);
        int cin = (int) a.ne(2);
        long len = b.ne(0);
        int s0 = dst.opParamI32(0);
        int esz = f16 ? 2 : 4;
        MemorySegment w = cp.work();
        long srcBase = a.nelements() * esz; // data after the kernel
        if (cp.ith() == 0) {
            // kernel (K x Cout x Cin) -> [Cout][K][Cin]
            for (long o = 0; o < cout; o++) {
                for (int i = 0; i < cin; i++) {
                    for (int t = 0; t < kk; t++) {
                        long from = t * a.nb(0) + o * a.nb(1) + i * a.nb(2);
                        long to = ((o * kk + t) * cin + i) * esz;
                        copyElement(a.data(), from, f16, w, to);
                    }
                }
            }
            // data (L x Cin) -> [L][Cin], rounded to the kernel's type
            for (int i = 0; i < cin; i++) {
                for (long l = 0; l < len; l++) {
                    storeAs(f16, w, srcBase + (l * cin + i) * esz, b.data().get(F32, l * b.nb(0) + i * b.nb(1)));
                }
            }
        }
        cp.barrier();
        MemorySegment out = dst.data();
        long r1 = Rows.end(cout, cp.ith(), cp.nth());
        for (long o = Rows.start(cout, cp.ith(), cp.nth()); o < r1; o++) {
            long row = o * dst.nb(1);
            zeroRow(out, row, dst.ne(0), dst.nb(0));
            long kernel = o * kk * cin * esz;
            for (long l = 0; l < len; l++) {
                long data = srcBase + l * cin * esz;
                for (int t = 0; t < kk; t++) {
                    long kt = kernel + (long) t * cin * esz;
                    float v = f16 ? k.dotF16(w, data, w, kt, cin) : k.dotF32(w, data, w, kt, cin);
                    long at = row + (l * s0 + t) * dst.nb(0);
                    out.set(F32, at, out.get(F32, at) + v);
                }
            }
        }
    }

    /** a: kernel [KW, KH, Cout, Cin] f16/f32, b: data f32 [W, H, Cin, N]; dst [(W-1)*s + KW, (H-1)*s + KH, Cout, N]. */
    private static void convTranspose2d(ConvKernels k, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        Tensor b = dst.src(1);
        boolean f16 = kernelIsF16("CONV_TRANSPOSE_2D", a, b);
        int kw = (int) a.ne(0);
        int kh = (int) a.ne(1);
        long cout = a.ne(2);
        int cin = (int) a.ne(3);
        long wIn = b.ne(0);
        long hIn = b.ne(1);
        int stride = dst.opParamI32(0);
        int esz = f16 ? 2 : 4;
        MemorySegment w = cp.work();
        long srcBase = a.nelements() * esz;
        if (cp.ith() == 0) {
            // kernel (KW x KH x Cout x Cin) -> [Cout][KH][KW][Cin]
            for (long o = 0; o < cout; o++) {
                for (int i = 0; i < cin; i++) {
                    for (int y = 0; y < kh; y++) {
                        for (int x = 0; x < kw; x++) {
                            long from = x * a.nb(0) + y * a.nb(1) + o * a.nb(2) + i * a.nb(3);
                            long to = (((o * kh + y) * kw + x) * cin + i) * esz;
                            copyElement(a.data(), from, f16, w, to);
                        }
                    }
                }
            }
        }
        MemorySegment out = dst.data();
        for (long n = 0; n < b.ne(3); n++) {
            if (cp.ith() == 0) {
                // data batch n (W x H x Cin) -> [H][W][Cin]
                for (int i = 0; i < cin; i++) {
                    for (long y = 0; y < hIn; y++) {
                        for (long x = 0; x < wIn; x++) {
                            float v = b.data().get(F32, x * b.nb(0) + y * b.nb(1) + i * b.nb(2) + n * b.nb(3));
                            storeAs(f16, w, srcBase + ((y * wIn + x) * cin + i) * esz, v);
                        }
                    }
                }
            }
            cp.barrier();
            long r1 = Rows.end(cout, cp.ith(), cp.nth());
            for (long o = Rows.start(cout, cp.ith(), cp.nth()); o < r1; o++) {
                long plane = o * dst.nb(2) + n * dst.nb(3);
                for (long y = 0; y < dst.ne(1); y++) {
                    zeroRow(out, plane + y * dst.nb(1), dst.ne(0), dst.nb(0));
                }
                long kernel = o * kh * kw * cin * esz;
                for (long y = 0; y < hIn; y++) {
                    for (long x = 0; x < wIn; x++) {
                        long data = srcBase + (y * wIn + x) * cin * esz;
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                long kt = kernel + ((long) ky * kw + kx) * cin * esz;
                                float v = f16 ? k.dotF16(w, data, w, kt, cin) : k.dotF32(w, data, w, kt, cin);
                                long at = plane + (y * stride + ky) * dst.nb(1) + (x * stride + kx) * dst.nb(0);
                                out.set(F32, at, out.get(F32, at) + v);
                            }
                        }
                    }
                }
            }
            cp.barrier(); // the next batch overwrites the data area
        }
    }

    private static boolean kernelIsF16(String op, Tensor a, Tensor b) {
        if (b.type() != GgmlType.F32) {
            throw new UnsupportedTypeException(op + ": data (src1) must be f32, got " + b.describe());
        }
        return switch (a.type()) {
            case F16 -> true;
            case F32 -> false;
            default -> throw new UnsupportedTypeException(op + ": kernel (src0) must be f32 or f16, got "
                    + a.describe());
        };
    }

    private static void copyElement(MemorySegment src, long from, boolean f16, MemorySegment dst, long to) {
        if (f16) {
            dst.set(I16, to, src.get(I16, from));
        } else {
            dst.set(F32, to, src.get(F32, from));
        }
    }

    private static void storeAs(boolean f16, MemorySegment dst, long to, float v) {
        if (f16) {
            dst.set(I16, to, Fp16.f32ToF16(v));
        } else {
            dst.set(F32, to, v);
        }
    }

    private static void zeroRow(MemorySegment out, long off, long n, long nb0) {
        if (nb0 == 4) {
            out.asSlice(off, 4 * n).fill((byte) 0);
        } else {
            for (long i = 0; i < n; i++) {
                out.set(F32, off + i * nb0, 0.0f);
            }
        }
    }

    // ---- pooling --------------------------------------------------------------------------------------------------

    private static boolean poolIsF16(String op, Tensor a) {
        return switch (a.type()) {
            case F16 -> true;
            case F32 -> false;
            default -> throw new UnsupportedTypeException(op + ": source must be f32 or f16, got " + a.describe());
        };
    }

    /** Pooling along ne0 with stride = kernel and no padding (the only case ggml implements). */
    private static void pool1d(ConvKernels k, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        boolean f16 = poolIsF16("POOL_1D", a);
        boolean avg = isAvg(dst);
        int k0 = dst.opParamI32(1);
        int s0 = dst.opParamI32(2);
        int p0 = dst.opParamI32(3);
        if (k0 != s0 || p0 != 0) {
            throw new UnsupportedOperationException("POOL_1D: only s0 == k0 and p0 == 0 are supported (as in ggml); got k0="
                    + k0 + ", s0=" + s0 + ", p0=" + p0);
        }
        if (a.nb(0) != a.type().typeSize() || dst.nb(0) != 4) {
            throw new UnsupportedOperationException("POOL_1D: rows must have contiguous elements");
        }
        long nrows = dst.nrows();
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < r1; r++) {
            k.pool1dRow(avg, f16, k0, a.data(), Rows.offset(a, r), (int) dst.ne(0), dst.data(), Rows.offset(dst, r));
        }
    }

    /** Pooling over ne0 x ne1 of every plane; rows of all planes are split over threads. */
    private static void pool2d(ConvKernels k, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        boolean f16 = poolIsF16("POOL_2D", a);
        if (a.nb(0) != a.type().typeSize() || dst.nb(0) != 4) {
            throw new UnsupportedOperationException("POOL_2D: rows must have contiguous elements");
        }
        ConvSpecs.Pool2d g = new ConvSpecs.Pool2d(isAvg(dst), f16, dst.opParamI32(1), dst.opParamI32(2),
                dst.opParamI32(3), dst.opParamI32(4), dst.opParamI32(5), dst.opParamI32(6), a.ne(0), a.ne(1),
                dst.ne(0), dst.ne(1));
        long nrows = dst.nrows();
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        for (long r = Rows.start(nrows, cp.ith(), cp.nth()); r < r1; r++) {
            long oy = r % dst.ne(1);
            long i2 = (r / dst.ne(1)) % dst.ne(2);
            long i3 = r / (dst.ne(1) * dst.ne(2));
            k.pool2dRow(g, a.data(), i2 * a.nb(2) + i3 * a.nb(3), a.nb(1), oy, dst.data(), Rows.offset(dst, r));
        }
    }

    private static boolean isAvg(Tensor dst) {
        int op = dst.opParamI32(0);
        return switch (op) {
            case 0 -> false;
            case 1 -> true;
            default -> throw new UnsupportedOperationException(dst.op() + ": pooling kind " + op
                    + " is not supported (0 max, 1 avg)");
        };
    }

    // ---- UPSCALE --------------------------------------------------------------------------------------------------

    /**
     * Nearest neighbour: dst element {@code i} of each dimension takes source element {@code (long)(i / sf)} with
     * {@code sf = (float) ne_dst / ne_src} (float division, truncation, as ggml). Consecutive dst rows with the same
     * source row are copies of each other.
     */
    private static void upscale(ConvKernels k, Tensor dst, ComputeParams cp) {
        Tensor a = dst.src(0);
        if (a.type().isQuantized() || a.type() != dst.type()) {
            throw new UnsupportedTypeException("UPSCALE: source and result must have the same non-quantized type; got "
                    + a.describe() + " -> " + dst.describe());
        }
        float sf0 = (float) dst.ne(0) / a.ne(0);
        float sf1 = (float) dst.ne(1) / a.ne(1);
        float sf2 = (float) dst.ne(2) / a.ne(2);
        float sf3 = (float) dst.ne(3) / a.ne(3);
        int[] index = new int[(int) dst.ne(0)];
        for (int i = 0; i < index.length; i++) {
            index[i] = (int) (i / sf0);
        }
        int esz = (int) a.type().typeSize();
        MemorySegment src = a.data();
        MemorySegment out = dst.data();
        long rowBytes = dst.ne(0) * dst.nb(0);
        long nrows = dst.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        long prevSrc = -1;
        long prevDst = -1;
        for (long r = r0; r < r1; r++) {
            long i1 = r % dst.ne(1);
            long i2 = (r / dst.ne(1)) % dst.ne(2);
            long i3 = r / (dst.ne(1) * dst.ne(2));
            long srcRow = (long) (i1 / sf1) * a.nb(1) + (long) (i2 / sf2) * a.nb(2) + (long) (i3 / sf3) * a.nb(3);
            long dstRow = Rows.offset(dst, r);
            if (srcRow == prevSrc && dst.nb(0) == esz) {
                MemorySegment.copy(out, prevDst, out, dstRow, rowBytes);
            } else {
                k.gatherRow(index, esz, src, srcRow, a.nb(0), out, dstRow, dst.nb(0));
            }
            prevSrc = srcRow;
            prevDst = dstRow;
        }
    }
}
