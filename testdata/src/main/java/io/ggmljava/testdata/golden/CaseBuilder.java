package io.ggmljava.testdata.golden;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;
import io.ggmljava.ops.KernelProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the computation of one kind of golden case (one value of {@code golden.op}) with a {@link Context}.
 *
 * <p>The runner has a builder for every op of the bundled fixtures; plug in more (or replace one, e.g. for
 * {@code GRAPH} cases) with {@link GoldenRunner.Builder#caseBuilder(String, CaseBuilder)}:
 *
 * <pre>{@code
 * CaseBuilder lstm = (c, ctx, in) -> {
 *     if (!c.paramString("model").equals("lstm")) throw new SkipCaseException("only LSTM here");
 *     Tensor h = ...;                                    // build with ctx from in.leaf("x"), in.leaf("w_ih"), ...
 *     return CaseBuilder.Built.of("dst", h, "h_last", hLast, "c_last", cLast);
 * };
 * GoldenRunner r = GoldenRunner.builder().caseBuilder("GRAPH", lstm).build();
 * }</pre>
 */
@FunctionalInterface
public interface CaseBuilder {
    /**
     * Builds the outputs of case {@code c} from its inputs.
     *
     * @throws SkipCaseException to skip the case with a reason
     */
    Built build(GoldenCase c, Context ctx, CaseInputs in);

    /**
     * What a builder produces: the tensors to compare, by golden output name, and an optional step run after the
     * graph (for cases that are not a graph of ops, e.g. QUANTIZE).
     */
    record Built(Map<String, Tensor> outputs, DirectStep direct) {
        public Built {
            outputs = new LinkedHashMap<>(outputs);
        }

        /** A graph-only result with the single output {@code dst}. */
        public static Built dst(Tensor dst) {
            return new Built(Map.of("dst", dst), null);
        }

        /** A graph-only result from alternating names and tensors. */
        public static Built of(Object... nameTensor) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (int i = 0; i < nameTensor.length; i += 2) {
                m.put((String) nameTensor[i], (Tensor) nameTensor[i + 1]);
            }
            return new Built(m, null);
        }
    }

    /** Work done outside the graph, after it: it fills output tensors (already allocated) from the inputs. */
    @FunctionalInterface
    interface DirectStep {
        void compute(KernelProvider provider, CaseInputs in, Map<String, Tensor> outputs);
    }
}
