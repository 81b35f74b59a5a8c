package io.ggmljava.models;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/** A {@link SizableModel} for the {@code llama} architecture, over {@link Llama}. */
final class LlamaModel implements SizableModel {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String source;
    private final boolean headerOnly;
    private final LlamaConfig config;
    private final List<TensorSpec> specs;

    LlamaModel(String source, boolean headerOnly, LlamaConfig config, List<TensorSpec> specs) {
        this.source = source;
        this.headerOnly = headerOnly;
        this.config = config;
        this.specs = List.copyOf(specs);
        Llama.fromSpecs(config, specs); // validates names and shapes now, not at the first workload
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String architecture() {
        return "llama";
    }

    @Override
    public String describe() {
        LlamaConfig c = config;
        return String.format(Locale.ROOT, "%d layers, n_embd %d, %d heads (%d KV heads%s), head %d, n_ff %d, vocab %d, "
                        + "n_ctx_train %d, rope base %.0f", c.nLayer(), c.nEmbd(), c.nHead(), c.nHeadKv(),
                c.nGqa() > 1 ? ", GQA " + c.nGqa() : "", c.nEmbdHead(), c.nFf(), c.nVocab(), c.nCtxTrain(),
                c.ropeFreqBase());
    }

    @Override
    public boolean headerOnly() {
        return headerOnly;
    }

    @Override
    public List<TensorSpec> weightSpecs() {
        return specs;
    }

    @Override
    public int layers() {
        return config.nLayer();
    }

    LlamaConfig config() {
        return config;
    }

    @Override
    public SizableModel scaledDown(int nLayer, int nVocab) {
        int layers = Math.min(nLayer, config.nLayer());
        int vocab = Math.min(nVocab, config.nVocab());
        if (layers == config.nLayer() && vocab == config.nVocab()) {
            return this;
        }
        LlamaConfig c = config.withLayers(layers).withVocab(vocab);
        List<TensorSpec> out = new ArrayList<>();
        for (TensorSpec s : specs) {
            if (layerOf(s) >= layers) {
                continue;
            }
            long[] ne = s.ne();
            if ((s.name().equals("token_embd.weight") || s.name().equals("output.weight")) && ne.length > 1) {
                ne[1] = vocab;
            }
            out.add(new TensorSpec(s.name(), s.type(), ne));
        }
        return new LlamaModel(source + " (scaled down)", headerOnly, c, out);
    }

    @Override
    public SizableModel narrowed(int divisor) {
        LlamaConfig c = config;
        if (divisor <= 1 || c.nHead() % divisor != 0 || c.nEmbd() % divisor != 0) {
            return this;
        }
        int block = 1;
        for (TensorSpec s : specs) {
            block = Math.max(block, s.type().blockSize());
        }
        int nHeadKv = Math.max(1, c.nHeadKv() / divisor);
        int nHead = c.nHead() / divisor;
        int nEmbd = c.nEmbd() / divisor;
        int nFf = Llama.pad(c.nFf() / divisor, block);
        if (nHead % nHeadKv != 0 || nEmbd % block != 0) {
            return this;
        }
        LlamaConfig n = new LlamaConfig(c.nVocab(), c.nCtxTrain(), nEmbd, c.nLayer(), nHead, nHeadKv, nFf,
                c.nEmbdHead(), c.nRot(), c.ropeFreqBase(), c.ropeFreqScale(), c.rmsEps());
        java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
        for (TensorSpec s : Llama.tensorSpecs(n, QuantMix.F16)) {
            shapes.put(s.name(), s.ne());
        }
        List<TensorSpec> out = new ArrayList<>();
        for (TensorSpec s : specs) {
            long[] ne = shapes.get(s.name());
            if (ne == null) {
                return this; // biases or RoPE factors: not narrowed here
            }
            out.add(new TensorSpec(s.name(), s.type(), ne));
        }
        return new LlamaModel(source, headerOnly, n, out);
    }

    @Override
    public String widths() {
        return String.format(Locale.ROOT, "n_embd %d, n_ff %d, %d/%d heads", config.nEmbd(), config.nFf(),
                config.nHead(), config.nHeadKv());
    }

    @Override
    public ModelInstance instantiate(Workload w) {
        int requested = w.ctx() == 0 ? Math.min(4096, config.nCtxTrain()) : w.ctx();
        int kvSize = Llama.paddedContext(requested, w.flashAttn());
        GgmlType kvType = w.kvType() == null ? GgmlType.F16 : w.kvType();
        switch (kvType) {
            case F32, F16, Q8_0 -> { }
            default -> throw new IllegalArgumentException("llama: KV cache type must be f32, f16 or q8_0, got " + kvType);
        }
        if (kvType.isQuantized() && !w.flashAttn()) {
            throw new IllegalArgumentException("llama: a " + kvType + " KV cache needs flash attention (--flash-attn): "
                    + "llama.cpp refuses a quantized V cache without it");
        }
        int tokens = w.tokens(kvSize);
        int outputs = w.allLogits() ? tokens : 1;
        Llama.Ubatch ub = w.past() < 0 ? worstCase(kvSize, tokens, outputs)
                : Llama.Ubatch.at(w.past(), tokens, kvSize, w.flashAttn(), outputs);
        Workload resolved = new Workload(kvSize, w.batch(), w.ubatch(), ub.kvHead(), kvType, w.flashAttn(),
                w.allLogits());
        Llama llama = Llama.fromSpecs(config, specs);
        Llama.KvCache kv = llama.newKvCache(kvSize, kvType, kvType);
        String note = requested != kvSize ? " (" + requested + " rounded up to " + Llama.kvPadding(w.flashAttn())
                + ", as llama.cpp pads n_ctx)" : "";
        return new Instance(llama, kv, ub, resolved, w.past() < 0, note);
    }

    private static Llama.Ubatch worstCase(int kvSize, int tokens, int outputs) {
        Llama.Ubatch u = Llama.Ubatch.worstCase(kvSize, tokens);
        return new Llama.Ubatch(u.nTokens(), u.kvHead(), u.nKv(), outputs);
    }

    private record Instance(Llama llama, Llama.KvCache kv, Llama.Ubatch ub, Workload workload, boolean worstCase,
            String ctxNote) implements ModelInstance {
        @Override
        public List<Tensor> weights() {
            return llama.weightTensors();
        }

        @Override
        public List<Tensor> cache() {
            return kv.tensors();
        }

        @Override
        public String describeCache() {
            LlamaConfig c = llama.config();
            return String.format(Locale.ROOT, "K %s + V %s, %d layers x %d cells x %d%s", kv.typeK(), kv.typeV(),
                    c.nLayer(), kv.size(), c.nEmbdGqa(), ctxNote);
        }

        @Override
        public String describeStep() {
            return String.format(Locale.ROOT, "%d token%s written at cell %d, attending over %d cells%s, logits for %d",
                    ub.nTokens(), ub.nTokens() == 1 ? "" : "s", ub.kvHead(), ub.nKv(),
                    worstCase ? " (llama.cpp's worst-case reserve)" : "", ub.nOutputs());
        }

        @Override
        public Step newStep() {
            boolean fa = workload.flashAttn();
            Llama.Forward fw = llama.graph(kv, ub, fa);
            return new Step(fw.graph(), fw.logits(), rng -> fillInputs(fw, rng));
        }

        /** Token ids, positions kv_head.., a causal mask over the used cells, the last n_outputs rows. */
        private void fillInputs(Llama.Forward fw, RandomGenerator rng) {
            Llama.Ubatch u = fw.ubatch();
            int nVocab = llama.config().nVocab();
            MemorySegment tok = fw.tokens().data();
            MemorySegment pos = fw.positions().data();
            for (int i = 0; i < u.nTokens(); i++) {
                tok.set(I32, 4L * i, rng.nextInt(nVocab));
                pos.set(I32, 4L * i, u.kvHead() + i);
            }
            MemorySegment mask = fw.kqMask().data();
            long rows = fw.kqMask().ne(1);
            for (long i = 0; i < rows; i++) {
                for (int j = 0; j < u.nKv(); j++) {
                    boolean visible = i < u.nTokens() && j <= u.kvHead() + i;
                    mask.set(F32, 4L * (i * u.nKv() + j), visible ? 0.0f : Float.NEGATIVE_INFINITY);
                }
            }
            MemorySegment ids = fw.outIds().data();
            for (int i = 0; i < u.nOutputs(); i++) {
                ids.set(I32, 4L * i, u.nTokens() - u.nOutputs() + i);
            }
        }
    }
}
