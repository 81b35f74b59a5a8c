package io.ggmljava.ops.quant;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;

/** {@link QuantKernelsContract} for the scalar reference. */
class ScalarQuantContractTest implements QuantKernelsContract {
    @Override
    public QuantKernels kernels() {
        return KernelProvider.scalar().quant();
    }
}
