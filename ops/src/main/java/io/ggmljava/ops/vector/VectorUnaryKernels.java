package io.ggmljava.ops.vector;

import io.ggmljava.core.UnaryOp;
import java.lang.foreign.MemorySegment;
import io.ggmljava.ops.UnaryKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link UnaryKernels}; below about two vectors of work it uses the scalar code. */
final class VectorUnaryKernels implements UnaryKernels {
    private final VectorSpecies<Float> fs;

    VectorUnaryKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }

    @Override
    public void unary(UnaryOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        io.ggmljava.ops.scalar.ScalarUnaryKernels.INSTANCE.unary(op, x, xOff, y, yOff, n);
    }

    @Override
    public void math(MathOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        io.ggmljava.ops.scalar.ScalarUnaryKernels.INSTANCE.math(op, x, xOff, y, yOff, n);
    }

    @Override
    public void scale(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float s) {
        io.ggmljava.ops.scalar.ScalarUnaryKernels.INSTANCE.scale(x, xOff, y, yOff, n, s);
    }

    @Override
    public void clamp(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float min, float max) {
        io.ggmljava.ops.scalar.ScalarUnaryKernels.INSTANCE.clamp(x, xOff, y, yOff, n, min, max);
    }

    @Override
    public void leakyRelu(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float slope) {
        io.ggmljava.ops.scalar.ScalarUnaryKernels.INSTANCE.leakyRelu(x, xOff, y, yOff, n, slope);
    }

    @Override
    public void siluBack(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff, int n) {
        io.ggmljava.ops.scalar.ScalarUnaryKernels.INSTANCE.siluBack(x, xOff, dy, dyOff, dx, dxOff, n);
    }
}
