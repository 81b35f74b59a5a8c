package io.ggmljava.ops.vector;

import io.ggmljava.ops.NormKernels;
import io.ggmljava.ops.scalar.ScalarNormKernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link NormKernels} (a template: see {@link Specialized}; one copy per width).
 *
 * <p>Element operations are the scalar kernels' (squares in float, centring in float, one float scale); the sums
 * widen the float terms to double and accumulate in double lanes, added in a fixed order at the end. Results equal
 * the scalar ones up to the order of the double additions. Rows shorter than two vectors go to the scalar code.
 */
final class VectorNormKernels implements NormKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final ScalarNormKernels SCALAR = ScalarNormKernels.INSTANCE;

    VectorNormKernels() {
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

    /** {@code sum x[i]} in double. */
    static double sum(MemorySegment x, long off, int n) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, off + 4L * i);
            a0 = a0.add((DoubleVector) v.convert(VectorOperators.F2D, 0));
            a1 = a1.add((DoubleVector) v.convert(VectorOperators.F2D, 1));
        }
        double s = lanes(a0.add(a1));
        for (; i < n; i++) {
            s += x.get(io.ggmljava.ops.Layouts.F32, off + 4L * i);
        }
        return s;
    }

    /** {@code sum (x[i]*x[i])} with each square in float, summed in double. */
    static double sumSquares(MemorySegment x, long off, int n) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector v0 = load(x, off + 4L * i);
            FloatVector v1 = load(x, off + 4L * i + 4L * L);
            v0 = v0.mul(v0);
            v1 = v1.mul(v1);
            a0 = a0.add((DoubleVector) v0.convert(VectorOperators.F2D, 0));
            a1 = a1.add((DoubleVector) v0.convert(VectorOperators.F2D, 1));
            a2 = a2.add((DoubleVector) v1.convert(VectorOperators.F2D, 0));
            a3 = a3.add((DoubleVector) v1.convert(VectorOperators.F2D, 1));
        }
        double s = lanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) {
            float v = x.get(io.ggmljava.ops.Layouts.F32, off + 4L * i);
            s += v * v;
        }
        return s;
    }

    /** {@code y = x * s}. */
    static void scale(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float s) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            load(x, xOff + 4L * i).mul(s).intoMemorySegment(y, yOff + 4L * i, LE);
        }
        for (; i < n; i++) {
            y.set(io.ggmljava.ops.Layouts.F32, yOff + 4L * i, x.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i) * s);
        }
    }

    @Override
    public void norm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps) {
        if (n < 2 * L) {
            SCALAR.norm(x, xOff, y, yOff, n, eps);
            return;
        }
        float mean = (float) (sum(x, xOff, n) / n);
        double sum2 = center(x, xOff, y, yOff, n, mean);
        float variance = (float) (sum2 / n);
        float scale = 1.0f / (float) Math.sqrt(variance + eps);
        scale(y, yOff, y, yOff, n, scale);
    }

    @Override
    public void rmsNorm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps) {
        if (n < 2 * L) {
            SCALAR.rmsNorm(x, xOff, y, yOff, n, eps);
            return;
        }
        float mean = (float) (sumSquares(x, xOff, n) / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        scale(x, xOff, y, yOff, n, scale);
    }

    @Override
    public void rmsNormBack(MemorySegment dz, long dzOff, MemorySegment x, long xOff, MemorySegment dx, long dxOff,
                            int n, float eps) {
        if (n < 2 * L) {
            SCALAR.rmsNormBack(dz, dzOff, x, xOff, dx, dxOff, n, eps);
            return;
        }
        DoubleVector xx0 = DoubleVector.zero(D);
        DoubleVector xx1 = DoubleVector.zero(D);
        DoubleVector xd0 = DoubleVector.zero(D);
        DoubleVector xd1 = DoubleVector.zero(D);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector xv = load(x, xOff + 4L * i);
            FloatVector sq = xv.mul(xv);
            FloatVector pd = xv.mul(load(dz, dzOff + 4L * i));
            xx0 = xx0.add((DoubleVector) sq.convert(VectorOperators.F2D, 0));
            xx1 = xx1.add((DoubleVector) sq.convert(VectorOperators.F2D, 1));
            xd0 = xd0.add((DoubleVector) pd.convert(VectorOperators.F2D, 0));
            xd1 = xd1.add((DoubleVector) pd.convert(VectorOperators.F2D, 1));
        }
        double sumXx = lanes(xx0.add(xx1));
        double sumXdz = lanes(xd0.add(xd1));
        for (; i < n; i++) {
            float xi = x.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i);
            sumXx += xi * xi;
            sumXdz += xi * dz.get(io.ggmljava.ops.Layouts.F32, dzOff + 4L * i);
        }
        float meanEps = (float) sumXx / n + eps;
        float sumEps = (float) sumXx + eps * n;
        float rrms = 1.0f / (float) Math.sqrt(meanEps);
        float k = (float) (-sumXdz) / sumEps;
        i = 0;
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i).mul(k).add(load(dz, dzOff + 4L * i)).mul(rrms);
            v.intoMemorySegment(dx, dxOff + 4L * i, LE);
        }
        for (; i < n; i++) {
            float v = x.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i) * k;
            v += dz.get(io.ggmljava.ops.Layouts.F32, dzOff + 4L * i);
            dx.set(io.ggmljava.ops.Layouts.F32, dxOff + 4L * i, v * rrms);
        }
    }

    @Override
    public double center(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float mean) {
        if (n < 2 * L) {
            return SCALAR.center(x, xOff, y, yOff, n, mean);
        }
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, xOff + 4L * i).sub(mean);
            v.intoMemorySegment(y, yOff + 4L * i, LE);
            FloatVector sq = v.mul(v);
            a0 = a0.add((DoubleVector) sq.convert(VectorOperators.F2D, 0));
            a1 = a1.add((DoubleVector) sq.convert(VectorOperators.F2D, 1));
        }
        double s = lanes(a0.add(a1));
        for (; i < n; i++) {
            float v = x.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i) - mean;
            y.set(io.ggmljava.ops.Layouts.F32, yOff + 4L * i, v);
            s += v * v;
        }
        return s;
    }
}
