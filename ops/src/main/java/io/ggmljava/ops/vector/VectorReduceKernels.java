package io.ggmljava.ops.vector;

import java.lang.foreign.MemorySegment;
import io.ggmljava.ops.ReduceKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link ReduceKernels}; below about two vectors of work it uses the scalar code. */
final class VectorReduceKernels implements ReduceKernels {
    private final VectorSpecies<Float> fs;

    VectorReduceKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }

    @Override
    public double sum(MemorySegment x, long off, int n) {
        return io.ggmljava.ops.scalar.ScalarReduceKernels.INSTANCE.sum(x, off, n);
    }

    @Override
    public float sumF16(MemorySegment x, long off, int n) {
        return io.ggmljava.ops.scalar.ScalarReduceKernels.INSTANCE.sumF16(x, off, n);
    }

    @Override
    public float sumBf16(MemorySegment x, long off, int n) {
        return io.ggmljava.ops.scalar.ScalarReduceKernels.INSTANCE.sumBf16(x, off, n);
    }

    @Override
    public float max(MemorySegment x, long off, int n) {
        return io.ggmljava.ops.scalar.ScalarReduceKernels.INSTANCE.max(x, off, n);
    }

    @Override
    public int argmax(MemorySegment x, long off, int n) {
        return io.ggmljava.ops.scalar.ScalarReduceKernels.INSTANCE.argmax(x, off, n);
    }

    @Override
    public long countEqualI32(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        return io.ggmljava.ops.scalar.ScalarReduceKernels.INSTANCE.countEqualI32(a, aOff, b, bOff, n);
    }

    @Override
    public double dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        return io.ggmljava.ops.scalar.ScalarReduceKernels.INSTANCE.dot(x, xOff, y, yOff, n);
    }
}
