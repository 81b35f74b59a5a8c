package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of the measuring pass: the buffers to make (name, usage, exact size), where every placed tensor goes,
 * and for a graph the in-place decisions, both lower bounds, the bytes live after each node, the executor's work
 * buffer and the graph's own (heap) overhead. Nothing is allocated until {@link #allocate}, which makes exactly
 * these buffers with the given type and binds the tensors: allocated == measured, by construction.
 *
 * <pre>{@code
 * MemoryPlan plan = Planner.best().plan(graph);               // no memory touched
 * System.out.println(plan.summary());
 * try (Allocation mem = plan.allocate(BufferTypes.arena())) { // exactly plan.totalBytes()
 *     ... compute ...
 * }
 * }</pre>
 */
public final class MemoryPlan {
    /** What was planned. */
    public enum Kind {
        /** The compute buffer of a graph (planned with reuse). */
        GRAPH,
        /** Tensors placed one after another (weights, caches). */
        LINEAR
    }

    /** One buffer to make: its name, what it holds and its exact size in bytes. */
    public record BufferSpec(String name, Usage usage, long size) {
    }

    /**
     * Estimated Java heap bytes per graph tensor (object, shape/stride/parameter/source arrays, name, graph slots),
     * assuming compressed oops. The metadata is on the heap, not in any buffer; it is reported, not allocated.
     */
    public static final long HEAP_BYTES_PER_TENSOR = 392;

    private final Kind kind;
    private final String planner;
    private final String strategy;
    private final Graph graph;
    private final GraphIndex index;
    private final Lifetimes lifetimes;
    private final Tensor[] tensors;
    private final int[] bufferOf;
    private final long[] offsetOf;
    private final List<BufferSpec> buffers;
    private final BufferType plannedFor;
    private final int threads;
    private final long lowerBound;
    private final long strictLowerBound;
    private final long workBytes;
    private final long heapBytes;
    private final long planNanos;
    private Map<Tensor, Integer> lookup;
    private long[] signature;

    private MemoryPlan(Kind kind, String planner, String strategy, Graph graph, GraphIndex index, Lifetimes lifetimes,
            Tensor[] tensors, int[] bufferOf, long[] offsetOf, List<BufferSpec> buffers, BufferType plannedFor,
            int threads, long lowerBound, long strictLowerBound, long workBytes, long heapBytes, long planNanos) {
        this.kind = kind;
        this.planner = planner;
        this.strategy = strategy;
        this.graph = graph;
        this.index = index;
        this.lifetimes = lifetimes;
        this.tensors = tensors;
        this.bufferOf = bufferOf;
        this.offsetOf = offsetOf;
        this.buffers = List.copyOf(buffers);
        this.plannedFor = plannedFor;
        this.threads = threads;
        this.lowerBound = lowerBound;
        this.strictLowerBound = strictLowerBound;
        this.workBytes = workBytes;
        this.heapBytes = heapBytes;
        this.planNanos = planNanos;
    }

    /** A graph plan from unit offsets (built by {@link Planner}). */
    static MemoryPlan forGraph(String planner, String strategy, Lifetimes lt, long[] unitOffsets, PlanOptions opts,
            long workBytes, long planNanos) {
        GraphIndex idx = lt.idx;
        int n = idx.nTensors();
        int[] bufferOf = new int[n];
        long[] offsetOf = new long[n];
        long compute = 0;
        for (int k = 0; k < n; k++) {
            int u = lt.unitOf[k];
            if (u != GraphIndex.NONE) {
                bufferOf[k] = 0;
                offsetOf[k] = unitOffsets[u];
                compute = Math.max(compute, unitOffsets[u] + idx.size[k]);
            } else if (idx.own[k]) {
                bufferOf[k] = 0; // empty tensor: zero bytes at offset 0
            } else {
                bufferOf[k] = -1;
            }
        }
        List<BufferSpec> specs = new ArrayList<>();
        specs.add(new BufferSpec("compute", Usage.COMPUTE, compute));
        if (workBytes > 0) {
            specs.add(new BufferSpec("work", Usage.COMPUTE, workBytes));
        }
        long heap = (long) n * HEAP_BYTES_PER_TENSOR;
        return new MemoryPlan(Kind.GRAPH, planner, strategy, idx.graph, idx, lt, idx.tensors, bufferOf, offsetOf,
                specs, opts.bufferType(), opts.threads(), lt.lowerBound(), lt.strictLowerBound(), workBytes, heap,
                planNanos);
    }

