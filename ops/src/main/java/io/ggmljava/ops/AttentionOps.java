package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for FLASH_ATTN_EXT, FLASH_ATTN_BACK: iterate rows, split work over threads, call the provider's kernels. */
final class AttentionOps {
    private AttentionOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }

    static long workSize(Tensor node, int nTasks) {
        return 0;
    }
}
