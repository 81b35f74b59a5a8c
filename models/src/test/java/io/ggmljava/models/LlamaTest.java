package io.ggmljava.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.graph.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaTest {

    static Llama builtin(String name) {
        return Llama.fromGguf(BuiltinModels.open(name));
    }

    /** Per layer 32 nodes without flash attention, 28 with; plus embedding, output ids, final norm and lm head. */
    @Test
    void nodeCountsMatchLlamaCpp() {
        // llama.cpp prints "graph nodes = 1030" for 32-layer llama models (7B, 8B) and 710 for TinyLlama (22 layers)
        Llama l3 = builtin("llama3-8b-q4_k_m");
        Llama.KvCache kv = l3.newKvCache(4096, GgmlType.F16, GgmlType.F16);
        assertEquals(1030, l3.graph(kv, Llama.Ubatch.worstCase(4096, 512), false).graph().nodeCount());
        assertEquals(32 * 28 + 7, l3.graph(kv, Llama.Ubatch.worstCase(4096, 512), true).graph().nodeCount());
        Llama tiny = builtin("tinyllama-1.1b-f16");
        Llama.KvCache kvt = tiny.newKvCache(2048, GgmlType.F16, GgmlType.F16);
        assertEquals(710, tiny.graph(kvt, Llama.Ubatch.worstCase(2048, 512), false).graph().nodeCount());
        assertEquals(22 * 28 + 7, tiny.graph(kvt, Llama.Ubatch.worstCase(2048, 512), true).graph().nodeCount());
    }

    @Test
    void graphUsesEveryWeightWithTheFileShapeAndType() {
        GgufFile f = BuiltinModels.open("llama3-8b-q4_k_m");
        Llama llama = Llama.fromGguf(f);
        Llama.KvCache kv = llama.newKvCache(512, GgmlType.F16, GgmlType.F16);
        Graph g = llama.graph(kv, Llama.Ubatch.worstCase(512, 64), false).graph();
        Map<String, Tensor> leafs = new HashMap<>();
        for (Tensor t : g.leafs()) {
            leafs.put(t.name(), t);
        }
        assertEquals(291, f.tensors().size());
        for (GgufTensorInfo info : f.tensors()) {
            Tensor t = leafs.get(info.name());
            assertNotNull(t, "graph does not use " + info.name());
            assertEquals(info.type(), t.type(), info.name());
            assertArrayEquals(info.ne(), t.shape(), info.name());
        }
        // leafs: the weights, the 2 x 32 cache tensors and the 4 inputs, nothing else
        assertEquals(291 + 64 + 4, g.leafCount());
    }

    @Test
    void shapesOfTheAttentionPath() {
        Llama llama = builtin("tinyllama-1.1b-f16");
        Llama.KvCache kv = llama.newKvCache(1024, GgmlType.F16, GgmlType.F16);
        Llama.Forward fw = llama.graph(kv, Llama.Ubatch.at(100, 7, 1024, false, 1), false);
        assertEquals(7, fw.ubatch().nTokens());
        assertEquals(128, fw.ubatch().nKv()); // 107 used cells rounded up to 32
        assertArrayEquals(new long[]{32000, 1, 1, 1}, fw.logits().shape());
        assertArrayEquals(new long[]{128, 64, 1, 1}, fw.kqMask().shape()); // rows padded to GGML_KQ_MASK_PAD
        Map<String, Tensor> nodes = byName(fw.graph());
        assertArrayEquals(new long[]{64, 128, 4, 1}, nodes.get("k-0").shape());           // [head, n_kv, n_head_kv]
        assertArrayEquals(new long[]{128, 7, 32, 1}, nodes.get("kq-0").shape());          // GQA broadcast over 8 heads
        assertArrayEquals(new long[]{128, 64, 4, 1}, nodes.get("v-0").shape());           // transposed V
        assertArrayEquals(new long[]{2048, 7, 1, 1}, nodes.get("kqv_merged_cont-0").shape());
        assertEquals(Op.ROPE, nodes.get("Qcur-0").op());
        assertArrayEquals(new long[]{64, 32, 7, 1}, nodes.get("Qcur-0").shape());
        // the cache stores: K at row kv_head, V transposed at column kv_head
        Tensor kStore = nodes.get("k_cache_view-0 (copy of Kcur-0)");
        assertNotNull(kStore);
        assertSame(kv.k().get(0), kStore.viewSource());
        assertEquals(100L * 256 * 2, kStore.viewOffset());
        assertEquals(Op.SOFT_MAX, nodes.get("kq_soft_max_ext-0").op());
    }

    @Test
    void flashAttentionWithQuantizedCache() {
        Llama llama = builtin("tinyllama-1.1b-q8_0");
        Llama.KvCache kv = llama.newKvCache(Llama.paddedContext(1000, true), GgmlType.Q8_0, GgmlType.Q8_0);
        assertEquals(1024, kv.size());
        Llama.Forward fw = llama.graph(kv, Llama.Ubatch.worstCase(kv.size(), 256), true);
        Map<String, Tensor> nodes = byName(fw.graph());
        int fa = 0;
        for (Tensor t : fw.graph().nodes()) {
            if (t.op() == Op.FLASH_ATTN_EXT) {
                fa++;
                assertEquals(GgmlType.F16, t.src(3).type()); // the mask is cast to f16 once
                assertArrayEquals(new long[]{64, 32, 256, 1}, t.shape());
            }
        }
        assertEquals(22, fa);
        assertEquals(GgmlType.Q8_0, nodes.get("v-0").type());
        // 2 x 22 x 1024 cells x 256 values of q8_0 (34 bytes per 32)
        assertEquals(2L * 22 * 1024 * 256 / 32 * 34, kv.nbytes());
        assertThrows(IllegalArgumentException.class, () -> llama.graph(kv, Llama.Ubatch.worstCase(1024, 16), false));
    }

    @Test
    void weightsOfTheBuiltinsHaveThePublishedSizes() {
        // published parameter counts: TinyLlama 1,100,048,384; Llama-3-8B 8,030,261,248
        assertEquals(1_100_048_384L, params("tinyllama-1.1b-f16"));
        assertEquals(8_030_261_248L, params("llama3-8b-q4_k_m"));
        // Meta-Llama-3-8B Q4_K_M: 193 q4_K, 33 q6_K, 65 f32; the real file is 4,920,739,232 bytes including ~7.8 MB
        // of tokenizer metadata this header omits
        Map<GgmlType, Integer> count = new EnumMap<>(GgmlType.class);
        long bytes = 0;
        for (GgufTensorInfo t : BuiltinModels.open("llama3-8b-q4_k_m").tensors()) {
            count.merge(t.type(), 1, Integer::sum);
            bytes += t.nbytes();
        }
        assertEquals(Map.of(GgmlType.Q4_K, 193, GgmlType.Q6_K, 33, GgmlType.F32, 65), count);
        assertTrue(bytes < 4_920_739_232L && bytes > 4_920_739_232L - 10_000_000L, "bytes " + bytes);
    }

    @Test
    void headerOnlyFileOnDiskRoundTrips(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("tiny.gguf");
        BuiltinModels.writer("tinyllama-1.1b-f16").writeHeaderOnly(p);
        assertTrue(Files.size(p) < 64 * 1024, "header-only file is small: " + Files.size(p));
        try (GgufFile f = GgufFile.openHeaderOnly(p)) {
            assertTrue(f.isHeaderOnly());
            Llama l = Llama.fromGguf(f);
            assertEquals(LlamaConfig.tinyLlama(), l.config());
            assertEquals(201, l.weightTensors().size());
        }
    }

    @Test
    void missingOrMisshapedWeightsAreNamed() {
        LlamaConfig c = LlamaConfig.tinyLlama().withLayers(2);
        var specs = new java.util.ArrayList<>(Llama.tensorSpecs(c, QuantMix.F16));
        specs.removeIf(s -> s.name().equals("blk.1.ffn_up.weight"));
        var ex = assertThrows(IllegalArgumentException.class, () -> buildFrom(c, specs));
        assertTrue(ex.getMessage().contains("blk.1.ffn_up.weight is missing"), ex.getMessage());
        specs.add(new TensorSpec("blk.1.ffn_up.weight", GgmlType.F16, new long[]{2048, 5000}));
        ex = assertThrows(IllegalArgumentException.class, () -> buildFrom(c, specs));
        assertTrue(ex.getMessage().contains("blk.1.ffn_up.weight has shape [2048,5000]"), ex.getMessage());
    }

    private static Llama buildFrom(LlamaConfig c, java.util.List<TensorSpec> specs) {
        io.ggmljava.core.gguf.GgufWriter w = BuiltinModels.llama("x", c, QuantMix.F16);
        io.ggmljava.core.gguf.GgufWriter w2 = new io.ggmljava.core.gguf.GgufWriter();
        w2.putAll(w.kv());
        for (TensorSpec s : specs) {
            w2.addTensor(s.name(), s.type(), s.ne(), null);
        }
        return Llama.fromGguf(GgufFile.readHeaderOnly(java.lang.foreign.MemorySegment.ofArray(w2.header())));
    }

    private static long params(String name) {
        long n = 0;
        for (GgufTensorInfo t : BuiltinModels.open(name).tensors()) {
            n += t.nelements();
        }
        return n;
    }

    private static Map<String, Tensor> byName(Graph g) {
        Map<String, Tensor> m = new HashMap<>();
        for (Tensor t : g.nodes()) {
            m.put(t.name(), t); // the last node of a name (llama.cpp names Qcur-N three times)
        }
        return m;
    }
}