    /** A linear plan (built by {@link LinearAllocator}). */
    static MemoryPlan linear(Tensor[] tensors, int[] bufferOf, long[] offsetOf, List<BufferSpec> buffers,
            BufferType type, long planNanos) {
        long total = 0;
        for (BufferSpec b : buffers) {
            total += b.size();
        }
        return new MemoryPlan(Kind.LINEAR, "linear", "linear", null, null, null, tensors, bufferOf, offsetOf,
                buffers, type, 1, total, total, 0, 0, planNanos);
    }

    /** The same placement for a structurally identical graph (see {@link GraphAllocator}). */
    MemoryPlan reusedFor(GraphIndex other, long nanos) {
        return new MemoryPlan(kind, planner, strategy, other.graph, other, lifetimes, other.tensors, bufferOf,
                offsetOf, buffers, plannedFor, threads, lowerBound, strictLowerBound, workBytes, heapBytes, nanos);
    }

    // ---- what was planned ----

    public Kind kind() {
        return kind;
    }

    /** The planner's name ({@code dynamic}, {@code offline}, {@code best}, {@code linear}, or a plug-in's). */
    public String planner() {
        return planner;
    }

    /** The placement strategy whose result was kept (for {@code best}: the better of dynamic and offline). */
    public String strategy() {
        return strategy;
    }

    /** The graph this plan binds (null for linear plans). */
    public Graph graph() {
        return graph;
    }

    /** The lifetime table (null for linear plans). */
    public Lifetimes lifetimes() {
        return lifetimes;
    }

    /** The buffer type the plan was made for. */
    public BufferType plannedFor() {
        return plannedFor;
    }

    /** Executor threads the work buffer was sized for. */
    public int threads() {
        return threads;
    }

    /** The buffers {@link #allocate} makes, in order: for a graph {@code compute}, then {@code work} if needed. */
    public List<BufferSpec> buffers() {
        return buffers;
    }

    /** Bytes of every buffer together: what {@link #allocate} allocates. */
    public long totalBytes() {
        long t = 0;
        for (BufferSpec b : buffers) {
            t += b.size();
        }
        return t;
    }

    /** Bytes of the tensors' buffer(s): the compute buffer of a graph, all buffers of a linear plan. */
    public long computeBytes() {
        return kind == Kind.GRAPH ? buffers.get(0).size() : totalBytes();
    }

    /** Bytes of the executor's work buffer (the largest {@code Kernels.workSize} over the nodes). */
    public long workBytes() {
        return workBytes;
    }

    /** Estimated Java heap bytes of the graph's metadata (tensors and graph arrays); not in any buffer. */
    public long graphOverheadBytes() {
        return heapBytes;
    }

    /** The in-place lower bound on {@link #computeBytes()} for this order. */
    public long lowerBoundBytes() {
        return lowerBound;
    }

    /** The strict lower bound (no in-place sharing) for this order. */
    public long strictLowerBoundBytes() {
        return strictLowerBound;
    }

    /** {@link #computeBytes()} over {@link #lowerBoundBytes()} (1 when both are 0). */
    public double ratio() {
        return lowerBound == 0 ? 1.0 : (double) computeBytes() / lowerBound;
    }

    /** Nanoseconds the planning took. */
    public long planNanos() {
        return planNanos;
    }

