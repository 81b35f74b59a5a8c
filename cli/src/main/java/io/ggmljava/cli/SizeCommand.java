package io.ggmljava.cli;

import io.ggmljava.alloc.Planner;
import io.ggmljava.core.GgmlType;
import io.ggmljava.models.BuiltinModels;
import io.ggmljava.models.Models;
import io.ggmljava.models.Orders;
import io.ggmljava.models.SizableModel;
import io.ggmljava.models.SizeReport;
import io.ggmljava.models.Sizing;
import io.ggmljava.models.TensorSpec;
import io.ggmljava.models.Verification;
import io.ggmljava.models.WeightStats;
import io.ggmljava.models.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ggml size}: the memory-sizing diagnostic. Builds the model's real graph from its GGUF header alone, runs the
 * measuring pass (our planner beside ggml's best fit in ggml's order) and reports weights, KV cache, compute buffer,
 * lower bound and the peak; {@code --verify} then allocates and runs it to prove allocated == measured.
 */
@Command(name = "size", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Size the memory a model needs (weights by type and per layer, KV cache, compute buffer) from "
                + "its GGUF header alone, by building the real graph and running the measuring pass; compare with "
                + "ggml's planner; optionally allocate and run it to prove allocated == measured.",
                "With no model: sizes builtin:" + SizeCommand.DEFAULT_MODEL + " and verifies builtin:"
                        + SizeCommand.DEFAULT_VERIFY_MODEL + " (an 8-token micro-batch at the end of its context).",
                "Built-in models (header-only GGUFs written by ggml-java, no download): see --list."})
