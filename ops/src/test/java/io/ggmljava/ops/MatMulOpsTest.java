package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ggmljava.core.Context;
import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** MUL_MAT, MUL_MAT_ID and OUT_PROD with f32/f16/bf16 weights against a double-precision reference. */
class MatMulOpsTest {
    static final int[] KS = {1, 3, 15, 16, 17, 31, 33, 64, 100, 255, 256, 259, 1021, 4096};
    static final int[][] MN = {{1, 1}, {3, 7}, {7, 3}, {17, 33}, {33, 17}, {5, 1}, {64, 1}, {1, 5}, {13, 4}};

    /** The activation as ggml's CPU sees it after converting to the weight type's dot type. */
    static double rounded(GgmlType wt, float v) {
        return switch (wt) {
            case F16 -> Fp16.f16ToF32(Fp16.f32ToF16(v));
            case BF16 -> Fp16.bf16ToF32(Fp16.f32ToBf16(v));
            default -> v;
        };
    }

    /** Checks dst = a·b per output within 1e-5 of sum |a_k b_k| (exact products; float accumulation). */
    static void checkMulMat(String what, Tensor a, Tensor b, Tensor dst) {
        long k = a.ne(0);
        long r2 = b.ne(2) / a.ne(2);
        long r3 = b.ne(3) / a.ne(3);
        for (long i3 = 0; i3 < dst.ne(3); i3++) {
            for (long i2 = 0; i2 < dst.ne(2); i2++) {
                for (long j = 0; j < dst.ne(1); j++) {
                    for (long i = 0; i < dst.ne(0); i++) {
                        double s = 0;
                        double abs = 0;
                        for (long kk = 0; kk < k; kk++) {
                            double p = a.getF32(kk, i, i2 / r2, i3 / r3) * rounded(a.type(), b.getF32(kk, j, i2, i3));
                            s += p;
                            abs += Math.abs(p);
                        }
                        float got = dst.getF32(i, j, i2, i3);
                        if (!(Math.abs(got - s) <= 1e-5 * abs + 1e-6)) {
                            fail(what + ": dst[" + i + "," + j + "," + i2 + "," + i3 + "] = " + got + ", expected " + s
                                    + " (sum |a*b| = " + abs + ")");
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void floatWeightsMatchReferenceAtAwkwardShapes(GgmlType wt) {
        Random rnd = new Random(42 + wt.ordinal());
        for (int k : KS) {
            for (int[] mn : MN) {
                try (Arena arena = Arena.ofShared()) {
                    Context ctx = new Context();
                    Tensor a = ctx.newTensor2d(wt, k, mn[0]);
                    Tensor b = ctx.newTensor2d(GgmlType.F32, k, mn[1]);
                    Tensor d = ctx.mulMat(a, b);
                    MatMulHarness.bind(arena, a, b, d);
                    MatMulHarness.fill(a, rnd);
                    MatMulHarness.fill(b, rnd);
                    for (KernelProvider p : MatMulHarness.providers()) {
                        d.data().fill((byte) 0x7f);
                        MatMulHarness.compute(p, d, 1);
                        checkMulMat(p + " " + wt + " k=" + k + " m=" + mn[0] + " n=" + mn[1], a, b, d);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void threadCountsGiveIdenticalResults(GgmlType wt) {
        int[][] shapes = {{1000, 96, 1}, {67, 259, 45}, {300, 64, 17}, {16, 4096, 1}, {129, 128, 130}};
        for (int[] s : shapes) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(s[0] * 31L + s[1]);
                Context ctx = new Context();
                Tensor a = ctx.newTensor2d(wt, s[1], s[0]);
                Tensor b = ctx.newTensor2d(GgmlType.F32, s[1], s[2]);
                Tensor d = ctx.mulMat(a, b);
                MatMulHarness.bind(arena, a, b, d);
                MatMulHarness.fill(a, rnd);
                MatMulHarness.fill(b, rnd);
                for (KernelProvider p : List.of(KernelProvider.scalar(), KernelProvider.get())) {
                    MatMulHarness.compute(p, d, 1);
                    float[] one = d.toFloatArray();
                    for (int nth = 2; nth <= 4; nth++) {
                        d.data().fill((byte) 0);
                        MatMulHarness.compute(p, d, nth);
                        assertArrayEquals(one, d.toFloatArray(), 0f, p + " " + wt + " m,k,n=" + s[0] + "," + s[1] + ","
                                + s[2] + ": " + nth + " threads differ from 1");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void broadcastOverDims2And3(GgmlType wt) {
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(7);
            Context ctx = new Context();
            Tensor a = ctx.newTensor4d(wt, 37, 9, 2, 3);
            Tensor b = ctx.newTensor4d(GgmlType.F32, 37, 5, 4, 6);
            Tensor d = ctx.mulMat(a, b);
            MatMulHarness.bind(arena, a, b, d);
            MatMulHarness.fill(a, rnd);
            MatMulHarness.fill(b, rnd);
            for (KernelProvider p : MatMulHarness.providers()) {
                for (int nth : new int[]{1, 3}) {
                    d.data().fill((byte) 0x7f);
                    MatMulHarness.compute(p, d, nth);
                    checkMulMat(p + " broadcast " + wt + " nth=" + nth, a, b, d);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void permutedAndNonContiguousInputs(GgmlType wt) {
        int[][] perms = {{0, 2, 1, 3}, {0, 1, 3, 2}, {0, 3, 2, 1}};
        for (int[] pm : perms) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(11);
                Context ctx = new Context();
                // leaves whose permuted views are a [40, 6, 2, 3] and b [40, 5, 4, 3] / [40, 5, 2, 3] ...
                long[] va = {40, 6, 2, 3};
                long[] vb = {40, 5, 4, 3};
                Tensor la = ctx.newTensor(wt, inverse(va, pm));
                Tensor lb = ctx.newTensor(GgmlType.F32, inverse(vb, pm));
                Tensor a = ctx.permute(la, pm[0], pm[1], pm[2], pm[3]);
                Tensor b = ctx.permute(lb, pm[0], pm[1], pm[2], pm[3]);
                if (!Context.canMulMat(a, b)) {
                    continue;
                }
                Tensor d = ctx.mulMat(a, b);
                MatMulHarness.bind(arena, la, lb, d);
                MatMulHarness.fill(la, rnd);
                MatMulHarness.fill(lb, rnd);
                for (KernelProvider p : MatMulHarness.providers()) {
                    d.data().fill((byte) 0x7f);
                    MatMulHarness.compute(p, d, 2);
                    checkMulMat(p + " permuted " + java.util.Arrays.toString(pm) + " " + wt, a, b, d);
                }
            }
        }
        // a row view with gaps between rows (nb1 > row size) and a b sliced out of a wider tensor
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(12);
            Context ctx = new Context();
            Tensor la = ctx.newTensor2d(wt, 64, 20);
            Tensor lb = ctx.newTensor2d(GgmlType.F32, 80, 7);
            Tensor a = ctx.view2d(la, 48, 10, 2 * la.nb(1), la.nb(1));
            Tensor b = ctx.view2d(lb, 48, 7, lb.nb(1), 4 * 16);
            Tensor d = ctx.mulMat(a, b);
            MatMulHarness.bind(arena, la, lb, d);
            MatMulHarness.fill(la, rnd);
            MatMulHarness.fill(lb, rnd);
            for (KernelProvider p : MatMulHarness.providers()) {
                MatMulHarness.compute(p, d, 2);
                checkMulMat(p + " strided views " + wt, a, b, d);
            }
        }
    }

    /** The leaf shape whose permutation by {@code pm} has shape {@code view}. */
    static long[] inverse(long[] view, int[] pm) {
        long[] leaf = new long[4];
        for (int i = 0; i < 4; i++) {
            leaf[i] = view[pm[i]];
        }
        return leaf;
    }

    @Test
    void f16AndBf16ActivationsWithFloatWeights() {
        for (GgmlType bt : new GgmlType[]{GgmlType.F16, GgmlType.BF16}) {
            for (GgmlType wt : new GgmlType[]{GgmlType.F32, bt}) {
                try (Arena arena = Arena.ofShared()) {
                    Random rnd = new Random(5);
                    Context ctx = new Context();
                    Tensor a = ctx.newTensor2d(wt, 70, 9);
                    Tensor b = ctx.newTensor2d(bt, 70, 6);
                    Tensor d = ctx.mulMat(a, b);
                    MatMulHarness.bind(arena, a, b, d);
                    MatMulHarness.fill(a, rnd);
                    MatMulHarness.fill(b, rnd);
                    for (KernelProvider p : MatMulHarness.providers()) {
                        MatMulHarness.compute(p, d, 2);
                        checkMulMat(p + " " + wt + " x " + bt, a, b, d);
                    }
                }
            }
        }
    }

    @Test
    void workSizeIsExactAndDeterministic() {
        Context ctx = new Context();
        Tensor a = ctx.newTensor3d(GgmlType.F16, 100, 8, 2);
        Tensor b = ctx.newTensor3d(GgmlType.F32, 100, 3, 4);
        Tensor d = ctx.mulMat(a, b);
        long row = MatMulOps.align(4 * 100);
        assertEquals(12 * row, Kernels.workSize(d, 1));
        assertEquals(12 * row, Kernels.workSize(d, 4));
        Tensor f = ctx.mulMat(ctx.newTensor2d(GgmlType.F32, 100, 8), ctx.newTensor2d(GgmlType.F32, 100, 3));
        assertEquals(0, Kernels.workSize(f, 2));
        Tensor q = ctx.mulMat(ctx.newTensor2d(GgmlType.Q4_K, 512, 8), ctx.newTensor2d(GgmlType.F32, 512, 3));
        assertEquals(3 * MatMulOps.align(2 * 292), Kernels.workSize(q, 2));
        Tensor op = ctx.outProd(ctx.newTensor2d(GgmlType.Q8_0, 64, 5), ctx.newTensor2d(GgmlType.F32, 7, 5));
        assertEquals(3 * MatMulOps.align(4 * 64), Kernels.workSize(op, 3));
    }

    @Test
    void badInputsGiveClearErrors() {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            // src0 whose dimension 0 is not contiguous: la [4, 8, 8] viewed as [8, 8, 4] with nb = [16, 128, 4]
            Tensor la = ctx.newTensor3d(GgmlType.F32, 4, 8, 8);
            Tensor a = ctx.permute(la, 2, 0, 1, 3);
            assertEquals(16, a.nb(0));
            Tensor b = ctx.newTensor3d(GgmlType.F32, 8, 3, 4);
            Tensor d = ctx.mulMat(a, b);
            MatMulHarness.bind(arena, la, b, d);
            ShapeException e = assertThrows(ShapeException.class, () -> MatMulHarness.compute(KernelProvider.get(), d, 2));
            assertTrue(e.getMessage().contains("contiguous rows"), e.getMessage());
            // quantized weights need f32 activations
            Tensor q = ctx.newTensor2d(GgmlType.Q8_0, 32, 4);
            Tensor h = ctx.newTensor2d(GgmlType.F16, 32, 2);
            Tensor dq = ctx.mulMat(q, h);
            MatMulHarness.bind(arena, q, h, dq);
            UnsupportedTypeException u = assertThrows(UnsupportedTypeException.class,
                    () -> MatMulHarness.compute(KernelProvider.scalar(), dq, 2));
            assertTrue(u.getMessage().contains("must be f32"), u.getMessage());
            // MUL_MAT_ID with an expert index out of range fails on every thread, no hang
            Tensor as = ctx.newTensor3d(GgmlType.F32, 16, 4, 3);
            Tensor x = ctx.newTensor3d(GgmlType.F32, 16, 1, 2);
            Tensor ids = ctx.newTensor2d(GgmlType.I32, 2, 2);
            Tensor dm = ctx.mulMatId(as, x, ids);
            MatMulHarness.bind(arena, as, x, ids, dm);
            ids.setI32(0, 0);
            ids.setI32(1, 1);
            ids.setI32(2, 3);
            ids.setI32(3, 2);
            IndexOutOfBoundsException ie = assertThrows(IndexOutOfBoundsException.class,
                    () -> MatMulHarness.compute(KernelProvider.get(), dm, 3));
            assertTrue(ie.getMessage().contains("ids[0, 1] = 3"), ie.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void mulMatIdMatchesReference(GgmlType wt) {
        int[][] cases = {{16, 5, 4, 2, 1, 3}, {33, 7, 6, 3, 3, 4}, {64, 40, 8, 2, 2, 9}}; // k, m, nAs, nUsed, nB, nTok
        for (int[] c : cases) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(c[0] + c[1]);
                Context ctx = new Context();
                Tensor as = ctx.newTensor3d(wt, c[0], c[1], c[2]);
                Tensor b = ctx.newTensor3d(GgmlType.F32, c[0], c[4], c[5]);
                Tensor ids = ctx.newTensor2d(GgmlType.I32, c[3], c[5]);
                Tensor d = ctx.mulMatId(as, b, ids);
                MatMulHarness.bind(arena, as, b, ids, d);
                MatMulHarness.fill(as, rnd);
                MatMulHarness.fill(b, rnd);
                for (int t = 0; t < c[5]; t++) {
                    int first = rnd.nextInt(c[2]);
                    for (int e = 0; e < c[3]; e++) {
                        ids.setI32(t * c[3] + e, (first + e) % c[2]); // distinct within a row
                    }
                }
                for (KernelProvider p : MatMulHarness.providers()) {
                    for (int nth = 1; nth <= 3; nth++) {
                        d.data().fill((byte) 0x7f);
                        MatMulHarness.compute(p, d, nth);
                        for (int t = 0; t < c[5]; t++) {
                            for (int e = 0; e < c[3]; e++) {
                                int x = ids.getI32(t * c[3] + e);
                                for (int i = 0; i < c[1]; i++) {
                                    double s = 0;
                                    double abs = 0;
                                    for (int kk = 0; kk < c[0]; kk++) {
                                        double pr = as.getF32(kk, i, x, 0) * rounded(wt, b.getF32(kk, e % c[4], t, 0));
                                        s += pr;
                                        abs += Math.abs(pr);
                                    }
                                    float got = d.getF32(i, e, t, 0);
                                    assertTrue(Math.abs(got - s) <= 1e-5 * abs + 1e-6, p + " " + wt + " nth=" + nth
                                            + " dst[" + i + "," + e + "," + t + "] = " + got + ", expected " + s);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void outProdMatchesReference(GgmlType at) {
        int[][] cases = {{16, 5, 7, 3, 2, 1, 2}, {7, 4, 12, 2, 1, 1, 1}, {33, 16, 1, 1, 1, 2, 2}}; // m n k bs0 bs1 nr0 nr1
        for (int[] c : cases) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(c[0] * 7 + c[2]);
                Context ctx = new Context();
                Tensor a = ctx.newTensor4d(at, c[0], c[2], c[3], c[4]);
                Tensor b = ctx.newTensor4d(GgmlType.F32, c[1], c[2], c[3] * c[5], c[4] * c[6]);
                Tensor d = ctx.outProd(a, b);
                MatMulHarness.bind(arena, a, b, d);
                MatMulHarness.fill(a, rnd);
                MatMulHarness.fill(b, rnd);
                long r2 = b.ne(2) / a.ne(2);
                long r3 = b.ne(3) / a.ne(3);
                for (KernelProvider p : MatMulHarness.providers()) {
                    for (int nth = 1; nth <= 3; nth += 2) {
                        d.data().fill((byte) 0x7f);
                        MatMulHarness.compute(p, d, nth);
                        for (long i3 = 0; i3 < d.ne(3); i3++) {
                            for (long i2 = 0; i2 < d.ne(2); i2++) {
                                for (long j = 0; j < d.ne(1); j++) {
                                    for (long i = 0; i < d.ne(0); i++) {
                                        double s = 0;
                                        double abs = 0;
                                        for (long kk = 0; kk < c[2]; kk++) {
                                            double pr = a.getF32(i, kk, i2 / r2, i3 / r3) * b.getF32(j, kk, i2, i3);
                                            s += pr;
                                            abs += Math.abs(pr);
                                        }
                                        float got = d.getF32(i, j, i2, i3);
                                        assertTrue(Math.abs(got - s) <= 1e-5 * abs + 1e-6, p + " OUT_PROD " + at
                                                + " dst[" + i + "," + j + "," + i2 + "," + i3 + "] = " + got
                                                + ", expected " + s);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
