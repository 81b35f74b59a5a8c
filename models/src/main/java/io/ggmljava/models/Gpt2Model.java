package io.ggmljava.models;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.graph.Graph;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A {@link SizableModel} for the {@code gpt2} architecture, over {@link Gpt2} (the graph of ggml's gpt-2 example, with
 * its f32 KV cache and all-token logits). As in that example, the context sizes both the learned position table and
 * the KV cache, and there is no flash-attention variant.
 */
final class Gpt2Model implements SizableModel {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String source;
    private final boolean headerOnly;
    private final Gpt2.Config config;
    private final List<TensorSpec> specs;

    Gpt2Model(String source, boolean headerOnly, Gpt2.Config config, List<TensorSpec> specs) {
        this.source = source;
        this.headerOnly = headerOnly;
        this.config = config;
        this.specs = List.copyOf(specs);
        requireSameWeights(new Gpt2(config), specs);
    }

    /** Reads the {@code gpt2.*} keys; the matrices' type is that of {@code blk.0.attn_qkv.weight}. */
    static Gpt2Model fromGguf(String source, GgufFile f) {
        int nEmbd = f.getInt("gpt2.embedding_length");
        var qkv = f.tensor("blk.0.attn_qkv.weight");
        var embd = f.tensor("token_embd.weight");
        if (qkv == null || embd == null) {
            throw new IllegalArgumentException(f.source() + ": a gpt2 file needs token_embd.weight and "
                    + "blk.0.attn_qkv.weight");
        }
        Gpt2.Config c = new Gpt2.Config(f.getInt("gpt2.vocab_size", (int) embd.ne(1)),
                f.getInt("gpt2.context_length"), nEmbd, f.getInt("gpt2.attention.head_count"),
                f.getInt("gpt2.block_count"), f.getFloat("gpt2.attention.layer_norm_epsilon", 1e-5f), qkv.type());
        return new Gpt2Model(source, f.isHeaderOnly(), c, f.tensors().stream().map(TensorSpec::of).toList());
    }

    /** The file must hold exactly the weights ggml's example graph uses, with the same types and shapes. */
    private static void requireSameWeights(Gpt2 model, List<TensorSpec> specs) {
        List<Tensor> w = model.weights().tensors();
        java.util.Map<String, TensorSpec> byName = new java.util.HashMap<>();
        for (TensorSpec s : specs) {
            byName.put(s.name(), s);
        }
        for (Tensor t : w) {
            TensorSpec s = byName.remove(t.name());
            if (s == null) {
                throw new IllegalArgumentException("gpt2: tensor " + t.name() + " is missing");
            }
            if (s.type() != t.type() || !s.sameShape(t.shape())) {
                throw new IllegalArgumentException("gpt2: tensor " + t.name() + " is " + s.type() + " "
                        + s.shapeString() + "; ggml's gpt-2 graph needs " + t.describe());
            }
        }
        if (!byName.isEmpty()) {
            throw new IllegalArgumentException("gpt2: tensors the graph does not use: " + byName.keySet());
        }
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String architecture() {
        return "gpt2";
    }

    @Override
    public String describe() {
        Gpt2.Config c = config;
        return String.format(Locale.ROOT, "%d layers, n_embd %d, %d heads, vocab %d, n_ctx %d, %s matrices",
                c.nLayer(), c.nEmbd(), c.nHead(), c.nVocab(), c.nCtx(), c.wtype());
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

    @Override
    public SizableModel scaledDown(int nLayer, int nVocab) {
        int layers = Math.min(nLayer, config.nLayer());
        int vocab = Math.min(nVocab, config.nVocab());
        if (layers == config.nLayer() && vocab == config.nVocab()) {
            return this;
        }
        Gpt2.Config c = new Gpt2.Config(vocab, config.nCtx(), config.nEmbd(), config.nHead(), layers, config.eps(),
                config.wtype());
        List<TensorSpec> s = BuiltinModels.gpt2Specs(vocab, c.nCtx(), c.nEmbd(), layers, c.wtype());
        return new Gpt2Model(source + " (scaled down)", headerOnly, c, s);
    }

    @Override
    public ModelInstance instantiate(Workload w) {
        int ctx = w.ctx() == 0 ? config.nCtx() : w.ctx();
        if (ctx > config.nCtx()) {
            throw new IllegalArgumentException("gpt2: context " + ctx + " exceeds the " + config.nCtx()
                    + " learned positions of this model");
        }
        if (w.kvType() != null && w.kvType() != GgmlType.F32) {
            throw new IllegalArgumentException("gpt2: ggml's gpt-2 example keeps an f32 KV cache; --kv-type "
                    + w.kvType() + " is not available for it");
        }
        if (w.flashAttn()) {
            throw new IllegalArgumentException("gpt2: ggml's gpt-2 example graph has no flash-attention variant");
        }
        if (!w.allLogits()) {
            throw new IllegalArgumentException("gpt2: ggml's gpt-2 example graph computes the logits of every token");
        }
        int tokens = w.tokens(ctx);
        int past = w.past() < 0 ? ctx - tokens : w.past();
        if (past + tokens > ctx) {
            throw new IllegalArgumentException("gpt2: " + tokens + " tokens after " + past + " do not fit n_ctx " + ctx);
        }
        Gpt2 model = new Gpt2(config.withCtx(ctx));
        Workload resolved = new Workload(ctx, w.batch(), w.ubatch(), past, GgmlType.F32, false, true);
        return new Instance(model, tokens, past, resolved, w.past() < 0);
    }

    private record Instance(Gpt2 model, int tokens, int past, Workload workload, boolean worstCase)
            implements ModelInstance {
        @Override
        public List<Tensor> weights() {
            return model.weights().tensors();
        }

        @Override
        public List<Tensor> cache() {
            return model.kvCache().tensors();
        }

        @Override
        public String describeCache() {
            Gpt2.Config c = model.config();
            return String.format(Locale.ROOT, "K f32 + V f32, %d layers x %d positions x %d (ggml's gpt-2 example)",
                    c.nLayer(), c.nCtx(), c.nEmbd());
        }

        @Override
        public String describeStep() {
            return String.format(Locale.ROOT, "%d token%s at n_past %d, attending over %d positions%s, logits for all",
                    tokens, tokens == 1 ? "" : "s", past, past + tokens, worstCase ? " (worst case: the end of the "
                            + "context)" : "");
        }

        @Override
        public Step newStep() {
            Graph g = model.graph(past, tokens);
            Tensor embd = leaf(g, "embd");
            Tensor position = leaf(g, "position");
            Tensor logits = g.node(g.nodeCount() - 1);
            int nVocab = model.config().nVocab();
            return new Step(g, logits, rng -> {
                MemorySegment e = embd.data();
                MemorySegment p = position.data();
                for (int i = 0; i < tokens; i++) {
                    e.set(I32, 4L * i, rng.nextInt(nVocab));
                    p.set(I32, 4L * i, past + i);
                }
            });
        }

        private static Tensor leaf(Graph g, String name) {
            for (Tensor t : g.leafs()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            throw new IllegalStateException("gpt2 graph has no input '" + name + "'");
        }
    }
}