final class SizeCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = "llama3-8b-q4_k_m";
    /** What {@code ggml size} with no model verifies: a small model, run in full. */
    static final String DEFAULT_VERIFY_MODEL = "gpt2-small-f16";

    @Parameters(arity = "0..1", paramLabel = "MODEL.gguf", description = "a GGUF file (only its header is read)")
    String file;

    @Option(names = "--model", paramLabel = "builtin:NAME|FILE", description = "a built-in model or a GGUF file")
    String model;

    @Option(names = "--ctx", paramLabel = "N", description = "KV cache cells (llama: default 4096 or the training "
            + "context if smaller; rounded up to 32, or 256 with flash attention, as llama.cpp does)")
    Integer ctx;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "2048",
            description = "tokens per decode call, llama.cpp's n_batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--ubatch", paramLabel = "N", defaultValue = "512",
            description = "tokens per graph, llama.cpp's n_ubatch (default ${DEFAULT-VALUE})")
    int ubatch;

    @Option(names = "--past", paramLabel = "N", description = "tokens already cached (default: the worst case "
            + "llama.cpp reserves with, the micro-batch at the end of a full cache)")
    Integer past;

    @Option(names = "--kv-type", paramLabel = "f32|f16|q8_0", description = "KV cache type (llama: default f16; "
            + "q8_0 needs --flash-attn)")
    String kvType;

    @Option(names = "--flash-attn", description = "fused attention (FLASH_ATTN_EXT) instead of soft-max over KQ")
    boolean flashAttn;

    @Option(names = "--last-logits", description = "logits for the last token only (default: every token, as "
            + "llama.cpp reserves)")
    boolean lastLogits;

    @Option(names = "--planner", paramLabel = "dynamic|offline|best", defaultValue = "best",
            description = "compute-buffer planner: dynamic (ggml's best fit), offline (greedy by size), best "
                    + "(default: the smaller of both)")
    String planner;

    @Option(names = "--order", paramLabel = "ggml|memory",
            description = "execution order: memory (the default: a dependency-respecting reorder with a lower peak) "
                    + "or ggml (ggml's order)")
    String order;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...", description = "a table over values of ctx, ubatch, "
            + "batch or past, e.g. ctx=512,2048,8192")
    String sweep;

    @Option(names = "--json", description = "machine-readable output on stdout (logs go to stderr)")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.svg|FILE.png", description = "draw live bytes over the execution "
            + "order with the peak marked")
    Path plot;

    @Option(names = "--verify", description = "allocate and run the graph (random weights; a scaled-down "
            + "configuration if the model is too big for the budget) and prove allocated == measured")
    boolean verify;

    @Option(names = "--verify-max-mib", paramLabel = "MiB", defaultValue = "1024",
            description = "memory the verification may use before it scales the model down (default ${DEFAULT-VALUE})")
    long verifyMaxMib;

    @Option(names = "--verify-max-gflop", paramLabel = "GFLOP", defaultValue = "20",
            description = "work the verification may do before it scales the model down (default ${DEFAULT-VALUE})")
    double verifyMaxGflop;

    @Option(names = "--threads", paramLabel = "N", description = "threads the work buffer is sized for and "
            + "--verify computes with (default: the available processors)")
    Integer threads;

    @Option(names = "--write-header", paramLabel = "FILE.gguf", description = "write the model's header-only GGUF "
            + "(built-ins only) and exit")
    Path writeHeader;

    @Option(names = "--list", description = "list the built-in models and exit")
    boolean list;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        try {
            return sizeOrVerify();
        } catch (IllegalArgumentException | UnsupportedOperationException | java.io.UncheckedIOException
                 | io.ggmljava.core.GgmlException e) {
            System.err.println("ggml size: " + e.getMessage());
            return 2;
        }
    }

    private int sizeOrVerify() throws IOException {
        if (list) {
            for (BuiltinModels.Builtin b : BuiltinModels.all()) {
                out.printf(Locale.ROOT, "builtin:%-22s %s%n", b.name(), b.description());
            }
            return 0;
        }
        if (file != null && model != null) {
            throw new IllegalArgumentException("give the model once: as MODEL.gguf or with --model, not both");
        }
        boolean defaultRun = file == null && model == null;
        String spec = file != null ? file : model != null ? model : Models.BUILTIN + DEFAULT_MODEL;
        if (writeHeader != null) {
            if (!spec.startsWith(Models.BUILTIN)) {
                throw new IllegalArgumentException("--write-header writes built-in models only");
            }
            Models.writeBuiltin(spec.substring(Models.BUILTIN.length()), writeHeader);
            progress("wrote the header-only GGUF of " + spec + " to " + writeHeader);
            return 0;
        }
        progress("reading the header of " + spec);
        SizableModel m = Models.open(spec);
        Planner p = Planner.byName(planner);
        String ord = order == null ? Orders.defaultOrder() : order;
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Workload w = workload();
        if (sweep != null) {
            return sweep(m, w, p, ord, nThreads);
        }
        progress("building the graph and running the measuring pass (" + p.name() + ", " + ord + " order)");
        SizeReport r = Sizing.size(m, w, p, ord, nThreads);
        Verification v = null;
        Sizing.Budget budget = new Sizing.Budget(verifyMaxMib << 20, verifyMaxGflop * 1e9, nThreads);
        if (defaultRun) {
            SizableModel small = Models.open(Models.BUILTIN + DEFAULT_VERIFY_MODEL);
            v = Sizing.verify(small, Workload.defaults().withUbatch(8), p, ord, budget, this::progress);
        } else if (verify) {
            v = Sizing.verify(m, w, p, ord, budget, this::progress);
        }
        if (plot != null) {
            SizePlot.write(r, plot);
            progress("wrote " + plot);
        }
        if (json) {
            JsonWriter j = new JsonWriter();
            report(j, r, v);
            out.print(j);
        } else {
            SizeText.print(out, r);
            if (v != null) {
                SizeText.verification(out, v);
            }
            if (plot != null) {
                out.printf(Locale.ROOT, "plot      %s%n", plot);
            }
        }
        return v == null || v.verified() ? 0 : 1;
    }

    private Workload workload() {
        GgmlType kv = null;
        if (kvType != null) {
            kv = switch (kvType.toLowerCase(Locale.ROOT)) {
                case "f32" -> GgmlType.F32;
                case "f16" -> GgmlType.F16;
                case "q8_0" -> GgmlType.Q8_0;
                default -> throw new IllegalArgumentException("--kv-type must be f32, f16 or q8_0, got " + kvType);
            };
        }
        return new Workload(ctx == null ? 0 : ctx, batch, ubatch, past == null ? -1 : past, kv, flashAttn,
                !lastLogits);
    }

    private int sweep(SizableModel m, Workload w, Planner p, String ord, int nThreads) {
        int eq = sweep.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("--sweep: expected KEY=V1,V2,..., got " + sweep);
        }
        String key = sweep.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        List<Integer> values = new ArrayList<>();
        for (String s : sweep.substring(eq + 1).split(",")) {
            values.add(Integer.parseInt(s.trim()));
        }
        List<SizeReport> rows = new ArrayList<>();
        for (int v : values) {
            Workload x = switch (key) {
                case "ctx" -> w.withCtx(v);
                case "ubatch" -> w.withUbatch(v);
                case "batch" -> w.withBatch(v);
                case "past" -> w.withPast(v);
                default -> throw new IllegalArgumentException("--sweep: KEY must be ctx, ubatch, batch or past, got "
                        + key);
            };
            progress("sizing " + key + "=" + v);
            rows.add(Sizing.size(m, x, p, ord, nThreads));
        }
        if (json) {
            JsonWriter j = new JsonWriter().beginObject().field("model", m.source()).field("sweep", key);
            j.key("points").beginArray();
            for (SizeReport r : rows) {
                report(j, r, null);
            }
            j.endArray().endObject();
            out.print(j);
        } else {
            SizeText.sweep(out, key, values, rows);
        }
        return 0;
    }

    /** One report as a JSON object (the keys {@code size-report.schema.json} requires, and more). */
    static void report(JsonWriter j, SizeReport r, Verification v) {
        j.beginObject();
        j.field("model", r.source()).field("architecture", r.architecture()).field("description", r.description())
                .field("header_only", r.headerOnly());
        Workload w = r.workload();
        j.key("workload").beginObject().field("ctx", w.ctx()).field("batch", w.batch()).field("ubatch", w.ubatch())
                .field("tokens", w.tokens(w.ctx())).field("kv_head", w.past()).field("kv_type", w.kvType().toString())
                .field("flash_attn", w.flashAttn()).field("all_logits", w.allLogits()).endObject();
        j.field("step", r.step()).field("order", r.order()).field("planner", r.planner())
                .field("strategy", r.strategy());
        WeightStats ws = r.weights();
        j.field("weights_bytes", r.weightsBytes()).field("weights_file_bytes", ws.bytes())
                .field("weights_tensors", ws.tensors());
        j.key("weights_by_type").beginObject();
        for (Map.Entry<GgmlType, WeightStats.TypeCount> e : ws.byType().entrySet()) {
            j.key(e.getKey().toString()).beginObject().field("tensors", e.getValue().tensors())
                    .field("bytes", e.getValue().bytes()).endObject();
        }
        j.endObject();
        j.key("weights_per_layer").beginArray();
        for (long b : ws.perLayer()) {
            j.value(b);
        }
        j.endArray();
        j.key("weights_other").beginArray();
        for (TensorSpec s : ws.other()) {
            j.beginObject().field("name", s.name()).field("type", s.type().toString()).field("bytes", s.nbytes())
                    .endObject();
        }
        j.endArray();
        j.field("kv_bytes", r.kvBytes()).field("kv", r.cache());
        j.field("compute_bytes", r.computeBytes()).field("lower_bound_bytes", r.lowerBoundBytes())
                .field("ratio", r.ratio()).field("ggml_compute_bytes", r.ggmlComputeBytes())
                .field("ggml_lower_bound_bytes", r.ggmlLowerBound()).field("ggml_ratio", r.ggmlRatio())
                .field("work_bytes", r.workBytes()).field("threads", r.threads())
                .field("graph_nodes", r.nodes()).field("graph_leafs", r.leafs())
                .field("plan_ms", r.planNanos() / 1e6).field("total_bytes", r.totalBytes());
        j.field("peak_node", r.peakNode()).field("peak_name", r.peakName())
                .field("peak_live_bytes", r.peakNode() >= 0 ? r.liveBytes()[r.peakNode()] : 0);
        j.key("largest_at_peak").beginArray();
        for (SizeReport.LiveTensor t : r.largestAtPeak()) {
            j.beginObject().field("name", t.name()).field("op", t.op()).field("shape", t.shape())
                    .field("type", t.type()).field("bytes", t.bytes()).endObject();
        }
        j.endArray();
        if (v != null) {
            j.field("verify_configuration", v.configuration());
            j.field("measured_compute_bytes", v.measuredCompute()).field("allocated_compute_bytes",
                    v.allocatedCompute());
            j.field("measured_weights_bytes", v.measuredWeights()).field("allocated_weights_bytes",
                    v.allocatedWeights());
            j.field("measured_kv_bytes", v.measuredKv()).field("allocated_kv_bytes", v.allocatedKv());
            j.field("outputs_finite", v.outputsFinite()).field("matches_reference", v.matchesReference());
            j.field("verify_compute_ms", v.computeNanos() / 1e6);
            j.field("verified", v.verified());
        }
        j.endObject();
    }

    private void progress(String msg) {
        if (!quiet) {
            System.err.println("size: " + msg);
        }
    }
}
