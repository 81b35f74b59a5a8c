package io.ggmljava.models;

import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.core.gguf.GgufValue;

/**
 * Llama hyper-parameters, read from the {@code llama.*} GGUF keys the way llama.cpp reads them (defaults included:
 * {@code head_count_kv} = {@code head_count}, head size = {@code n_embd / n_head}, {@code rope.freq_base} 10000).
 *
 * @param nVocab       vocabulary size (rows of {@code token_embd})
 * @param nCtxTrain    {@code llama.context_length}: the context the model was trained with (RoPE's n_ctx_orig)
 * @param nEmbd        {@code llama.embedding_length}
 * @param nLayer       {@code llama.block_count}
 * @param nHead        {@code llama.attention.head_count}
 * @param nHeadKv      {@code llama.attention.head_count_kv} (grouped-query attention when below nHead)
 * @param nFf          {@code llama.feed_forward_length}
 * @param nEmbdHead    size of one attention head ({@code llama.attention.key_length}, default nEmbd / nHead)
 * @param nRot         {@code llama.rope.dimension_count}: dimensions RoPE rotates (llama.cpp requires = nEmbdHead)
 * @param ropeFreqBase {@code llama.rope.freq_base}
 * @param ropeFreqScale 1 / {@code llama.rope.scaling.factor} for linear scaling, else 1
 * @param rmsEps       {@code llama.attention.layer_norm_rms_epsilon}
 */
public record LlamaConfig(int nVocab, int nCtxTrain, int nEmbd, int nLayer, int nHead, int nHeadKv, int nFf,
        int nEmbdHead, int nRot, float ropeFreqBase, float ropeFreqScale, float rmsEps) {

    public LlamaConfig {
        if (nVocab < 1 || nCtxTrain < 1 || nEmbd < 1 || nLayer < 1 || nHead < 1 || nHeadKv < 1 || nFf < 1
                || nEmbdHead < 1) {
            throw new IllegalArgumentException("llama: sizes must be positive: " + this);
        }
        if (nHead % nHeadKv != 0) {
            throw new IllegalArgumentException("llama: head_count (" + nHead + ") must be a multiple of head_count_kv ("
                    + nHeadKv + ")");
        }
        if (nRot != nEmbdHead) {
            throw new IllegalArgumentException("llama: rope.dimension_count (" + nRot + ") must equal the head size ("
                    + nEmbdHead + "), as llama.cpp's llama graph requires");
        }
    }

    /** TinyLlama 1.1B (TinyLlama-1.1B-Chat-v1.0): 22 layers, 2048 wide, 32 heads, 4 KV heads, vocab 32000. */
    public static LlamaConfig tinyLlama() {
        return new LlamaConfig(32000, 2048, 2048, 22, 32, 4, 5632, 64, 64, 10000.0f, 1.0f, 1e-5f);
    }

    /** Meta-Llama-3-8B: 32 layers, 4096 wide, 32 heads, 8 KV heads, n_ff 14336, vocab 128256, RoPE base 500000. */
    public static LlamaConfig llama3_8b() {
        return new LlamaConfig(128256, 8192, 4096, 32, 32, 8, 14336, 128, 128, 500000.0f, 1.0f, 1e-5f);
    }

    /** Width of the K (and V) rows of one layer: head size times KV heads (llama.cpp's n_embd_k_gqa). */
    public int nEmbdGqa() {
        return nEmbdHead * nHeadKv;
    }

    /** Heads sharing one KV head (llama.cpp's n_gqa). */
    public int nGqa() {
        return nHead / nHeadKv;
    }

    /** The same model with {@code n} layers (a scaled-down configuration for running it). */
    public LlamaConfig withLayers(int n) {
        return new LlamaConfig(nVocab, nCtxTrain, nEmbd, n, nHead, nHeadKv, nFf, nEmbdHead, nRot, ropeFreqBase,
                ropeFreqScale, rmsEps);
    }

    /** The same model with a vocabulary of {@code n} tokens. */
    public LlamaConfig withVocab(int n) {
        return new LlamaConfig(n, nCtxTrain, nEmbd, nLayer, nHead, nHeadKv, nFf, nEmbdHead, nRot, ropeFreqBase,
                ropeFreqScale, rmsEps);
    }

    /**
     * Reads the hyper-parameters of a {@code llama} GGUF (header only is enough).
     *
     * @throws IllegalArgumentException naming the missing or inconsistent key
     */
    public static LlamaConfig fromGguf(GgufFile f) {
        String arch = f.getString("general.architecture", "");
        if (!arch.equals("llama")) {
            throw new IllegalArgumentException(f.source() + ": general.architecture is '" + arch + "', not 'llama'");
        }
        if (f.getInt("llama.expert_count", 0) > 0) {
            throw new IllegalArgumentException(f.source() + ": mixture-of-experts llama models (llama.expert_count = "
                    + f.getInt("llama.expert_count") + ") are not supported by this builder");
        }
        int nEmbd = required(f, "llama.embedding_length");
        int nLayer = required(f, "llama.block_count");
        int nHead = perLayer(f, "llama.attention.head_count", -1);
        int nHeadKv = perLayer(f, "llama.attention.head_count_kv", nHead);
        int nFf = perLayer(f, "llama.feed_forward_length", -1);
        int nCtxTrain = required(f, "llama.context_length");
        int headK = f.getInt("llama.attention.key_length", nEmbd / nHead);
        int headV = f.getInt("llama.attention.value_length", nEmbd / nHead);
        if (headK != headV) {
            throw new IllegalArgumentException(f.source() + ": key_length (" + headK + ") != value_length (" + headV
                    + "); llama.cpp's llama graph needs equal head sizes");
        }
        int nRot = f.getInt("llama.rope.dimension_count", nEmbd / nHead);
        float base = f.getFloat("llama.rope.freq_base", 10000.0f);
        float scale = 1.0f;
        String scaling = f.getString("llama.rope.scaling.type", "linear");
        float factor = f.getFloat("llama.rope.scaling.factor", 0.0f);
        if (factor != 0.0f && scaling.equals("linear")) {
            scale = 1.0f / factor;
        }
        float eps = f.getFloat("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        GgufTensorInfo embd = f.tensor("token_embd.weight");
        if (embd == null) {
            throw new IllegalArgumentException(f.source() + ": tensor token_embd.weight is missing");
        }
        int nVocab = f.getInt("llama.vocab_size", (int) embd.ne(1));
        return new LlamaConfig(nVocab, nCtxTrain, nEmbd, nLayer, nHead, nHeadKv, nFf, headK, nRot, base, scale, eps);
    }

    private static int required(GgufFile f, String key) {
        if (!f.has(key)) {
            throw new IllegalArgumentException(f.source() + ": key " + key + " is missing");
        }
        return f.getInt(key);
    }

    /** A key llama.cpp accepts as a scalar or as an array with one value per layer (which must all be equal here). */
    private static int perLayer(GgufFile f, String key, int def) {
        GgufValue v = f.get(key);
        if (v == null) {
            if (def < 0) {
                throw new IllegalArgumentException(f.source() + ": key " + key + " is missing");
            }
            return def;
        }
        if (v instanceof GgufValue.Arr) {
            int[] all = f.getIntArray(key);
            for (int x : all) {
                if (x != all[0]) {
                    throw new IllegalArgumentException(f.source() + ": " + key + " differs between layers; "
                            + "per-layer head counts are not supported by this builder");
                }
            }
            return all[0];
        }
        return f.getInt(key);
    }
}
