package io.ggmljava.ops.vector;

import io.ggmljava.ops.CopyKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link CopyKernels}; below about two vectors of work it uses the scalar code. */
final class VectorCopyKernels implements CopyKernels {
    private final VectorSpecies<Float> fs;

    VectorCopyKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
