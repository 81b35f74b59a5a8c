package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** FLASH_ATTN_EXT against a float64 softmax attention, vector against scalar, thread splits, layouts. */
class FlashAttnOpsTest {
    /** Builds a case; {@code permuted} feeds q, k, v as [D, n_head, n, 1] leaves permuted (0, 2, 1, 3). */
    static Tensor build(Context ctx, Arena arena, int d, int nq, int nHead, int nHeadKv, int nKv, GgmlType kvType,
                        int mask, float maxBias, float softcap, boolean permuted, long seed) {
        Random rnd = new Random(seed);
        Tensor q = leaf(ctx, arena, rnd, GgmlType.F32, d, nq, nHead, permuted);
        Tensor k = leaf(ctx, arena, rnd, kvType, d, nKv, nHeadKv, permuted);
        Tensor v = leaf(ctx, arena, rnd, kvType, d, nKv, nHeadKv, permuted);
        Tensor m = null;
        if (mask > 0) {
            long rows = (nq + Context.KQ_MASK_PAD - 1) / Context.KQ_MASK_PAD * Context.KQ_MASK_PAD;
            m = ctx.newTensor(GgmlType.F16, nKv + (mask == 2 ? 5 : 0), rows);
            OpHarness.alloc(arena, m);
            OpHarness.fill(m, rnd, -1, 1);
            if (mask == 2) { // causal -inf plus a wider-than-n_kv mask
                for (int i = 0; i < nq; i++) {
                    for (int j = 0; j < nKv + 5; j++) {
                        if (j > i + nKv - nq) {
                            m.setF32(j, i, 0, 0, Float.NEGATIVE_INFINITY);
                        }
                    }
                }
            }
        }
        float scale = (float) (1 / Math.sqrt(d));
        Tensor r = ctx.flashAttnExt(q, k, v, m, scale, maxBias, softcap);
        OpHarness.alloc(arena, r);
        return r;
    }

    private static Tensor leaf(Context ctx, Arena arena, Random rnd, GgmlType type, int d, int n, int heads,
                               boolean permuted) {
        Tensor t = permuted ? ctx.newTensor(type, d, heads, n) : ctx.newTensor(type, d, n, heads);
        OpHarness.alloc(arena, t);
        OpHarness.fill(t, rnd, -1, 1);
        return permuted ? ctx.permute(t, 0, 2, 1, 3) : t;
    }

