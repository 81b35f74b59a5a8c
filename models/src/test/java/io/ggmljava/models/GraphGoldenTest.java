package io.ggmljava.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.testdata.golden.CaseBuilder;
import io.ggmljava.testdata.golden.CaseResult;
import io.ggmljava.testdata.golden.GoldenReport;
import io.ggmljava.testdata.golden.GoldenRunner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GRAPH golden cases (LSTM, GRU, GPT-2 block), built by {@link GraphCases}, through the golden runner. */
class GraphGoldenTest {
    /** The adapter the CLI registers too: golden case -> {@link GraphCases}. */
    static final CaseBuilder GRAPH = (c, ctx, in) -> new CaseBuilder.Built(GraphCases.build(ctx,
            c.paramString("model"), in::leaf, name -> (Number) c.kv().get("golden.param." + name)), null);

    @Test
    void everyGraphCasePassesWithEveryProviderAndThreadCount() {
        List<KernelProvider> providers = new ArrayList<>(List.of(KernelProvider.scalar()));
        if (KernelProvider.vectorAvailable()) {
            providers.add(KernelProvider.vector(256));
            providers.add(KernelProvider.vector(512));
        }
        for (int threads : new int[] {1, 3}) {
            List<String> lines = new ArrayList<>();
            GoldenReport r = GoldenRunner.builder().providers(providers).caseBuilder("GRAPH", GRAPH).op("GRAPH")
                    .threads(threads).build().runBundled(res -> lines.add(res.line()));
            assertEquals(9L * providers.size(), r.results().size(), String.join("\n", lines));
            for (CaseResult c : r.results()) {
                assertTrue(c.passed(), c.line() + "\n" + String.join("\n", c.details()));
            }
        }
    }
}
