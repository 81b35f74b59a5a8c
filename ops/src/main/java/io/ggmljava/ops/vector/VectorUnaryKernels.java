package io.ggmljava.ops.vector;

import io.ggmljava.core.UnaryOp;
import io.ggmljava.ops.UnaryKernels;
import io.ggmljava.ops.scalar.GgmlMath;
import io.ggmljava.ops.scalar.ScalarUnaryKernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link UnaryKernels} (a template: see {@link Specialized}; one copy per width).
 *
 * <p>Bit-identical to the scalar kernels for ABS, SGN, NEG, STEP, RELU, GELU, GELU_QUICK, SILU, HARDSWISH,
 * HARDSIGMOID, SQR, SQRT, SCALE, CLAMP and LEAKY_RELU: same operations per lane (GELU and GELU_QUICK round the input
 * to f16 with integer operations and gather from the same tables; SILU evaluates ggml's {@code expf} with the same
 * fused multiply-adds, written out in the loop). EXP, SIGMOID and the SILU gradient evaluate exp in double
 * precision with one rounding to float ({@link #exp}), which equals the scalar {@code (float) Math.exp} in
 * practice; TANH likewise ({@link #tanh}). ELU, LOG, SIN and COS use the scalar library calls. The Vector API's own
 * transcendental functions are not used: their results depend on whether the JIT has compiled the loop yet (an
 * intrinsic or the Java fallback), so the same input could give different bits on different calls, threads or in
 * place. Rows shorter than two vectors go to the scalar code.
 */
final class VectorUnaryKernels implements UnaryKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    /** Lanes of the upper half of a float vector. */
    static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(F, -1L << (F.length() / 2));
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final ScalarUnaryKernels SCALAR = ScalarUnaryKernels.INSTANCE;

    VectorUnaryKernels() {
    }

    static FloatVector load(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F, s, off, LE);
    }

    static void store(FloatVector v, MemorySegment s, long off) {
        v.intoMemorySegment(s, off, LE);
    }

    /** C's {@code fmaxf(v, 0)}: a NaN lane gives 0. */
    static FloatVector fmaxZero(FloatVector v) {
        return FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0.0f));
    }

    @Override
    public void unary(UnaryOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        if (n < 2 * L || op == UnaryOp.ELU) {
            SCALAR.unary(op, x, xOff, y, yOff, n);
            return;
        }
        if (op == UnaryOp.SILU) {
            silu(x, xOff, y, yOff, n);
        } else if (op == UnaryOp.GELU) {
            gelu(x, xOff, y, yOff, n, GgmlMath.GELU_TABLE, true);
        } else if (op == UnaryOp.GELU_QUICK) {
            gelu(x, xOff, y, yOff, n, GgmlMath.GELU_QUICK_TABLE, false);
        } else if (op == UnaryOp.EXP || op == UnaryOp.SIGMOID) {
            expOrSigmoid(op == UnaryOp.SIGMOID, x, xOff, y, yOff, n);
        } else if (op == UnaryOp.TANH) {
            tanh(x, xOff, y, yOff, n);
        } else {
            simple(op, x, xOff, y, yOff, n);
        }
    }

    private static void silu(MemorySegment xs, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(xs, xOff + 4L * i);
            {
                FloatVector x = v.neg();
                // ggml's expf of x (bit for bit GgmlMath.expf), written out here on purpose: a helper method taking
                // vectors is compiled on its own once hot, is then too big to inline, and every call boxes
                FloatVector z = x.fma(GgmlMath.LOG2E, GgmlMath.ROUND_MAGIC);
                FloatVector nf = z.sub(GgmlMath.ROUND_MAGIC);
                FloatVector nn = nf.neg();
                FloatVector b = nn.fma(FloatVector.broadcast(F, GgmlMath.LN2_HI), x);
                b = nn.fma(FloatVector.broadcast(F, GgmlMath.LN2_LO), b);
                FloatVector u = b.mul(b);
                FloatVector p54 = FloatVector.broadcast(F, GgmlMath.C5).fma(b, FloatVector.broadcast(F, GgmlMath.C4));
                FloatVector p32 = FloatVector.broadcast(F, GgmlMath.C3).fma(b, FloatVector.broadcast(F, GgmlMath.C2));
                FloatVector p10 = FloatVector.broadcast(F, GgmlMath.C1).fma(b, FloatVector.broadcast(F, 1.0f));
                FloatVector j = p54.fma(u, p32).fma(u, p10);
                IntVector k = (IntVector) nf.convert(VectorOperators.F2I, 0);
                FloatVector e;
                if (!nf.abs().compare(VectorOperators.GT, 126.0f).anyTrue()) {
                    e = j.mul(k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                } else {
                    // j * 2^k1 * 2^k2, k1 + k2 = k: the first product is exact, the second rounds once (vscalefps)
                    IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                    e = j.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                            .mul(k.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                    FloatVector alt = FloatVector.zero(F).blend(Float.POSITIVE_INFINITY,
                            nf.compare(VectorOperators.GT, 0.0f));
                    e = e.blend(alt, nf.abs().compare(VectorOperators.GT, GgmlMath.EXP_N_LIMIT));
                }
                store(v.div(e.add(1.0f)), y, yOff + 4L * i);
            }
        }
        for (; i < n; i++) {
            float v = xs.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i);
            y.set(io.ggmljava.ops.Layouts.F32, yOff + 4L * i, GgmlMath.silu(v));
        }
    }

    /** Table GELU: the input rounded to f16 indexes {@code table}; with {@code clamp}, x <= -10 is 0, x >= 10 is x. */
    private static void gelu(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float[] table,
                             boolean clamp) {
        int[] idx = new int[L];
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i);
            // f16 bits of v (nearest even; subnormal halves via the 0.5f trick; overflow to inf; NaN to 0x7E00),
            // written out here on purpose (see silu)
            IntVector w = v.reinterpretAsInts();
            IntVector a = w.and(0x7fffffff);
            IntVector odd = a.lanewise(VectorOperators.LSHR, 13).and(1);
            IntVector h = a.add(0xC8000FFF).add(odd).lanewise(VectorOperators.LSHR, 13);
            IntVector sub = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F000000);
            h = h.blend(sub, a.compare(VectorOperators.LT, 0x38800000));
            h = h.blend(0x7c00, a.compare(VectorOperators.GE, 0x477FF000));
            h = h.blend(0x7e00, a.compare(VectorOperators.GT, 0x7f800000));
            h.or(w.lanewise(VectorOperators.LSHR, 16).and(0x8000)).intoArray(idx, 0);
            FloatVector r = FloatVector.fromArray(F, table, 0, idx, 0);
            if (clamp) {
                r = r.blend(0.0f, v.compare(VectorOperators.LE, -10.0f));
                r = r.blend(v, v.compare(VectorOperators.GE, 10.0f));
            }
            store(r, y, yOff + 4L * i);
        }
        for (; i < n; i++) {
            float v = x.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i);
            y.set(io.ggmljava.ops.Layouts.F32, yOff + 4L * i, clamp ? GgmlMath.gelu(v) : GgmlMath.geluQuick(v));
        }
    }

    /**
     * {@code exp} of every lane, evaluated in double precision ({@link VectorMath#expLanes}) and rounded once to
     * float. Lanes outside [-200, 200] are clamped first (their float result is 0 or infinity either way).
     */
    static FloatVector exp(FloatVector x) {
        return inDouble(x.max(-200.0f).min(200.0f), false);
    }

    /**
     * {@code tanh} of every lane in double precision, rounded once: {@code (e - 1) / (e + 1)} with {@code e =
     * exp(2|x|)}, or {@code x (1 - x^2/3 + 2x^4/15)} below 2^-7 where that subtraction would lose digits; the sign
     * bit of x is put back (so tanh(-0) = -0), |x| is clamped to 20 first (tanh rounds to 1 from about 9), NaN
     * stays NaN.
     */
    static FloatVector tanh(FloatVector x) {
        IntVector t = inDouble(x.abs().min(20.0f), true).reinterpretAsInts();
        return t.or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    /** exp (or, for non-negative lanes, tanh) of each half of {@code x} as doubles, rounded back to floats. */
    private static FloatVector inDouble(FloatVector x, boolean tanh) {
        DoubleVector lo = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector hi = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
        lo = tanh ? tanhOfAbs(lo) : VectorMath.expLanes(lo);
        hi = tanh ? tanhOfAbs(hi) : VectorMath.expLanes(hi);
        FloatVector l = (FloatVector) lo.convertShape(VectorOperators.D2F, F, 0);
        FloatVector h = (FloatVector) hi.convertShape(VectorOperators.D2F, F, -1);
        return l.blend(h, UPPER_HALF);
    }

    private static DoubleVector tanhOfAbs(DoubleVector a) {
        DoubleVector e = VectorMath.expLanes(a.add(a));
        DoubleVector big = e.sub(1.0).div(e.add(1.0));
        DoubleVector a2 = a.mul(a);
        DoubleVector series = a2.fma(2.0 / 15.0, -1.0 / 3.0).fma(a2, DoubleVector.broadcast(D, 1.0));
        DoubleVector small = a.mul(series);
        return big.blend(small, a.compare(VectorOperators.LT, 0x1p-7));
    }

    private static void tanh(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            store(tanh(load(x, xOff + 4L * i)), y, yOff + 4L * i);
        }
        if (i < n) {
            SCALAR.unary(UnaryOp.TANH, x, xOff + 4L * i, y, yOff + 4L * i, n - i);
        }
    }

    /** EXP, or SIGMOID as {@code 1 / (1 + exp(-x))}: their own small loop, so that C2 inlines {@link #exp}. */
    private static void expOrSigmoid(boolean sigmoid, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        FloatVector one = FloatVector.broadcast(F, 1.0f);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i);
            FloatVector r = sigmoid ? one.div(exp(v.neg()).add(1.0f)) : exp(v);
            store(r, y, yOff + 4L * i);
        }
        if (i < n) {
            SCALAR.unary(sigmoid ? UnaryOp.SIGMOID : UnaryOp.EXP, x, xOff + 4L * i, y, yOff + 4L * i, n - i);
        }
    }

    private static void simple(UnaryOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i);
            FloatVector r;
            if (op == UnaryOp.ABS) {
                r = v.abs();
            } else if (op == UnaryOp.SGN) {
                r = FloatVector.zero(F).blend(1.0f, v.compare(VectorOperators.GT, 0.0f))
                        .blend(-1.0f, v.compare(VectorOperators.LT, 0.0f));
            } else if (op == UnaryOp.NEG) {
                r = v.neg();
            } else if (op == UnaryOp.STEP) {
                r = FloatVector.zero(F).blend(1.0f, v.compare(VectorOperators.GT, 0.0f));
            } else if (op == UnaryOp.RELU) {
                r = fmaxZero(v);
            } else if (op == UnaryOp.HARDSWISH) {
                FloatVector t = fmaxZero(v.add(3.0f).div(6.0f)).min(1.0f);
                r = v.mul(t);
            } else if (op == UnaryOp.HARDSIGMOID) {
                r = fmaxZero(v.add(3.0f).div(6.0f)).min(1.0f);
            } else {
                throw new IllegalArgumentException("unary op " + op + " has its own loop");
            }
            store(r, y, yOff + 4L * i);
        }
        if (i < n) {
            SCALAR.unary(op, x, xOff + 4L * i, y, yOff + 4L * i, n - i);
        }
    }

    @Override
    public void math(MathOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        if (n < 2 * L || op == MathOp.SIN || op == MathOp.COS || op == MathOp.LOG) {
            SCALAR.math(op, x, xOff, y, yOff, n);
            return;
        }
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i);
            FloatVector r;
            if (op == MathOp.SQR) {
                r = v.mul(v);
            } else if (op == MathOp.SQRT) {
                r = v.sqrt();
            } else {
                throw new IllegalArgumentException("math op " + op + " uses the scalar code");
            }
            store(r, y, yOff + 4L * i);
        }
        if (i < n) {
            SCALAR.math(op, x, xOff + 4L * i, y, yOff + 4L * i, n - i);
        }
    }

    @Override
    public void scale(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float s) {
        if (n < 2 * L) {
            SCALAR.scale(x, xOff, y, yOff, n, s);
            return;
        }
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            store(load(x, xOff + 4L * i).mul(s), y, yOff + 4L * i);
        }
        if (i < n) {
            SCALAR.scale(x, xOff + 4L * i, y, yOff + 4L * i, n - i, s);
        }
    }

    @Override
    public void clamp(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float min, float max) {
        if (n < 2 * L) {
            SCALAR.clamp(x, xOff, y, yOff, n, min, max);
            return;
        }
        FloatVector vmin = FloatVector.broadcast(F, min);
        FloatVector vmax = FloatVector.broadcast(F, max);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i);
            FloatVector lo = vmax.blend(v, v.compare(VectorOperators.LT, max));     // MIN(x, max)
            store(vmin.blend(lo, lo.compare(VectorOperators.GT, min)), y, yOff + 4L * i); // MAX(., min)
        }
        if (i < n) {
            SCALAR.clamp(x, xOff + 4L * i, y, yOff + 4L * i, n - i, min, max);
        }
    }

    @Override
    public void leakyRelu(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float slope) {
        if (n < 2 * L) {
            SCALAR.leakyRelu(x, xOff, y, yOff, n, slope);
            return;
        }
        int i = 0;
        int bound = F.loopBound(n);
        FloatVector zero = FloatVector.zero(F);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i);
            FloatVector pos = zero.blend(v, v.compare(VectorOperators.GT, 0.0f));
            FloatVector neg = zero.blend(v, v.compare(VectorOperators.LT, 0.0f));
            store(pos.add(neg.mul(slope)), y, yOff + 4L * i);
        }
        if (i < n) {
            SCALAR.leakyRelu(x, xOff + 4L * i, y, yOff + 4L * i, n - i, slope);
        }
    }

    @Override
    public void siluBack(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
                         int n) {
        if (n < 2 * L) {
            SCALAR.siluBack(x, xOff, dy, dyOff, dx, dxOff, n);
            return;
        }
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i);
            FloatVector s = FloatVector.broadcast(F, 1.0f).div(exp(v.neg()).add(1.0f));
            FloatVector one = FloatVector.broadcast(F, 1.0f);
            FloatVector g = load(dy, dyOff + 4L * i).mul(s).mul(one.add(v.mul(one.sub(s))));
            store(g, dx, dxOff + 4L * i);
        }
        if (i < n) {
            SCALAR.siluBack(x, xOff + 4L * i, dy, dyOff + 4L * i, dx, dxOff + 4L * i, n - i);
        }
    }
}
