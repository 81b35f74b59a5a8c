package io.ggmljava.ops.vector;

import io.ggmljava.ops.RecurrentKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link RecurrentKernels}; below about two vectors of work it uses the scalar code. */
final class VectorRecurrentKernels implements RecurrentKernels {
    private final VectorSpecies<Float> fs;

    VectorRecurrentKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
