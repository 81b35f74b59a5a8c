package io.ggmljava.ops.scalar;

import io.ggmljava.ops.RecurrentKernels;

/** Plain-loop reference implementation of {@link RecurrentKernels}: written to be read; the oracle for fast paths. */
public final class ScalarRecurrentKernels implements RecurrentKernels {
    public static final ScalarRecurrentKernels INSTANCE = new ScalarRecurrentKernels();

    private ScalarRecurrentKernels() {
    }
}