    /** softmax(q·k*scale (softcapped) + slope*mask) · v in float64, on the f16-rounded q the kernel sees. */
    static float[] reference(Tensor dst) {
        Tensor q = dst.src(0);
        Tensor k = dst.src(1);
        Tensor v = dst.src(2);
        Tensor m = dst.src(3);
        float scale = dst.opParamF32(0);
        float maxBias = dst.opParamF32(1);
        float softcap = dst.opParamF32(2);
        int d = (int) q.ne(0);
        long nq = q.ne(1);
        long nHead = q.ne(2);
        long nKv = k.ne(1);
        int nHeadLog2 = Integer.highestOneBit((int) nHead);
        double m0 = Math.pow(2, -maxBias / nHeadLog2);
        double m1 = Math.pow(2, -maxBias / 2 / nHeadLog2);
        float[] out = new float[(int) (d * nHead * nq)];
        for (int h = 0; h < nHead; h++) {
            double slope = maxBias > 0 ? h < nHeadLog2 ? Math.pow(m0, h + 1) : Math.pow(m1, 2 * (h - nHeadLog2) + 1)
                    : 1;
            long hk = h / (nHead / k.ne(2));
            for (int i = 0; i < nq; i++) {
                double[] s = new double[(int) nKv];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < nKv; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        float qe = k.type() == GgmlType.F16 ? Float.float16ToFloat(Float.floatToFloat16(
                                q.getF32(e, i, h, 0))) : q.getF32(e, i, h, 0);
                        dot += qe * (double) k.getF32(e, j, hk, 0);
                    }
                    dot *= scale;
                    if (softcap != 0) {
                        dot = softcap * Math.tanh(dot / softcap);
                    }
                    s[j] = dot + (m != null ? slope * m.getF32(j, i, 0, 0) : 0);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < nKv; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int e = 0; e < d; e++) {
                    double acc = 0;
                    for (int j = 0; j < nKv; j++) {
                        acc += s[j] * v.getF32(e, j, hk, 0);
                    }
                    out[(int) ((i * nHead + h) * d + e)] = (float) (acc / sum);
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({
            // d, nq, nHead, nHeadKv, nKv, kv type, mask (0 none, 1 random, 2 causal+wide), maxBias, softcap, permuted
            "64, 1, 4, 4, 32, F16, 1, 0, 0, false",
            "64, 7, 2, 2, 48, F16, 2, 0, 0, false",
            "128, 5, 4, 2, 33, F16, 2, 0, 0, true",
            "128, 3, 2, 2, 32, F16, 1, 0, 10, false",
            "64, 3, 6, 3, 31, F16, 1, 8, 0, false",
            "80, 4, 3, 1, 127, F16, 0, 0, 0, true",
            "7, 3, 2, 1, 13, F16, 1, 0, 0, false",
            "64, 5, 4, 2, 19, F32, 1, 8, 20, false",
            "33, 2, 2, 2, 9, F32, 0, 0, 0, true",
    })
    void matchesFloat64AttentionOnEveryProviderAndThreadCount(int d, int nq, int nHead, int nHeadKv, int nKv,
                                                             GgmlType kvType, int mask, float maxBias, float softcap,
                                                             boolean permuted) {
        try (Arena arena = Arena.ofShared()) {
            Tensor r = build(new Context(), arena, d, nq, nHead, nHeadKv, nKv, kvType, mask, maxBias, softcap,
                    permuted, d * 31L + nKv);
            float[] ref = reference(r);
            float[] scalar = OpHarness.compute(KernelProvider.scalar(), r, 1);
            // f16 V accumulation costs ~1e-6; ggml's own tolerance is 5e-4
            double bound = kvType == GgmlType.F16 ? 5e-5 : 1e-10;
            assertTrue(OpHarness.nmse(scalar, ref) < bound, "scalar nmse " + OpHarness.nmse(scalar, ref));
            for (KernelProvider p : OpHarness.providers()) {
                float[] one = OpHarness.compute(p, r, 1);
                assertTrue(OpHarness.nmse(one, scalar) < 1e-9, p.name() + " vs scalar " + OpHarness.nmse(one, scalar));
                for (int nth : new int[]{2, 3, 7}) {
                    OpHarness.assertSameBits(one, OpHarness.compute(p, r, nth), p.name() + " nth=" + nth);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"Q8_0, F16", "Q4_0, Q8_0", "F16, BF16"})
    void quantizedKeysAndValuesGoThroughTheQuantKernels(GgmlType kt, GgmlType vt) {
        // K and V made from f32 data, then compared with float64 attention over their dequantized values; Q is
        // rounded to K's dot type (q8_0 for q4_0/q8_0), which the bound allows for
        int d = 64;
        int nKv = 40;
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Random rnd = new Random(kt.ordinal() * 7L + vt.ordinal());
            Tensor q = ctx.newTensor(GgmlType.F32, d, 3, 4);
            OpHarness.alloc(arena, q);
            OpHarness.fill(q, rnd, -1, 1);
            Tensor k = quantized(ctx, arena, rnd, kt, d, nKv, 2);
            Tensor v = quantized(ctx, arena, rnd, vt, d, nKv, 2);
            Tensor r = ctx.flashAttnExt(q, k, v, null, 0.125f, 0, 0);
            OpHarness.alloc(arena, r);
            Tensor kf = dequantized(ctx, arena, k);
            Tensor vf = dequantized(ctx, arena, v);
            Tensor rf = ctx.flashAttnExt(q, kf, vf, null, 0.125f, 0, 0);
            float[] ref = reference(rf);
            float[] scalar = OpHarness.compute(KernelProvider.scalar(), r, 1);
            assertTrue(OpHarness.nmse(scalar, ref) < 1e-4, "scalar nmse " + OpHarness.nmse(scalar, ref));
            for (KernelProvider p : OpHarness.vectorProviders()) {
                float[] out = OpHarness.compute(p, r, 2);
                assertTrue(OpHarness.nmse(out, scalar) < 1e-9, p.name() + " vs scalar " + OpHarness.nmse(out, scalar));
            }
        }
    }

    private static Tensor quantized(Context ctx, Arena arena, Random rnd, GgmlType type, int d, int n, int heads) {
        Tensor t = ctx.newTensor(type, d, n, heads);
        OpHarness.alloc(arena, t);
        MemorySegment row = arena.allocate(4L * d);
        for (long r = 0; r < (long) n * heads; r++) {
            for (int i = 0; i < d; i++) {
                row.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, rnd.nextFloat() * 2 - 1);
            }
            KernelProvider.scalar().quant().quantizeRow(type, row, 0, t.data(), r * t.nb(1), d);
        }
        return t;
    }

    private static Tensor dequantized(Context ctx, Arena arena, Tensor t) {
        Tensor f = ctx.newTensor(GgmlType.F32, t.shape());
        OpHarness.alloc(arena, f);
        for (long r = 0; r < t.nrows(); r++) {
            KernelProvider.scalar().quant().dequantizeRow(t.type(), t.data(), r * t.nb(1), f.data(), r * f.nb(1),
                    t.ne(0));
        }
        return f;
    }

    @Test
    void fullyMaskedRowGivesNaNLikeGgml() {
        // every key masked: ggml divides 0 by a zero sum
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor r = build(ctx, arena, 16, 2, 1, 1, 8, GgmlType.F16, 1, 0, 0, false, 1);
            Tensor m = r.src(3);
            for (int j = 0; j < 8; j++) {
                m.setF32(j, 1, 0, 0, Float.NEGATIVE_INFINITY);
            }
            for (KernelProvider p : OpHarness.providers()) {
                float[] out = OpHarness.compute(p, r, 1);
                assertTrue(Float.isFinite(out[0]) && Float.isNaN(out[16]), p.name());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 13, 31, 33, 127, 1021, 4098})
    void primitivesMatchScalar(int n) {
        AttentionKernels s = KernelProvider.scalar().attention();
        Random rnd = new Random(n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x32 = arena.allocate(4L * n + 12);
            MemorySegment x16 = arena.allocate(2L * n + 6);
            MemorySegment y16 = arena.allocate(2L * n + 6);
            for (int i = 0; i < n; i++) {
                x32.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i + 3, rnd.nextFloat() * 4 - 2);
                x16.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i + 3,
                        Float.floatToFloat16(rnd.nextFloat() * 2 - 1));
                y16.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i + 3,
                        Float.floatToFloat16(rnd.nextFloat() * 2 - 1));
            }
            for (KernelProvider p : OpHarness.vectorProviders()) {
                AttentionKernels v = p.attention();
                // odd offsets: unaligned data
                assertEquals(s.dotF16(x16, 6, y16, 6, n), v.dotF16(x16, 6, y16, 6, n), 1e-5 * n, p.name());
                assertEquals(s.dotF32(x32, 12, x32, 12, n), v.dotF32(x32, 12, x32, 12, n), 1e-5 * n, p.name());
                MemorySegment a = arena.allocate(2L * n + 6);
                MemorySegment b = arena.allocate(2L * n + 6);
                s.toF16(x32, 12, a, 6, n);
                v.toF16(x32, 12, b, 6, n);
                assertEquals(-1L, a.mismatch(b), p.name() + " toF16");
                MemorySegment c = arena.allocate(4L * n + 12);
                MemorySegment e = arena.allocate(4L * n + 12);
                s.fromF16(a, 6, c, 12, n);
                v.fromF16(b, 6, e, 12, n);
                assertEquals(-1L, c.mismatch(e), p.name() + " fromF16");
                s.madHalf(c, 12, x16, 6, n, 0.37f);
                v.madHalf(e, 12, x16, 6, n, 0.37f);
                s.scaleHalf(c, 12, n, 0.61f);
                v.scaleHalf(e, 12, n, 0.61f);
                assertEquals(-1L, c.mismatch(e), p.name() + " half mad/scale");
                s.madF32(c, 12, x32, 12, n, 1.7f);
                v.madF32(e, 12, x32, 12, n, 1.7f);
                s.scaleF32(c, 12, n, 0.3f);
                v.scaleF32(e, 12, n, 0.3f);
                assertEquals(-1L, c.mismatch(e), p.name() + " f32 mad/scale");
            }
        }
    }

    @Test
    void badInputsFailClearly() {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor q = ctx.newTensor(GgmlType.F32, 16, 2, 2);
            Tensor k = ctx.newTensor(GgmlType.F16, 16, 8, 2);
            Tensor v = ctx.newTensor(GgmlType.F16, 16, 8, 2);
            Tensor m32 = ctx.newTensor(GgmlType.F32, 8, 64);
            Tensor narrow = ctx.newTensor(GgmlType.F16, 7, 64);
            OpHarness.alloc(arena, q, k, v, m32);
            assertThrows(ShapeException.class, () -> ctx.flashAttnExt(q, k, v, narrow, 1, 0, 0));
            Tensor r = ctx.flashAttnExt(q, k, v, m32, 1, 0, 0);
            OpHarness.alloc(arena, r);
            UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class,
                    () -> Kernels.computeNode(KernelProvider.scalar(), r));
            assertTrue(e.getMessage().contains("mask"), e.getMessage());
        }
    }
}
