package io.ggmljava.ops.scalar;

import io.ggmljava.ops.MatMulKernels;

/** Plain-loop reference implementation of {@link MatMulKernels}: written to be read; the oracle for fast paths. */
public final class ScalarMatMulKernels implements MatMulKernels {
    public static final ScalarMatMulKernels INSTANCE = new ScalarMatMulKernels();

    private ScalarMatMulKernels() {
    }
}
