package io.ggmljava.ops.vector;

import io.ggmljava.ops.ConvKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link ConvKernels}; below about two vectors of work it uses the scalar code. */
final class VectorConvKernels implements ConvKernels {
    private final VectorSpecies<Float> fs;

    VectorConvKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
