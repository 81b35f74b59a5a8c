/**
 * The {@code ggml} command: memory-sizing diagnostic, golden checker, GGUF inspector, benchmarks.
 */
module io.ggmljava.cli {
    requires io.ggmljava.core;
    requires io.ggmljava.ops;
    requires io.ggmljava.graph;
    requires io.ggmljava.alloc;
    requires io.ggmljava.testdata;
    requires io.ggmljava.models;
    requires info.picocli;
    requires org.jfree.jfreechart;
    requires org.jfree.svg;
    requires java.desktop;
    requires java.management;
    requires jdk.management;

    opens io.ggmljava.cli to info.picocli;

    provides io.ggmljava.testdata.golden.CaseBuilderProvider with io.ggmljava.cli.GraphCaseBuilders;
}
