package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for UNARY, SQR, SQRT, LOG, SIN, COS, CLAMP, LEAKY_RELU, SCALE, SILU_BACK: iterate rows, split work over threads, call the provider's kernels. */
final class UnaryOps {
    private UnaryOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
