package io.ggmljava.ops.vector;

import io.ggmljava.ops.AttentionKernels;
import io.ggmljava.ops.scalar.ScalarAttentionKernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link AttentionKernels}. Conversions, scale and mad equal the scalar ones bit for
 * bit; the dot products keep float accumulators (as ggml's SIMD code), add their lanes in a fixed order and the
 * tail in the scalar way. Below two vectors of work the scalar code runs. A template (see {@link Specialized}): one copy per
 * vector width.
 */
final class VectorAttentionKernels implements AttentionKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Short> S = HalfVectors.shorts(F);
    static final VectorSpecies<Integer> I = HalfVectors.ints(F);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ScalarAttentionKernels SCALAR = ScalarAttentionKernels.INSTANCE;

    /** Rotations by half, quarter, ... of the lanes: the fixed tree of {@link #hsum}. */
    static final VectorShuffle<Float> ROT8 = rotation(8);
    static final VectorShuffle<Float> ROT4 = rotation(4);
    static final VectorShuffle<Float> ROT2 = rotation(2);
    static final VectorShuffle<Float> ROT1 = rotation(1);

    public VectorAttentionKernels() {
    }

    private static VectorShuffle<Float> rotation(int by) {
        int[] idx = new int[F.length()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (i + by) % idx.length;
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    /**
     * The sum of the lanes in a fixed pairwise order ({@code reduceLanes} may add in a different order before and
     * after compilation, which would make results depend on warm-up).
     */
    static float hsum(FloatVector v) {
        if (F.length() >= 16) {
            v = v.add(v.rearrange(ROT8));
        }
        if (F.length() >= 8) {
            v = v.add(v.rearrange(ROT4));
        }
        v = v.add(v.rearrange(ROT2));
        v = v.add(v.rearrange(ROT1));
        return v.lane(0);
    }

    /** Elements handled by vectors: a multiple of the lane count, 0 when there are fewer than two vectors. */
    private int vectorPart(int n) {
        return n < 2 * F.length() ? 0 : F.loopBound(n);
    }

    @Override
    public void toF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += F.length()) {
            HalfVectors.store(S, FloatVector.fromMemorySegment(F, src, srcOff + 4L * i, LE), dst, dstOff + 2L * i);
        }
        if (m < n) { // tails stay out of the compiled loop unless they occur
            SCALAR.toF16(src, srcOff + 4L * m, dst, dstOff + 2L * m, n - m);
        }
    }

    @Override
    public void fromF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += F.length()) {
            HalfVectors.load(S, I, src, srcOff + 2L * i).intoMemorySegment(dst, dstOff + 4L * i, LE);
        }
        if (m < n) { // tails stay out of the compiled loop unless they occur
            SCALAR.fromF16(src, srcOff + 2L * m, dst, dstOff + 4L * m, n - m);
        }
    }

    @Override
    public float dotF16(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int m = vectorPart(n);
        if (m == 0) {
            return SCALAR.dotF16(x, xOff, y, yOff, n);
        }
        // one accumulator: the f16 widening between the FMAs already covers their latency, and a small loop body
        // keeps the method under C2's inlining budget (else the loads are not inlined and run unvectorized)
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < m; i += F.length()) {
            acc = HalfVectors.load(S, I, x, xOff + 2L * i).fma(HalfVectors.load(S, I, y, yOff + 2L * i), acc);
        }
        double sum = hsum(acc);
        return m < n ? (float) (sum + SCALAR.dotF16(x, xOff + 2L * m, y, yOff + 2L * m, n - m)) : (float) sum;
    }

    @Override
    public float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int m = vectorPart(n);
        if (m == 0) {
            return SCALAR.dotF32(x, xOff, y, yOff, n);
        }
        int l = F.length();
        // two accumulators hide the FMA latency
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * l <= m; i += 2 * l) {
            acc0 = FloatVector.fromMemorySegment(F, x, xOff + 4L * i, LE)
                    .fma(FloatVector.fromMemorySegment(F, y, yOff + 4L * i, LE), acc0);
            acc1 = FloatVector.fromMemorySegment(F, x, xOff + 4L * (i + l), LE)
                    .fma(FloatVector.fromMemorySegment(F, y, yOff + 4L * (i + l), LE), acc1);
        }
        if (i < m) {
            acc0 = FloatVector.fromMemorySegment(F, x, xOff + 4L * i, LE)
                    .fma(FloatVector.fromMemorySegment(F, y, yOff + 4L * i, LE), acc0);
        }
        double sum = hsum(acc0.add(acc1));
        return m < n ? (float) (sum + SCALAR.dotF32(x, xOff + 4L * m, y, yOff + 4L * m, n - m)) : (float) sum;
    }

    @Override
    public void scaleHalf(MemorySegment y, long yOff, int n, float v) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += F.length()) {
            long o = yOff + 4L * i;
            HalfVectors.roundHalf(FloatVector.fromMemorySegment(F, y, o, LE).mul(v)).intoMemorySegment(y, o, LE);
        }
        if (m < n) { // tails stay out of the compiled loop unless they occur
            SCALAR.scaleHalf(y, yOff + 4L * m, n - m, v);
        }
    }

    @Override
    public void madHalf(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v) {
        int m = vectorPart(n);
        FloatVector vv = FloatVector.broadcast(F, v);
        for (int i = 0; i < m; i += F.length()) {
            long o = yOff + 4L * i;
            FloatVector r = HalfVectors.load(S, I, x, xOff + 2L * i).fma(vv, FloatVector.fromMemorySegment(F, y, o, LE));
            HalfVectors.roundHalf(r).intoMemorySegment(y, o, LE);
        }
        if (m < n) { // tails stay out of the compiled loop unless they occur
            SCALAR.madHalf(y, yOff + 4L * m, x, xOff + 2L * m, n - m, v);
        }
    }

    @Override
    public void scaleF32(MemorySegment y, long yOff, int n, float v) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += F.length()) {
            long o = yOff + 4L * i;
            FloatVector.fromMemorySegment(F, y, o, LE).mul(v).intoMemorySegment(y, o, LE);
        }
        if (m < n) { // tails stay out of the compiled loop unless they occur
            SCALAR.scaleF32(y, yOff + 4L * m, n - m, v);
        }
    }

    @Override
    public void madF32(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += F.length()) {
            long o = yOff + 4L * i;
            FloatVector.fromMemorySegment(F, x, xOff + 4L * i, LE)
                    .fma(FloatVector.broadcast(F, v), FloatVector.fromMemorySegment(F, y, o, LE))
                    .intoMemorySegment(y, o, LE);
        }
        if (m < n) { // tails stay out of the compiled loop unless they occur
            SCALAR.madF32(y, yOff + 4L * m, x, xOff + 4L * m, n - m, v);
        }
    }
}