    /** Bytes live in the compute buffer after each node ({@code nodes} values; empty for linear plans). */
    public long[] liveBytes() {
        if (lifetimes == null) {
            return new long[0];
        }
        long[] out = new long[index.nNodes];
        for (int i = 0; i < out.length; i++) {
            out[i] = lifetimes.liveBytes(i + 1);
        }
        return out;
    }

    /** The node at which the most bytes are live (-1 before the first node or for linear plans). */
    public int peakNode() {
        return lifetimes == null ? -1 : lifetimes.peakTime() - 1;
    }

    /** The {@code k} largest tensors live at the peak, largest first. */
    public List<Tensor> largestAtPeak(int k) {
        if (lifetimes == null) {
            return List.of();
        }
        List<Tensor> live = new ArrayList<>(lifetimes.liveTensors(lifetimes.peakTime()));
        live.sort((a, b) -> Long.compare(b.nbytes(), a.nbytes()));
        return live.subList(0, Math.min(k, live.size()));
    }

    /** Number of nodes computed in a parent's memory. */
    public int inplaceCount() {
        if (lifetimes == null) {
            return 0;
        }
        int c = 0;
        for (int p : lifetimes.inplaceParent) {
            if (p != GraphIndex.NONE) {
                c++;
            }
        }
        return c;
    }

    // ---- per tensor ----

    private Map<Tensor, Integer> lookup() {
        if (lookup == null) {
            Map<Tensor, Integer> m = new IdentityHashMap<>(tensors.length * 2);
            for (int k = 0; k < tensors.length; k++) {
                if (bufferOf[k] >= 0) {
                    m.put(tensors[k], k);
                }
            }
            lookup = m;
        }
        return lookup;
    }

    /** True if this plan gives {@code t} memory (views and tensors left alone are not placed). */
    public boolean isPlaced(Tensor t) {
        return lookup().containsKey(t);
    }

