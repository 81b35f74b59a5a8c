package io.ggmljava.bench;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufType;
import io.ggmljava.core.gguf.GgufValue;
import io.ggmljava.core.gguf.GgufWriter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing and validating the header of a model-sized GGUF file: a 128k-token vocabulary (tokens, scores, types),
 * 100k merges and 291 tensor infos, read header-only from memory. {@code ./ggml jmh GgufReadBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GgufReadBench {
    private MemorySegment header;

    @Setup
    public void setup() {
        int vocab = 128_000;
        List<String> tokens = new ArrayList<>(vocab);
        List<GgufValue> scores = new ArrayList<>(vocab);
        List<GgufValue> types = new ArrayList<>(vocab);
        for (int i = 0; i < vocab; i++) {
            tokens.add(i % 7 == 0 ? "▁tök" + i : "tok" + i);
            scores.add(GgufValue.of(-i * 0.01f));
            types.add(GgufValue.of(1));
        }
        List<String> merges = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            merges.add("t" + i + " k" + i);
        }
        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.of("llama"))
                .put("llama.block_count", GgufValue.u32(32))
                .put("tokenizer.ggml.tokens", GgufValue.strings(tokens))
                .put("tokenizer.ggml.scores", GgufValue.array(GgufType.F32, scores))
                .put("tokenizer.ggml.token_type", GgufValue.array(GgufType.I32, types))
                .put("tokenizer.ggml.merges", GgufValue.strings(merges));
        w.addTensor("token_embd.weight", GgmlType.Q4_K, new long[] {4096, vocab}, null);
        for (int l = 0; l < 32; l++) {
            for (String t : new String[] {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up",
                "ffn_down", "attn_norm", "ffn_norm"}) {
                boolean norm = t.endsWith("norm");
                w.addTensor("blk." + l + "." + t + ".weight", norm ? GgmlType.F32 : GgmlType.Q4_K,
                        norm ? new long[] {4096} : new long[] {4096, 4096}, null);
            }
        }
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {4096}, null);
        w.addTensor("output.weight", GgmlType.Q6_K, new long[] {4096, vocab}, null);
        header = MemorySegment.ofArray(w.header());
    }

    @Benchmark
    public int readHeader() {
        try (GgufFile f = GgufFile.readHeaderOnly(header)) {
            return f.tensors().size() + f.kv().size();
        }
    }
}
