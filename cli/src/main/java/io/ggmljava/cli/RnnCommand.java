package io.ggmljava.cli;

import io.ggmljava.alloc.Allocation;
import io.ggmljava.alloc.BufferTypes;
import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.Planner;
import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.ComputePlan;
import io.ggmljava.graph.ExecutionOrder;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import io.ggmljava.models.Gru;
import io.ggmljava.models.Lstm;
import io.ggmljava.models.RecurrentCell;
import io.ggmljava.models.Rnn;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ggml rnn}: builds, orders, plans, allocates and computes an LSTM or GRU over T steps, unrolled into one graph
 * or as one step's graph computed T times, and reports the sizes and times.
 */
@Command(name = "rnn", mixinStandardHelpOptions = true, description = {
        "Run an LSTM or GRU layer over a random sequence: unrolled into one graph of T steps (no size parameter "
                + "anywhere), or one step's graph planned once and computed T times.",
        "Reports nodes, compute_buffer_bytes (the planned compute buffer; the input x [I, T], the output [H, T], "
                + "the weights and the states are the caller's and not in it), build_ms, order_ms, plan_ms, "
                + "alloc_ms, compute_ms and us_per_step. Times are single runs (the JIT warms up during them)."})
final class RnnCommand implements Callable<Integer> {
    enum Cell { lstm, gru }

    enum Mode { unrolled, step }

    enum Order { ggml, memory }

    @Option(names = "--cell", description = "lstm or gru (default: ${DEFAULT-VALUE})")
    Cell cell = Cell.lstm;

    @Option(names = "--input", paramLabel = "I", description = "input size (default: ${DEFAULT-VALUE})")
    int input = 256;

