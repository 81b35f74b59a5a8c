package io.ggmljava.ops.scalar;

import io.ggmljava.ops.BinaryKernels;

/** Plain-loop reference implementation of {@link BinaryKernels}: written to be read; the oracle for fast paths. */
public final class ScalarBinaryKernels implements BinaryKernels {
    public static final ScalarBinaryKernels INSTANCE = new ScalarBinaryKernels();

    private ScalarBinaryKernels() {
    }
}
