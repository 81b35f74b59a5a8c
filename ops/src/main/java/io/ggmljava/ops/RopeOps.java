package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for ROPE, ROPE_BACK: iterate rows, split work over threads, call the provider's kernels. */
final class RopeOps {
    private RopeOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
