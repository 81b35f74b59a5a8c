package io.ggmljava.ops.scalar;

import io.ggmljava.ops.QuantKernels;

/** Plain-loop reference implementation of {@link QuantKernels}: written to be read; the oracle for fast paths. */
public final class ScalarQuantKernels implements QuantKernels {
    public static final ScalarQuantKernels INSTANCE = new ScalarQuantKernels();

    private ScalarQuantKernels() {
    }
}
