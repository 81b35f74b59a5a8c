/**
 * ggml-java ops: a kernel for every ggml op, as a scalar reference and a Vector API implementation, chosen at run
 * time by {@link io.ggmljava.ops.KernelProvider}.
 */
module io.ggmljava.ops {
    requires transitive io.ggmljava.core;
    requires static jdk.incubator.vector;

    exports io.ggmljava.ops;
    exports io.ggmljava.ops.scalar;
}
