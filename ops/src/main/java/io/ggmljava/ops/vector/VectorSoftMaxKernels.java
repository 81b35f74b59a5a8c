package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.SoftMaxKernels;
import io.ggmljava.ops.scalar.GgmlMath;
import io.ggmljava.ops.scalar.ScalarSoftMaxKernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link SoftMaxKernels} (a template: see {@link Specialized}; one copy per width).
 *
 * <p>Per row, three passes as in ggml: logits {@code x*scale + slope*mask} (fused multiply-add, as the scalar
 * kernel) and their maximum; {@code e = expf(w - max)} with ggml's {@code expf} (bit-identical to the scalar one),
 * summed in double lanes; then {@code y = e * (float) (1/sum)}. Only the order of the double additions differs from
 * the scalar kernel. Rows shorter than two vectors go to the scalar code.
 */
final class VectorSoftMaxKernels implements SoftMaxKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final ScalarSoftMaxKernels SCALAR = ScalarSoftMaxKernels.INSTANCE;

    VectorSoftMaxKernels() {
    }

    static FloatVector load(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F, s, off, LE);
    }

    static double lanes(DoubleVector v) {
        double s = 0;
        for (double d : v.toArray()) {
            s += d;
        }
        return s;
    }

    @Override
    public void softMax(MemorySegment x, long xOff, MemorySegment mask, long maskOff, GgmlType maskType, float scale,
                        float slope, MemorySegment y, long yOff, int n) {
        if (n < 2 * L) {
            SCALAR.softMax(x, xOff, mask, maskOff, maskType, scale, slope, y, yOff, n);
            return;
        }
        // one pass per method, passing only memory and numbers: no vector ever crosses a call that C2 might not
        // inline (it would be boxed), and each loop stays within the inlining budget
        float max = logits(x, xOff, mask, maskOff, maskType == GgmlType.F16, scale, slope, y, yOff, n);
        exps(y, yOff, n, max);
        double sum = sum(y, yOff, n);
        float inv = (float) (1.0 / sum);
        scale(y, yOff, n, inv);
    }

    /** {@code y = x*scale + slope*mask}; returns the maximum of y (C's MAX: a NaN makes the row NaN anyway). */
    private static float logits(MemorySegment x, long xOff, MemorySegment mask, long maskOff, boolean f16,
                                float scale, float slope, MemorySegment y, long yOff, int n) {
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector vslope = FloatVector.broadcast(F, slope);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector w = load(x, xOff + 4L * i).mul(scale);
            if (mask != null) {
                FloatVector m;
                if (f16) {
                    // L f16 values widened exactly (as Float.float16ToFloat), written out: see exps
                    IntVector h = (IntVector) ShortVector.fromMemorySegment(S, mask, maskOff + 2L * i, LE)
                            .convertShape(VectorOperators.S2I, I, 0);
                    IntVector em = h.and(0x7FFF);
                    IntVector bits = em.lanewise(VectorOperators.LSHL, 13);
                    IntVector r = bits.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
                    r = r.blend(bits.or(0x7F800000), em.compare(VectorOperators.EQ, 0x7C00));
                    r = r.blend(bits.or(0x7FC00000), em.compare(VectorOperators.GT, 0x7C00));
                    m = r.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                } else {
                    m = load(mask, maskOff + 4L * i);
                }
                w = m.fma(vslope, w);
            }
            w.intoMemorySegment(y, yOff + 4L * i, LE);
            vmax = vmax.max(w);
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float w = x.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i) * scale;
            if (mask != null) {
                float m = f16 ? Float.float16ToFloat(mask.get(io.ggmljava.ops.Layouts.I16, maskOff + 2L * i))
                        : mask.get(io.ggmljava.ops.Layouts.F32, maskOff + 4L * i);
                w = Math.fma(slope, m, w);
            }
            y.set(io.ggmljava.ops.Layouts.F32, yOff + 4L * i, w);
            max = max > w ? max : w;
        }
        return max;
    }

    /** {@code y = expf(y - max)} in place. */
    private static void exps(MemorySegment y, long yOff, int n, float max) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector x = load(y, yOff + 4L * i).sub(max);
            {
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
                e.intoMemorySegment(y, yOff + 4L * i, LE);
            }
        }
        for (; i < n; i++) {
            y.set(io.ggmljava.ops.Layouts.F32, yOff + 4L * i,
                    GgmlMath.expf(y.get(io.ggmljava.ops.Layouts.F32, yOff + 4L * i) - max));
        }
    }

    /** {@code sum y[i]} in double lanes, added in a fixed order. */
    private static double sum(MemorySegment y, long yOff, int n) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector e = load(y, yOff + 4L * i);
            a0 = a0.add((DoubleVector) e.convert(VectorOperators.F2D, 0));
            a1 = a1.add((DoubleVector) e.convert(VectorOperators.F2D, 1));
        }
        double s = lanes(a0.add(a1));
        for (; i < n; i++) {
            s += y.get(io.ggmljava.ops.Layouts.F32, yOff + 4L * i);
        }
        return s;
    }

    /** {@code y *= s} in place. */
    private static void scale(MemorySegment y, long yOff, int n, float s) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            load(y, yOff + 4L * i).mul(s).intoMemorySegment(y, yOff + 4L * i, LE);
        }
        for (; i < n; i++) {
            y.set(io.ggmljava.ops.Layouts.F32, yOff + 4L * i, y.get(io.ggmljava.ops.Layouts.F32, yOff + 4L * i) * s);
        }
    }

    @Override
    public void softMaxBack(MemorySegment dy, long dyOff, MemorySegment y, long yOff, MemorySegment dx, long dxOff,
                            int n, float scale) {
        if (n < 2 * L) {
            SCALAR.softMaxBack(dy, dyOff, y, yOff, dx, dxOff, n, scale);
            return;
        }
        int bound = F.loopBound(n);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector p = load(y, yOff + 4L * i).mul(load(dy, dyOff + 4L * i));
            a0 = a0.add((DoubleVector) p.convert(VectorOperators.F2D, 0));
            a1 = a1.add((DoubleVector) p.convert(VectorOperators.F2D, 1));
        }
        double dot = lanes(a0.add(a1));
        for (; i < n; i++) {
            dot += y.get(io.ggmljava.ops.Layouts.F32, yOff + 4L * i) * dy.get(io.ggmljava.ops.Layouts.F32, dyOff + 4L * i);
        }
        float d = (float) dot;
        i = 0;
        for (; i < bound; i += L) {
            FloatVector v = load(dy, dyOff + 4L * i).sub(d).mul(load(y, yOff + 4L * i)).mul(scale);
            v.intoMemorySegment(dx, dxOff + 4L * i, LE);
        }
        for (; i < n; i++) {
            float v = (dy.get(io.ggmljava.ops.Layouts.F32, dyOff + 4L * i) - d)
                    * y.get(io.ggmljava.ops.Layouts.F32, yOff + 4L * i);
            dx.set(io.ggmljava.ops.Layouts.F32, dxOff + 4L * i, v * scale);
        }
    }
}
