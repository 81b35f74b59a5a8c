package io.ggmljava.ops.vector;

import io.ggmljava.ops.UnaryKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link UnaryKernels}; below about two vectors of work it uses the scalar code. */
final class VectorUnaryKernels implements UnaryKernels {
    private final VectorSpecies<Float> fs;

    VectorUnaryKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
