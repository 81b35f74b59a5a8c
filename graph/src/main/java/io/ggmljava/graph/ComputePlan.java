package io.ggmljava.graph;

import io.ggmljava.core.Tensor;
import io.ggmljava.ops.Kernels;
import java.lang.foreign.MemorySegment;
import io.ggmljava.core.Op;
import java.util.Objects;

/**
 * What an {@link Executor} needs to compute a graph with a given number of threads, worked out once: the threads
 * each node uses ({@link Kernels#nTasks}, 0 for nodes that compute nothing: views, reshapes, empty tensors) and the
 * work buffer all nodes share (the largest {@link Kernels#workSize}). Computing a graph again with new input data
 * reuses its plan: no per-node decisions, no allocation.
 *
 * <p>A plan describes the graph's nodes as they were when it was made; a graph that gains nodes needs a new plan.
 */
public final class ComputePlan {
    private final Graph graph;
    private final int threads;
    private final int nodes;
    private final short[] nTasks;
    private final long workSize;
    private final int computed;
    private final int parallel;
    private final MemorySegment work;

    ComputePlan(Graph graph, int threads) {
        this.graph = Objects.requireNonNull(graph, "graph");
        if (threads < 1 || threads > Executor.MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in 1.." + Executor.MAX_THREADS + ", got " + threads);
        }
        this.threads = threads;
        nodes = graph.nodeCount();
        nTasks = new short[nodes];
        long ws = 0;
        int c = 0;
        int p = 0;
        for (int i = 0; i < nodes; i++) {
            Tensor node = graph.node(i);
            if (node.op().isView() || node.op() == Op.NONE || node.isEmpty()) {
                continue;
            }
            int n = Math.max(1, Math.min(threads, Kernels.nTasks(node, threads)));
            nTasks[i] = (short) n;
            ws = Math.max(ws, Kernels.workSize(node, n));
            c++;
            if (n > 1) {
                p++;
            }
        }
        workSize = ws;
        computed = c;
        parallel = p;
        work = null;
    }

    private ComputePlan(ComputePlan base, MemorySegment work) {
        graph = base.graph;
        threads = base.threads;
        nodes = base.nodes;
        nTasks = base.nTasks;
        workSize = base.workSize;
        computed = base.computed;
        parallel = base.parallel;
        this.work = work;
    }

    /**
     * This plan computing with {@code work} as its work buffer (e.g. the one a memory plan allocated, so that all
     * the memory a graph needs comes from one measured allocation) instead of the executor's own.
     *
     * @throws IllegalArgumentException if {@code work} is smaller than {@link #workSize()}
     */
    public ComputePlan withWork(MemorySegment work) {
        Objects.requireNonNull(work, "work");
        if (work.byteSize() < workSize) {
            throw new IllegalArgumentException("the work buffer has " + work.byteSize() + " bytes, this plan needs "
                    + workSize + " (" + threads + " threads)");
        }
        return new ComputePlan(this, work);
    }

    /** The work buffer given with {@link #withWork}, or null (the executor then uses its own). */
    public MemorySegment work() {
        return work;
    }

    /** The graph this plan computes. */
    public Graph graph() {
        return graph;
    }

    /** Threads the compute uses at most. */
    public int threads() {
        return threads;
    }

    /** Nodes of the graph when the plan was made. */
    public int nodeCount() {
        return nodes;
    }

    /** Threads node {@code i} uses (0: it computes nothing). */
    public int nTasks(int i) {
        return nTasks[Objects.checkIndex(i, nodes)];
    }

    /** Bytes of the work buffer the nodes share: part of the memory computing this graph needs. */
    public long workSize() {
        return workSize;
    }

    /** Nodes that compute something (not views or reshapes). */
    public int computedNodes() {
        return computed;
    }

    /** Nodes split over more than one thread. */
    public int parallelNodes() {
        return parallel;
    }

    short[] tasks() {
        return nTasks;
    }

    /** True if this plan still describes {@code g} as it is now. */
    boolean matches(Graph g, int nThreads) {
        return g == graph && nThreads == threads && g.nodeCount() == nodes;
    }

    @Override
    public String toString() {
        return "ComputePlan{" + nodes + " nodes (" + computed + " computed, " + parallel + " on several threads), "
                + threads + " threads, work " + workSize + " bytes}";
    }
}
