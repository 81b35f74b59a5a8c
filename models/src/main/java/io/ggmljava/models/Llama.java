package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.graph.Graph;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A llama model at the level of shapes, built from a GGUF header alone: the weights as tensors with llama.cpp's
 * names and the file's types (no memory until an allocator binds them), a KV cache of a chosen type, and the
 * compute graph of llama.cpp's {@code build_llama} (early 2025, the era of ggml 9a4acb37): RMS norm, RoPE on Q and
 * K, grouped-query attention over the cache (soft-max or flash attention), SwiGLU feed-forward, all-token or
 * selected-token logits. Same ops in the same order, so the graph has llama.cpp's node count (1030 for a 32-layer
 * model without flash attention) and its compute buffer can be compared with llama.cpp's.
 *
 * <pre>{@code
 * try (GgufFile f = GgufFile.openHeaderOnly(path)) {
 *     Llama llama = Llama.fromGguf(f);                          // weights: names, types, shapes (no data)
 *     Llama.KvCache kv = llama.newKvCache(4096, GgmlType.F16, GgmlType.F16);
 *     Llama.Ubatch ub = Llama.Ubatch.worstCase(kv.size(), 512); // what llama.cpp reserves
 *     Llama.Forward fw = llama.graph(kv, ub, false);            // 1030 nodes for Llama-3-8B
 *     MemoryPlan plan = Planner.best().plan(fw.graph(), PlanOptions.defaults()
 *             .withExternal(llama.weightTensors()).withExternal(kv.tensors()));
 * }
 * }</pre>
 */
public final class Llama {
    /** One block's weights; the biases and RoPE factors are null when the file has none. */
    public record Layer(Tensor attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo, Tensor bq, Tensor bk, Tensor bv,
            Tensor bo, Tensor ffnNorm, Tensor ffnGate, Tensor ffnUp, Tensor ffnDown, Tensor ropeFreqs) {
    }

    /**
     * The KV cache: per layer one K and one V tensor of {@code size} cells of {@code nEmbdGqa} values (llama.cpp's
     * {@code cache_k_l<N>} / {@code cache_v_l<N>}, 1-d). V is stored transposed unless flash attention is used.
     */
    public record KvCache(int size, GgmlType typeK, GgmlType typeV, Context context, List<Tensor> k, List<Tensor> v) {
        /** Every K and V tensor (what a compute plan must leave alone). */
        public List<Tensor> tensors() {
            return context.tensors();
        }

        /** Bytes of the K and V data together. */
        public long nbytes() {
            long b = 0;
            for (Tensor t : context.tensors()) {
                b += t.nbytes();
            }
            return b;
        }
    }

    /**
     * One micro-batch: {@code nTokens} new tokens written to cells {@code kvHead ..}, attending over the first
     * {@code nKv} cells, with logits for {@code nOutputs} of them.
     */
    public record Ubatch(int nTokens, int kvHead, int nKv, int nOutputs) {
        public Ubatch {
            if (nTokens < 1 || kvHead < 0 || nKv < kvHead + nTokens || nOutputs < 1 || nOutputs > nTokens) {
                throw new IllegalArgumentException("llama: inconsistent ubatch " + nTokens + " tokens at cell "
                        + kvHead + ", n_kv " + nKv + ", " + nOutputs + " outputs");
            }
        }

        /**
         * The graph llama.cpp reserves its compute buffer with: {@code min(kvSize, nUbatch)} tokens written at the end
         * of the cache, attending over all {@code kvSize} cells, every token an output.
         */
        public static Ubatch worstCase(int kvSize, int nUbatch) {
            int n = Math.min(kvSize, nUbatch);
            return new Ubatch(n, kvSize - n, kvSize, n);
        }

