package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for SUM, SUM_ROWS, MEAN, ARGMAX, COUNT_EQUAL: iterate rows, split work over threads, call the provider's kernels. */
final class ReduceOps {
    private ReduceOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
