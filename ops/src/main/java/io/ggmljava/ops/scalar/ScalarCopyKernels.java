package io.ggmljava.ops.scalar;

import io.ggmljava.ops.CopyKernels;

/** Plain-loop reference implementation of {@link CopyKernels}: written to be read; the oracle for fast paths. */
public final class ScalarCopyKernels implements CopyKernels {
    public static final ScalarCopyKernels INSTANCE = new ScalarCopyKernels();

    private ScalarCopyKernels() {
    }
}
