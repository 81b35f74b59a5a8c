package io.ggmljava.testdata.contracts;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;

/** The quantization contract for the Vector API kernels at 512 bits (capped at the machine's widest). */
class Vector512QuantizationProperties implements QuantizationContract {
    private static final QuantKernels KERNELS = KernelProvider.vector(512).quant();

    @Override
    public QuantKernels kernels() {
        return KERNELS;
    }
}
