package io.ggmljava.ops.vector;

import io.ggmljava.ops.QuantKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link QuantKernels}; below about two vectors of work it uses the scalar code. */
final class VectorQuantKernels implements QuantKernels {
    private final VectorSpecies<Float> fs;

    VectorQuantKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
