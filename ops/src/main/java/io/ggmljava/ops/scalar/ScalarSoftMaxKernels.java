package io.ggmljava.ops.scalar;

import io.ggmljava.ops.SoftMaxKernels;

/** Plain-loop reference implementation of {@link SoftMaxKernels}: written to be read; the oracle for fast paths. */
public final class ScalarSoftMaxKernels implements SoftMaxKernels {
    public static final ScalarSoftMaxKernels INSTANCE = new ScalarSoftMaxKernels();

    private ScalarSoftMaxKernels() {
    }
}
