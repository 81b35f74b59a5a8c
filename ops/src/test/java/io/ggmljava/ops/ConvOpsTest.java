package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.PoolOp;
import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IM2COL, CONV_TRANSPOSE_1D/2D, POOL_1D/2D, UPSCALE: against direct definitions, vector against scalar, thread
 * splits.
 */
class ConvOpsTest {
    private static final int[] THREADS = {1, 2, 3, 5};

    /** Every provider and thread count gives exactly {@code expect}. */
    private static void assertAllSame(Tensor node, float[] expect, String what) {
        for (KernelProvider p : OpHarness.providers()) {
            for (int nth : THREADS) {
                OpHarness.assertSameBits(expect, OpHarness.compute(p, node, nth), what + " " + p.name() + " nth="
                        + nth);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            // 2d, dst, IW, IH, IC, N, KW, KH, s0, s1, p0, p1, d0, d1
            "true, F32, 10, 10, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1",
            "true, F16, 9, 7, 2, 2, 3, 2, 2, 1, 1, 0, 1, 2",
            "true, F32, 8, 8, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3",
            "true, F32, 33, 5, 2, 1, 7, 3, 1, 2, 4, 1, 1, 1",
            "true, F16, 31, 6, 3, 1, 5, 5, 1, 1, 2, 2, 1, 1",
            "false, F16, 17, 1, 3, 1, 5, 1, 1, 0, 2, 0, 2, 0",
            "false, F32, 20, 1, 2, 2, 3, 1, 3, 0, 3, 0, 1, 0",
            "false, F32, 127, 1, 4, 1, 9, 1, 1, 0, 0, 0, 1, 0",
            "false, F32, 3, 1, 1, 1, 7, 1, 1, 0, 4, 0, 1, 0",
    })
    void im2colMatchesItsDefinition(boolean is2d, GgmlType dstType, int iw, int ih, int ic, int n, int kw, int kh,
                                    int s0, int s1, int p0, int p1, int d0, int d1) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor kernel = is2d ? ctx.newTensor(GgmlType.F16, kw, kh, ic, 4) : ctx.newTensor(GgmlType.F16, kw, ic, 4);
            Tensor data = is2d ? ctx.newTensor(GgmlType.F32, iw, ih, ic, n) : ctx.newTensor(GgmlType.F32, iw, ic, n);
            OpHarness.alloc(arena, kernel, data);
            OpHarness.fill(data, new Random(iw * 7L + kw), -1, 1);
            Tensor r = ctx.im2col(kernel, data, s0, s1, p0, p1, d0, d1, is2d, dstType);
            OpHarness.alloc(arena, r);
            float[] expect = new float[(int) r.nelements()];
            int e = 0;
            for (int in = 0; in < n; in++) {
                for (int oh = 0; oh < (is2d ? r.ne(2) : 1); oh++) {
                    for (int ow = 0; ow < r.ne(1); ow++) {
                        for (int c = 0; c < ic; c++) {
                            for (int y = 0; y < kh; y++) {
                                for (int x = 0; x < kw; x++) {
                                    int iy = oh * s1 + y * d1 - p1;
                                    int ix = ow * s0 + x * d0 - p0;
                                    float v = iy < 0 || iy >= ih || ix < 0 || ix >= iw ? 0
                                            : is2d ? data.getF32(ix, iy, c, in) : data.getF32(ix, c, in, 0);
                                    expect[e++] = dstType == GgmlType.F16 ? Float.float16ToFloat(
                                            Float.floatToFloat16(v)) : v;
                                }
                            }
                        }
                    }
                }
            }
            assertAllSame(r, expect, "im2col");
        }
    }

    @ParameterizedTest
    @CsvSource({
            // kernel type, K, Cout, Cin, L, s0
            "F32, 3, 5, 4, 7, 2",
            "F16, 5, 2, 3, 11, 2",
            "F32, 4, 6, 40, 16, 1",
            "F16, 2, 3, 67, 5, 3",
            "F32, 1, 1, 1, 1, 1",
    })
    void convTranspose1dMatchesItsDefinition(GgmlType kt, int kk, int cout, int cin, int len, int s0) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = ctx.newTensor(kt, kk, cout, cin);
            Tensor b = ctx.newTensor(GgmlType.F32, len, cin);
            OpHarness.alloc(arena, a, b);
            Random rnd = new Random(cin);
            OpHarness.fill(a, rnd, -1, 1);
            OpHarness.fill(b, rnd, -1, 1);
            Tensor r = ctx.convTranspose1d(a, b, s0, 0, 1);
            OpHarness.alloc(arena, r);
            double[] ref = new double[(int) r.nelements()];
            for (int o = 0; o < cout; o++) {
                for (int l = 0; l < len; l++) {
                    for (int t = 0; t < kk; t++) {
                        for (int i = 0; i < cin; i++) {
                            float x = b.getF32(l, i, 0, 0);
                            if (kt == GgmlType.F16) {
                                x = Float.float16ToFloat(Float.floatToFloat16(x)); // ggml rounds the data to f16
                            }
                            ref[(int) (o * r.ne(0) + l * s0 + t)] += (double) a.getF32(t, o, i, 0) * x;
                        }
                    }
                }
            }
            checkConv(r, ref);
        }
    }

    @ParameterizedTest
    @CsvSource({
            // kernel type, KW, KH, Cout, Cin, W, H, N, stride
            "F16, 3, 3, 2, 4, 5, 4, 1, 2",
            "F32, 2, 3, 3, 37, 4, 3, 2, 1",
            "F16, 1, 1, 1, 1, 3, 2, 1, 3",
    })
    void convTranspose2dMatchesItsDefinition(GgmlType kt, int kw, int kh, int cout, int cin, int w, int h, int n,
                                             int stride) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = ctx.newTensor(kt, kw, kh, cout, cin);
            Tensor b = ctx.newTensor(GgmlType.F32, w, h, cin, n);
            OpHarness.alloc(arena, a, b);
            Random rnd = new Random(cin + 100);
            OpHarness.fill(a, rnd, -1, 1);
            OpHarness.fill(b, rnd, -1, 1);
            Tensor r = ctx.convTranspose2dP0(a, b, stride);
            OpHarness.alloc(arena, r);
            double[] ref = new double[(int) r.nelements()];
            for (int bn = 0; bn < n; bn++) {
                for (int o = 0; o < cout; o++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    for (int i = 0; i < cin; i++) {
                                        float v = b.getF32(x, y, i, bn);
                                        if (kt == GgmlType.F16) {
                                            v = Float.float16ToFloat(Float.floatToFloat16(v));
                                        }
                                        int at = (int) (((bn * cout + o) * r.ne(1) + y * stride + ky) * r.ne(0)
                                                + x * stride + kx);
                                        ref[at] += (double) a.getF32(kx, ky, o, i) * v;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            checkConv(r, ref);
        }
    }

    /** Close to the float64 sums, and the same bits on every thread count of one provider. */
    private static void checkConv(Tensor r, double[] ref) {
        float[] reff = new float[ref.length];
        for (int i = 0; i < ref.length; i++) {
            reff[i] = (float) ref[i];
        }
        for (KernelProvider p : OpHarness.providers()) {
            float[] one = OpHarness.compute(p, r, 1);
            assertTrue(OpHarness.nmse(one, reff) < 1e-12, p.name() + " nmse " + OpHarness.nmse(one, reff));
            for (int nth : THREADS) {
                OpHarness.assertSameBits(one, OpHarness.compute(p, r, nth), p.name() + " nth=" + nth);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            // src type, max?, ne0, ne1, ne2, ne3, k0, k1, s0, s1, p0, p1
            "F32, true, 10, 10, 3, 1, 3, 3, 1, 1, 1, 1",
            "F32, false, 10, 10, 3, 1, 3, 3, 1, 1, 1, 1",
            "F32, false, 9, 8, 2, 1, 2, 3, 2, 1, 0, 1",
            "F32, true, 7, 7, 2, 2, 3, 3, 2, 2, 1, 1",
            "F32, false, 70, 6, 2, 1, 3, 2, 1, 1, 1, 1",
            "F32, true, 70, 6, 2, 1, 5, 2, 1, 2, 2, 0",
            "F16, false, 67, 5, 3, 1, 3, 3, 1, 1, 1, 1",
            "F16, true, 41, 4, 1, 2, 4, 4, 1, 1, 2, 2",
            "F32, false, 12, 5, 1, 1, 1, 1, 1, 1, 0, 0",
    })
    void pool2dMatchesItsDefinition(GgmlType type, boolean max, int ne0, int ne1, int ne2, int ne3, int k0, int k1,
                                    int s0, int s1, int p0, int p1) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = ctx.newTensor(type, ne0, ne1, ne2, ne3);
            OpHarness.alloc(arena, a);
            OpHarness.fill(a, new Random(ne0), -1, 1);
            Tensor r = ctx.pool2d(a, max ? PoolOp.MAX : PoolOp.AVG, k0, k1, s0, s1, p0, p1);
            OpHarness.alloc(arena, r);
            float[] expect = new float[(int) r.nelements()];
            int e = 0;
            for (int i3 = 0; i3 < ne3; i3++) {
                for (int i2 = 0; i2 < ne2; i2++) {
                    for (int oy = 0; oy < r.ne(1); oy++) {
                        for (int ox = 0; ox < r.ne(0); ox++) {
                            float acc = max ? -Float.MAX_VALUE : 0;
                            for (int y = 0; y < k1; y++) {
                                for (int x = 0; x < k0; x++) {
                                    int iy = oy * s1 - p1 + y;
                                    int ix = ox * s0 - p0 + x;
                                    if (iy >= 0 && iy < ne1 && ix >= 0 && ix < ne0) {
                                        float v = a.getF32(ix, iy, i2, i3);
                                        acc = max ? Math.max(acc, v) : acc + v;
                                    }
                                }
                            }
                            expect[e++] = max ? acc : acc / (k0 * k1);
                        }
                    }
                }
            }
            assertAllSame(r, expect, "pool2d");
        }
    }

    @ParameterizedTest
    @CsvSource({"F32, true, 12, 3, 2, 2", "F32, false, 16, 4, 1, 3", "F16, false, 13, 5, 3, 4", "F16, true, 7, 2, 1, 7"})
    void pool1dMatchesItsDefinition(GgmlType type, boolean max, int ne0, int ne1, int ne2, int k) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = ctx.newTensor(type, ne0, ne1, ne2);
            OpHarness.alloc(arena, a);
            OpHarness.fill(a, new Random(ne0), -1, 1);
            Tensor r = ctx.pool1d(a, max ? PoolOp.MAX : PoolOp.AVG, k, k, 0);
            OpHarness.alloc(arena, r);
            float[] expect = new float[(int) r.nelements()];
            for (int row = 0; row < ne1 * ne2; row++) {
                for (int i = 0; i < r.ne(0); i++) {
                    float acc = max ? -Float.MAX_VALUE : 0;
                    for (int j = i * k; j < i * k + k; j++) {
                        float v = a.getF32(j, row % ne1, row / ne1, 0);
                        acc = max ? Math.max(acc, v) : acc + v;
                    }
                    expect[(int) (row * r.ne(0) + i)] = max ? acc : acc / k;
                }
            }
            assertAllSame(r, expect, "pool1d");
            Tensor padded = ctx.pool1d(a, PoolOp.AVG, k, k, 1);
            OpHarness.alloc(arena, padded);
            assertThrows(UnsupportedOperationException.class,
                    () -> Kernels.computeNode(KernelProvider.scalar(), padded));
        }
    }

    @ParameterizedTest
    @CsvSource({"F32, 2, 5, 7, 3, 5, 7, 11, 4", "F32, 4, 3, 2, 1, 8, 6, 2, 1", "F16, 3, 2, 1, 1, 7, 5, 1, 2",
            "I32, 5, 3, 2, 2, 15, 9, 2, 2"})
    void upscaleIsNearestNeighbour(GgmlType type, int a0, int a1, int a2, int a3, int b0, int b1, int b2, int b3) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = ctx.newTensor(type, a0, a1, a2, a3);
            OpHarness.alloc(arena, a);
            for (int i = 0; i < a.nelements(); i++) {
                a.setF32(i, i);
            }
            Tensor r = ctx.upscaleExt(a, b0, b1, b2, b3);
            OpHarness.alloc(arena, r);
            float[] expect = new float[(int) r.nelements()];
            int e = 0;
            for (int i3 = 0; i3 < b3; i3++) {
                for (int i2 = 0; i2 < b2; i2++) {
                    for (int i1 = 0; i1 < b1; i1++) {
                        for (int i0 = 0; i0 < b0; i0++) {
                            expect[e++] = a.getF32((long) (i0 / ((float) b0 / a0)), (long) (i1 / ((float) b1 / a1)),
                                    (long) (i2 / ((float) b2 / a2)), (long) (i3 / ((float) b3 / a3)));
                        }
                    }
                }
            }
            assertAllSame(r, expect, "upscale");
        }
    }

    @Test
    void workSizeCoversTheRearrangedOperands() {
        Context ctx = new Context();
        Tensor a = ctx.newTensor(GgmlType.F16, 5, 2, 3);
        Tensor b = ctx.newTensor(GgmlType.F32, 11, 3);
        assertEquals(2 * (5 * 2 * 3 + 11 * 3), Kernels.workSize(ctx.convTranspose1d(a, b, 2, 0, 1), 4));
        Tensor a2 = ctx.newTensor(GgmlType.F32, 3, 3, 2, 4);
        Tensor b2 = ctx.newTensor(GgmlType.F32, 5, 4, 4, 2);
        assertEquals(4 * (3 * 3 * 2 * 4 + 5 * 4 * 4), Kernels.workSize(ctx.convTranspose2dP0(a2, b2, 2), 2));
    }
}
