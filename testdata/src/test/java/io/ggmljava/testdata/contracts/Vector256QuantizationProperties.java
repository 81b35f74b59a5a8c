package io.ggmljava.testdata.contracts;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;

/** The quantization contract for the Vector API kernels at 256 bits (capped at the machine's widest). */
class Vector256QuantizationProperties implements QuantizationContract {
    private static final QuantKernels KERNELS = KernelProvider.vector(256).quant();

    @Override
    public QuantKernels kernels() {
        return KERNELS;
    }
}
