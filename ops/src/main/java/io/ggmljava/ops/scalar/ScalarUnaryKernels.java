package io.ggmljava.ops.scalar;

import io.ggmljava.ops.UnaryKernels;

/** Plain-loop reference implementation of {@link UnaryKernels}: written to be read; the oracle for fast paths. */
public final class ScalarUnaryKernels implements UnaryKernels {
    public static final ScalarUnaryKernels INSTANCE = new ScalarUnaryKernels();

    private ScalarUnaryKernels() {
    }
}