        /**
         * A decode step as llama.cpp runs it: {@code nTokens} tokens after {@code nPast} cached ones, attending over
         * the used cells rounded up to the cache padding (256 with flash attention, else 32), logits for
         * {@code nOutputs} tokens.
         */
        public static Ubatch at(int nPast, int nTokens, int kvSize, boolean flashAttn, int nOutputs) {
            if (nPast + nTokens > kvSize) {
                throw new IllegalArgumentException("llama: " + nTokens + " tokens after " + nPast + " do not fit a KV "
                        + "cache of " + kvSize + " cells");
            }
            int pad = kvPadding(flashAttn);
            int nKv = Math.min(kvSize, Math.max(pad, pad(nPast + nTokens, pad)));
            return new Ubatch(nTokens, nPast, nKv, nOutputs);
        }
    }

    /**
     * A built forward graph and its inputs: token ids (i32 [n_tokens]), positions (i32 [n_tokens]), the causal mask
     * (f32 [n_kv, n_tokens padded to 64]), the ids of the output rows (i32 [n_outputs]); logits f32
     * [n_vocab, n_outputs].
     */
    public record Forward(Graph graph, Ubatch ubatch, boolean flashAttn, Tensor tokens, Tensor positions,
            Tensor kqMask, Tensor outIds, Tensor logits) {
    }

    private final LlamaConfig config;
    private final Context weights = new Context();
    private final List<TensorSpec> specs;
    private final Tensor tokEmbd;
    private final Tensor outputNorm;
    private final Tensor output;
    private final List<Layer> layers = new ArrayList<>();

