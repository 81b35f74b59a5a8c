package io.ggmljava.ops.vector;

import io.ggmljava.ops.MatMulKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link MatMulKernels}; below about two vectors of work it uses the scalar code. */
final class VectorMatMulKernels implements MatMulKernels {
    private final VectorSpecies<Float> fs;

    VectorMatMulKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
