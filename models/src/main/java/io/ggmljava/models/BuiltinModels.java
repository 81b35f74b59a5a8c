package io.ggmljava.models;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufValue;
import io.ggmljava.core.gguf.GgufWriter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Models that need no download: header-only GGUF files (metadata and tensor infos, no tensor data) written by the
 * project's own {@link GgufWriter} with the real names, shapes and types of well-known models, made on first use
 * (a few KiB each). They are read back with {@link GgufFile#readHeaderOnly}, exactly as a header-only file on disk.
 *
 * <pre>{@code
 * GgufFile f = BuiltinModels.open("llama3-8b-q4_k_m");   // 291 tensor infos, no data
 * Llama llama = Llama.fromGguf(f);
 * BuiltinModels.writer("tinyllama-1.1b-f16").writeHeaderOnly(Path.of("tinyllama.gguf"));
 * }</pre>
 */
public final class BuiltinModels {
    /** A built-in model: its name, one line about it, and how its header is written. */
    public record Builtin(String name, String description, Supplier<GgufWriter> writer) {
    }

    private static final Map<String, Builtin> ALL = new LinkedHashMap<>();

    static {
        add(new Builtin("gpt2-small-f16", "GPT-2 small (124M), f16 matrices, n_ctx 1024: ggml's gpt-2 example",
                BuiltinModels::gpt2Small));
        add(new Builtin("tinyllama-1.1b-f16", "TinyLlama 1.1B Chat v1.0, f16 (22 layers, GQA 32/4 heads)",
                () -> llama("TinyLlama-1.1B-Chat-v1.0", LlamaConfig.tinyLlama(), QuantMix.F16)));
        add(new Builtin("tinyllama-1.1b-q8_0", "TinyLlama 1.1B Chat v1.0, q8_0",
                () -> llama("TinyLlama-1.1B-Chat-v1.0", LlamaConfig.tinyLlama(), QuantMix.Q8_0)));
        add(new Builtin("llama3-8b-q4_k_m", "Meta-Llama-3-8B, Q4_K_M mix (q4_K, q6_K for output and half of "
                + "attn_v/ffn_down)", () -> llama("Meta-Llama-3-8B", LlamaConfig.llama3_8b(), QuantMix.Q4_K_M)));
        add(new Builtin("lstm-h256", "the seed's LSTM: input 256, hidden 256, f32, unrolled over a long sequence "
                + "(--ctx = steps, default 10000)", () -> LstmModel.header("lstm-h256", 256, 256, 10000)));
    }

    private static void add(Builtin b) {
        ALL.put(b.name(), b);
    }

    private BuiltinModels() {
    }

    /** Registers another built-in (e.g. a model family from another module). */
    public static synchronized void register(Builtin b) {
        ALL.put(b.name(), b);
    }

    /** The built-in models, in listing order. */
    public static synchronized List<Builtin> all() {
        return List.copyOf(ALL.values());
    }

    /** The names of the built-in models. */
    public static synchronized List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** The built-in named {@code name}. */
    public static synchronized Builtin get(String name) {
        Builtin b = ALL.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no built-in model named '" + name + "'; known: "
                    + String.join(", ", ALL.keySet()));
        }
        return b;
    }

    /** A writer holding the header of built-in {@code name} (tensor data absent). */
    public static GgufWriter writer(String name) {
        return get(name).writer().get();
    }

    /** The header of built-in {@code name}, written and parsed back header-only. */
    public static GgufFile open(String name) {
        byte[] header = writer(name).header();
        return GgufFile.readHeaderOnly(MemorySegment.ofArray(header));
    }

    // ---- the models ----

    /** A llama GGUF header as llama.cpp's converter and quantizer write it (keys, tensor order), no tokenizer. */
    static GgufWriter llama(String name, LlamaConfig c, QuantMix mix) {
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.of("llama"));
        w.put("general.name", GgufValue.of(name));
        w.put("general.description", GgufValue.of("header only (no tensor data, no tokenizer): written by ggml-java "
                + "for sizing"));
        w.put("llama.vocab_size", GgufValue.u32(c.nVocab()));
        w.put("llama.context_length", GgufValue.u32(c.nCtxTrain()));
        w.put("llama.embedding_length", GgufValue.u32(c.nEmbd()));
        w.put("llama.block_count", GgufValue.u32(c.nLayer()));
        w.put("llama.feed_forward_length", GgufValue.u32(c.nFf()));
        w.put("llama.rope.dimension_count", GgufValue.u32(c.nRot()));
        w.put("llama.attention.head_count", GgufValue.u32(c.nHead()));
        w.put("llama.attention.head_count_kv", GgufValue.u32(c.nHeadKv()));
        w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.of(c.rmsEps()));
        w.put("llama.rope.freq_base", GgufValue.of(c.ropeFreqBase()));
        w.put("general.file_type", GgufValue.u32(mix.fileType()));
        if (mix != QuantMix.F16) {
            w.put("general.quantization_version", GgufValue.u32(2));
        }
        for (TensorSpec s : Llama.tensorSpecs(c, mix)) {
            w.addTensor(s.name(), s.type(), s.ne(), null);
        }
        return w;
    }

    /** GPT-2 small's weights with llama.cpp's GGUF names and the types of ggml's gpt-2 example (f16 matrices). */
    public static List<TensorSpec> gpt2Specs(int nVocab, int nCtx, int nEmbd, int nLayer, GgmlType wtype) {
        GgmlType f32 = GgmlType.F32;
        long e = nEmbd;
        List<TensorSpec> out = new ArrayList<>();
        out.add(new TensorSpec("output_norm.weight", f32, new long[]{e}));
        out.add(new TensorSpec("output_norm.bias", f32, new long[]{e}));
        out.add(new TensorSpec("token_embd.weight", wtype, new long[]{e, nVocab}));
        out.add(new TensorSpec("position_embd.weight", f32, new long[]{e, nCtx}));
        out.add(new TensorSpec("output.weight", wtype, new long[]{e, nVocab}));
        for (int i = 0; i < nLayer; i++) {
            String p = "blk." + i + ".";
            out.add(new TensorSpec(p + "attn_norm.weight", f32, new long[]{e}));
            out.add(new TensorSpec(p + "attn_norm.bias", f32, new long[]{e}));
            out.add(new TensorSpec(p + "ffn_norm.weight", f32, new long[]{e}));
            out.add(new TensorSpec(p + "ffn_norm.bias", f32, new long[]{e}));
            out.add(new TensorSpec(p + "attn_qkv.weight", wtype, new long[]{e, 3 * e}));
            out.add(new TensorSpec(p + "attn_qkv.bias", f32, new long[]{3 * e}));
            out.add(new TensorSpec(p + "attn_output.weight", wtype, new long[]{e, e}));
            out.add(new TensorSpec(p + "attn_output.bias", f32, new long[]{e}));
            out.add(new TensorSpec(p + "ffn_up.weight", wtype, new long[]{e, 4 * e}));
            out.add(new TensorSpec(p + "ffn_up.bias", f32, new long[]{4 * e}));
            out.add(new TensorSpec(p + "ffn_down.weight", wtype, new long[]{4 * e, e}));
            out.add(new TensorSpec(p + "ffn_down.bias", f32, new long[]{e}));
        }
        return out;
    }

    static GgufWriter gpt2Small() {
        int nVocab = 50257;
        int nCtx = 1024;
        int nEmbd = 768;
        int nLayer = 12;
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.of("gpt2"));
        w.put("general.name", GgufValue.of("gpt2-small"));
        w.put("general.description", GgufValue.of("header only (no tensor data, no tokenizer): written by ggml-java "
                + "for sizing"));
        w.put("gpt2.vocab_size", GgufValue.u32(nVocab));
        w.put("gpt2.context_length", GgufValue.u32(nCtx));
        w.put("gpt2.embedding_length", GgufValue.u32(nEmbd));
        w.put("gpt2.feed_forward_length", GgufValue.u32(4 * nEmbd));
        w.put("gpt2.block_count", GgufValue.u32(nLayer));
        w.put("gpt2.attention.head_count", GgufValue.u32(12));
        w.put("gpt2.attention.layer_norm_epsilon", GgufValue.of(1e-5f));
        w.put("general.file_type", GgufValue.u32(1));
        for (TensorSpec s : gpt2Specs(nVocab, nCtx, nEmbd, nLayer, GgmlType.F16)) {
            w.addTensor(s.name(), s.type(), s.ne(), null);
        }
        return w;
    }
}