    private Llama(LlamaConfig config, List<TensorSpec> specs) {
        this.config = config;
        this.specs = List.copyOf(specs);
        Map<String, TensorSpec> byName = new LinkedHashMap<>();
        for (TensorSpec s : specs) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalArgumentException("llama: tensor " + s.name() + " appears twice");
            }
        }
        Map<String, Tensor> made = new LinkedHashMap<>();
        for (TensorSpec s : specs) {
            made.put(s.name(), weights.newTensor(s.type(), s.ne()).setName(s.name()));
        }
        Expect ex = new Expect(made, byName);
        int e = config.nEmbd();
        int q = config.nEmbdHead() * config.nHead();
        int kv = config.nEmbdGqa();
        tokEmbd = ex.required("token_embd.weight", e, config.nVocab());
        outputNorm = ex.required("output_norm.weight", e);
        Tensor out = ex.optional("output.weight", e, config.nVocab());
        output = out != null ? out : tokEmbd; // tied embeddings, as llama.cpp does when output.weight is absent
        Tensor ropeFreqs = ex.optional("rope_freqs.weight", config.nRot() / 2);
        for (int il = 0; il < config.nLayer(); il++) {
            String p = "blk." + il + ".";
            layers.add(new Layer(
                    ex.required(p + "attn_norm.weight", e),
                    ex.required(p + "attn_q.weight", e, q),
                    ex.required(p + "attn_k.weight", e, kv),
                    ex.required(p + "attn_v.weight", e, kv),
                    ex.required(p + "attn_output.weight", q, e),
                    ex.optional(p + "attn_q.bias", q),
                    ex.optional(p + "attn_k.bias", kv),
                    ex.optional(p + "attn_v.bias", kv),
                    ex.optional(p + "attn_output.bias", e),
                    ex.required(p + "ffn_norm.weight", e),
                    ex.required(p + "ffn_gate.weight", e, config.nFf()),
                    ex.required(p + "ffn_up.weight", e, config.nFf()),
                    ex.required(p + "ffn_down.weight", config.nFf(), e),
                    ropeFreqs));
        }
        ex.requireAllUsed();
    }

    /** Checks each expected tensor's presence and shape; remembers which ones were used. */
    private record Expect(Map<String, Tensor> made, Map<String, TensorSpec> specs) {
        Tensor required(String name, long... shape) {
            Tensor t = optional(name, shape);
            if (t == null) {
                throw new IllegalArgumentException("llama: tensor " + name + " is missing (expected shape "
                        + java.util.Arrays.toString(shape) + ")");
            }
            return t;
        }

        Tensor optional(String name, long... shape) {
            TensorSpec s = specs.get(name);
            if (s == null) {
                return null;
            }
            if (!s.sameShape(shape)) {
                throw new IllegalArgumentException("llama: tensor " + name + " has shape " + s.shapeString()
                        + ", the hyper-parameters give " + java.util.Arrays.toString(shape).replace(" ", ""));
            }
            specs.remove(name);
            return made.get(name);
        }

        void requireAllUsed() {
            if (!specs.isEmpty()) {
                throw new IllegalArgumentException("llama: " + specs.size() + " tensor(s) the llama graph does not use: "
                        + String.join(", ", specs.keySet().stream().limit(8).toList())
                        + (specs.size() > 8 ? ", ..." : ""));
            }
        }
    }

    /** The model described by a GGUF header: hyper-parameters from {@code llama.*}, weights from the tensor infos. */
    public static Llama fromGguf(GgufFile f) {
        LlamaConfig c = LlamaConfig.fromGguf(f);
        List<TensorSpec> specs = new ArrayList<>();
        for (GgufTensorInfo info : f.tensors()) {
            specs.add(TensorSpec.of(info));
        }
        return new Llama(c, specs);
    }

    /** A model of {@code config} with exactly these weights (checked against the hyper-parameters). */
    public static Llama fromSpecs(LlamaConfig config, List<TensorSpec> specs) {
        return new Llama(config, specs);
    }

    /** A model of {@code config} whose weights have the types {@code mix} gives them (no biases, untied output). */
    public static Llama create(LlamaConfig config, QuantMix mix) {
        return new Llama(config, tensorSpecs(config, mix));
    }

    /** A model of {@code config} with weights typed by {@code typeOf} (no biases, untied output). */
    public static Llama create(LlamaConfig config, Function<TensorSpec, GgmlType> typeOf) {
        List<TensorSpec> specs = new ArrayList<>();
        for (TensorSpec s : tensorSpecs(config, QuantMix.F16)) {
            specs.add(new TensorSpec(s.name(), typeOf.apply(s), s.ne()));
        }
        return new Llama(config, specs);
    }

    /**
     * The weights a llama GGUF of {@code config} holds, in llama.cpp's file order ({@code token_embd},
     * {@code output_norm}, {@code output}, then each block), typed by {@code mix}.
     */
    public static List<TensorSpec> tensorSpecs(LlamaConfig config, QuantMix mix) {
        int e = config.nEmbd();
        int q = config.nEmbdHead() * config.nHead();
        int kv = config.nEmbdGqa();
        int n = config.nLayer();
        List<TensorSpec> out = new ArrayList<>();
        Spec add = (name, shape) -> out.add(new TensorSpec(name, mix.typeOf(name, shape.length, n), shape));
        add.add("token_embd.weight", new long[]{e, config.nVocab()});
        add.add("output_norm.weight", new long[]{e});
        add.add("output.weight", new long[]{e, config.nVocab()});
        for (int il = 0; il < n; il++) {
            String p = "blk." + il + ".";
            add.add(p + "attn_norm.weight", new long[]{e});
            add.add(p + "attn_q.weight", new long[]{e, q});
            add.add(p + "attn_k.weight", new long[]{e, kv});
            add.add(p + "attn_v.weight", new long[]{e, kv});
            add.add(p + "attn_output.weight", new long[]{q, e});
            add.add(p + "ffn_norm.weight", new long[]{e});
            add.add(p + "ffn_gate.weight", new long[]{e, config.nFf()});
            add.add(p + "ffn_down.weight", new long[]{config.nFf(), e});
            add.add(p + "ffn_up.weight", new long[]{e, config.nFf()});
        }
        return out;
    }

    private interface Spec {
        void add(String name, long[] shape);
    }

    public LlamaConfig config() {
        return config;
    }

    /** The weights' names, types and shapes, in file order. */
    public List<TensorSpec> specs() {
        return specs;
    }

    /** The context holding the weights (metadata; bound by whoever loads or allocates them). */
    public Context weights() {
        return weights;
    }

    /** Every weight tensor, in file order. */
    public List<Tensor> weightTensors() {
        return weights.tensors();
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** The KV cache padding llama.cpp uses: 256 cells with flash attention, else 32. */
    public static int kvPadding(boolean flashAttn) {
        return flashAttn ? 256 : 32;
    }

    /** {@code n} rounded up to a multiple of {@code to} (GGML_PAD). */
    public static int pad(int n, int to) {
        return (n + to - 1) / to * to;
    }

    /**
     * A KV cache of {@code size} cells per layer (llama.cpp rounds the context up to {@link #kvPadding} first; see
     * {@link #paddedContext}).
     *
     * @throws IllegalArgumentException for a quantized V cache without flash attention (llama.cpp refuses it too:
     *                                  the transposed V cache is written element by element)
     */
    public KvCache newKvCache(int size, GgmlType typeK, GgmlType typeV) {
        if (size < 1) {
            throw new IllegalArgumentException("llama: the KV cache needs at least one cell, got " + size);
        }
        Context c = new Context();
        List<Tensor> k = new ArrayList<>();
        List<Tensor> v = new ArrayList<>();
        long n = (long) config.nEmbdGqa() * size;
        for (int il = 0; il < config.nLayer(); il++) {
            k.add(c.newTensor1d(typeK, n).setName("cache_k_l" + il));
            v.add(c.newTensor1d(typeV, n).setName("cache_v_l" + il));
        }
        return new KvCache(size, typeK, typeV, c, Collections.unmodifiableList(k), Collections.unmodifiableList(v));
    }

    /** The context llama.cpp actually uses for a requested {@code nCtx}: rounded up to {@link #kvPadding}. */
    public static int paddedContext(int nCtx, boolean flashAttn) {
        return pad(nCtx, kvPadding(flashAttn));
    }

    /**
     * llama.cpp's {@code build_llama} for one micro-batch: writes K and V of the new tokens into the cache at
     * {@code ub.kvHead()} and attends over the first {@code ub.nKv()} cells.
     */
    public Forward graph(KvCache kv, Ubatch ub, boolean flashAttn) {
        if (kv.typeV().isQuantized() && !flashAttn) {
            throw new IllegalArgumentException("llama: a quantized V cache (" + kv.typeV() + ") needs flash attention, "
                    + "as in llama.cpp");
        }
        if (ub.nKv() > kv.size()) {
            throw new IllegalArgumentException("llama: n_kv " + ub.nKv() + " exceeds the KV cache size " + kv.size());
        }
        LlamaConfig c = config;
        int nTokens = ub.nTokens();
        int nEmbdHead = c.nEmbdHead();
        int nHead = c.nHead();
        int nHeadKv = c.nHeadKv();
        int nEmbdGqa = c.nEmbdGqa();
        int nKv = ub.nKv();
        float kqScale = (float) (1.0 / Math.sqrt(nEmbdHead));
        Context ctx = new Context();
        Graph gf = new Graph(64 * c.nLayer() + 16);

        Tensor tokens = ctx.newTensor1d(GgmlType.I32, nTokens).setName("inp_tokens").setInput();
        Tensor inpL = ctx.getRows(tokEmbd, tokens).setName("inp_embd");
        Tensor pos = ctx.newTensor1d(GgmlType.I32, nTokens).setName("inp_pos").setInput();
        Tensor kqMaskF32 = ctx.newTensor2d(GgmlType.F32, nKv, pad(nTokens, Context.KQ_MASK_PAD)).setName("KQ_mask")
                .setInput();
        Tensor kqMask = flashAttn ? ctx.cast(kqMaskF32, GgmlType.F16) : kqMaskF32;
        Tensor outIds = null;

        for (int il = 0; il < c.nLayer(); il++) {
            Layer l = layers.get(il);
            Tensor inpSA = inpL;
            Tensor cur = ctx.rmsNorm(inpL, c.rmsEps()).setName("norm-" + il);
            cur = ctx.mul(cur, l.attnNorm()).setName("attn_norm-" + il);

            // self-attention: Q, K, V projections, RoPE on Q and K
            Tensor qCur = ctx.mulMat(l.wq(), cur).setName("Qcur-" + il);
            if (l.bq() != null) {
                qCur = ctx.add(qCur, l.bq()).setName("Qcur-" + il);
            }
            Tensor kCur = ctx.mulMat(l.wk(), cur).setName("Kcur-" + il);
            if (l.bk() != null) {
                kCur = ctx.add(kCur, l.bk()).setName("Kcur-" + il);
            }
            Tensor vCur = ctx.mulMat(l.wv(), cur).setName("Vcur-" + il);
            if (l.bv() != null) {
                vCur = ctx.add(vCur, l.bv()).setName("Vcur-" + il);
            }
            qCur = rope(ctx, ctx.reshape3d(qCur, nEmbdHead, nHead, nTokens), pos, l.ropeFreqs()).setName("Qcur-" + il);
            kCur = rope(ctx, ctx.reshape3d(kCur, nEmbdHead, nHeadKv, nTokens), pos, l.ropeFreqs())
                    .setName("Kcur-" + il);

            // llm_build_kv: expand Q, K, V together so they are not reordered, store K and V, then attend
            gf.buildForwardExpand(qCur);
            gf.buildForwardExpand(kCur);
            gf.buildForwardExpand(vCur);
            storeKv(ctx, gf, kv, il, kCur, vCur, nTokens, ub.kvHead(), flashAttn);
            cur = attention(ctx, gf, kv, il, qCur, kqMask, nTokens, nKv, kqScale, flashAttn);
            cur = ctx.mulMat(l.wo(), cur);
            if (l.bo() != null) {
                cur = ctx.add(cur, l.bo());
            }
            cur.setName("kqv_out-" + il);

            if (il == c.nLayer() - 1) {
                // skip computing the output of tokens whose logits are not wanted
                outIds = ctx.newTensor1d(GgmlType.I32, ub.nOutputs()).setName("inp_out_ids").setInput();
                nTokens = ub.nOutputs();
                cur = ctx.getRows(cur, outIds);
                inpSA = ctx.getRows(inpSA, outIds);
            }
            Tensor ffnInp = ctx.add(cur, inpSA).setName("ffn_inp-" + il);

            // feed-forward: SwiGLU with a parallel gate
            cur = ctx.rmsNorm(ffnInp, c.rmsEps()).setName("norm-" + il);
            cur = ctx.mul(cur, l.ffnNorm()).setName("ffn_norm-" + il);
            Tensor up = ctx.mulMat(l.ffnUp(), cur).setName("ffn_up-" + il);
            cur = ctx.mulMat(l.ffnGate(), cur).setName("ffn_gate-" + il);
            cur = ctx.silu(cur).setName("ffn_silu-" + il);
            cur = ctx.mul(cur, up).setName("ffn_gate_par-" + il);
            cur = ctx.mulMat(l.ffnDown(), cur).setName("ffn_out-" + il);
            cur = ctx.add(cur, ffnInp).setName("l_out-" + il);
            inpL = cur;
        }
        Tensor cur = ctx.rmsNorm(inpL, c.rmsEps()).setName("norm");
        cur = ctx.mul(cur, outputNorm).setName("result_norm");
        Tensor logits = ctx.mulMat(output, cur).setName("result_output").setOutput();
        gf.buildForwardExpand(logits);
        return new Forward(gf, ub, flashAttn, tokens, pos, kqMaskF32, outIds, logits);
    }

    private Tensor rope(Context ctx, Tensor x, Tensor pos, Tensor freqFactors) {
        LlamaConfig c = config;
        // llama.cpp's defaults for llama: normal rotation, no YaRN (ext_factor 0), attn_factor 1, beta 32 / 1
        return ctx.ropeExt(x, pos, freqFactors, c.nRot(), Context.ROPE_TYPE_NORMAL, c.nCtxTrain(), c.ropeFreqBase(),
                c.ropeFreqScale(), 0.0f, 1.0f, 32.0f, 1.0f);
    }

    /** llm_build_kv_store: copies K (and V, transposed unless flash attention) into the cache cells. */
    private void storeKv(Context ctx, Graph gf, KvCache kv, int il, Tensor kCur, Tensor vCur, int nTokens, int kvHead,
            boolean flashAttn) {
        int nEmbdGqa = config.nEmbdGqa();
        Tensor kL = kv.k().get(il);
        Tensor vL = kv.v().get(il);
        Tensor kView = ctx.view1d(kL, (long) nTokens * nEmbdGqa, kL.type().rowSize(nEmbdGqa) * kvHead)
                .setName("k_cache_view-" + il);
        gf.buildForwardExpand(ctx.cpy(kCur, kView));
        Tensor vView;
        Tensor v = vCur;
        if (flashAttn) {
            vView = ctx.view1d(vL, (long) nTokens * nEmbdGqa, vL.type().rowSize(nEmbdGqa) * kvHead);
        } else {
            long el = vL.type().typeSize();
            vView = ctx.view2d(vL, nTokens, nEmbdGqa, (long) kv.size() * el, (long) kvHead * el);
            v = ctx.transpose(vCur);
        }
        vView.setName("v_cache_view-" + il);
        gf.buildForwardExpand(ctx.cpy(v, vView));
    }

    /** llm_build_kqv: attention of the new tokens' Q over the first {@code nKv} cached K and V. */
    private Tensor attention(Context ctx, Graph gf, KvCache kv, int il, Tensor qCur, Tensor kqMask, int nTokens,
            int nKv, float kqScale, boolean flashAttn) {
        LlamaConfig c = config;
        int nEmbdHead = c.nEmbdHead();
        int nEmbdGqa = c.nEmbdGqa();
        Tensor kL = kv.k().get(il);
        Tensor vL = kv.v().get(il);
        Tensor q = ctx.permute(qCur, 0, 2, 1, 3).setName("q-" + il);                    // [head, n_tokens, n_head]
        Tensor k = ctx.view3d(kL, nEmbdHead, nKv, c.nHeadKv(), kL.type().rowSize(nEmbdGqa),
                kL.type().rowSize(nEmbdHead), 0).setName("k-" + il);                      // [head, n_kv, n_head_kv]
        Tensor cur;
        if (flashAttn) {
            Tensor v = ctx.view3d(vL, nEmbdHead, nKv, c.nHeadKv(), vL.type().rowSize(nEmbdGqa),
                    vL.type().rowSize(nEmbdHead), 0).setName("v-" + il);
            cur = ctx.flashAttnExt(q, k, v, kqMask, kqScale, 0.0f, 0.0f);                 // [head, n_head, n_tokens]
            cur = ctx.reshape2d(cur, (long) nEmbdHead * c.nHead(), nTokens);
        } else {
            Tensor kq = ctx.mulMat(k, q).setName("kq-" + il);                             // [n_kv, n_tokens, n_head]
            kq = ctx.softMaxExt(kq, kqMask, kqScale, 0.0f).setName("kq_soft_max_ext-" + il);
            long el = vL.type().typeSize();
            Tensor v = ctx.view3d(vL, nKv, nEmbdHead, c.nHeadKv(), el * kv.size(), el * kv.size() * nEmbdHead, 0)
                    .setName("v-" + il);                                                  // [n_kv, head, n_head_kv]
            Tensor kqv = ctx.mulMat(v, kq).setName("kqv-" + il);                          // [head, n_tokens, n_head]
            Tensor merged = ctx.permute(kqv, 0, 2, 1, 3).setName("kqv_merged-" + il);
            cur = ctx.cont2d(merged, (long) nEmbdHead * c.nHead(), nTokens).setName("kqv_merged_cont-" + il);
        }
        gf.buildForwardExpand(cur);
        return cur;
    }

    @Override
    public String toString() {
        return "Llama" + config;
    }
}
