package io.ggmljava.ops.vector;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float sin/cos (and exp) for vectors, evaluated in double precision and rounded once to float, so that they equal
 * {@code (float) Math.sin(x)} and {@code (float) Math.cos(x)} (what the scalar kernels use) except when the exact
 * value lies within about 2^-45 relative of a float rounding boundary; no such float below 2^30 was found in a
 * sweep of 10^8 arguments. The Vector API's own {@code SIN}/{@code COS} are slower here than the scalar library
 * call and not correctly rounded.
 *
 * <p>Method: {@code k = round(x*2/pi)}, {@code r = x - k*pi/2} with pi/2 split in three doubles (exact enough for
 * any float below 2^30), then Taylor polynomials of sin and cos on {@code |r| <= pi/4} (truncation error below
 * 1e-19), then the quadrant {@code k mod 4} swaps and negates them. Larger or non-finite arguments go to the scalar
 * library call.
 *
 * <p>A template (see {@link Specialized}): one copy per float species, used through {@link Transcendentals}.
 */
final class VectorMath implements Transcendentals {
    /** The float species of this copy; the double and half-width float species follow from it. */
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Double> DS = VectorSpecies.of(double.class, F.vectorShape());
    static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class,
            VectorShape.forBitSize(F.vectorBitSize() / 2));

    private static final double TWO_OVER_PI = 0.6366197723675814;
    private static final double PIO2_1 = 1.5707963267948966;
    private static final double PIO2_2 = 6.123233995736766e-17;
    private static final double PIO2_3 = -1.4973849048591698e-33;
    /** Adding 1.5*2^52 rounds a double below 2^51 to an integer, which lands in the low mantissa bits. */
    private static final double ROUND_MAGIC = 0x1.8p52;
    private static final double LIMIT = 0x1p30;

    // sin(r) = r + r^3 * (S3 + r^2 * (S5 + ...)), cos(r) = 1 + r^2 * (C2 + r^2 * (C4 + ...)): 1/n! with signs
    private static final double[] SIN = {-1 / f(3), 1 / f(5), -1 / f(7), 1 / f(9), -1 / f(11), 1 / f(13), -1 / f(15),
            1 / f(17)};
    private static final double[] COS = {-1 / f(2), 1 / f(4), -1 / f(6), 1 / f(8), -1 / f(10), 1 / f(12), -1 / f(14),
            1 / f(16), -1 / f(18)};

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238;   // ln 2 with its low 32 mantissa bits zero
    private static final double LN2_LO = 1.9082149292705877e-10; // ln 2 - LN2_HI
    /** exp(r) = sum r^n/n! for n <= 13 on |r| <= ln2/2: truncation error below 1e-17 relative. */
    private static final double[] EXP = {1, 1, 1 / f(2), 1 / f(3), 1 / f(4), 1 / f(5), 1 / f(6), 1 / f(7), 1 / f(8),
            1 / f(9), 1 / f(10), 1 / f(11), 1 / f(12), 1 / f(13)};

    public VectorMath() {
    }

    @Override
    public int lanes() {
        return DS.length();
    }

    /**
     * {@code exp(x)} of {@code lanes()} floats at {@code x[xOff]}, as floats in {@code out[outOff]}: equal to
     * {@code (float) Math.exp(x)} (same method as {@link #sinCos}: double evaluation, one rounding to float).
     * Arguments outside [-200, 200] (where the float result is 0 or infinity anyway) and NaN use the library call.
     */
    @Override
    public void exp(float[] x, int xOff, float[] out, int outOff) {
        DoubleVector v = (DoubleVector) FloatVector.fromArray(HALF, x, xOff).convertShape(VectorOperators.F2D, DS, 0);
        if (!v.abs().compare(VectorOperators.LE, 200.0).allTrue()) {
            for (int j = 0; j < DS.length(); j++) {
                out[outOff + j] = (float) Math.exp(x[xOff + j]);
            }
            return;
        }
        ((FloatVector) expLanes(v).convertShape(VectorOperators.D2F, HALF, 0)).intoArray(out, outOff);
    }

    /**
     * {@code exp} of every lane of {@code v}, in double precision, for lanes in [-200, 200] or NaN (NaN stays NaN):
     * {@code k = round(x/ln2)}, {@code r = x - k*ln2} with ln 2 in two parts, the degree-13 polynomial, times 2^k
     * built from its exponent bits ({@code |k| <= 289} stays in double's normal range). Only exact IEEE operations,
     * so the result does not depend on JIT state. Works for any species (the unary kernels call it too).
     */
    static DoubleVector expLanes(DoubleVector v) {
        DoubleVector t = v.fma(LOG2E, ROUND_MAGIC);
        LongVector k = t.reinterpretAsLongs().sub(Double.doubleToRawLongBits(ROUND_MAGIC)); // round(x/ln2)
        DoubleVector kd = t.sub(ROUND_MAGIC).neg();
        DoubleVector r = kd.fma(v.broadcast(LN2_HI), v);
        r = kd.fma(v.broadcast(LN2_LO), r);
        DoubleVector p = v.broadcast(EXP[EXP.length - 1]);
        for (int c = EXP.length - 2; c >= 0; c--) {
            p = p.fma(r, v.broadcast(EXP[c]));
        }
        DoubleVector scale = k.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(scale).blend(v, v.compare(VectorOperators.NE, v));
    }

    private static double f(int n) {
        double r = 1;
        for (int i = 2; i <= n; i++) {
            r *= i;
        }
        return r;
    }

    @Override
    public void sinCos(float[] x, int xOff, int n, float[] cos, int cosOff, float[] sin, int sinOff) {
        int step = DS.length();
        int i = 0;
        for (; i + step <= n; i += step) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HALF, x, xOff + i)
                    .convertShape(VectorOperators.F2D, DS, 0);
            if (!v.abs().compare(VectorOperators.LT, LIMIT).allTrue()) {
                for (int j = i; j < i + step; j++) {
                    cos[cosOff + j] = (float) Math.cos(x[xOff + j]);
                    sin[sinOff + j] = (float) Math.sin(x[xOff + j]);
                }
                continue;
            }
            DoubleVector t = v.fma(TWO_OVER_PI, ROUND_MAGIC);
            LongVector q = t.reinterpretAsLongs(); // low bits: k (two's complement), enough for the quadrant
            DoubleVector nk = t.sub(ROUND_MAGIC).neg();
            DoubleVector r = nk.fma(DoubleVector.broadcast(DS, PIO2_1), v);
            r = nk.fma(DoubleVector.broadcast(DS, PIO2_2), r);
            r = nk.fma(DoubleVector.broadcast(DS, PIO2_3), r);
            DoubleVector r2 = r.mul(r);
            DoubleVector ps = DoubleVector.broadcast(DS, SIN[SIN.length - 1]);
            for (int c = SIN.length - 2; c >= 0; c--) {
                ps = ps.fma(r2, DoubleVector.broadcast(DS, SIN[c]));
            }
            ps = ps.mul(r2).fma(r, r);
            DoubleVector pc = DoubleVector.broadcast(DS, COS[COS.length - 1]);
            for (int c = COS.length - 2; c >= 0; c--) {
                pc = pc.fma(r2, DoubleVector.broadcast(DS, COS[c]));
            }
            pc = pc.fma(r2, DoubleVector.broadcast(DS, 1.0));
            // quadrant k: sin x = [s, c, -s, -c][k&3], cos x = [c, -s, -c, s][k&3]
            VectorMask<Double> oddK = q.and(1L).compare(VectorOperators.NE, 0L).cast(DS);
            VectorMask<Double> sinNeg = q.and(2L).compare(VectorOperators.NE, 0L).cast(DS);
            VectorMask<Double> cosNeg = q.add(1L).and(2L).compare(VectorOperators.NE, 0L).cast(DS);
            DoubleVector sv = ps.blend(pc, oddK).lanewise(VectorOperators.NEG, sinNeg);
            sv = sv.blend(v, v.compare(VectorOperators.EQ, 0.0)); // sin(-0) = -0: the sums above would give +0
            DoubleVector cv = pc.blend(ps, oddK).lanewise(VectorOperators.NEG, cosNeg);
            ((FloatVector) cv.convertShape(VectorOperators.D2F, HALF, 0)).intoArray(cos, cosOff + i);
            ((FloatVector) sv.convertShape(VectorOperators.D2F, HALF, 0)).intoArray(sin, sinOff + i);
        }
        for (; i < n; i++) {
            cos[cosOff + i] = (float) Math.cos(x[xOff + i]);
            sin[sinOff + i] = (float) Math.sin(x[xOff + i]);
        }
    }
}
