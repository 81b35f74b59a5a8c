/**
 * ggml-java alloc: buffer types (Arena-backed, file mappings, measuring), the linear allocator, graph planners and
 * the measuring pass.
 */
module io.ggmljava.alloc {
    requires transitive io.ggmljava.core;
    requires transitive io.ggmljava.graph;
    requires io.ggmljava.ops;

    exports io.ggmljava.alloc;

    uses io.ggmljava.alloc.BufferType;
    uses io.ggmljava.alloc.PlacementStrategy;
}
