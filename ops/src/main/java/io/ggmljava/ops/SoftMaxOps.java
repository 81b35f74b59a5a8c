package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for SOFT_MAX, SOFT_MAX_BACK, DIAG_MASK_INF, DIAG_MASK_ZERO: iterate rows, split work over threads, call the provider's kernels. */
final class SoftMaxOps {
    private SoftMaxOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
