package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import io.ggmljava.ops.Kernels;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The measuring pass: builds the {@link Lifetimes} table of a graph in its node order, places the units with one or
 * more {@link PlacementStrategy strategies} (keeping the smallest result, stopping early at the lower bound) and
 * returns a {@link MemoryPlan}. Only offsets are computed; no memory is touched.
 *
 * <pre>{@code
 * MemoryPlan ggmlLike = Planner.dynamic().plan(graph);   // ggml's gallocr: best fit, ggml's in-place rules
 * MemoryPlan tight = Planner.offline().plan(graph);      // greedy by size over the whole lifetime table
 * MemoryPlan plan = Planner.best().plan(graph);          // the smaller of the two (the default)
 * MemoryPlan mine = Planner.of(new StackStrategy()).plan(graph, PlanOptions.defaults().withThreads(2));
 * MemoryPlan built = Planner.best().plan(() -> buildMyGraph(ctx)); // from a function that builds the graph
 * }</pre>
 */
public final class Planner {
    private static final PlacementStrategy DYNAMIC = new DynamicStrategy();
    private static final PlacementStrategy OFFLINE = new OfflineStrategy();
    private static final Planner DYNAMIC_PLANNER = new Planner("dynamic", List.of(DYNAMIC));
    private static final Planner OFFLINE_PLANNER = new Planner("offline", List.of(OFFLINE));
    private static final Planner BEST_PLANNER = new Planner("best", List.of(DYNAMIC, OFFLINE));

    private final String name;
    private final List<PlacementStrategy> strategies;
    private final boolean trusted;

    private Planner(String name, List<PlacementStrategy> strategies) {
        this(name, strategies, false);
    }

    private Planner(String name, List<PlacementStrategy> strategies, boolean trusted) {
        this.name = name;
        this.strategies = strategies;
        this.trusted = trusted;
    }

    /** ggml's graph allocator: best fit in ggml's allocation order, no free-block limit. */
    public static Planner dynamic() {
        return DYNAMIC_PLANNER;
    }

    /** Greedy by size over the whole lifetime table, with local improvement. */
    public static Planner offline() {
        return OFFLINE_PLANNER;
    }

    /** The smaller of {@link #dynamic()} and {@link #offline()} for each graph (dynamic on ties). */
    public static Planner best() {
        return BEST_PLANNER;
    }

    /** A planner keeping the smallest placement of the given strategies (the first on ties). */
    public static Planner of(PlacementStrategy... strategies) {
        if (strategies.length == 0) {
            throw new IllegalArgumentException("Planner.of: at least one strategy");
        }
        StringBuilder n = new StringBuilder();
        for (PlacementStrategy s : strategies) {
            n.append(n.isEmpty() ? "" : "+").append(s.name());
        }
        return new Planner(n.toString(), List.of(strategies));
    }

    /**
     * A planner whose strategy's placements are trusted like the built-in ones: not checked for overlap (still for
     * count and alignment). Only for testing checkers, such as the self-test of the planner contract, which must see
     * an overlapping placement get through; never for computing graphs.
     */
    public static Planner trusting(PlacementStrategy strategy) {
        return new Planner(strategy.name() + " (unchecked)", List.of(strategy), true);
    }

