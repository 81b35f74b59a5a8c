package io.ggmljava.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.ggmljava.core.gguf.GgufWriter;
import io.ggmljava.core.gguf.GgufValue;
import io.ggmljava.models.Llama;
import io.ggmljava.models.LlamaConfig;
import io.ggmljava.models.QuantMix;
import io.ggmljava.models.TensorSpec;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class SizeCommandTest {
    static final double MIB = 1024.0 * 1024.0;

    private static JsonNode json(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), r.out());
        List<Error> errors = schema().validate(r.out(), InputFormat.JSON);
        assertTrue(errors.isEmpty(), errors + "\n" + r.out());
        return new ObjectMapper().readTree(r.out());
    }

    private static Schema schema() {
        InputStream in = SizeCommand.class.getResourceAsStream("size-report.schema.json");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }

    /** A llama GGUF header small enough to verify in a moment, written header-only to {@code dir}. */
    static Path tinyLlamaFile(Path dir) throws Exception {
        LlamaConfig c = new LlamaConfig(512, 1024, 256, 2, 4, 2, 512, 64, 64, 10000f, 1f, 1e-5f);
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.of("llama"));
        w.put("llama.context_length", GgufValue.u32(c.nCtxTrain()));
        w.put("llama.embedding_length", GgufValue.u32(c.nEmbd()));
        w.put("llama.block_count", GgufValue.u32(c.nLayer()));
        w.put("llama.feed_forward_length", GgufValue.u32(c.nFf()));
        w.put("llama.attention.head_count", GgufValue.u32(c.nHead()));
        w.put("llama.attention.head_count_kv", GgufValue.u32(c.nHeadKv()));
        for (TensorSpec s : Llama.tensorSpecs(c, QuantMix.Q8_0)) {
            w.addTensor(s.name(), s.type(), s.ne(), null);
        }
        Path p = dir.resolve("tiny.gguf");
        w.writeHeaderOnly(p);
        return p;
    }

    @Test
    void gpt2PromptAndDecodeReproduceGgmlWithinOnePercent() {
        JsonNode prompt = json("size", "--model", "builtin:gpt2-small-f16", "--ctx", "1024", "--ubatch", "128",
                "--past", "0", "--planner", "dynamic", "--order", "ggml", "--json", "--quiet");
        assertEquals(25.29, prompt.get("compute_bytes").asLong() / MIB, 0.01 * 25.29);
        assertEquals(487, prompt.get("graph_nodes").asInt());
        JsonNode decode = json("size", "--model", "builtin:gpt2-small-f16", "--ctx", "1024", "--ubatch", "1",
                "--past", "128", "--planner", "dynamic", "--order", "ggml", "--json", "--quiet");
        assertEquals(0.39, decode.get("compute_bytes").asLong() / MIB, 0.01 * 0.39);
        JsonNode best = json("size", "--model", "builtin:gpt2-small-f16", "--ctx", "1024", "--ubatch", "128",
                "--past", "0", "--json", "--quiet");
        assertTrue(best.get("compute_bytes").asLong() <= prompt.get("compute_bytes").asLong());
        assertTrue(best.get("compute_bytes").asLong() <= best.get("ggml_compute_bytes").asLong());
    }

    @Test
    void sweepJsonValidatesAndEveryPointIsNoLargerThanGgml() {
        JsonNode s = json("size", "--model", "builtin:tinyllama-1.1b-q8_0", "--sweep", "ctx=512,2048,8192", "--json",
                "--quiet");
        assertEquals(3, s.get("points").size());
        long prevKv = 0;
        for (JsonNode p : s.get("points")) {
            assertTrue(p.get("compute_bytes").asLong() <= p.get("ggml_compute_bytes").asLong(), p.toString());
            assertTrue(p.get("kv_bytes").asLong() > prevKv);
            prevKv = p.get("kv_bytes").asLong();
        }
        String table = CliRun.of("size", "--model", "builtin:llama3-8b-q4_k_m", "--sweep", "ctx=512,4096",
                "--quiet").out();
        assertTrue(table.contains("296.01 MiB") && table.lines().filter(l -> l.trim().startsWith("4096")).count() == 1,
                table);
    }

    @Test
    void verifyOnAHeaderOnlyFileProvesAllocatedEqualsMeasured(@TempDir Path dir) throws Exception {
        Path f = tinyLlamaFile(dir);
        JsonNode r = json("size", f.toString(), "--ctx", "256", "--ubatch", "16", "--flash-attn", "--kv-type", "q8_0",
                "--verify", "--json", "--quiet");
        assertTrue(r.get("header_only").asBoolean());
        assertTrue(r.get("verified").asBoolean(), r.toString());
        assertEquals(r.get("measured_compute_bytes").asLong(), r.get("allocated_compute_bytes").asLong());
        assertEquals(r.get("compute_bytes").asLong(), r.get("measured_compute_bytes").asLong());
        String text = CliRun.of("size", f.toString(), "--ctx", "256", "--ubatch", "16", "--verify", "--quiet").out();
        assertTrue(text.contains("header only") && text.contains("verified: allocated == measured"), text);
    }

    @Test
    void plotWritesAnImageAndAnSvg(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("live.png");
        Path svg = dir.resolve("live.svg");
        assertEquals(0, CliRun.of("size", "--model", "builtin:gpt2-small-f16", "--ubatch", "128", "--past", "0",
                "--plot", png.toString(), "--quiet").status());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(SizePlot.WIDTH, img.getWidth());
        assertEquals(SizePlot.HEIGHT, img.getHeight());
        assertEquals(0, CliRun.of("size", "--model", "builtin:gpt2-small-f16", "--ubatch", "1", "--past", "128",
                "--plot", svg.toString(), "--quiet").status());
        String s = Files.readString(svg);
        assertTrue(s.contains("<svg") && s.contains("peak"), s.substring(0, Math.min(200, s.length())));
    }

    @Test
    void humanReportNamesEverySection() {
        CliRun r = CliRun.of("size", "--model", "builtin:llama3-8b-q4_k_m", "--quiet");
        assertEquals(0, r.status());
        for (String s : new String[]{"weights", "by type q4_K 193 tensors", "q6_K 33 tensors", "per layer",
                "KV cache  512.00 MiB", "compute", "lower bound", "ggml-equivalent", "296.01 MiB", "peak",
                "kq-0", "1030 nodes"}) {
            assertTrue(r.out().contains(s), s + " missing in\n" + r.out());
        }
    }

    @Test
    void badInputGivesAClearErrorAndStatus() {
        assertTrue(CliRun.of("size", "--model", "builtin:nope", "--quiet").status() != 0);
        assertTrue(CliRun.of("size", "--model", "builtin:gpt2-small-f16", "--flash-attn", "--quiet").status() != 0);
        assertTrue(CliRun.of("size", "--model", "builtin:tinyllama-1.1b-f16", "--kv-type", "q8_0", "--quiet")
                .status() != 0);
    }
}
