package io.ggmljava.testdata.contracts;

import io.ggmljava.ops.KernelProvider;

/** The kernel provider contract for the Vector API kernels at 256 bits (capped at the machine's widest). */
class Vector256KernelProperties implements KernelProviderContract {
    private static final KernelProvider PROVIDER = KernelProvider.vector(256);

    @Override
    public KernelProvider provider() {
        return PROVIDER;
    }
}
