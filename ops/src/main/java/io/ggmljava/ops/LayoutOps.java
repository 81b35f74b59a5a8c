package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for DUP, CPY, CONT, SET, GET_ROWS, GET_ROWS_BACK, REPEAT, REPEAT_BACK, CONCAT, PAD, PAD_REFLECT_1D, ARANGE, TIMESTEP_EMBEDDING, ARGSORT, DIAG: iterate rows, split work over threads, call the provider's kernels. */
final class LayoutOps {
    private LayoutOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
