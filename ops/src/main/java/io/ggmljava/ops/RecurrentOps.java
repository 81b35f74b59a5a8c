package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for SSM_CONV, SSM_SCAN, RWKV_WKV6, GATED_LINEAR_ATTN: iterate rows, split work over threads, call the provider's kernels. */
final class RecurrentOps {
    private RecurrentOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