    /** The tensors this plan gives memory, in graph order (leafs, then nodes) or list order. */
    public List<Tensor> placedTensors() {
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < tensors.length; k++) {
            if (bufferOf[k] >= 0) {
                out.add(tensors[k]);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Index in {@link #buffers()} of the buffer holding {@code t}. */
    public int bufferOf(Tensor t) {
        return bufferOf[require(t)];
    }

    /** Byte offset of {@code t} in its buffer. */
    public long offsetOf(Tensor t) {
        return offsetOf[require(t)];
    }

    /** The source whose memory node {@code t} is computed in, or null. */
    public Tensor inplaceParentOf(Tensor t) {
        if (lifetimes == null) {
            return null;
        }
        int p = lifetimes.inplaceParent[require(t)];
        return p == GraphIndex.NONE ? null : tensors[p];
    }

    private int require(Tensor t) {
        Integer k = lookup().get(Objects.requireNonNull(t, "t"));
        if (k == null) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' " + t.describe() + " is not placed by this "
                    + "plan (a view, already allocated, external, or not in the graph)");
        }
        return k;
    }

    /** A structural fingerprint of the planned graph (see {@link GraphAllocator}); null for linear plans. */
    long[] signature() {
        if (signature == null && index != null) {
            signature = GraphSignature.of(index, threads);
        }
        return signature;
    }

    // ---- allocation ----

    /**
     * Makes exactly {@link #buffers()} with {@code type} and binds every placed tensor (views then see their
     * source's memory). With a measuring type nothing is bound and nothing is allocated.
     *
     * @throws AllocationException if {@code type} does not fit the plan (alignment, per-tensor size, max size)
     */
    public Allocation allocate(BufferType type) {
        checkCompatible(type);
        List<Buffer> made = new ArrayList<>(buffers.size());
        try {
            for (BufferSpec spec : buffers) {
                made.add(type.allocate(spec.size(), spec.usage()));
            }
            List<Tensor> bound = bind(made);
            return new Allocation(this, made, bound);
        } catch (RuntimeException | Error e) {
            for (Buffer b : made) {
                b.close();
            }
            throw e;
        }
    }

    void checkCompatible(BufferType type) {
        long planAlign = index != null ? index.alignment : plannedFor.alignment();
        if (planAlign % type.alignment() != 0) {
            throw new AllocationException("plan was made for alignment " + planAlign + ", buffer type '" + type.name()
                    + "' needs " + type.alignment() + "; plan with PlanOptions.withBufferType(type)");
        }
        for (BufferSpec b : buffers) {
            if (b.size() > type.maxSize()) {
                throw new AllocationException("buffer '" + b.name() + "' needs " + b.size() + " bytes, more than "
                        + "buffer type '" + type.name() + "' can make (" + type.maxSize() + ")");
            }
        }
        if (type != plannedFor) {
            for (int k = 0; k < tensors.length; k++) {
                if (bufferOf[k] >= 0 && type.allocSize(tensors[k]) > GraphIndex.pad(plannedFor.allocSize(tensors[k]),
                        planAlign)) {
                    throw new AllocationException("tensor '" + tensors[k].name() + "' needs " + type.allocSize(
                            tensors[k]) + " bytes in buffer type '" + type.name() + "', the plan gave it "
                            + plannedFor.allocSize(tensors[k]) + "; plan with PlanOptions.withBufferType(type)");
                }
            }
        }
    }

    /** Binds every placed tensor to its slice of {@code made}; returns the tensors bound. */
    List<Tensor> bind(List<Buffer> made) {
        List<Tensor> bound = new ArrayList<>();
        for (int k = 0; k < tensors.length; k++) {
            int b = bufferOf[k];
            if (b < 0 || b >= made.size()) {
                continue;
            }
            Buffer buf = made.get(b);
            if (!buf.hasMemory()) {
                continue;
            }
            Tensor t = tensors[k];
            if (t.data() != null && !t.isView()) {
                throw new AllocationException("tensor '" + t.name() + "' already has memory; the plan was made before "
                        + "it was allocated elsewhere");
            }
            MemorySegment seg = buf.segment();
            t.bind(seg.asSlice(offsetOf[k], t.nbytes()));
            bound.add(t);
        }
        return bound;
    }

    // ---- printing ----

    /** A few lines: buffer sizes, the lower bounds and ratio, in-place count, peak, planning time. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        if (kind == Kind.LINEAR) {
            sb.append(String.format(Locale.ROOT, "linear plan: %d tensors in %d buffer(s), %s%n",
                    placedTensors().size(), buffers.size(), bytes(totalBytes())));
            for (BufferSpec b : buffers) {
                sb.append(String.format(Locale.ROOT, "  %-10s %-8s %s%n", b.name(), b.usage(), bytes(b.size())));
            }
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "plan '%s' (%s) of %d nodes, %d leafs, alignment %d%n", planner,
                strategy, index.nNodes, index.nLeafs, index.alignment));
        sb.append(String.format(Locale.ROOT, "  compute  %s   lower bound %s (in place), %s (strict)   ratio %.4f%n",
                bytes(computeBytes()), bytes(lowerBound), bytes(strictLowerBound), ratio()));
        sb.append(String.format(Locale.ROOT, "  work     %s (%d threads)%n", bytes(workBytes), threads));
        sb.append(String.format(Locale.ROOT, "  graph    %s of Java heap (estimated, not allocated)%n",
                bytes(heapBytes)));
        int peak = peakNode();
        String peakName = peak >= 0 ? "after node " + peak + " '" + graph.node(peak).name() + "'" : "before node 0";
        sb.append(String.format(Locale.ROOT, "  in place %d of %d nodes; peak %s; planned in %.2f ms%n",
                inplaceCount(), index.nNodes, peakName, planNanos / 1e6));
        return sb.toString();
    }

    /** {@code 26517504 bytes (25.29 MiB)}. */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%d bytes (%.2f %s)", b, v, units[u]);
    }

    @Override
    public String toString() {
        return "MemoryPlan{" + kind + " " + planner + ", buffers " + Arrays.toString(buffers.toArray()) + "}";
    }
}
