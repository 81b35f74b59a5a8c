package io.ggmljava.ops.vector;

import io.ggmljava.ops.RopeKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link RopeKernels}; below about two vectors of work it uses the scalar code. */
final class VectorRopeKernels implements RopeKernels {
    private final VectorSpecies<Float> fs;

    VectorRopeKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
    }
}
