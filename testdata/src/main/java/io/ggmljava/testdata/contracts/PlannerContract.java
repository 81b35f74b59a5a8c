package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.Allocation;
import io.ggmljava.alloc.Buffer;
import io.ggmljava.alloc.BufferTypes;
import io.ggmljava.alloc.GraphAllocator;
import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.PlanOptions;
import io.ggmljava.alloc.Planner;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import io.ggmljava.testdata.arbitraries.GraphArbitraries;
import io.ggmljava.testdata.arbitraries.GraphArbitraries.Dag;
import io.ggmljava.testdata.arbitraries.GraphArbitraries.DagSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * What every graph planner must guarantee, checked on random DAGs with views, in-place ops, repeated operands,
 * inputs, outputs and tensors the user allocated first (see {@link GraphArbitraries}). Implement it once per planner:
 *
 * <pre>{@code
 * class BestPlannerProperties implements PlannerContract {
 *     public Planner planner() { return Planner.best(); }
 * }
 * }</pre>
 *
 * <p>Addresses are checked on real memory (the plan allocated with a shared Arena), against
 * {@link ReferenceLiveness}, which shares no code with the planners.
 */
public interface PlannerContract {
    /** The planner under test. */
    Planner planner();

    /** Recipes of random graphs. */
    @Provide
    default Arbitrary<DagSpec> dags() {
        return GraphArbitraries.dags(120);
    }

    /** Plans and allocates {@code dag} (after allocating its user-allocated leafs in {@code user}). */
    private MemoryPlan plan(Dag dag, Arena user) {
        for (Tensor t : dag.preallocate()) {
            t.bind(user.allocate(t.nbytes(), 32));
        }
        return planner().plan(dag.graph(), PlanOptions.defaults().withThreads(2));
    }

    @Property(seed = Contracts.SEED)
    default void tensorsLiveAtTheSameTimeNeverShareBytes(@ForAll("dags") DagSpec spec) {
        Dag dag = spec.build();
        try (Arena user = Arena.ofConfined()) {
            MemoryPlan plan = plan(dag, user);
            try (Allocation mem = plan.allocate(BufferTypes.arena())) {
                int inplace = requireNoSharing(dag, plan);
                Statistics.label("in-place nodes").collect(inplace == 0 ? "none" : inplace < 5 ? "1-4" : "5+");
                Statistics.label("in-place nodes").coverage(c -> c.check("5+").percentage(pct -> pct >= 20));
                Statistics.label("views").collect(countViews(dag.graph()) == 0 ? "none" : "some");
                Statistics.label("views").coverage(c -> c.check("some").percentage(pct -> pct >= 40));
            }
        }
    }

    /** Large graphs with long-range reads, where the offline passes run out of their work budget. */
    @Example
    default void largeFragmentedGraphsArePlannedSafely() {
        for (DagSpec spec : List.of(new DagSpec(4000, 2, GraphArbitraries.Locality.LONG_RANGE, 15, 20, 2, 10),
                new DagSpec(4000, 1, GraphArbitraries.Locality.LOCAL, 15, 30, 2, 10))) {
            Dag dag = spec.build();
            try (Arena user = Arena.ofConfined()) {
                MemoryPlan plan = plan(dag, user);
                if (plan.computeBytes() < plan.lowerBoundBytes()) {
                    throw new AssertionError("plan below the lower bound; " + spec);
                }
                try (Allocation mem = plan.allocate(BufferTypes.arena())) {
                    requireNoSharing(dag, plan);
                }
            }
        }
    }

