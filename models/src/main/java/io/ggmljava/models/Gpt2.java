package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * GPT-2 at the level of shapes: the weights and KV cache as tensors (metadata only, no memory until an allocator
 * binds them) and the compute graph of ggml's gpt-2 example ({@code examples/gpt-2/main-backend.cpp},
 * {@code gpt2_graph}): the same ops in the same order, so its compute buffer can be compared with ggml's.
 * Weights use llama.cpp's GGUF names ({@code token_embd.weight}, {@code blk.0.attn_qkv.weight}, ...).
 *
 * <pre>{@code
 * Gpt2 gpt2 = new Gpt2(Gpt2.Config.small());                   // 124M parameters, f16 matrices, n_ctx 1024
 * Graph prompt = gpt2.graph(0, 128);                            // 128 tokens at n_past 0, writes the KV cache
 * PlanOptions opts = PlanOptions.defaults().withExternal(gpt2.weightsAndCache());
 * MemoryPlan plan = Planner.dynamic().plan(prompt, opts);       // ggml: 25.29 MiB
 * }</pre>
 */
public final class Gpt2 {
    /**
     * Hyper-parameters.
     *
     * @param nVocab vocabulary size
     * @param nCtx   context length (rows of {@code wpe}, slots of the KV cache per layer)
     * @param nEmbd  embedding width
     * @param nHead  attention heads
     * @param nLayer transformer blocks
     * @param eps    layer-norm epsilon
     * @param wtype  type of the weight matrices (embeddings and biases stay f32 except {@code wte}, as in ggml)
     */
    public record Config(int nVocab, int nCtx, int nEmbd, int nHead, int nLayer, float eps, GgmlType wtype) {
        public Config {
            if (nVocab < 1 || nCtx < 1 || nEmbd < 1 || nHead < 1 || nLayer < 0) {
                throw new IllegalArgumentException("gpt2: sizes must be positive: " + this);
            }
            if (nEmbd % nHead != 0) {
                throw new IllegalArgumentException("gpt2: nEmbd (" + nEmbd + ") must be a multiple of nHead ("
                        + nHead + ")");
            }
        }

        /** GPT-2 small (117M): 12 layers, 768 wide, 12 heads, n_ctx 1024, f16 matrices. */
        public static Config small() {
            return new Config(50257, 1024, 768, 12, 12, 1e-5f, GgmlType.F16);
        }

        public Config withCtx(int n) {
            return new Config(nVocab, n, nEmbd, nHead, nLayer, eps, wtype);
        }

        public Config withWtype(GgmlType t) {
            return new Config(nVocab, nCtx, nEmbd, nHead, nLayer, eps, t);
        }

        public Config withLayers(int n) {
            return new Config(nVocab, nCtx, nEmbd, nHead, n, eps, wtype);
        }
    }

    /** One transformer block's weights. */
    public record Layer(Tensor ln1g, Tensor ln1b, Tensor ln2g, Tensor ln2b, Tensor cAttnW, Tensor cAttnB,
            Tensor cProjW, Tensor cProjB, Tensor fcW, Tensor fcB, Tensor projW, Tensor projB) {
    }

    private final Config config;
    private final Context weights = new Context();
    private final Context cache = new Context();
    private final Tensor lnFg;
    private final Tensor lnFb;
    private final Tensor wte;
    private final Tensor wpe;
    private final Tensor lmHead;
    private final List<Layer> layers = new ArrayList<>();
    private final Tensor memoryK;
    private final Tensor memoryV;

    /** Creates the weight and KV-cache tensors (no memory). */
    public Gpt2(Config config) {
        this.config = config;
        int e = config.nEmbd();
        GgmlType w = config.wtype();
        GgmlType f32 = GgmlType.F32;
        Context c = weights;
        lnFg = c.newTensor1d(f32, e).setName("output_norm.weight");
        lnFb = c.newTensor1d(f32, e).setName("output_norm.bias");
        wte = c.newTensor2d(w, e, config.nVocab()).setName("token_embd.weight");
        wpe = c.newTensor2d(f32, e, config.nCtx()).setName("position_embd.weight");
        lmHead = c.newTensor2d(w, e, config.nVocab()).setName("output.weight");
        for (int i = 0; i < config.nLayer(); i++) {
            String p = "blk." + i + ".";
            layers.add(new Layer(
                    c.newTensor1d(f32, e).setName(p + "attn_norm.weight"),
                    c.newTensor1d(f32, e).setName(p + "attn_norm.bias"),
                    c.newTensor1d(f32, e).setName(p + "ffn_norm.weight"),
                    c.newTensor1d(f32, e).setName(p + "ffn_norm.bias"),
                    c.newTensor2d(w, e, 3L * e).setName(p + "attn_qkv.weight"),
                    c.newTensor1d(f32, 3L * e).setName(p + "attn_qkv.bias"),
                    c.newTensor2d(w, e, e).setName(p + "attn_output.weight"),
                    c.newTensor1d(f32, e).setName(p + "attn_output.bias"),
                    c.newTensor2d(w, e, 4L * e).setName(p + "ffn_up.weight"),
                    c.newTensor1d(f32, 4L * e).setName(p + "ffn_up.bias"),
                    c.newTensor2d(w, 4L * e, e).setName(p + "ffn_down.weight"),
                    c.newTensor1d(f32, e).setName(p + "ffn_down.bias")));
        }
        long nElements = (long) e * config.nLayer() * config.nCtx();
        memoryK = cache.newTensor1d(f32, nElements).setName("cache_k");
        memoryV = cache.newTensor1d(f32, nElements).setName("cache_v");
    }

    public Config config() {
        return config;
    }

    /** The context holding the weights (for a linear plan). */
    public Context weights() {
        return weights;
    }

