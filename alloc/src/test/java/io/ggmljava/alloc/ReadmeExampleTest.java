package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The README's "Using it as a library" example, verbatim, so that it keeps compiling and running. */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    @Test
    void theExampleRuns() {
        float[] weights = random(256 * 1024, 1);
        float[] input = random(256 * 8, 2);
        // ---- README example, verbatim ----
        Context ctx = new Context();                                   // tensor metadata only, no size to guess
        Tensor w = ctx.newTensor2d(GgmlType.F32, 256, 1024).setName("w");
        Tensor x = ctx.newTensor2d(GgmlType.F32, 256, 8).setName("x").setInput();
        Tensor y = ctx.silu(ctx.mulMat(w, x)).setOutput();              // [1024, 8] = silu(x·wᵀ)

        Graph graph = Graph.build(y);                                  // no node limit
        MemoryPlan plan = Planner.best().plan(graph);                  // the measuring pass: no memory touched
        System.out.println(plan.summary());                            // per-buffer sizes, lower bound, ratio
        try (Allocation mem = plan.allocate(BufferTypes.arena())) {    // exactly the measured bytes
            w.setFloats(weights);
            x.setFloats(input);
            Executor.compute(graph, 2);                                // 2 threads, Vector API kernels
            float[] out = y.toFloatArray();
        }
        // ---- end of the README example ----
        assertEquals(plan.totalBytes(), plan.computeBytes() + plan.workBytes());
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("```java", readme.indexOf("## Using it as a library"));
        int end = readme.indexOf("```", start + 7);
        String example = readme.substring(start + 7, end).strip();
        String test = Files.readString(ROOT.resolve("alloc/src/test/java/io/ggmljava/alloc/ReadmeExampleTest.java"));
        StringBuilder indented = new StringBuilder();
        for (String line : example.split("\n")) {
            indented.append(line.isEmpty() ? "" : "        " + line).append('\n');
        }
        assertTrue(test.contains(indented), "the README example changed; copy it into theExampleRuns:\n" + example);
    }

    @Test
    void theExampleComputesSiluOfTheProduct() {
        float[] weights = random(256 * 1024, 1);
        float[] input = random(256 * 8, 2);
        Context ctx = new Context();
        Tensor w = ctx.newTensor2d(GgmlType.F32, 256, 1024).setName("w");
        Tensor x = ctx.newTensor2d(GgmlType.F32, 256, 8).setName("x").setInput();
        Tensor y = ctx.silu(ctx.mulMat(w, x)).setOutput();
        Graph graph = Graph.build(y);
        MemoryPlan plan = Planner.best().plan(graph);
        try (Allocation mem = plan.allocate(BufferTypes.arena())) {
            w.setFloats(weights);
            x.setFloats(input);
            Executor.compute(graph, 2);
            float[] out = y.toFloatArray();
            for (int t = 0; t < 8; t += 3) {
                for (int o = 0; o < 1024; o += 97) {
                    double dot = 0;
                    for (int k = 0; k < 256; k++) {
                        dot += (double) weights[o * 256 + k] * input[t * 256 + k];
                    }
                    double silu = dot / (1 + Math.exp(-dot));
                    assertEquals(silu, out[t * 1024 + o], 1e-3, "y[" + o + "," + t + "]");
                }
            }
        }
    }
}