    /**
     * Checks that every in-place decision is legal and that tensors sharing bytes are never live at the same time
     * (except a parent and the child that takes over its bytes, at the hand-over); returns the in-place count.
     */
    private static int requireNoSharing(Dag dag, MemoryPlan plan) {
        ReferenceLiveness live = new ReferenceLiveness(dag.graph());
        List<Tensor> placed = new ArrayList<>(plan.placedTensors());
        int inplace = 0;
        for (Tensor y : placed) {
            Tensor p = plan.inplaceParentOf(y);
            if (p != null) {
                inplace++;
                requireLegalInplace(live, y, p);
            }
        }
        // sweep by address: only pairs whose bytes overlap are compared
        placed.removeIf(t -> t.nbytes() == 0);
        placed.sort((u, v) -> Long.compare(u.data().address(), v.data().address()));
        for (int a = 0; a < placed.size(); a++) {
            Tensor x = placed.get(a);
            long xEnd = x.data().address() + x.nbytes();
            for (int b = a + 1; b < placed.size() && placed.get(b).data().address() < xEnd; b++) {
                Tensor y = placed.get(b);
                boolean disjoint = live.end(x) < live.start(y) || live.end(y) < live.start(x);
                boolean handOver = (plan.inplaceParentOf(y) == x && live.end(x) == live.timeOf(y))
                        || (plan.inplaceParentOf(x) == y && live.end(y) == live.timeOf(x));
                if (!disjoint && !handOver) {
                    throw new AssertionError("'" + x.name() + "' live [" + live.start(x) + ", " + live.end(x)
                            + "] and '" + y.name() + "' live [" + live.start(y) + ", " + live.end(y)
                            + "] share bytes: " + range(x) + " vs " + range(y) + "; " + dag.spec());
                }
            }
        }
        return inplace;
    }

    @Property(seed = Contracts.SEED)
    default void everyTensorLiesInsideItsBuffer(@ForAll("dags") DagSpec spec) {
        Dag dag = spec.build();
        try (Arena user = Arena.ofConfined()) {
            MemoryPlan plan = plan(dag, user);
            try (Allocation mem = plan.allocate(BufferTypes.arena())) {
                Buffer compute = mem.buffer(0);
                long lo = compute.segment().address();
                long hi = lo + compute.size();
                for (Tensor t : plan.placedTensors()) {
                    MemorySegment d = t.data();
                    if (d == null || d.address() < lo || d.address() + t.nbytes() > hi) {
                        throw new AssertionError("'" + t.name() + "' " + range(t) + " is outside the compute buffer ["
                                + lo + ", " + hi + "); " + spec);
                    }
                    if (plan.offsetOf(t) % 32 != 0) {
                        throw new AssertionError("'" + t.name() + "' at offset " + plan.offsetOf(t)
                                + " is not 32-byte aligned; " + spec);
                    }
                }
                for (Tensor v : allTensors(dag.graph())) {
                    if (v.isView() && plan.isPlaced(v.viewSource())) {
                        MemorySegment d = v.data();
                        if (d == null || d.address() < lo || d.address() + v.nbytes() > hi) {
                            throw new AssertionError("view '" + v.name() + "' lies outside the compute buffer; "
                                    + spec);
                        }
                    }
                }
            }
        }
    }

    @Property(seed = Contracts.SEED)
    default void inputsOutputsAndUserTensorsAreRespected(@ForAll("dags") DagSpec spec) {
        Dag dag = spec.build();
        try (Arena user = Arena.ofConfined()) {
            MemoryPlan plan = plan(dag, user);
            Map<Tensor, MemorySegment> before = new HashMap<>();
            for (Tensor t : dag.preallocate()) {
                before.put(t, t.data());
            }
            Statistics.label("user-allocated leafs").collect(before.isEmpty() ? "none" : "some");
            Statistics.label("user-allocated leafs").coverage(c -> c.check("some").percentage(pct -> pct >= 20));
            try (Allocation mem = plan.allocate(BufferTypes.arena())) {
                ReferenceLiveness live = new ReferenceLiveness(dag.graph());
                List<Tensor> placed = plan.placedTensors();
                for (Tensor t : dag.preallocate()) {
                    if (plan.isPlaced(t) || t.data() != before.get(t)) {
                        throw new AssertionError("user-allocated '" + t.name() + "' was re-placed; " + spec);
                    }
                }
                for (Tensor x : placed) {
                    boolean input = x.hasFlag(Tensor.FLAG_INPUT);
                    boolean output = x.hasFlag(Tensor.FLAG_OUTPUT);
                    if (input && live.start(x) != 0) {
                        throw new AssertionError("input '" + x.name() + "' is not live from the start; " + spec);
                    }
                    if (!input && !output) {
                        continue;
                    }
                    for (Tensor y : placed) {
                        if (y == x || !bytesOverlap(x, y)) {
                            continue;
                        }
                        boolean handOver = (plan.inplaceParentOf(y) == x && live.end(x) == live.timeOf(y))
                                || (plan.inplaceParentOf(x) == y && live.end(y) == live.timeOf(x));
                        boolean before0 = live.end(y) < live.start(x);
                        boolean after = live.start(y) > live.end(x);
                        if (output && !before0 && !handOver) {
                            throw new AssertionError("output '" + x.name() + "' shares bytes with '" + y.name()
                                    + "', live [" + live.start(y) + ", " + live.end(y) + "]; " + spec);
                        }
                        if (input && !after && !handOver && !before0) {
                            throw new AssertionError("input '" + x.name() + "' is overwritten by '" + y.name()
                                    + "' before its last use at " + live.end(x) + "; " + spec);
                        }
                    }
                }
                for (Tensor x : placed) {
                    for (Tensor t : dag.preallocate()) {
                        if (bytesOverlap(x, t)) {
                            throw new AssertionError("'" + x.name() + "' was placed in user memory; " + spec);
                        }
                    }
                }
            }
        }
    }

