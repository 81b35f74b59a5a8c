package io.ggmljava.testdata.contracts;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;

/** The quantization contract for the Vector API kernels at 128 bits (capped at the machine's widest). */
class Vector128QuantizationProperties implements QuantizationContract {
    private static final QuantKernels KERNELS = KernelProvider.vector(128).quant();

    @Override
    public QuantKernels kernels() {
        return KERNELS;
    }
}