    /** {@code dynamic}, {@code offline}, {@code best}, or a {@link PlacementStrategy} plug-in's name. */
    public static Planner byName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "dynamic" -> {
                return DYNAMIC_PLANNER;
            }
            case "offline" -> {
                return OFFLINE_PLANNER;
            }
            case "best" -> {
                return BEST_PLANNER;
            }
            default -> {
                Map<String, PlacementStrategy> found = new TreeMap<>();
                for (PlacementStrategy s : ServiceLoader.load(PlacementStrategy.class)) {
                    found.put(s.name(), s);
                    if (s.name().equalsIgnoreCase(name)) {
                        return new Planner(s.name(), List.of(s));
                    }
                }
                throw new IllegalArgumentException("no planner named '" + name + "'; known: dynamic, offline, best"
                        + (found.isEmpty() ? "" : ", " + String.join(", ", found.keySet())));
            }
        }
    }

    public String name() {
        return name;
    }

    /** Plans {@code graph} with {@link PlanOptions#defaults()}. */
    public MemoryPlan plan(Graph graph) {
        return plan(graph, PlanOptions.defaults());
    }

    /** Plans {@code graph} for the given buffer type, threads and external tensors. */
    public MemoryPlan plan(Graph graph, PlanOptions options) {
        long t0 = System.nanoTime();
        GraphIndex idx = new GraphIndex(graph, options.bufferType(), options.external());
        return plan(idx, options, t0);
    }

    /** Builds a graph with {@code build} (metadata only) and plans it. */
    public MemoryPlan plan(Supplier<Graph> build) {
        return plan(build.get(), PlanOptions.defaults());
    }

    /** Builds a graph with {@code build} (metadata only) and plans it with {@code options}. */
    public MemoryPlan plan(Supplier<Graph> build, PlanOptions options) {
        return plan(build.get(), options);
    }

    /** The lifetime table of {@code graph} alone (what every strategy sees). */
    public static Lifetimes lifetimes(Graph graph, PlanOptions options) {
        return new Lifetimes(new GraphIndex(graph, options.bufferType(), options.external()));
    }

    MemoryPlan plan(GraphIndex idx, PlanOptions options, long t0) {
        Lifetimes lt = new Lifetimes(idx);
        long[] best = null;
        long bestPeak = Long.MAX_VALUE;
        String chosen = null;
        if (this == BEST_PLANNER) {
            // ggml's placement first; if it misses the bound, settle it and try the offline orderings
            best = DYNAMIC.place(lt);
            bestPeak = OfflineStrategy.peak(lt, best);
            chosen = DYNAMIC.name();
            if (bestPeak > lt.lowerBound()) {
                long[] off = OfflineStrategy.place(lt, best);
                long peak = OfflineStrategy.peak(lt, off);
                if (peak < bestPeak) {
                    best = off;
                    bestPeak = peak;
                    chosen = OFFLINE.name();
                }
            }
        } else {
            for (PlacementStrategy s : strategies) {
                long[] offsets = s.place(lt);
                check(lt, offsets, s, trusted);
                long peak = OfflineStrategy.peak(lt, offsets);
                if (peak < bestPeak) {
                    bestPeak = peak;
                    best = offsets;
                    chosen = s.name();
                }
                if (bestPeak <= lt.lowerBound()) {
                    break; // nothing can do better
                }
            }
        }
        long work = workBytes(idx.graph, options.threads());
        return MemoryPlan.forGraph(name, chosen, lt, best, options, work, System.nanoTime() - t0);
    }

    /** The executor's work buffer: the largest {@link Kernels#workSize} over the nodes. */
    static long workBytes(Graph graph, int threads) {
        long max = 0;
        for (int i = 0, n = graph.nodeCount(); i < n; i++) {
            Tensor node = graph.node(i);
            if (node.isView() && node.op().isView()) {
                continue;
            }
            max = Math.max(max, Kernels.workSize(node, Kernels.nTasks(node, threads)));
        }
        return max;
    }

    /**
     * Checks a strategy's placement: one aligned, non-negative offset per unit; for plug-ins also that no two units
     * live at the same time overlap (built-in strategies are checked by the property tests instead).
     */
    private static void check(Lifetimes lt, long[] offsets, PlacementStrategy s, boolean trusted) {
        if (offsets == null || offsets.length != lt.unitCount()) {
            throw new AllocationException("strategy '" + s.name() + "' returned " + (offsets == null ? "null"
                    : offsets.length + " offsets") + " for " + lt.unitCount() + " units");
        }
        long align = lt.alignment();
        for (int u = 0; u < offsets.length; u++) {
            if (offsets[u] < 0 || offsets[u] % align != 0) {
                throw new AllocationException("strategy '" + s.name() + "' placed unit " + u + " ('"
                        + lt.unitTensor(u).name() + "') at offset " + offsets[u] + ", not a non-negative multiple of "
                        + align);
            }
        }
        if (s != DYNAMIC && s != OFFLINE && !trusted) {
            PlacementCheck.requireNoOverlap(lt, offsets, s.name());
        }
    }
}
