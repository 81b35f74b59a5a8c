package io.ggmljava.ops.scalar;

import io.ggmljava.ops.NormKernels;

/** Plain-loop reference implementation of {@link NormKernels}: written to be read; the oracle for fast paths. */
public final class ScalarNormKernels implements NormKernels {
    public static final ScalarNormKernels INSTANCE = new ScalarNormKernels();

    private ScalarNormKernels() {
    }
}
