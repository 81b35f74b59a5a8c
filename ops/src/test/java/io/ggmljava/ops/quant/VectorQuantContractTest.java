package io.ggmljava.ops.quant;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;

/** {@link QuantKernelsContract} for the Vector API kernels at the machine's widest width (scalar if absent). */
class VectorQuantContractTest implements QuantKernelsContract {
    private static final QuantKernels KERNELS =
            KernelProvider.vectorAvailable() && KernelProvider.preferredVectorBits() >= 128
                    ? KernelProvider.vector(Math.min(512, KernelProvider.preferredVectorBits())).quant()
                    : KernelProvider.scalar().quant();

    @Override
    public QuantKernels kernels() {
        return KERNELS;
    }
}
