package io.ggmljava.ops.vector;

import io.ggmljava.ops.ReduceKernels;
import io.ggmljava.ops.scalar.ScalarReduceKernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link ReduceKernels} (a template: see {@link Specialized}; one copy per width).
 *
 * <p>Sums widen each float lane to double and accumulate in four double vectors (the element values are exactly
 * those of the scalar sum; only the order of the additions differs), then add the accumulators and their lanes in a
 * fixed order, so a result never depends on JIT tier or thread count. ARGMAX and MAX agree with the scalar kernels
 * exactly; rows holding NaN take the scalar path (ggml's C comparisons give NaN its own rules).
 */
final class VectorReduceKernels implements ReduceKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final ScalarReduceKernels SCALAR = ScalarReduceKernels.INSTANCE;

    VectorReduceKernels() {
    }

    static FloatVector load(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F, s, off, LE);
    }

    /** Lanes of {@code v} added 0, 1, 2, ... in order. */
    static double lanes(DoubleVector v) {
        double s = 0;
        for (double d : v.toArray()) {
            s += d;
        }
        return s;
    }

    /** Low and high halves of {@code v} widened to double and added to {@code acc}. */
    static DoubleVector addWide(DoubleVector acc, FloatVector v, int part) {
        return acc.add((DoubleVector) v.convert(VectorOperators.F2D, part));
    }

    @Override
    public double sum(MemorySegment x, long off, int n) {
        if (n < 2 * L) {
            return SCALAR.sum(x, off, n);
        }
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector v0 = load(x, off + 4L * i);
            FloatVector v1 = load(x, off + 4L * i + 4L * L);
            a0 = addWide(a0, v0, 0);
            a1 = addWide(a1, v0, 1);
            a2 = addWide(a2, v1, 0);
            a3 = addWide(a3, v1, 1);
        }
        double s = lanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) {
            s += x.get(io.ggmljava.ops.Layouts.F32, off + 4L * i);
        }
        return s;
    }

    @Override
    public float sumF16(MemorySegment x, long off, int n) {
        return SCALAR.sumF16(x, off, n);   // float accumulation in index order, as ggml: kept scalar
    }

    @Override
    public float sumBf16(MemorySegment x, long off, int n) {
        return SCALAR.sumBf16(x, off, n);
    }

    @Override
    public float max(MemorySegment x, long off, int n) {
        if (n < 2 * L) {
            return SCALAR.max(x, off, n);
        }
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        boolean nan = false;
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = load(x, off + 4L * i);
            nan |= v.test(VectorOperators.IS_NAN).anyTrue();
            m = m.max(v);
        }
        if (nan) {
            return SCALAR.max(x, off, n);
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float v = x.get(io.ggmljava.ops.Layouts.F32, off + 4L * i);
            r = r > v ? r : v;
        }
        return r;
    }

    @Override
    public int argmax(MemorySegment x, long off, int n) {
        if (n < 2 * L) {
            return SCALAR.argmax(x, off, n);
        }
        float m = max(x, off, n);
        if (Float.isNaN(m)) {
            return SCALAR.argmax(x, off, n);
        }
        // the last index holding the maximum (ggml's tie rule)
        for (int i = n - 1; i >= 0; i--) {
            if (x.get(io.ggmljava.ops.Layouts.F32, off + 4L * i) == m) {
                return i;
            }
        }
        return SCALAR.argmax(x, off, n);
    }

    @Override
    public long countEqualI32(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        if (n < 2 * L) {
            return SCALAR.countEqualI32(a, aOff, b, bOff, n);
        }
        long c = 0;
        int i = 0;
        int bound = I.loopBound(n);
        for (; i < bound; i += L) {
            IntVector va = IntVector.fromMemorySegment(I, a, aOff + 4L * i, LE);
            IntVector vb = IntVector.fromMemorySegment(I, b, bOff + 4L * i, LE);
            c += va.compare(VectorOperators.EQ, vb).trueCount();
        }
        return c + SCALAR.countEqualI32(a, aOff + 4L * i, b, bOff + 4L * i, n - i);
    }

    @Override
    public double dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        if (n < 2 * L) {
            return SCALAR.dot(x, xOff, y, yOff, n);
        }
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector p = load(x, xOff + 4L * i).mul(load(y, yOff + 4L * i));
            a0 = addWide(a0, p, 0);
            a1 = addWide(a1, p, 1);
        }
        double s = lanes(a0.add(a1));
        for (; i < n; i++) {
            s += x.get(io.ggmljava.ops.Layouts.F32, xOff + 4L * i) * y.get(io.ggmljava.ops.Layouts.F32, yOff + 4L * i);
        }
        return s;
    }
}
