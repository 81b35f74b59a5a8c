package io.ggmljava.testdata.golden;

import java.util.Map;

/**
 * A service that contributes {@link CaseBuilder}s to every {@link GoldenRunner} (found with {@link
 * java.util.ServiceLoader}): how a module outside this one (e.g. the graph or models engineer's GRAPH builder) plugs
 * its cases into {@code ./ggml golden} and the fixture test without anyone editing the runner.
 *
 * <p>Register it as a service ({@code META-INF/services/io.ggmljava.testdata.golden.CaseBuilderProvider} on the
 * class path, {@code provides ... with ...} in a module). Builders from providers replace the defaults for their
 * ops; builders passed to {@link GoldenRunner.Builder#caseBuilder} replace both.
 */
public interface CaseBuilderProvider {
    /** Builders by {@code golden.op} (e.g. {@code "GRAPH"}). */
    Map<String, CaseBuilder> caseBuilders();
}
