package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SSM_CONV, SSM_SCAN, RWKV_WKV6, GATED_LINEAR_ATTN against float64 recurrences, vector vs scalar, thread splits. */
class RecurrentOpsTest {
    private static final int[] THREADS = {1, 2, 3, 5};

    private static Tensor tensor(Context ctx, Arena arena, Random rnd, float lo, float hi, long... ne) {
        Tensor t = ctx.newTensor(GgmlType.F32, ne);
        OpHarness.alloc(arena, t);
        OpHarness.fill(t, rnd, lo, hi);
        return t;
    }

    /**
     * Checks every provider: close to the float64 reference, bit-identical across thread counts, and (if
     * {@code exact}) bit-identical to the scalar provider.
     */
    private static void check(Tensor r, double[] ref, double bound, boolean exact) {
        float[] reff = new float[ref.length];
        for (int i = 0; i < ref.length; i++) {
            reff[i] = (float) ref[i];
        }
        float[] scalar = OpHarness.compute(KernelProvider.scalar(), r, 1);
        assertTrue(OpHarness.nmse(scalar, reff) < bound, "scalar nmse " + OpHarness.nmse(scalar, reff));
        for (KernelProvider p : OpHarness.providers()) {
            float[] one = OpHarness.compute(p, r, 1);
            if (exact) {
                OpHarness.assertSameBits(scalar, one, p.name() + " vs scalar");
            } else {
                assertTrue(OpHarness.nmse(one, scalar) < 1e-12, p.name() + " vs scalar " + OpHarness.nmse(one, scalar));
            }
            for (int nth : THREADS) {
                OpHarness.assertSameBits(one, OpHarness.compute(p, r, nth), p.name() + " nth=" + nth);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"4, 5, 24, 2", "1, 4, 6, 1", "3, 7, 10, 3", "4, 1, 33, 1", "4, 9, 130, 2"})
    void ssmConvIsASlidingDotProduct(int dConv, int nT, int dInner, int nS) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Random rnd = new Random(dInner);
            Tensor sx = tensor(ctx, arena, rnd, -1, 1, dConv - 1 + nT, dInner, nS);
            Tensor c = tensor(ctx, arena, rnd, -1, 1, dConv, dInner);
            Tensor r = ctx.ssmConv(sx, c);
            OpHarness.alloc(arena, r);
            double[] ref = new double[(int) r.nelements()];
            for (int s = 0; s < nS; s++) {
                for (int t = 0; t < nT; t++) {
                    for (int i = 0; i < dInner; i++) {
                        for (int j = 0; j < dConv; j++) {
                            ref[(s * nT + t) * dInner + i] += (double) sx.getF32(t + j, i, s, 0) * c.getF32(j, i, 0, 0);
                        }
                    }
                }
            }
            check(r, ref, 1e-12, true);
        }
    }

    @ParameterizedTest
    @CsvSource({"16, 32, 1, 3", "16, 8, 4, 1", "4, 5, 9, 1", "8, 12, 6, 2", "64, 7, 3, 2", "35, 9, 5, 1"})
    void ssmScanFollowsTheSelectiveScan(int dState, int dInner, int nT, int nSeqs) {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Random rnd = new Random(dState * 100L + dInner);
            Tensor s = tensor(ctx, arena, rnd, -1, 1, dState, dInner, nSeqs);
            Tensor x = tensor(ctx, arena, rnd, -1, 1, dInner, nT, nSeqs);
            Tensor dt = tensor(ctx, arena, rnd, -3, 2, dInner, nT, nSeqs);
            dt.setF32(0, 25f); // above the softplus threshold
            Tensor a = tensor(ctx, arena, rnd, -2, -0.05f, dState, dInner);
            Tensor b = tensor(ctx, arena, rnd, -1, 1, dState, nT, nSeqs);
            Tensor c = tensor(ctx, arena, rnd, -1, 1, dState, nT, nSeqs);
            Tensor r = ctx.ssmScan(s, x, dt, a, b, c);
            OpHarness.alloc(arena, r);
            double[] ref = new double[(int) r.nelements()];
            int yCount = dInner * nT * nSeqs;
            for (int q = 0; q < nSeqs; q++) {
                for (int i = 0; i < dInner; i++) {
                    double[] st = new double[dState];
                    for (int j = 0; j < dState; j++) {
                        st[j] = s.getF32(j, i, q, 0);
                    }
                    for (int t = 0; t < nT; t++) {
                        double d = dt.getF32(i, t, q, 0);
                        double sp = d <= 20 ? Math.log1p(Math.exp(d)) : d;
                        double y = 0;
                        for (int j = 0; j < dState; j++) {
                            st[j] = st[j] * Math.exp(sp * a.getF32(j, i, 0, 0))
                                    + b.getF32(j, t, q, 0) * x.getF32(i, t, q, 0) * sp;
                            y += st[j] * c.getF32(j, t, q, 0);
                        }
                        ref[(q * nT + t) * dInner + i] = y;
                    }
                    for (int j = 0; j < dState; j++) {
                        ref[yCount + (q * dInner + i) * dState + j] = st[j];
                    }
                }
            }
            check(r, ref, 1e-11, false);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 20, 5, 2", "1, 32, 1, 1", "2, 16, 4, 1", "2, 64, 3, 1", "3, 8, 3, 2", "4, 33, 6, 3"})
    void rwkvWkv6AndGlaFollowTheirRecurrences(int heads, int size, int perSeq, int nSeqs) {
        for (boolean wkv6 : new boolean[]{true, false}) {
            try (Arena arena = Arena.ofShared()) {
                Context ctx = new Context();
                Random rnd = new Random(heads * 1000L + size);
                int tokens = perSeq * nSeqs;
                Tensor k = tensor(ctx, arena, rnd, -1, 1, size, heads, tokens);
                Tensor v = tensor(ctx, arena, rnd, -1, 1, size, heads, tokens);
                Tensor rq = tensor(ctx, arena, rnd, -1, 1, size, heads, tokens);
                Tensor tf = tensor(ctx, arena, rnd, -1, 1, size, heads);
                Tensor decay = tensor(ctx, arena, rnd, 0.5f, 1, size, heads, tokens);
                Tensor state = tensor(ctx, arena, rnd, -0.5f, 0.5f, (long) size * size * heads, nSeqs);
                float scale = 0.35f;
                Tensor r = wkv6 ? ctx.rwkvWkv6(k, v, rq, tf, decay, state)
                        : ctx.gatedLinearAttn(k, v, rq, decay, state, scale);
                OpHarness.alloc(arena, r);
                int c = size * heads;
                double[] ref = new double[(int) r.nelements()];
                for (int q = 0; q < nSeqs; q++) {
                    for (int h = 0; h < heads; h++) {
                        double[][] st = new double[size][size];
                        for (int i = 0; i < size; i++) {
                            for (int j = 0; j < size; j++) {
                                st[i][j] = state.getF32((long) h * size * size + (long) i * size + j, q, 0, 0);
                            }
                        }
                        for (int t = q * perSeq; t < (q + 1) * perSeq; t++) {
                            for (int j = 0; j < size; j++) {
                                double out = 0;
                                for (int i = 0; i < size; i++) {
                                    double kv = (double) k.getF32(i, h, t, 0) * v.getF32(j, h, t, 0);
                                    if (wkv6) {
                                        out += rq.getF32(i, h, t, 0) * (tf.getF32(i, h, 0, 0) * kv + st[i][j]);
                                    } else {
                                        out += (st[i][j] * decay.getF32(i, h, t, 0) + kv) * rq.getF32(i, h, t, 0)
                                                * scale;
                                    }
                                }
                                ref[t * c + h * size + j] = out;
                            }
                            for (int i = 0; i < size; i++) {
                                for (int j = 0; j < size; j++) {
                                    double kv = (double) k.getF32(i, h, t, 0) * v.getF32(j, h, t, 0);
                                    st[i][j] = st[i][j] * decay.getF32(i, h, t, 0) + kv;
                                }
                            }
                        }
                        for (int i = 0; i < size; i++) {
                            for (int j = 0; j < size; j++) {
                                ref[tokens * c + q * size * c + h * size * size + i * size + j] = st[i][j];
                            }
                        }
                    }
                }
                check(r, ref, 1e-11, true);
            }
        }
    }

    @Test
    void linearAttentionShapeRulesAreChecked() {
        Context ctx = new Context();
        Tensor k = ctx.newTensor(GgmlType.F32, 8, 2, 5);
        Tensor tf = ctx.newTensor(GgmlType.F32, 8, 2);
        Tensor state2 = ctx.newTensor(GgmlType.F32, 8 * 8 * 2, 2);
        // 5 tokens cannot be split into 2 sequences
        assertThrows(ShapeException.class, () -> ctx.rwkvWkv6(k, k, k, tf, k, state2));
        assertThrows(ShapeException.class, () -> ctx.gatedLinearAttn(k, k, k, k, state2, 1f));
        Tensor badTf = ctx.newTensor(GgmlType.F32, 8, 1);
        Tensor state1 = ctx.newTensor(GgmlType.F32, 8 * 8 * 2, 1);
        assertThrows(ShapeException.class, () -> ctx.rwkvWkv6(k, k, k, badTf, k, state1));
    }
}
