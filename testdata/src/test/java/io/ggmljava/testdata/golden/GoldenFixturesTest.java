package io.ggmljava.testdata.golden;

import static org.junit.jupiter.api.Assertions.fail;

import io.ggmljava.ops.KernelProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every bundled golden case with the scalar provider and the vector provider at 128, 256 and 512 bits: one dynamic
 * test per case and provider. Cases whose kernels are not written yet are skipped (aborted, with the reason); a test
 * fails only on a real failure. Prints the summary line at the end.
 *
 * <p>To re-run some cases: {@code -Dggml.test.flags="-Dgolden.name=soft_max_16x16 -Dgolden.op=SOFT_MAX"} (comma
 * separated lists; the same filters as {@code ./ggml golden --name/--op}).
 */
class GoldenFixturesTest {
    private static final ConcurrentLinkedQueue<CaseResult> RESULTS = new ConcurrentLinkedQueue<>();

    static List<KernelProvider> providers() {
        List<KernelProvider> ps = new ArrayList<>();
        ps.add(KernelProvider.scalar());
        if (KernelProvider.vectorAvailable()) {
            for (int bits : new int[]{128, 256, 512}) {
                if (bits <= KernelProvider.preferredVectorBits()) {
                    ps.add(KernelProvider.vector(bits));
                }
            }
        }
        return ps;
    }

    @TestFactory
    Stream<DynamicNode> bundledCases() {
        GoldenRunner.Builder b = GoldenRunner.builder().providers(providers());
        for (String n : System.getProperty("golden.name", "").split(",")) {
            if (!n.isBlank()) {
                b.name(n.trim());
            }
        }
        for (String o : System.getProperty("golden.op", "").split(",")) {
            if (!o.isBlank()) {
                b.op(o.trim());
            }
        }
        GoldenRunner runner = b.build();
        return GoldenCases.bundledIndex().stream().filter(runner::acceptsFile).map(GoldenCases::loadBundled)
                .filter(runner::accepts).map(c -> {
            String file = c.file();
            List<DynamicNode> perProvider = new ArrayList<>();
            for (KernelProvider p : runner.providers()) {
                perProvider.add(DynamicTest.dynamicTest(p.name(), () -> {
                    CaseResult r = runner.run(c, p);
                    RESULTS.add(r);
                    switch (r.status()) {
                        case PASSED -> {
                        }
                        case SKIPPED -> Assumptions.abort(r.reason());
                        case FAILED -> fail(r.describe());
                    }
                }));
            }
            return DynamicContainer.dynamicContainer(file, perProvider);
        });
    }

    @AfterAll
    static void summary() {
        GoldenReport report = new GoldenReport(new ArrayList<>(RESULTS));
        System.out.println("golden fixtures: " + report.summaryLine());
    }
}
