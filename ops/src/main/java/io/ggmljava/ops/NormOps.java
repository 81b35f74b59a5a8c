package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for NORM, RMS_NORM, RMS_NORM_BACK, GROUP_NORM: iterate rows, split work over threads, call the provider's kernels. */
final class NormOps {
    private NormOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
