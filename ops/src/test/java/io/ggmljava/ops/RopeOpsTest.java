package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ROPE / ROPE_BACK: vector against scalar (bit for bit), thread splits, inverse rotation, a float64 reference. */
class RopeOpsTest {
    record Case(GgmlType type, long ne0, long ne1, long ne2, long ne3, int nDims, int mode, boolean ff,
                float freqScale, float extFactor, int nCtxOrig, int maxPos) {
    }

    /** Builds ROPE (or ROPE_BACK) over random data; positions below {@code maxPos}. */
    static Tensor build(Context ctx, Arena arena, Case c, boolean back, long seed) {
        Random rnd = new Random(seed);
        Tensor a = ctx.newTensor(c.type, c.ne0, c.ne1, c.ne2, c.ne3);
        Tensor pos = ctx.newTensor1d(GgmlType.I32, c.ne2);
        Tensor ff = c.ff ? ctx.newTensor1d(GgmlType.F32, c.nDims / 2) : null;
        OpHarness.alloc(arena, a, pos);
        OpHarness.fill(a, rnd, -1, 1);
        for (int i = 0; i < c.ne2; i++) {
            pos.setI32(i, rnd.nextInt(c.maxPos));
        }
        if (ff != null) {
            OpHarness.alloc(arena, ff);
            OpHarness.fill(ff, rnd, 0.9f, 1.1f);
        }
        Tensor r = back
                ? ctx.ropeExtBack(a, pos, ff, c.nDims, c.mode, c.nCtxOrig, 10000f, c.freqScale, c.extFactor, 1.0f,
                32f, 1f)
                : ctx.ropeExt(a, pos, ff, c.nDims, c.mode, c.nCtxOrig, 10000f, c.freqScale, c.extFactor, 1.0f, 32f,
                1f);
        OpHarness.alloc(arena, r);
        return r;
    }

    @ParameterizedTest
    @CsvSource({
            // type, ne0, ne1, ne2, ne3, nDims, mode, ff, freqScale, extFactor, nCtxOrig, maxPos
            "F32, 2, 1, 1, 1, 2, 0, false, 1, 0, 0, 30000",
            "F32, 6, 3, 7, 1, 6, 0, false, 1, 0, 0, 30000",
            "F32, 14, 3, 7, 1, 14, 2, false, 1, 0, 0, 30000",
            "F32, 34, 5, 13, 2, 30, 0, true, 0.5, 0, 0, 30000",
            "F32, 62, 5, 13, 1, 62, 2, true, 0.25, 1, 4096, 30000",
            "F32, 128, 4, 31, 1, 128, 0, false, 0.25, 1, 4096, 30000",
            "F32, 128, 4, 31, 1, 128, 2, false, 1.4245, 0.7465, 512, 30000",
            "F32, 130, 3, 33, 1, 96, 2, true, 1, 0, 0, 30000",
            "F32, 256, 2, 9, 1, 254, 0, false, 1, 0, 0, 1000000",
            "F16, 6, 3, 7, 1, 6, 0, false, 1, 0, 0, 30000",
            "F16, 34, 5, 13, 2, 30, 2, true, 0.5, 1, 2048, 30000",
            "F16, 128, 4, 7, 1, 128, 0, false, 1, 0, 0, 30000",
            "F16, 130, 3, 9, 1, 64, 2, false, 1, 0, 0, 30000",
    })
    void vectorEqualsScalarBitForBitAndThreadsAgree(GgmlType type, long ne0, long ne1, long ne2, long ne3, int nDims,
                                                   int mode, boolean ff, float fs, float ef, int nCtxOrig,
                                                   int maxPos) {
        Case c = new Case(type, ne0, ne1, ne2, ne3, nDims, mode, ff, fs, ef, nCtxOrig, maxPos);
        for (boolean back : new boolean[]{false, true}) {
            try (Arena arena = Arena.ofShared()) {
                Tensor r = build(new Context(), arena, c, back, 42);
                float[] ref = OpHarness.compute(KernelProvider.scalar(), r, 1);
                for (KernelProvider p : OpHarness.providers()) {
                    for (int nth : new int[]{1, 2, 3, 5}) {
                        OpHarness.assertSameBits(ref, OpHarness.compute(p, r, nth), c + " back=" + back + " "
                                + p.name() + " nth=" + nth);
                    }
                }
            }
        }
    }

