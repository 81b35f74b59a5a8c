package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for MUL_MAT, MUL_MAT_ID, OUT_PROD: iterate rows, split work over threads, call the provider's kernels. */
final class MatMulOps {
    private MatMulOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }

    static long workSize(Tensor node, int nTasks) {
        return 0;
    }
}
