package io.ggmljava.alloc;

/** What a buffer holds (ggml_backend_buffer_usage): a hint for buffer types and for reports. */
public enum Usage {
    /** Anything (the default). */
    ANY,
    /** Model weights and other tensors that live as long as the model (KV caches included). */
    WEIGHTS,
    /** Intermediate results of a graph, reused from node to node. */
    COMPUTE
}
