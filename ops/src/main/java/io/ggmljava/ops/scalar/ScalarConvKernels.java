package io.ggmljava.ops.scalar;

import io.ggmljava.ops.ConvKernels;

/** Plain-loop reference implementation of {@link ConvKernels}: written to be read; the oracle for fast paths. */
public final class ScalarConvKernels implements ConvKernels {
    public static final ScalarConvKernels INSTANCE = new ScalarConvKernels();

    private ScalarConvKernels() {
    }
}