    @Test
    void matchesFloat64ReferenceWithGgmlsAngleRecurrence() {
        // normal mode, YaRN on, positions up to 30000: the recurrence theta *= theta_scale (float) decides the angle
        Case c = new Case(GgmlType.F32, 64, 3, 17, 1, 64, 0, false, 0.25f, 1f, 4096, 30000);
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor r = build(ctx, arena, c, false, 7);
            Tensor a = r.src(0);
            Tensor pos = r.src(1);
            float[] out = OpHarness.compute(KernelProvider.scalar(), r, 1);
            float[] corr = RopeSpec.yarnCorrDims(64, 4096, 10000f, 32f, 1f);
            double mscale = 1 + 0.1 * Math.log(1 / 0.25);
            float thetaScale = (float) Math.pow(10000f, -2.0f / 64);
            double num = 0;
            double den = 0;
            double naive = 0; // the same with the exact angle pos * base^(-2i/n): what ggml does NOT compute
            for (int i2 = 0; i2 < c.ne2; i2++) {
                float theta = pos.getI32(i2);
                for (int i = 0; i < 32; i++) {
                    double extrap = theta;
                    double interp = 0.25 * extrap;
                    double y = (i - corr[0]) / Math.max(0.001, corr[1] - corr[0]);
                    double ramp = (1 - Math.min(1, Math.max(0, y))) * 1.0;
                    double angle = interp * (1 - ramp) + extrap * ramp;
                    double exact = pos.getI32(i2) * Math.pow(10000, -2.0 * i / 64);
                    double exactAngle = 0.25 * exact * (1 - ramp) + exact * ramp;
                    for (int i1 = 0; i1 < c.ne1; i1++) {
                        double x0 = a.getF32(2 * i, i1, i2, 0);
                        double x1 = a.getF32(2 * i + 1, i1, i2, 0);
                        double y0 = (x0 * Math.cos(angle) - x1 * Math.sin(angle)) * mscale;
                        double y1 = (x0 * Math.sin(angle) + x1 * Math.cos(angle)) * mscale;
                        long base = ((long) i2 * c.ne1 + i1) * 64;
                        num += sq(y0 - out[(int) base + 2 * i]) + sq(y1 - out[(int) base + 2 * i + 1]);
                        den += y0 * y0 + y1 * y1;
                        double z0 = (x0 * Math.cos(exactAngle) - x1 * Math.sin(exactAngle)) * mscale;
                        naive += sq(z0 - out[(int) base + 2 * i]);
                    }
                    theta *= thetaScale; // float, as ggml
                }
            }
            // float rounding of the mix and of the products leaves ~1e-11; a direct pow angle is off by far more
            assertTrue(num / den < 1e-9, "nmse " + num / den);
            assertTrue(naive / den > 1e-8, "the direct angle should differ visibly: " + naive / den);
        }
    }

    @Test
    void ropeBackUndoesRope() {
        Case c = new Case(GgmlType.F32, 40, 3, 5, 1, 32, 2, true, 0.5f, 1f, 2048, 30000);
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor fwd = build(ctx, arena, c, false, 3);
            Tensor back = ctx.ropeExtBack(fwd, fwd.src(1), fwd.src(2), c.nDims, c.mode, c.nCtxOrig, 10000f, 0.5f, 1f,
                    1.0f, 32f, 1f);
            OpHarness.alloc(arena, back);
            OpHarness.compute(KernelProvider.vector(512), fwd, 2);
            float[] restored = OpHarness.compute(KernelProvider.vector(512), back, 2);
            float[] orig = fwd.src(0).toFloatArray();
            // the rotation scales by mscale; ROPE_BACK applies it again: divide by mscale^2
            double ms = 1 + 0.1 * Math.log(2);
            for (int i = 0; i < orig.length; i++) {
                int d = i % 40;
                double expect = d < 32 ? orig[i] * ms * ms : orig[i];
                assertTrue(Math.abs(restored[i] - expect) < 1e-5, "element " + i + ": " + restored[i] + " vs " + expect);
            }
        }
    }

    @Test
    void inPlaceRopeEqualsOutOfPlace() {
        Case c = new Case(GgmlType.F32, 64, 4, 9, 1, 64, 0, false, 1f, 0f, 0, 30000);
        for (KernelProvider p : OpHarness.providers()) {
            try (Arena arena = Arena.ofShared()) {
                Context ctx = new Context();
                Tensor r = build(ctx, arena, c, false, 11);
                float[] expect = OpHarness.compute(p, r, 1);
                Tensor inplace = ctx.ropeInplace(r.src(0), r.src(1), 64, 0);
                OpHarness.assertSameBits(expect, OpHarness.compute(p, inplace, 2), "in-place " + p.name());
            }
        }
    }

    @Test
    void unsupportedInputsFailClearly() {
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = ctx.newTensor(GgmlType.F32, 8, 2, 3);
            Tensor pos = ctx.newTensor1d(GgmlType.I32, 3);
            OpHarness.alloc(arena, a, pos);
            Tensor odd = ctx.rope(a, pos, 7, 0);
            OpHarness.alloc(arena, odd);
            assertThrows(IllegalArgumentException.class, () -> Kernels.computeNode(KernelProvider.scalar(), odd));
            Tensor mrope = ctx.rope(a, pos, 8, 8);
            OpHarness.alloc(arena, mrope);
            assertThrows(UnsupportedOperationException.class,
                    () -> Kernels.computeNode(KernelProvider.scalar(), mrope));
        }
    }

    private static double sq(double x) {
        return x * x;
    }
}
