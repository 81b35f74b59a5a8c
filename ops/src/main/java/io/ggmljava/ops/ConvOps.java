package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for IM2COL, IM2COL_BACK, CONV_TRANSPOSE_1D, CONV_TRANSPOSE_2D, POOL_1D, POOL_2D, POOL_2D_BACK, UPSCALE: iterate rows, split work over threads, call the provider's kernels. */
final class ConvOps {
    private ConvOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }

    static long workSize(Tensor node, int nTasks) {
        return 0;
    }
}
