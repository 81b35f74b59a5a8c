package io.ggmljava.ops;

import io.ggmljava.core.Tensor;

/** Op drivers for ADD, SUB, MUL, DIV, ADD1, ACC: iterate rows, split work over threads, call the provider's kernels. */
final class BinaryOps {
    private BinaryOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        throw new UnsupportedOperationException(node.opDesc() + " has no kernel yet");
    }
}