    @Option(names = "--hidden", paramLabel = "H", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden = 256;

    @Option(names = "--steps", paramLabel = "T", description = "sequence length (default: ${DEFAULT-VALUE})")
    int steps = 1000;

    @Option(names = "--mode", description = "unrolled (one graph of T steps) or step (one step's graph, T times); "
            + "default: ${DEFAULT-VALUE}")
    Mode mode = Mode.unrolled;

    @Option(names = "--order", description = "execution order: ggml (ggml's depth-first order) or memory "
            + "(a reorder with a lower peak of live bytes); default: ${DEFAULT-VALUE}")
    Order order = Order.memory;

    @Option(names = "--threads", paramLabel = "N", description = "compute threads (default: the processors "
            + "available)")
    Integer threads;

    @Option(names = "--planner", description = "dynamic (ggml's best fit), offline or best (default: "
            + "${DEFAULT-VALUE})")
    String planner = "best";

    @Option(names = "--x-in-buffer", description = "plan the input x [I, T] inside the compute buffer, as ggml's "
            + "allocator does for graph inputs (to compare with ggml's compute buffer sizes)")
    boolean xInBuffer;

    @Option(names = "--no-output", description = "keep only the last state, not the [H, T] output (the shape of "
            + "the classic unrolled LSTM with one final expand)")
    boolean noOutput;

    @Option(names = "--seed", description = "random seed of weights and inputs (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--json", description = "machine-readable output on stdout")
    boolean json;

    @Override
    public Integer call() {
        if (input < 1 || hidden < 1 || steps < 1) {
            throw new IllegalArgumentException("--input, --hidden and --steps must be positive");
        }
        if (mode == Mode.step && xInBuffer) {
            throw new IllegalArgumentException("--x-in-buffer applies to --mode unrolled (step mode reads x in place)");
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        ExecutionOrder eo = order == Order.ggml ? ExecutionOrder.GGML : ExecutionOrder.MEMORY;
        Planner p = Planner.byName(planner);
        SplittableRandom rnd = new SplittableRandom(seed);
        Report r = new Report();
        try (Arena arena = Arena.ofShared(); Executor ex = new Executor(nThreads)) {
            long t0 = System.nanoTime();
            Context ctx = new Context();
            RecurrentCell c = cell == Cell.lstm ? Lstm.create(ctx, input, hidden) : Gru.create(ctx, input, hidden);
            Tensor x = ctx.newTensor2d(GgmlType.F32, input, steps).setName("x").setInput();
            Tensor out = noOutput ? null : ctx.newTensor2d(GgmlType.F32, hidden, steps).setName("out");
            long need;
            try {
                need = Math.addExact(x.nbytes(), out == null ? 0 : out.nbytes());
                for (Tensor w : c.weights()) {
                    need = Math.addExact(need, w.nbytes());
                }
            } catch (ArithmeticException e) {
                need = -1;
            }
            Main.requireMemory(need, "the weights, the input x and the output of this run");
            float bound = (float) (1 / Math.sqrt(hidden));
            for (Tensor w : c.weights()) {
                r.weightBytes += w.nbytes();
                fill(w.bind(arena.allocate(w.nbytes(), 64)), rnd, bound);
            }
            if (!xInBuffer) {
                fill(x.bind(arena.allocate(x.nbytes(), 64)), rnd, 1);
                r.ioBytes += x.nbytes();
            }
            if (out != null) {
                out.bind(arena.allocate(out.nbytes(), 64));
                r.ioBytes += out.nbytes();
            }
            List<Tensor> state = new ArrayList<>();
            for (String s : c.stateNames()) {
                Tensor t = ctx.newTensor1d(GgmlType.F32, hidden).setName(s + "0").setInput();
                state.add(t.bind(arena.allocate(t.nbytes(), 64)));
            }
            r.setupMs = ms(t0);

            Graph g;
            Rnn.StepGraph stepGraph = null;
            Tensor hLast;
            long t1 = System.nanoTime();
            if (mode == Mode.unrolled) {
                Rnn.Unrolled u = Rnn.unroll(ctx, c, x, state, out);
                u.last().forEach(Tensor::setOutput);
                g = Rnn.graph(u);
                hLast = u.last().get(0);
            } else {
                stepGraph = Rnn.stepGraph(ctx, c);
                stepGraph.input().bind(x.data().asSlice(0, 4L * input));
                for (Tensor t : stepGraph.state()) {
                    t.bind(arena.allocate(t.nbytes(), 64));
                }
                g = stepGraph.graph();
                hLast = stepGraph.state().get(0);
            }
            r.buildMs = ms(t1);
            long t2 = System.nanoTime();
            g = eo.apply(g);
            r.orderMs = ms(t2);
            r.nodes = g.nodeCount();
            r.leafs = g.leafCount();
            Graph.Overhead oh = g.overhead();

            MemoryPlan plan = p.plan(g);
            r.planMs = plan.planNanos() / 1e6;
            r.computeBytes = plan.computeBytes();
            r.workBytes = plan.workBytes();
            r.lowerBound = plan.lowerBoundBytes();
            long t3 = System.nanoTime();
            try (Allocation mem = plan.allocate(BufferTypes.arena())) {
                r.allocMs = ms(t3);
                if (xInBuffer) {
                    fill(x, rnd, 1);
                }
                ComputePlan cp = ex.plan(g, nThreads).withWork(mem.work());
                long t4 = System.nanoTime();
                if (mode == Mode.unrolled) {
                    ex.compute(cp);
                } else {
                    Rnn.run(stepGraph, ex, cp, x, out);
                }
                r.computeMs = ms(t4);
                r.checksum = checksum(out != null ? out : hLast);
            }
            print(r, oh, nThreads);
        }
        return 0;
    }

    /** What one run measured. */
    private static final class Report {
        int nodes;
        int leafs;
        long computeBytes;
        long workBytes;
        long lowerBound;
        long weightBytes;
        long ioBytes;
        double setupMs;
        double buildMs;
        double orderMs;
        double planMs;
        double allocMs;
        double computeMs;
        double checksum;
    }

    private void print(Report r, Graph.Overhead oh, int nThreads) {
        double usPerStep = r.computeMs * 1000 / steps;
        int computedSteps = mode == Mode.unrolled ? 1 : steps;
        double usPerNode = r.computeMs * 1000 / ((double) r.nodes * computedSteps);
        if (json) {
            JsonWriter w = new JsonWriter().beginObject()
                    .field("cell", cell.name()).field("input", input).field("hidden", hidden).field("steps", steps)
                    .field("mode", mode.name()).field("order", order.name()).field("threads", nThreads)
                    .field("planner", planner).field("provider", KernelProvider.get().name())
                    .field("x_in_buffer", xInBuffer).field("output_kept", !noOutput)
                    .field("nodes", r.nodes).field("leafs", r.leafs)
                    .field("compute_buffer_bytes", r.computeBytes).field("work_bytes", r.workBytes)
                    .field("lower_bound_bytes", r.lowerBound)
                    .field("graph_heap_bytes", oh.heapBytes()).field("ggml_graph_bytes", oh.ggmlGraphBytes())
                    .field("weight_bytes", r.weightBytes).field("io_bytes", r.ioBytes)
                    .field("build_ms", r.buildMs).field("order_ms", r.orderMs).field("plan_ms", r.planMs)
                    .field("alloc_ms", r.allocMs).field("compute_ms", r.computeMs)
                    .field("us_per_step", usPerStep).field("us_per_node", usPerNode)
                    .field("checksum", r.checksum).endObject();
            System.out.println(w);
            return;
        }
        System.out.printf(Locale.ROOT, "%s %s, input %d, hidden %d, %d steps, order %s, %d threads (%s)%n",
                cell, mode, input, hidden, steps, order, nThreads, KernelProvider.get().name());
        System.out.printf(Locale.ROOT, "  nodes              %,d (%,d leafs)%n", r.nodes, r.leafs);
        System.out.printf(Locale.ROOT, "  compute buffer     %,d bytes (lower bound %,d; work %,d)%n", r.computeBytes,
                r.lowerBound, r.workBytes);
        System.out.printf(Locale.ROOT, "  caller's tensors   weights %,d bytes, x and output %,d bytes%n",
                r.weightBytes, r.ioBytes);
        System.out.printf(Locale.ROOT, "  graph itself       %,d bytes here, ggml_graph_nbytes %,d%n", oh.heapBytes(),
                oh.ggmlGraphBytes());
        System.out.printf(Locale.ROOT, "  build %.1f ms, order %.1f ms, plan %.1f ms, alloc %.1f ms, compute %.1f ms%n",
                r.buildMs, r.orderMs, r.planMs, r.allocMs, r.computeMs);
        System.out.printf(Locale.ROOT, "  %.2f us per step, %.3f us per node (checksum %.6g)%n", usPerStep, usPerNode,
                r.checksum);
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static void fill(Tensor t, SplittableRandom rnd, float bound) {
        MemorySegment d = t.data();
        for (long i = 0, n = t.nelements(); i < n; i++) {
            d.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
        }
    }

    private static double checksum(Tensor t) {
        MemorySegment d = t.data();
        double s = 0;
        for (long i = 0, n = t.nelements(); i < n; i++) {
            s += d.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        return s;
    }
}
