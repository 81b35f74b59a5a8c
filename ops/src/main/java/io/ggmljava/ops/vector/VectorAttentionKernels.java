package io.ggmljava.ops.vector;

import io.ggmljava.ops.AttentionKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link AttentionKernels}; below about two vectors of work it uses the scalar code. */
final class VectorAttentionKernels implements AttentionKernels {
    private final VectorSpecies<Float> fs;

    VectorAttentionKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
