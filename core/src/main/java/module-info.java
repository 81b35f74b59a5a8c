/**
 * ggml-java core: element types, tensors and views, op graph construction, f16/bf16 conversion and GGUF.
 */
module io.ggmljava.core {
    requires static jdk.incubator.vector;

    exports io.ggmljava.core;
    exports io.ggmljava.core.gguf;
}
