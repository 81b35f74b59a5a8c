package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The basic ops that the golden fixtures do not cover (backward ops, SET, DIAG, PAD_REFLECT_1D, REPEAT_BACK,
 * GET_ROWS_BACK) against plain-loop definitions, with every provider and two threads. Gradients are also checked
 * against central differences of a double-precision forward pass.
 */
class BasicOpsSemanticsTest {
    private static Tensor filled(Arena arena, Tensor t, long seed, float lo, float hi) {
        OpHarness.alloc(arena, t);
        OpHarness.fill(t, new Random(seed), lo, hi);
        return t;
    }

    @ParameterizedTest
    @MethodSource("io.ggmljava.ops.OpHarness#providers")
    void rmsNormBackIsTheGradientOfRmsNorm(KernelProvider p) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            int n = 37;
            float eps = 1e-3f;
            Tensor x = filled(arena, ctx.newTensor(GgmlType.F32, n, 3), 1, -2, 2);
            Tensor dz = filled(arena, ctx.newTensor(GgmlType.F32, n, 3), 2, -1, 1);
            Tensor dx = ctx.rmsNormBack(dz, x, eps);
            OpHarness.alloc(arena, dx);
            float[] got = OpHarness.compute(p, dx, 2);
            for (int r = 0; r < 3; r++) {
                double[] xr = new double[n];
                double[] dzr = new double[n];
                for (int i = 0; i < n; i++) {
                    xr[i] = x.getF32(i, r, 0, 0);
                    dzr[i] = dz.getF32(i, r, 0, 0);
                }
                for (int i = 0; i < n; i++) {
                    double h = 1e-5;
                    double[] plus = xr.clone();
                    double[] minus = xr.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double g = (dotRms(plus, dzr, eps) - dotRms(minus, dzr, eps)) / (2 * h);
                    assertEquals(g, got[r * n + i], 1e-4 * Math.max(1, Math.abs(g)), "dx[" + r + "," + i + "]");
                }
            }
        }
    }

    /** {@code sum dz * rms_norm(x)} in double. */
    private static double dotRms(double[] x, double[] dz, float eps) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + eps);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += dz[i] * x[i] * scale;
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("io.ggmljava.ops.OpHarness#providers")
    void softMaxBackAndSiluBackFollowTheirFormulas(KernelProvider p) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            int n = 70;
            Tensor logits = filled(arena, ctx.newTensor(GgmlType.F32, n, 4), 3, -3, 3);
            Tensor y = ctx.softMax(logits);
            OpHarness.alloc(arena, y);
            OpHarness.compute(p, y, 1);
            Tensor dy = filled(arena, ctx.newTensor(GgmlType.F32, n, 4), 4, -1, 1);
            Tensor dx = ctx.softMaxExtBack(dy, y, 0.5f, 0.0f);
            OpHarness.alloc(arena, dx);
            float[] got = OpHarness.compute(p, dx, 2);
            for (int r = 0; r < 4; r++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += (double) y.getF32(i, r, 0, 0) * dy.getF32(i, r, 0, 0);
                }
                for (int i = 0; i < n; i++) {
                    double e = 0.5 * y.getF32(i, r, 0, 0) * (dy.getF32(i, r, 0, 0) - dot);
                    assertEquals(e, got[r * n + i], 1e-6, "soft_max_back[" + r + "," + i + "]");
                }
            }
            Tensor xs = filled(arena, ctx.newTensor(GgmlType.F32, n, 4), 5, -6, 6);
            Tensor ds = ctx.siluBack(dy, xs);          // ggml: src0 = gradient, src1 = forward input
            OpHarness.alloc(arena, ds);
            float[] g2 = OpHarness.compute(p, ds, 2);
            for (int i = 0; i < 4 * n; i++) {
                double x = xs.getF32(i);
                double s = 1 / (1 + Math.exp(-x));
                double e = dy.getF32(i) * s * (1 + x * (1 - s));
                assertEquals(e, g2[i], 1e-5 * Math.max(1, Math.abs(e)), "silu_back[" + i + "]");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ggmljava.ops.OpHarness#providers")
    void setOverwritesAViewOfACopy(KernelProvider p) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = filled(arena, ctx.newTensor(GgmlType.F32, 10, 6, 2), 6, -1, 1);
            Tensor b = filled(arena, ctx.newTensor(GgmlType.F32, 3, 2, 2), 7, 5, 6);
            long nb1 = 4 * 10;
            long nb2 = 4 * 60;
            long offset = 4 * 12;
            Tensor s = ctx.set(a, b, nb1, nb2, nb2 * 2, offset);
            OpHarness.alloc(arena, s);
            float[] got = OpHarness.compute(p, s, 2);
            float[] expect = a.toFloatArray();
            for (int i2 = 0; i2 < 2; i2++) {
                for (int i1 = 0; i1 < 2; i1++) {
                    for (int i0 = 0; i0 < 3; i0++) {
                        expect[(int) ((offset + i0 * 4 + i1 * nb1 + i2 * nb2) / 4)] = b.getF32(i0, i1, i2, 0);
                    }
                }
            }
            OpHarness.assertSameBits(expect, got, "set");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ggmljava.ops.OpHarness#providers")
    void diagPadReflectRepeatBackAndGetRowsBack(KernelProvider p) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            // DIAG
            Tensor v = filled(arena, ctx.newTensor(GgmlType.F32, 5, 1, 2), 8, -1, 1);
            Tensor d = ctx.diag(v);
            OpHarness.alloc(arena, d);
            OpHarness.compute(p, d, 2);
            for (int k = 0; k < 2; k++) {
                for (int i1 = 0; i1 < 5; i1++) {
                    for (int i0 = 0; i0 < 5; i0++) {
                        assertEquals(i0 == i1 ? v.getF32(i1, 0, k, 0) : 0.0f, d.getF32(i0, i1, k, 0), "diag");
                    }
                }
            }
            // PAD_REFLECT_1D
            Tensor x = filled(arena, ctx.newTensor(GgmlType.F32, 6, 3), 9, -1, 1);
            Tensor pr = ctx.padReflect1d(x, 2, 3);
            OpHarness.alloc(arena, pr);
            OpHarness.compute(p, pr, 2);
            for (int r = 0; r < 3; r++) {
                for (int j = 0; j < 11; j++) {
                    int src = j - 2;                        // reflect around the first and last element
                    if (src < 0) {
                        src = -src;
                    } else if (src > 5) {
                        src = 10 - src;
                    }
                    assertEquals(x.getF32(src, r, 0, 0), pr.getF32(j, r, 0, 0), "pad_reflect at " + j);
                }
            }
            // REPEAT_BACK: dst[k] = sum of the repeated copies
            Tensor big = filled(arena, ctx.newTensor(GgmlType.F32, 6, 4, 3), 10, -1, 1);
            Tensor small = ctx.newTensor(GgmlType.F32, 3, 2, 1);
            Tensor rb = ctx.repeatBack(big, small);
            OpHarness.alloc(arena, rb);
            OpHarness.compute(p, rb, 2);
            for (int k1 = 0; k1 < 2; k1++) {
                for (int k0 = 0; k0 < 3; k0++) {
                    float s = 0;
                    for (int i2 = 0; i2 < 3; i2++) {
                        for (int i1 = 0; i1 < 2; i1++) {
                            for (int i0 = 0; i0 < 2; i0++) {
                                s += big.getF32(i0 * 3 + k0, i1 * 2 + k1, i2, 0);
                            }
                        }
                    }
                    assertEquals(s, rb.getF32(k0, k1, 0, 0), 1e-6f, "repeat_back");
                }
            }
            // GET_ROWS_BACK: rows of the gradient added into a zero tensor at their indices (repeats add up)
            Tensor g = filled(arena, ctx.newTensor(GgmlType.F32, 4, 5), 11, -1, 1);
            Tensor idx = ctx.newTensor(GgmlType.I32, 5);
            OpHarness.alloc(arena, idx);
            int[] rows = {2, 0, 2, 6, 2};
            for (int i = 0; i < 5; i++) {
                idx.setI32(i, rows[i]);
            }
            Tensor shape = ctx.newTensor(GgmlType.F32, 4, 7);
            Tensor gb = ctx.getRowsBack(g, idx, shape);
            OpHarness.alloc(arena, gb);
            OpHarness.compute(p, gb, 2);
            for (int r = 0; r < 7; r++) {
                for (int c = 0; c < 4; c++) {
                    float s = 0;
                    for (int i = 0; i < 5; i++) {
                        if (rows[i] == r) {
                            s += g.getF32(c, i, 0, 0);
                        }
                    }
                    assertEquals(s, gb.getF32(c, r, 0, 0), 1e-6f, "get_rows_back row " + r);
                }
            }
            assertTrue(gb.getF32(0, 1, 0, 0) == 0.0f, "untouched rows are zero");
        }
    }
}
