package io.ggmljava.testdata.contracts;

import io.ggmljava.ops.KernelProvider;

/**
 * The kernel provider contract for the scalar reference (checks in place and thread counts; agreement is with
 * itself).
 */
class ScalarKernelProperties implements KernelProviderContract {
    private static final KernelProvider PROVIDER = KernelProvider.scalar();

    @Override
    public KernelProvider provider() {
        return PROVIDER;
    }
}
