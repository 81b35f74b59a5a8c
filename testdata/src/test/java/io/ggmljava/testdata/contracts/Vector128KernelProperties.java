package io.ggmljava.testdata.contracts;

import io.ggmljava.ops.KernelProvider;

/** The kernel provider contract for the Vector API kernels at 128 bits (capped at the machine's widest). */
class Vector128KernelProperties implements KernelProviderContract {
    private static final KernelProvider PROVIDER = KernelProvider.vector(128);

    @Override
    public KernelProvider provider() {
        return PROVIDER;
    }
}
