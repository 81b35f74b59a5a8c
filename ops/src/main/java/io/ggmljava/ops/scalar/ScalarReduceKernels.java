package io.ggmljava.ops.scalar;

import io.ggmljava.ops.ReduceKernels;

/** Plain-loop reference implementation of {@link ReduceKernels}: written to be read; the oracle for fast paths. */
public final class ScalarReduceKernels implements ReduceKernels {
    public static final ScalarReduceKernels INSTANCE = new ScalarReduceKernels();

    private ScalarReduceKernels() {
    }
}
