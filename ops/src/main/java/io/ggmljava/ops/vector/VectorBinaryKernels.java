package io.ggmljava.ops.vector;

import io.ggmljava.ops.BinaryKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link BinaryKernels}; below about two vectors of work it uses the scalar code. */
final class VectorBinaryKernels implements BinaryKernels {
    private final VectorSpecies<Float> fs;

    VectorBinaryKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
