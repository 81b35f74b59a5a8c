package io.ggmljava.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.alloc.Planner;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufWriter;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class SizingTest {
    static final double MIB = 1024.0 * 1024.0;

    static SizeReport size(String model, Workload w, Planner p) {
        return Sizing.size(Models.open(model), w, p, "ggml", 2);
    }

    /** ggml's gallocr on its gpt-2 example (ANCHORS.md): 25.29 MiB for 128 tokens, 0.39 MiB for 1 after 128. */
    @Test
    void gpt2SmallReproducesGgml() {
        Workload prompt = Workload.defaults().withCtx(1024).withUbatch(128).withPast(0);
        SizeReport dyn = size("builtin:gpt2-small-f16", prompt, Planner.dynamic());
        assertEquals(487, dyn.nodes());
        assertEquals(25.29, dyn.computeBytes() / MIB, 0.01 * 25.29);
        assertEquals(dyn.computeBytes(), dyn.ggmlComputeBytes());
        SizeReport best = size("builtin:gpt2-small-f16", prompt, Planner.best());
        assertTrue(best.computeBytes() <= dyn.computeBytes());
        SizeReport decode = size("builtin:gpt2-small-f16", Workload.defaults().withCtx(1024).withUbatch(1).withPast(128),
                Planner.dynamic());
        assertEquals(0.39, decode.computeBytes() / MIB, 0.01 * 0.39);
        assertTrue(size("builtin:gpt2-small-f16", Workload.defaults().withCtx(1024).withUbatch(1).withPast(128),
                Planner.best()).computeBytes() <= decode.computeBytes());
    }

    /**
     * llama.cpp's logs ("CPU compute buffer size", "KV self size", "graph nodes") for the same models and settings:
     * Llama-3(.1)-8B at n_ctx 512 and 2048: 258.50 MiB, 1030 nodes; at n_ctx 4096: 296.01 MiB, KV 512 MiB;
     * TinyLlama at n_ctx 8192: 544.01 MiB, KV 176 MiB (n_ubatch 512, no flash attention).
     */
    @Test
    void ggmlEquivalentMatchesLlamaCppLogs() {
        Workload d = Workload.defaults();
        for (int ctx : new int[]{512, 2048}) {
            SizeReport r = size("builtin:llama3-8b-q4_k_m", d.withCtx(ctx), Planner.dynamic());
            assertEquals(258.50, r.ggmlComputeBytes() / MIB, 0.005, "ctx " + ctx);
            assertEquals(1030, r.nodes());
        }
        SizeReport r = size("builtin:llama3-8b-q4_k_m", d.withCtx(4096), Planner.best());
        assertEquals(296.01, r.ggmlComputeBytes() / MIB, 0.005);
        assertEquals(512.0, r.kvBytes() / MIB, 1e-9);
        SizeReport t = size("builtin:tinyllama-1.1b-f16", d.withCtx(8192), Planner.best());
        assertEquals(544.01, t.ggmlComputeBytes() / MIB, 0.005);
        assertEquals(176.0, t.kvBytes() / MIB, 1e-9);
    }

    @Test
    void defaultPlannerIsNeverLargerThanGgmlForEveryBuiltinAndContext() {
        for (String name : BuiltinModels.names()) {
            int[] ctxs = name.startsWith("gpt2") ? new int[]{128, 256, 512, 1024}
                    : name.startsWith("lstm") ? new int[]{100, 1000, 10000} : new int[]{512, 2048, 8192};
            for (int ctx : ctxs) {
                for (boolean fa : new boolean[]{false, true}) {
                    if (fa && (name.startsWith("gpt2") || name.startsWith("lstm"))) {
                        continue;
                    }
                    for (String order : Orders.names()) {
                        SizeReport r = Sizing.size(Models.open("builtin:" + name),
                                Workload.defaults().withCtx(ctx).withFlashAttn(fa), Planner.best(), order, 2);
                        String what = name + " ctx " + ctx + " fa " + fa + " order " + order + ": ";
                        assertTrue(r.computeBytes() <= r.ggmlComputeBytes(), what + r.computeBytes() + " > "
                                + r.ggmlComputeBytes());
                        assertTrue(r.computeBytes() >= r.lowerBoundBytes(), what);
                    }
                }
            }
        }
    }

    /**
     * The seed's LSTM: in ggml's order every step's input projection is computed first and stays live, so the
     * buffer grows with T (ANCHORS.md: ggml grows ~5 KiB per step with x inside the buffer; here x is the caller's,
     * so 4H floats = 4 KiB per step); in the memory order it is flat.
     */
    @Test
    void lstmIsFlatInTheMemoryOrderAndGrowsInGgmls() {
        SizableModel m = Models.open("builtin:lstm-h256");
        long[] ggml = new long[2];
        long[] mem = new long[2];
        int[] steps = {1000, 10000};
        for (int i = 0; i < 2; i++) {
            Workload w = Workload.defaults().withCtx(steps[i]);
            ggml[i] = Sizing.size(m, w, Planner.best(), "ggml", 2).computeBytes();
            mem[i] = Sizing.size(m, w, Planner.best(), "memory", 2).computeBytes();
        }
        assertEquals(4096.0, (ggml[1] - ggml[0]) / 9000.0, 64.0, "bytes per step in ggml's order");
        assertEquals(mem[0], mem[1], "memory order: flat in T");
        assertTrue(mem[1] < 16 * 1024, "a few vectors: " + mem[1]);
        Verification v = Sizing.verify(m, Workload.defaults().withCtx(200), Planner.best(), "memory",
                Sizing.Budget.DEFAULT, s -> { });
        assertTrue(v.verified(), v.toString());
    }

    @Test
    void narrowingKeepsTheGraphAndTheTypes() {
        SizableModel full = Models.open("builtin:llama3-8b-q4_k_m");
        SizableModel narrow = full.narrowed(4);
        assertEquals("n_embd 1024, n_ff 3584, 8/2 heads", narrow.widths());
        assertEquals(WeightStats.of(full).byType().get(GgmlType.Q6_K).tensors(),
                WeightStats.of(narrow).byType().get(GgmlType.Q6_K).tensors());
        assertEquals(1030, narrow.instantiate(Workload.defaults().withCtx(512)).newStep().graph().nodeCount());
        SizableModel gpt2 = Models.open("builtin:gpt2-small-f16");
        assertTrue(gpt2.narrowed(4) == gpt2, "gpt2 is not narrowed");
    }

    @Test
    void weightStatsByTypeAndLayer() {
        SizableModel m = Models.open("builtin:llama3-8b-q4_k_m");
        WeightStats w = WeightStats.of(m);
        assertEquals(291, w.tensors());
        assertEquals(List.of(GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F32), List.copyOf(w.byType().keySet()));
        long[] layers = w.perLayer();
        assertEquals(32, layers.length);
        assertTrue(layers[0] > layers[4], "layer 0 has q6_K attn_v and ffn_down, layer 4 has not");
        assertEquals(layers[0], layers[31]);
        long sum = 0;
        for (long b : layers) {
            sum += b;
        }
        for (TensorSpec s : w.other()) {
            sum += s.nbytes();
        }
        assertEquals(w.bytes(), sum);
    }

    /** A small llama (2 layers, 128 wide) so that verification runs in a moment. */
    static SizableModel tinyLlama(QuantMix mix) {
        LlamaConfig c = new LlamaConfig(512, 1024, 256, 2, 4, 2, 512, 64, 64, 10000f, 1f, 1e-5f);
        GgufWriter w = BuiltinModels.llama("tiny-test", c, mix);
        return Models.fromGguf("tiny-" + mix, GgufFile.readHeaderOnly(MemorySegment.ofArray(w.header())), true);
    }

    /** Five configurations: measured == allocated for every buffer, finite logits, same as the no-sharing run. */
    @Test
    void verifyProvesAllocatedEqualsMeasured() {
        record Case(SizableModel model, Workload w, Planner p) {
        }
        Workload base = Workload.defaults().withCtx(256).withUbatch(32);
        List<Case> cases = List.of(
                new Case(tinyLlama(QuantMix.F16), base.withKvType(GgmlType.F32), Planner.dynamic()),
                new Case(tinyLlama(QuantMix.F16), base.withFlashAttn(true), Planner.best()),
                new Case(tinyLlama(QuantMix.Q8_0), base.withFlashAttn(true).withKvType(GgmlType.Q8_0), Planner.offline()),
                new Case(tinyLlama(QuantMix.Q4_K_M), base.withPast(100).withUbatch(7), Planner.best()),
                new Case(Models.open("builtin:gpt2-small-f16").scaledDown(1, 1024), Workload.defaults().withCtx(64)
                        .withUbatch(8), Planner.best()));
        for (Case c : cases) {
            Verification v = Sizing.verify(c.model(), c.w(), c.p(), "ggml", Sizing.Budget.DEFAULT, s -> { });
            assertEquals(v.measuredCompute(), v.allocatedCompute(), v.toString());
            assertTrue(v.allocatedEqualsMeasured(), v.toString());
            assertTrue(v.outputsFinite(), v.toString());
            assertTrue(v.matchesReference(), v.toString());
            assertTrue(v.verified());
            assertTrue(v.configuration().endsWith("full model"), v.configuration());
        }
    }
}
