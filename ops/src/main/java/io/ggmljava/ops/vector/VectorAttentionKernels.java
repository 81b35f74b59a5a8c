package io.ggmljava.ops.vector;

import io.ggmljava.ops.AttentionKernels;
import io.ggmljava.ops.scalar.ScalarAttentionKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link AttentionKernels}. Conversions, scale and mad equal the scalar ones bit for
 * bit; the dot products use two float accumulators (as ggml's SIMD code uses several) and add the tail in the
 * scalar way. Below two vectors of work the scalar code runs.
 */
final class VectorAttentionKernels implements AttentionKernels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ScalarAttentionKernels SCALAR = ScalarAttentionKernels.INSTANCE;

    private final VectorSpecies<Float> fs;
    private final HalfVectors half;

    VectorAttentionKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
        this.half = new HalfVectors(fs);
    }

    /** Elements handled by vectors: a multiple of the lane count, 0 when there are fewer than two vectors. */
    private int vectorPart(int n) {
        return n < 2 * fs.length() ? 0 : fs.loopBound(n);
    }

    @Override
    public void toF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += fs.length()) {
            half.store(FloatVector.fromMemorySegment(fs, src, srcOff + 4L * i, LE), dst, dstOff + 2L * i);
        }
        SCALAR.toF16(src, srcOff + 4L * m, dst, dstOff + 2L * m, n - m);
    }

    @Override
    public void fromF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += fs.length()) {
            half.load(src, srcOff + 2L * i).intoMemorySegment(dst, dstOff + 4L * i, LE);
        }
        SCALAR.fromF16(src, srcOff + 2L * m, dst, dstOff + 4L * m, n - m);
    }

    @Override
    public float dotF16(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int m = vectorPart(n);
        if (m == 0) {
            return SCALAR.dotF16(x, xOff, y, yOff, n);
        }
        int l = fs.length();
        // two accumulators hide the FMA latency
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = FloatVector.zero(fs);
        int i = 0;
        for (; i + 2 * l <= m; i += 2 * l) {
            acc0 = half.load(x, xOff + 2L * i).fma(half.load(y, yOff + 2L * i), acc0);
            acc1 = half.load(x, xOff + 2L * (i + l)).fma(half.load(y, yOff + 2L * (i + l)), acc1);
        }
        if (i < m) {
            acc0 = half.load(x, xOff + 2L * i).fma(half.load(y, yOff + 2L * i), acc0);
        }
        double sum = Lanes.sum(acc0.add(acc1));
        return (float) (sum + SCALAR.dotF16(x, xOff + 2L * m, y, yOff + 2L * m, n - m));
    }

    @Override
    public float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int m = vectorPart(n);
        if (m == 0) {
            return SCALAR.dotF32(x, xOff, y, yOff, n);
        }
        int l = fs.length();
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = FloatVector.zero(fs);
        int i = 0;
        for (; i + 2 * l <= m; i += 2 * l) {
            acc0 = FloatVector.fromMemorySegment(fs, x, xOff + 4L * i, LE)
                    .fma(FloatVector.fromMemorySegment(fs, y, yOff + 4L * i, LE), acc0);
            acc1 = FloatVector.fromMemorySegment(fs, x, xOff + 4L * (i + l), LE)
                    .fma(FloatVector.fromMemorySegment(fs, y, yOff + 4L * (i + l), LE), acc1);
        }
        if (i < m) {
            acc0 = FloatVector.fromMemorySegment(fs, x, xOff + 4L * i, LE)
                    .fma(FloatVector.fromMemorySegment(fs, y, yOff + 4L * i, LE), acc0);
        }
        double sum = Lanes.sum(acc0.add(acc1));
        return (float) (sum + SCALAR.dotF32(x, xOff + 4L * m, y, yOff + 4L * m, n - m));
    }

    @Override
    public void scaleF16(MemorySegment y, long yOff, int n, float v) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += fs.length()) {
            long o = yOff + 2L * i;
            half.store(half.load(y, o).mul(v), y, o);
        }
        SCALAR.scaleF16(y, yOff + 2L * m, n - m, v);
    }

    @Override
    public void madF16(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += fs.length()) {
            long o = yOff + 2L * i;
            half.store(half.load(x, xOff + 2L * i).fma(FloatVector.broadcast(fs, v), half.load(y, o)), y, o);
        }
        SCALAR.madF16(y, yOff + 2L * m, x, xOff + 2L * m, n - m, v);
    }

    @Override
    public void scaleF32(MemorySegment y, long yOff, int n, float v) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += fs.length()) {
            long o = yOff + 4L * i;
            FloatVector.fromMemorySegment(fs, y, o, LE).mul(v).intoMemorySegment(y, o, LE);
        }
        SCALAR.scaleF32(y, yOff + 4L * m, n - m, v);
    }

    @Override
    public void madF32(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v) {
        int m = vectorPart(n);
        for (int i = 0; i < m; i += fs.length()) {
            long o = yOff + 4L * i;
            FloatVector.fromMemorySegment(fs, x, xOff + 4L * i, LE)
                    .fma(FloatVector.broadcast(fs, v), FloatVector.fromMemorySegment(fs, y, o, LE))
                    .intoMemorySegment(y, o, LE);
        }
        SCALAR.madF32(y, yOff + 4L * m, x, xOff + 4L * m, n - m, v);
    }
}
