package io.ggmljava.testdata.arbitraries;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlException;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random computation graphs for planner and executor tests: DAGs of element-wise, broadcast, matrix, norm and
 * soft-max ops over f32 tensors, with views (view, reshape, permute, transpose), explicit in-place variants (views
 * of their first operand), repeated operands ({@code x*x}), inputs, outputs and tensors the user allocated first.
 * Every graph is built from a {@link DagSpec}, so a failing case is reproducible from its printed spec, and jqwik
 * shrinks towards fewer ops.
 *
 * <pre>{@code
 * @Property
 * void plansAreSafe(@ForAll("dags") DagSpec spec) {
 *     Dag dag = spec.build();
 *     MemoryPlan plan = Planner.best().plan(dag.graph());
 *     ...
 * }
 *
 * @Provide
 * Arbitrary<DagSpec> dags() { return GraphArbitraries.dags(200); }
 * }</pre>
 */
public final class GraphArbitraries {
    private GraphArbitraries() {
    }

    /** Where an op takes its operands from. */
    public enum Locality {
        /** From the last few tensors made: short lifetimes, like a layer-by-layer network. */
        LOCAL,
        /** From any tensor made so far: long, overlapping lifetimes. */
        LONG_RANGE
    }

    /**
     * A recipe for a random graph.
     *
     * @param ops              ops to attempt (a few are skipped when shapes do not fit)
     * @param seed             random seed
     * @param locality         where operands come from
     * @param viewPercent      chance of a view op (view, reshape, permute, transpose)
     * @param inplacePercent   chance that an op that has one uses its explicit in-place variant
     * @param outputPercent    chance that a result is flagged output
     * @param preallocPercent  chance that a leaf is to be allocated by the user before planning
     */
    public record DagSpec(int ops, long seed, Locality locality, int viewPercent, int inplacePercent,
            int outputPercent, int preallocPercent) {
        /** Builds the graph. */
        public Dag build() {
            return new Builder(this).build();
        }
    }

    /**
     * A built graph, its context, and the leafs the test should allocate itself before planning (to check that
     * planners leave them alone).
     */
    public record Dag(DagSpec spec, Context ctx, Graph graph, List<Tensor> preallocate) {
    }

