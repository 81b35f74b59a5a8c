/**
 * ggml-java testdata: the golden fixtures and the reusable test kit (golden runner, jqwik arbitraries and contracts).
 */
module io.ggmljava.testdata {
    requires transitive io.ggmljava.core;
    requires transitive io.ggmljava.ops;
    requires transitive io.ggmljava.graph;
    requires transitive io.ggmljava.alloc;
    requires transitive net.jqwik.api;
    requires transitive org.junit.jupiter.api;

    exports io.ggmljava.testdata.arbitraries;
    exports io.ggmljava.testdata.contracts;
    exports io.ggmljava.testdata.golden;

    uses io.ggmljava.testdata.golden.CaseBuilderProvider;
}
