package io.ggmljava.ops.vector;

import io.ggmljava.ops.NormKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link NormKernels}; below about two vectors of work it uses the scalar code. */
final class VectorNormKernels implements NormKernels {
    private final VectorSpecies<Float> fs;

    VectorNormKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
