package io.ggmljava.ops.scalar;

import io.ggmljava.ops.AttentionKernels;

/** Plain-loop reference implementation of {@link AttentionKernels}: written to be read; the oracle for fast paths. */
public final class ScalarAttentionKernels implements AttentionKernels {
    public static final ScalarAttentionKernels INSTANCE = new ScalarAttentionKernels();

    private ScalarAttentionKernels() {
    }
}
