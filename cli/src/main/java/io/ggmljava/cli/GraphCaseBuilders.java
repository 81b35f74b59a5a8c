package io.ggmljava.cli;

import io.ggmljava.models.GraphCases;
import io.ggmljava.testdata.golden.CaseBuilder;
import io.ggmljava.testdata.golden.CaseBuilderProvider;
import java.util.Map;

/** Plugs the model-level golden cases ({@code GRAPH}: LSTM, GRU, GPT-2 block) into {@code ggml golden}. */
public final class GraphCaseBuilders implements CaseBuilderProvider {
    /** Public for {@link java.util.ServiceLoader}. */
    public GraphCaseBuilders() {
    }

    @Override
    public Map<String, CaseBuilder> caseBuilders() {
        CaseBuilder graph = (c, ctx, in) -> new CaseBuilder.Built(GraphCases.build(ctx, c.paramString("model"),
                in::leaf, name -> (Number) c.kv().get("golden.param." + name)), null);
        return Map.of("GRAPH", graph);
    }
}
