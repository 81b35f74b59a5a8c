package io.ggmljava.models;

import io.ggmljava.alloc.Allocation;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;
import io.ggmljava.alloc.LinearAllocator;
import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.PlanOptions;
import io.ggmljava.alloc.Planner;
import io.ggmljava.alloc.Usage;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The memory-sizing diagnostic: builds a model's real graph for a workload and runs the measuring pass over it
 * ({@link #size}), or allocates and runs it to prove that the allocation equals the measurement ({@link #verify}).
 *
 * <pre>{@code
 * SizableModel m = Models.open("builtin:llama3-8b-q4_k_m");
 * SizeReport r = Sizing.size(m, Workload.defaults().withCtx(8192), Planner.best(), "ggml");
 * System.out.println(r.computeBytes() + " bytes, ggml's planner: " + r.ggmlComputeBytes());
 * Verification v = Sizing.verify(m, Workload.defaults(), Planner.best(), "ggml", Sizing.Budget.DEFAULT, System.err::println);
 * }</pre>
 */
public final class Sizing {
    private Sizing() {
    }

    /** How many tensors {@link SizeReport#largestAtPeak()} lists. */
    public static final int LARGEST_AT_PEAK = 6;

    /**
     * Sizes {@code model} for {@code workload}: weights and cache by a linear plan, the compute buffer by
     * {@code planner} over the graph in {@code order}, and ggml's planner in ggml's order beside it.
     */
    public static SizeReport size(SizableModel model, Workload workload, Planner planner, String order) {
        return size(model, workload, planner, order, Runtime.getRuntime().availableProcessors());
    }

    /** Like {@link #size(SizableModel, Workload, Planner, String)}, with the work buffer sized for {@code threads}. */
    public static SizeReport size(SizableModel model, Workload workload, Planner planner, String order, int threads) {
        ModelInstance inst = model.instantiate(workload);
        BufferType measuring = BufferTypes.measuring(BufferTypes.arena());
        long weights = LinearAllocator.plan(inst.weights(), measuring, Usage.WEIGHTS).totalBytes();
        long kv = inst.cache().isEmpty() ? 0 : LinearAllocator.plan(inst.cache(), measuring, Usage.WEIGHTS).totalBytes();
        PlanOptions opts = PlanOptions.defaults().withBufferType(measuring).withThreads(threads)
                .withExternal(inst.weights()).withExternal(inst.cache());

        Step step = inst.newStep();
        Graph ggmlOrder = step.graph();
        Graph ordered = Orders.apply(order, ggmlOrder);
        MemoryPlan ours = planner.plan(ordered, opts);
        MemoryPlan ggml = planner == Planner.dynamic() && ordered == ggmlOrder ? ours
                : Planner.dynamic().plan(ggmlOrder, opts);

        int peak = ours.peakNode();
        List<SizeReport.LiveTensor> largest = new ArrayList<>();
        for (Tensor t : ours.largestAtPeak(LARGEST_AT_PEAK)) {
            largest.add(new SizeReport.LiveTensor(t.name(), t.opDesc(), shape(t), t.type().toString(),
                    padded(t, ours)));
        }
        return new SizeReport(model.source(), model.architecture(), model.describe(), model.headerOnly(),
                inst.workload(), inst.describeStep(), inst.describeCache(), WeightStats.of(model), weights, kv, order,
                planner.name(), ours.strategy(), ordered.nodeCount(), ordered.leafCount(), ours.computeBytes(),
                ours.lowerBoundBytes(), ours.workBytes(), threads, ggml.computeBytes(), ggml.lowerBoundBytes(),
                ours.planNanos(), peak, peak >= 0 ? ordered.node(peak).name() : "", List.copyOf(largest),
                ours.liveBytes(), ggml.liveBytes());
    }

    /** {@code [4096,512]}, up to the last dimension above 1. */
    static String shape(Tensor t) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < t.nDims(); i++) {
            sb.append(i == 0 ? "" : ",").append(t.ne(i));
        }
        return sb.append(']').toString();
    }

    /** A tensor's size as the planner counts it: padded to the buffer type's alignment. */
    private static long padded(Tensor t, MemoryPlan plan) {
        long a = plan.plannedFor().alignment();
        return (plan.plannedFor().allocSize(t) + a - 1) / a * a;
    }

    // =====================================================================================================
    // verification
    // =====================================================================================================

    /**
     * Limits of a verification run: if the model, its cache, the compute buffer and the reference run together
     * need more than {@code maxBytes}, or the two runs more than {@code maxFlops}, a scaled-down configuration is run
     * instead (fewer layers, then a smaller vocabulary, then fewer tokens), and the report says which.
     *
     * @param maxBytes memory the verification may allocate
     * @param maxFlops floating-point operations the two runs may take (2 per multiply-add of the matrix products)
     * @param threads  threads to compute with
     */
    public record Budget(long maxBytes, double maxFlops, int threads) {
        /** 1 GiB, 20 GFLOP, the available processors. */
        public static final Budget DEFAULT = new Budget(1L << 30, 20e9, Runtime.getRuntime().availableProcessors());
    }

    /** A configuration to run: the model, the workload and what was changed to make it fit. */
    private record Candidate(SizableModel model, Workload workload, String change) {
    }

    /**
     * Allocates and runs {@code model}'s graph for {@code workload} (or a scaled-down configuration within
     * {@code budget}) and proves that every buffer allocated has exactly the size the measuring pass gave.
     */
    public static Verification verify(SizableModel model, Workload workload, Planner planner, String order,
            Budget budget, Consumer<String> progress) {
        Candidate c = chooseConfiguration(model, workload, planner, order, budget);
        progress.accept("verify: " + (c.change().isEmpty() ? "full model" : "scaled down: " + c.change()));
        BufferType arena = BufferTypes.arena();
        BufferType measuring = BufferTypes.measuring(arena);

        // 1. the measuring pass, over one instance of the model (no memory anywhere)
        ModelInstance meta = c.model().instantiate(c.workload());
        long measuredWeights = LinearAllocator.plan(meta.weights(), measuring, Usage.WEIGHTS).totalBytes();
        long measuredKv = meta.cache().isEmpty() ? 0
                : LinearAllocator.plan(meta.cache(), measuring, Usage.WEIGHTS).totalBytes();
        PlanOptions metaOpts = PlanOptions.defaults().withBufferType(measuring).withThreads(budget.threads())
                .withExternal(meta.weights()).withExternal(meta.cache());
        MemoryPlan measured = planner.plan(Orders.apply(order, meta.newStep().graph()), metaOpts);

        // 2. a second, independent instance: allocate for real, run, compare
        ModelInstance run = c.model().instantiate(c.workload());
        MemoryPlan weightsPlan = LinearAllocator.plan(run.weights(), arena, Usage.WEIGHTS);
        MemoryPlan kvPlan = run.cache().isEmpty() ? null : LinearAllocator.plan(run.cache(), arena, Usage.WEIGHTS);
        try (Allocation w = weightsPlan.allocate(arena);
             Allocation kv = kvPlan == null ? null : kvPlan.allocate(arena)) {
            progress.accept(String.format(Locale.ROOT, "verify: filling %.1f MiB of weights with random values",
                    w.allocatedBytes() / 1048576.0));
            RandomWeights.fill(run.weights(), 42);
            long allocatedKv = kv == null ? 0 : kv.allocatedBytes();

            Step planned = run.newStep();
            Graph g1 = Orders.apply(order, planned.graph());
            PlanOptions opts = PlanOptions.defaults().withBufferType(arena).withThreads(budget.threads())
                    .withExternal(run.weights()).withExternal(run.cache());
            MemoryPlan p1 = planner.plan(g1, opts);
            float[] out1;
            long allocatedCompute;
            long nanos;
            try (Allocation compute = p1.allocate(arena)) {
                allocatedCompute = compute.buffer(0).segment().byteSize();
                clear(kv);
                planned.fillInputs().accept(new SplittableRandom(7));
                progress.accept("verify: running " + g1.nodeCount() + " nodes in the planned buffer ("
                        + allocatedCompute + " bytes)");
                long t0 = System.nanoTime();
                compute(g1, budget.threads());
                nanos = System.nanoTime() - t0;
                out1 = planned.output().toFloatArray();
            }

            // 3. the reference: ggml's order, every tensor in its own memory, same weights and inputs: a plan that let
            //    two live tensors overlap, or an order that broke a dependency, would change the output
            Step ref = run.newStep();
            Graph g2 = ref.graph();
            float[] out2;
            long refBytes;
            try (Arena a = Arena.ofShared()) { // the executor's threads read and write it
                refBytes = bindEach(g2, a);
                clear(kv);
                ref.fillInputs().accept(new SplittableRandom(7));
                progress.accept("verify: running the reference (no memory shared, " + refBytes + " bytes)");
                compute(g2, budget.threads());
                out2 = ref.output().toFloatArray();
                unbind(g2, run);
            }
            boolean finite = true;
            for (float v : out1) {
                if (!Float.isFinite(v)) {
                    finite = false;
                    break;
                }
            }
            boolean same = out1.length == out2.length;
            for (int i = 0; same && i < out1.length; i++) {
                same = Float.floatToRawIntBits(out1[i]) == Float.floatToRawIntBits(out2[i]);
            }
            return new Verification(model.source() + ": " + (c.change().isEmpty() ? "full model"
                    : "scaled down: " + c.change()),
                    run.workload(), run.describeStep(), g1.nodeCount(), measured.computeBytes(), allocatedCompute,
                    measuredWeights, w.allocatedBytes(), measuredKv, allocatedKv, refBytes, finite, same, nanos,
                    budget.threads());
        }
    }

    private static void clear(Allocation kv) {
        if (kv != null) {
            for (int i = 0; i < kv.buffers().size(); i++) {
                kv.buffer(i).segment().fill((byte) 0);
            }
        }
    }

    /** The first configuration, from the full model down, that fits the budget. */
    private static Candidate chooseConfiguration(SizableModel model, Workload w, Planner planner, String order,
            Budget budget) {
        List<Candidate> tries = new ArrayList<>();
        tries.add(new Candidate(model, w, ""));
        int layers = model.layers();
        SizableModel two = model.scaledDown(2, Integer.MAX_VALUE);
        String fewer = two == model ? "" : String.format(Locale.ROOT, "%d of %d layers", Math.min(2, layers), layers);
        tries.add(new Candidate(two, w, fewer));
        SizableModel small = two.scaledDown(2, 4096);
        String smaller = small == two ? fewer : join(fewer, "vocabulary cut to 4096");
        tries.add(new Candidate(small, w, smaller));
        Workload r = model.instantiate(w).workload();
        int ctx = Math.min(r.ctx(), 512);
        int ub = Math.min(w.ubatch(), 32);
        Workload shorter = w.withCtx(ctx).withUbatch(ub).withPast(w.past() < 0 ? -1 : Math.max(0, Math.min(w.past(),
                ctx - ub)));
        String shorterText = join(smaller, "context " + ctx + (ub < w.ubatch() ? ", " + ub + "-token micro-batch" : ""));
        tries.add(new Candidate(small, shorter, shorterText));
        SizableModel narrow = small.narrowed(4);
        if (narrow != small) {
            tries.add(new Candidate(narrow, shorter, join(shorterText, "widths / 4 (" + narrow.widths() + " instead of "
                    + small.widths() + ")")));
        }
        String why = "";
        Candidate prev = null;
        for (Candidate c : tries) {
            if (prev != null && c.model() == prev.model() && c.workload().equals(prev.workload())) {
                continue; // scaling changed nothing
            }
            prev = c;
            double[] cost = cost(c, planner, order, budget);
            if (cost[0] <= budget.maxBytes() && cost[1] <= budget.maxFlops()) {
                return c.change().isEmpty() ? c : new Candidate(c.model(), c.workload(), c.change() + why);
            }
            if (why.isEmpty()) {
                why = String.format(Locale.ROOT, " (the full run needs %.2f GiB and %.0f GFLOP; the budget is %.2f GiB"
                        + " and %.0f GFLOP)", cost[0] / (1L << 30), cost[1] / 1e9, budget.maxBytes() / (double) (1L << 30),
                        budget.maxFlops() / 1e9);
            }
        }
        Candidate last = tries.get(tries.size() - 1);
        return new Candidate(last.model(), last.workload(), last.change() + why + "; still over the budget");
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + ", " + b;
    }

    /** Bytes (weights, cache, compute buffer, reference run) and flops (two runs) of a candidate. */
    private static double[] cost(Candidate c, Planner planner, String order, Budget budget) {
        ModelInstance inst = c.model().instantiate(c.workload());
        BufferType measuring = BufferTypes.measuring(BufferTypes.arena());
        long bytes = LinearAllocator.plan(inst.weights(), measuring, Usage.WEIGHTS).totalBytes();
        if (!inst.cache().isEmpty()) {
            bytes += LinearAllocator.plan(inst.cache(), measuring, Usage.WEIGHTS).totalBytes();
        }
        Graph g = inst.newStep().graph();
        PlanOptions opts = PlanOptions.defaults().withBufferType(measuring).withThreads(budget.threads())
                .withExternal(inst.weights()).withExternal(inst.cache());
        bytes += Planner.dynamic().plan(g, opts).totalBytes();
        double flops = 0;
        Set<Tensor> ext = Collections.newSetFromMap(new IdentityHashMap<>());
        ext.addAll(inst.weights());
        ext.addAll(inst.cache());
        for (Tensor n : g.nodes()) {
            if (!n.isView()) {
                bytes += n.nbytes();
            }
            flops += flops(n);
        }
        double fill = 0;
        for (Tensor t : inst.weights()) {
            // filling quantized weights runs ggml's reference quantizer once; the k-quants search their scales
            if (t.type().isQuantized()) {
                fill += (t.type().blockSize() == 256 ? 25.0 : 3.0) * t.nelements();
            }
        }
        return new double[]{bytes, 2 * 2 * flops + fill}; // two runs (planned, reference), 2 flops per multiply-add
    }

    /** Multiply-adds of the matrix products and attention (the ops that dominate run time). */
    static double flops(Tensor n) {
        return switch (n.op()) {
            case MUL_MAT -> (double) n.src(0).ne(0) * n.nelements();
            case FLASH_ATTN_EXT -> 2.0 * n.src(1).ne(1) * n.src(0).ne(0) * n.src(0).ne(1) * n.src(0).ne(2)
                    * n.src(0).ne(3);
            default -> n.nelements();
        };
    }

    /** Computes every node in the graph's order with the graph module's executor. */
    static void compute(Graph g, int threads) {
        try (Executor ex = new Executor(threads)) {
            ex.compute(g);
        }
    }

    /** Gives every tensor of {@code g} that has no memory (inputs and nodes, not views) its own segment. */
    private static long bindEach(Graph g, Arena arena) {
        long total = 0;
        List<Tensor> all = new ArrayList<>(g.leafs());
        all.addAll(g.nodes());
        for (Tensor t : all) {
            if (t.isView() || t.data() != null) {
                continue;
            }
            long n = Math.max(1, t.nbytes());
            t.bind(arena.allocate(n, 64));
            total += n;
        }
        return total;
    }

    private static void unbind(Graph g, ModelInstance inst) {
        Set<Tensor> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(inst.weights());
        keep.addAll(inst.cache());
        for (Tensor t : g.leafs()) {
            if (!keep.contains(t) && !t.isView()) {
                t.bind(null);
            }
        }
        for (Tensor t : g.nodes()) {
            if (!t.isView()) {
                t.bind(null);
            }
        }
    }
}
