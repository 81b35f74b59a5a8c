/**
 * ggml-java graph: computation graphs with no node limit, execution orders and the multi-threaded executor.
 */
module io.ggmljava.graph {
    requires transitive io.ggmljava.core;
    requires transitive io.ggmljava.ops;

    exports io.ggmljava.graph;
}