    /** Random DAG recipes with up to {@code maxOps} ops, both localities, views, in-place ops and outputs. */
    public static Arbitrary<DagSpec> dags(int maxOps) {
        return Combinators.combine(
                Arbitraries.integers().between(1, maxOps),
                Arbitraries.longs(),
                Arbitraries.of(Locality.class),
                Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 50),
                Arbitraries.integers().between(0, 20),
                Arbitraries.integers().between(0, 30))
                .as(DagSpec::new);
    }

    /** A fixed-seed graph of about {@code ops} ops (benchmarks): 15 % views, 10 % in place, 2 % outputs. */
    public static Graph randomDag(long seed, int ops, Locality locality) {
        return new DagSpec(ops, seed, locality, 15, 10, 2, 0).build().graph();
    }

    private static final long[] NE0 = {16, 32, 48, 64, 96};
    private static final long[] NE1 = {1, 2, 3, 4, 8};
    private static final int WINDOW = 8;

    private static final class Builder {
        private final DagSpec spec;
        private final SplittableRandom rng;
        private final Context ctx = new Context();
        private final List<Tensor> pool = new ArrayList<>();
        private final Set<Tensor> consumed = Collections.newSetFromMap(new IdentityHashMap<>());
        private final List<Tensor> prealloc = new ArrayList<>();

        Builder(DagSpec spec) {
            this.spec = spec;
            this.rng = new SplittableRandom(spec.seed());
        }

        Dag build() {
            int nInputs = 1 + rng.nextInt(3);
            for (int i = 0; i < nInputs; i++) {
                pool.add(leaf(randomShape(), true));
            }
            for (int step = 0; step < spec.ops(); step++) {
                try {
                    Tensor r = op();
                    if (r == null) {
                        continue;
                    }
                    if (rng.nextInt(100) < spec.outputPercent()) {
                        r.setOutput();
                    }
                    pool.add(r);
                } catch (GgmlException skipped) {
                    // shapes did not fit this op: deterministic given the seed, so just go on
                }
            }
            Graph g = new Graph();
            for (Tensor t : pool) {
                if (!consumed.contains(t) || t.hasFlag(Tensor.FLAG_OUTPUT)) {
                    g.buildForwardExpand(t);
                }
            }
            List<Tensor> pre = new ArrayList<>();
            for (Tensor t : prealloc) {
                if (g.contains(t)) {
                    pre.add(t);
                }
            }
            return new Dag(spec, ctx, g, pre);
        }

        private long[] randomShape() {
            return new long[]{NE0[rng.nextInt(NE0.length)], NE1[rng.nextInt(NE1.length)]};
        }

        private Tensor leaf(long[] shape, boolean input) {
            Tensor t = ctx.newTensor(GgmlType.F32, shape);
            if (input) {
                t.setInput();
            }
            if (rng.nextInt(100) < spec.preallocPercent()) {
                prealloc.add(t);
            }
            return t;
        }

        private Tensor pick() {
            int n = pool.size();
            int i = spec.locality() == Locality.LOCAL ? n - 1 - rng.nextInt(Math.min(n, WINDOW)) : rng.nextInt(n);
            return pool.get(i);
        }

        /** A tensor of {@code a}'s shape: a recent one if there is, else {@code a} itself or a new leaf. */
        private Tensor sameShape(Tensor a) {
            int n = pool.size();
            int from = spec.locality() == Locality.LOCAL ? Math.max(0, n - 2 * WINDOW) : 0;
            for (int tries = 0; tries < 6; tries++) {
                Tensor c = pool.get(from + rng.nextInt(n - from));
                if (c.sameShape(a)) {
                    return c;
                }
            }
            return rng.nextInt(3) == 0 ? a : leaf(a.shape(), rng.nextBoolean());
        }

        private Tensor use(Tensor t) {
            consumed.add(t);
            return t;
        }

        private boolean inplace() {
            return rng.nextInt(100) < spec.inplacePercent();
        }

        private Tensor op() {
            Tensor a = use(pick());
            if (rng.nextInt(100) < spec.viewPercent()) {
                return view(a);
            }
            int kind = rng.nextInt(100);
            if (kind < 30) {
                return unary(a);
            }
            if (kind < 65) {
                Tensor b = use(rng.nextInt(4) == 0 ? leaf(new long[]{a.ne(0)}, false) : sameShape(a));
                boolean ip = inplace();
                return switch (rng.nextInt(4)) {
                    case 0 -> ip ? ctx.addInplace(a, b) : ctx.add(a, b);
                    case 1 -> ip ? ctx.mulInplace(a, b) : ctx.mul(a, b);
                    case 2 -> ip ? ctx.subInplace(a, b) : ctx.sub(a, b);
                    default -> ip ? ctx.divInplace(a, b) : ctx.div(a, b);
                };
            }
            if (kind < 75) {
                long m = NE0[rng.nextInt(NE0.length)];
                Tensor w = use(leaf(new long[]{a.ne(0), m}, false));
                return ctx.mulMat(w, a);
            }
            if (kind < 85) {
                return switch (rng.nextInt(3)) {
                    case 0 -> inplace() ? ctx.rmsNormInplace(a, 1e-5f) : ctx.rmsNorm(a, 1e-5f);
                    case 1 -> inplace() ? ctx.softMaxInplace(a) : ctx.softMax(a);
                    default -> ctx.norm(a, 1e-5f);
                };
            }
            if (kind < 92) {
                return ctx.cont(a);
            }
            return ctx.sumRows(a);
        }

        private Tensor unary(Tensor a) {
            boolean ip = inplace();
            return switch (rng.nextInt(7)) {
                case 0 -> ip ? ctx.sqrInplace(a) : ctx.sqr(a);
                case 1 -> ip ? ctx.sqrtInplace(a) : ctx.sqrt(a);
                case 2 -> ip ? ctx.scaleInplace(a, 0.5f) : ctx.scale(a, 0.5f);
                case 3 -> ctx.silu(a);
                case 4 -> ctx.sin(a);
                case 5 -> ip ? ctx.logInplace(a) : ctx.log(a);
                default -> ctx.gelu(a);
            };
        }

        private Tensor view(Tensor a) {
            return switch (rng.nextInt(4)) {
                case 0 -> ctx.transpose(a);
                case 1 -> ctx.permute(a, 1, 0, 2, 3);
                case 2 -> a.isContiguous() ? ctx.reshape1d(a, a.nelements()) : ctx.cont(a);
                default -> {
                    long half = Math.max(1, a.ne(0) / 2);
                    yield a.ne(1) > 1
                            ? ctx.view2d(a, half, a.ne(1) - 1, a.nb(1), a.nb(1))
                            : ctx.view1d(a, half, (a.ne(0) - half) * a.nb(0));
                }
            };
        }
    }
}