    @Property(seed = Contracts.SEED)
    default void planIsAtLeastTheLowerBoundsWhichAreExact(@ForAll("dags") DagSpec spec) {
        Dag dag = spec.build();
        try (Arena user = Arena.ofConfined()) {
            MemoryPlan plan = plan(dag, user);
            ReferenceLiveness live = new ReferenceLiveness(dag.graph());
            int times = live.lastTime() + 1;
            long[] inplace = new long[times + 1];
            long[] strict = new long[times + 1];
            for (Tensor x : plan.placedTensors()) {
                long size = (x.nbytes() + 31) & -32L;
                int s = live.start(x);
                int e = live.end(x);
                strict[s] += size;
                strict[e + 1] -= size;
                boolean handedOver = false;
                for (Tensor y : plan.placedTensors()) {
                    if (plan.inplaceParentOf(y) == x) {
                        handedOver = true;
                    }
                }
                inplace[s] += size;
                inplace[handedOver ? e : e + 1] -= size;
            }
            long maxIn = 0;
            long maxStrict = 0;
            long a = 0;
            long b = 0;
            for (int t = 0; t < times; t++) {
                a += inplace[t];
                b += strict[t];
                maxIn = Math.max(maxIn, a);
                maxStrict = Math.max(maxStrict, b);
            }
            if (plan.lowerBoundBytes() != maxIn || plan.strictLowerBoundBytes() != maxStrict) {
                throw new AssertionError("bounds " + plan.lowerBoundBytes() + "/" + plan.strictLowerBoundBytes()
                        + " differ from the reference " + maxIn + "/" + maxStrict + "; " + spec);
            }
            if (plan.computeBytes() < plan.lowerBoundBytes() || plan.strictLowerBoundBytes() < plan.lowerBoundBytes()) {
                throw new AssertionError("plan " + plan.computeBytes() + " below bound " + plan.lowerBoundBytes()
                        + " (strict " + plan.strictLowerBoundBytes() + "); " + spec);
            }
            Statistics.label("ratio").collect(plan.ratio() == 1.0 ? "at the bound" : plan.ratio() < 1.05 ? "< 1.05"
                    : ">= 1.05");
        }
    }

    @Property(seed = Contracts.SEED)
    default void bytesAllocatedEqualBytesMeasured(@ForAll("dags") DagSpec spec) {
        Dag dag = spec.build();
        try (Arena user = Arena.ofConfined()) {
            MemoryPlan plan = plan(dag, user);
            try (Allocation measured = plan.allocate(BufferTypes.measuring());
                 Allocation real = plan.allocate(BufferTypes.arena())) {
                if (measured.allocatedBytes() != plan.totalBytes() || real.allocatedBytes() != plan.totalBytes()) {
                    throw new AssertionError("measured " + measured.allocatedBytes() + ", allocated "
                            + real.allocatedBytes() + ", plan " + plan.totalBytes() + "; " + spec);
                }
                for (int i = 0; i < plan.buffers().size(); i++) {
                    long want = plan.buffers().get(i).size();
                    if (real.buffer(i).segment().byteSize() != want || measured.buffer(i).size() != want) {
                        throw new AssertionError("buffer " + i + ": segment " + real.buffer(i).segment().byteSize()
                                + ", measured " + measured.buffer(i).size() + ", plan " + want + "; " + spec);
                    }
                }
            }
        }
    }