    /** The context holding the KV cache ({@code cache_k}, {@code cache_v}, f32). */
    public Context kvCache() {
        return cache;
    }

    /** Weights and KV cache together: the tensors a compute plan must leave alone. */
    public List<Tensor> weightsAndCache() {
        List<Tensor> all = new ArrayList<>(weights.tensors());
        all.addAll(cache.tensors());
        return Collections.unmodifiableList(all);
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * ggml's {@code gpt2_graph}: {@code nTokens} tokens at position {@code nPast}, writing K and V of the new tokens
     * into the cache and attending over {@code nPast + nTokens} cached positions; logits of every token (output).
     * Inputs: {@code embd} and {@code position} (i32 [nTokens]).
     */
    public Graph graph(int nPast, int nTokens) {
        return build(nPast, nTokens, true);
    }

    /** The same graph without a KV cache: attention over the {@code nTokens} current tokens only. */
    public Graph graphNoCache(int nTokens) {
        return build(0, nTokens, false);
    }

    private Graph build(int nPast, int nTokens, boolean kv) {
        int n = nTokens;
        int e = config.nEmbd();
        int nHead = config.nHead();
        int hd = e / nHead;
        int nCtx = config.nCtx();
        if (n < 1 || nPast < 0 || (kv && nPast + n > nCtx) || (!kv && n > nCtx)) {
            throw new IllegalArgumentException("gpt2: " + n + " tokens at n_past " + nPast + " do not fit n_ctx "
                    + nCtx);
        }
        float eps = config.eps();
        Context ctx = new Context();
        Graph gf = new Graph(4096);

        Tensor embd = ctx.newTensor1d(GgmlType.I32, n).setName("embd").setInput();
        Tensor position = ctx.newTensor1d(GgmlType.I32, n).setName("position").setInput();
        Tensor inpL = ctx.add(ctx.getRows(wte, embd), ctx.getRows(wpe, position));

        long kvElt = memoryK.type().typeSize();
        for (int il = 0; il < config.nLayer(); il++) {
            Layer l = layers.get(il);
            Tensor cur = ctx.norm(inpL, eps);
            cur = ctx.add(ctx.mul(cur, l.ln1g()), l.ln1b());
            cur = ctx.mulMat(l.cAttnW(), cur);
            cur = ctx.add(cur, l.cAttnB());                                  // [3e, n]

            Tensor qcur = ctx.view2d(cur, e, n, cur.nb(1), 0);
            Tensor kcur = ctx.view2d(cur, e, n, cur.nb(1), 4L * e);
            Tensor vcur = ctx.view2d(cur, e, n, cur.nb(1), 8L * e);

            Tensor q = ctx.permute(ctx.cont3d(qcur, hd, nHead, n), 0, 2, 1, 3);   // [hd, n, nHead]
            Tensor k;
            Tensor vTrans;
            int nKv;
            if (kv) {
                Tensor kDst = ctx.view1d(memoryK, (long) n * e, kvElt * e * ((long) il * nCtx + nPast));
                Tensor vDst = ctx.view1d(memoryV, (long) n * e, kvElt * e * ((long) il * nCtx + nPast));
                gf.buildForwardExpand(ctx.cpy(kcur, kDst));
                gf.buildForwardExpand(ctx.cpy(vcur, vDst));
                nKv = nPast + n;
                k = ctx.permute(ctx.reshape3d(ctx.view1d(memoryK, (long) nKv * e, (long) il * nCtx * kvElt * e),
                        hd, nHead, nKv), 0, 2, 1, 3);                                  // [hd, nKv, nHead]
                vTrans = ctx.cont3d(ctx.permute(ctx.reshape3d(ctx.view1d(memoryV, (long) nKv * e,
                        (long) il * nCtx * kvElt * e), hd, nHead, nKv), 1, 2, 0, 3), nKv, hd, nHead);
            } else {
                nKv = n;
                k = ctx.permute(ctx.cont3d(kcur, hd, nHead, n), 0, 2, 1, 3);
                vTrans = ctx.cont3d(ctx.permute(ctx.cont3d(vcur, hd, nHead, n), 1, 2, 0, 3), n, hd, nHead);
            }
            Tensor kq = ctx.mulMat(k, q);                                         // [nKv, n, nHead]
            Tensor kqScaled = ctx.scale(kq, (float) (1.0 / Math.sqrt((double) e / nHead)));
            Tensor kqMasked = ctx.diagMaskInf(kqScaled, nPast);
            Tensor kqSoftMax = ctx.softMax(kqMasked);
            Tensor kqv = ctx.mulMat(vTrans, kqSoftMax);                           // [hd, n, nHead]
            Tensor kqvMerged = ctx.permute(kqv, 0, 2, 1, 3);                      // [hd, nHead, n]
            cur = ctx.cont2d(kqvMerged, e, n);

            cur = ctx.mulMat(l.cProjW(), cur);
            cur = ctx.add(cur, l.cProjB());
            cur = ctx.add(cur, inpL);
            Tensor inpFF = cur;

            cur = ctx.norm(inpFF, eps);
            cur = ctx.add(ctx.mul(cur, l.ln2g()), l.ln2b());
            cur = ctx.mulMat(l.fcW(), cur);
            cur = ctx.add(cur, l.fcB());
            cur = ctx.gelu(cur);
            cur = ctx.mulMat(l.projW(), cur);
            cur = ctx.add(cur, l.projB());
            inpL = ctx.add(cur, inpFF);
        }
        inpL = ctx.norm(inpL, eps);
        inpL = ctx.add(ctx.mul(inpL, lnFg), lnFb);
        inpL = ctx.mulMat(lmHead, inpL);
        inpL.setName("logits").setOutput();
        gf.buildForwardExpand(inpL);
        return gf;
    }
}
