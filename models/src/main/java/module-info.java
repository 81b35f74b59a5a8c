/**
 * ggml-java models: graph builders (LSTM/GRU, GPT-2, Llama) that size a model from a GGUF header and run it.
 */
module io.ggmljava.models {
    requires transitive io.ggmljava.core;
    requires transitive io.ggmljava.graph;
    requires transitive io.ggmljava.alloc;
    requires io.ggmljava.ops;

    exports io.ggmljava.models;
}