    @Property(seed = Contracts.SEED)
    default void plansAreDeterministicAndReusedForTheSameStructure(@ForAll("dags") DagSpec spec) {
        Dag first = spec.build();
        Dag second = spec.build();
        try (Arena user = Arena.ofConfined()) {
            MemoryPlan p1 = plan(first, user);
            MemoryPlan p2 = plan(second, user);
            requireSamePlacement(p1, p2, spec);
            PlanOptions opts = PlanOptions.defaults().withThreads(2);
            try (GraphAllocator galloc = new GraphAllocator(BufferTypes.arena(), planner(), opts)) {
                MemoryPlan a = galloc.allocate(first.graph());
                MemoryPlan b = galloc.allocate(second.graph());
                if (galloc.plansMade() != 1 || galloc.plansReused() != 1) {
                    throw new AssertionError("made " + galloc.plansMade() + " plans, reused " + galloc.plansReused()
                            + " for two identical graphs; " + spec);
                }
                requireSamePlacement(a, b, spec);
                requireSamePlacement(p1, b, spec);
            }
        }
    }

    private static void requireSamePlacement(MemoryPlan p1, MemoryPlan p2, DagSpec spec) {
        List<Tensor> a = p1.placedTensors();
        List<Tensor> b = p2.placedTensors();
        if (a.size() != b.size() || !p1.buffers().equals(p2.buffers())) {
            throw new AssertionError("plans differ: " + p1.buffers() + " vs " + p2.buffers() + "; " + spec);
        }
        for (int i = 0; i < a.size(); i++) {
            if (p1.offsetOf(a.get(i)) != p2.offsetOf(b.get(i))) {
                throw new AssertionError("tensor " + i + " at " + p1.offsetOf(a.get(i)) + " vs "
                        + p2.offsetOf(b.get(i)) + "; " + spec);
            }
        }
    }

    private static void requireLegalInplace(ReferenceLiveness live, Tensor y, Tensor p) {
        int ty = live.timeOf(y);
        int reads = 0;
        for (int j = 0; j < Tensor.MAX_SRC; j++) {
            if (y.src(j) == p) {
                reads++;
            }
        }
        boolean ok = y.op().canInplace() && reads == 1 && !p.hasFlag(Tensor.FLAG_OUTPUT)
                && p.type() == y.type() && java.util.Arrays.equals(p.shape(), y.shape())
                && java.util.Arrays.equals(p.strides(), y.strides())
                && live.lastDirectRead(p) == ty && !live.viewNeededFrom(p, ty);
        if (!ok) {
            throw new AssertionError("'" + y.name() + "' (" + y.opDesc() + ") must not be computed in place of '"
                    + p.name() + "'");
        }
    }

    private static boolean bytesOverlap(Tensor x, Tensor y) {
        MemorySegment a = x.data();
        MemorySegment b = y.data();
        if (a == null || b == null || x.nbytes() == 0 || y.nbytes() == 0) {
            return false;
        }
        return a.address() < b.address() + y.nbytes() && b.address() < a.address() + x.nbytes();
    }

    private static String range(Tensor t) {
        MemorySegment d = t.data();
        return d == null ? "[no memory]" : "[" + d.address() + ", " + (d.address() + t.nbytes()) + ")";
    }

    private static int countViews(Graph g) {
        int c = 0;
        for (Tensor t : g.nodes()) {
            if (t.isView()) {
                c++;
            }
        }
        return c;
    }

    private static List<Tensor> allTensors(Graph g) {
        List<Tensor> all = new ArrayList<>(g.leafs());
        all.addAll(g.nodes());
        return all;
    }
}
