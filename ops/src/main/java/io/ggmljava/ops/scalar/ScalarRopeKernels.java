package io.ggmljava.ops.scalar;

import io.ggmljava.ops.RopeKernels;

/** Plain-loop reference implementation of {@link RopeKernels}: written to be read; the oracle for fast paths. */
public final class ScalarRopeKernels implements RopeKernels {
    public static final ScalarRopeKernels INSTANCE = new ScalarRopeKernels();

    private ScalarRopeKernels() {
    }
}
