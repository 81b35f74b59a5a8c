package io.ggmljava.testdata.contracts;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;

/** The quantization contract for the scalar reference (round trips and bounds; agreement is with itself). */
class ScalarQuantizationProperties implements QuantizationContract {
    private static final QuantKernels KERNELS = KernelProvider.scalar().quant();

    @Override
    public QuantKernels kernels() {
        return KERNELS;
    }
}
