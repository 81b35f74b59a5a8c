package io.ggmljava.testdata.golden;

import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs golden cases through kernel providers and compares every output with the stored one (see {@link Nmse}).
 *
 * <pre>{@code
 * GoldenRunner runner = GoldenRunner.builder()
 *         .providers(KernelProvider.scalar(), KernelProvider.vector(256))
 *         .op("SOFT_MAX")                                  // optional filters
 *         .build();
 * GoldenReport report = runner.runBundled(r -> System.out.println(r.line()));
 * System.out.println(report.summaryLine());               // "N passed, N failed, N skipped"
 * }</pre>
 *
 * <p>Each case is built with a {@link CaseBuilder} chosen by {@code golden.op} ({@link OpCaseBuilders#defaults()}
 * plus any plugged in), evaluated by a simple sequential evaluator (every non-view tensor in its own block of a
 * confined arena followed by guard bytes that are checked after every node) and compared output by output.
 * Gradient cases are skipped ("autodiff not implemented"); a kernel that throws
 * {@link UnsupportedOperationException} ("not implemented yet") skips the case with that message; anything else
 * that goes wrong fails it.
 */
public final class GoldenRunner {
    private final List<KernelProvider> providers;
    private final Map<String, CaseBuilder> builders;
    private final List<String> ops;
    private final List<String> names;
    private final int threads;

    private GoldenRunner(Builder b) {
        this.providers = List.copyOf(b.providers);
        this.builders = new LinkedHashMap<>(b.builders);
        this.ops = List.copyOf(b.ops);
        this.names = List.copyOf(b.names);
        this.threads = b.threads;
    }

    /** A builder with the default case builders, the scalar provider and no filters. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link GoldenRunner}. */
    public static final class Builder {
        private final List<KernelProvider> providers = new ArrayList<>();
        private final Map<String, CaseBuilder> builders = OpCaseBuilders.defaults();

        {
            for (CaseBuilderProvider cbp : java.util.ServiceLoader.load(CaseBuilderProvider.class)) {
                cbp.caseBuilders().forEach((op, b) -> builders.put(op.toUpperCase(Locale.ROOT), b));
            }
        }
        private final List<String> ops = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private int threads = 1;

        private Builder() {
        }

        /** The providers to run every case with (default: scalar only). */
        public Builder providers(KernelProvider... ps) {
            providers.clear();
            providers.addAll(List.of(ps));
            return this;
        }

        /** The providers to run every case with. */
        public Builder providers(List<KernelProvider> ps) {
            providers.clear();
            providers.addAll(ps);
            return this;
        }

        /** Adds or replaces the builder for cases whose {@code golden.op} is {@code op} (e.g. {@code GRAPH}). */
        public Builder caseBuilder(String op, CaseBuilder b) {
            builders.put(op.toUpperCase(Locale.ROOT), Objects.requireNonNull(b, "builder"));
            return this;
        }

        /**
         * Keeps only cases of this op (repeatable): matched case-insensitively against {@code golden.op}, the unary
         * op name ({@code GELU}) or the case's directory ({@code soft_max}).
         */
        public Builder op(String op) {
            ops.add(op.toUpperCase(Locale.ROOT));
            return this;
        }

        /** Keeps only cases whose file path contains {@code fragment} (repeatable), e.g. one case's name. */
        public Builder name(String fragment) {
            names.add(fragment);
            return this;
        }

        /** Threads per node (default 1; results of deterministic ops must not depend on it). */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + n);
            }
            threads = n;
            return this;
        }

        public GoldenRunner build() {
            if (providers.isEmpty()) {
                providers.add(KernelProvider.scalar());
            }
            return new GoldenRunner(this);
        }
    }

    /** The providers this runner uses. */
    public List<KernelProvider> providers() {
        return providers;
    }

    /** True if case file {@code file} passes the name filters (cheap; the op filter needs the loaded case). */
    public boolean acceptsFile(String file) {
        if (names.isEmpty()) {
            return true;
        }
        for (String n : names) {
            if (file.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /** True if the case passes the op and name filters. */
    public boolean accepts(GoldenCase c) {
        if (!acceptsFile(c.file())) {
            return false;
        }
        if (ops.isEmpty()) {
            return true;
        }
        String op = c.op().toUpperCase(Locale.ROOT);
        String unary = c.unary() == null ? "" : c.unary().toUpperCase(Locale.ROOT);
        int slash = c.file().indexOf('/');
        String dir = slash < 0 ? "" : c.file().substring(0, slash).toUpperCase(Locale.ROOT);
        for (String o : ops) {
            if (o.equals(op) || o.equals(unary) || o.equals(dir)) {
                return true;
            }
        }
        return false;
    }

    /** Runs the bundled fixtures, reporting each result to {@code listener} as it is ready. */
    public GoldenReport runBundled(Consumer<CaseResult> listener) {
        List<CaseResult> results = new ArrayList<>();
        for (String file : GoldenCases.bundledIndex()) {
            if (!acceptsFile(file)) {
                continue;
            }
            runLoaded(GoldenCases.loadBundled(file), results, listener);
        }
        return new GoldenReport(results);
    }

    /** Runs the cases in directory {@code dir}, reporting each result to {@code listener} as it is ready. */
    public GoldenReport runDirectory(Path dir, Consumer<CaseResult> listener) {
        List<CaseResult> results = new ArrayList<>();
        for (String file : GoldenCases.index(dir)) {
            if (!acceptsFile(file)) {
                continue;
            }
            GoldenCase c;
            try {
                c = GoldenCases.load(dir, file);
            } catch (RuntimeException e) {
                for (KernelProvider p : providers) {
                    CaseResult r = new CaseResult(file, "?", p.name(), CaseResult.Status.FAILED, Double.NaN,
                            Double.NaN, "unreadable case: " + e.getMessage(), List.of());
                    results.add(r);
                    listener.accept(r);
                }
                continue;
            }
            runLoaded(c, results, listener);
        }
        return new GoldenReport(results);
    }

    private void runLoaded(GoldenCase c, List<CaseResult> results, Consumer<CaseResult> listener) {
        if (!accepts(c)) {
            return;
        }
        for (KernelProvider p : providers) {
            CaseResult r = run(c, p);
            results.add(r);
            listener.accept(r);
        }
    }

    /** Runs one case with one provider. */
    public CaseResult run(GoldenCase c, KernelProvider p) {
        String op = c.opLabel();
        double max = c.maxNmse();
        if (c.isGrad()) {
            return skipped(c, op, p, "autodiff not implemented");
        }
        CaseBuilder b = builders.get(c.op().toUpperCase(Locale.ROOT));
        if (b == null) {
            return skipped(c, op, p, "no case builder for op " + c.op());
        }
        // shared when several threads compute a node: they all write the case's tensors
        try (Arena arena = threads > 1 ? Arena.ofShared() : Arena.ofConfined()) {
            CaseEvaluator.Outputs outs = CaseEvaluator.evaluate(c, b, p, threads, arena);
            double worst = 0;
            List<String> problems = new ArrayList<>();
            List<String> details = new ArrayList<>();
            for (String name : c.outputs()) {
                GoldenCase.CaseTensor gt = c.tensor(name);
                double[] golden = CaseEvaluator.toDoubles(gt, arena);
                double[] ours = outs.values().get(name);
                Nmse.Result res = Nmse.compare(ours, golden, max);
                worst = Double.isNaN(res.nmse()) || Double.isNaN(worst) ? Double.NaN : Math.max(worst, res.nmse());
                if (!res.passed()) {
                    problems.add(name + ": " + res.problem());
                    details.add(name + " " + gt.describe() + ", worst elements:");
                    for (Nmse.Mismatch m : res.worst()) {
                        details.add("  " + m);
                    }
                }
            }
            if (problems.isEmpty()) {
                return new CaseResult(c.file(), op, p.name(), CaseResult.Status.PASSED, worst, max, null, List.of());
            }
            return new CaseResult(c.file(), op, p.name(), CaseResult.Status.FAILED, worst, max,
                    String.join("; ", problems), details);
        } catch (SkipCaseException e) {
            return skipped(c, op, p, e.getMessage());
        } catch (UnsupportedOperationException e) {
            return skipped(c, op, p, String.valueOf(e.getMessage()));
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            List<String> trace = new ArrayList<>();
            StackTraceElement[] st = e.getStackTrace();
            for (int i = 0; i < Math.min(6, st.length); i++) {
                trace.add("at " + st[i]);
            }
            return new CaseResult(c.file(), op, p.name(), CaseResult.Status.FAILED, Double.NaN, max,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), trace);
        }
    }

    private static CaseResult skipped(GoldenCase c, String op, KernelProvider p, String reason) {
        return new CaseResult(c.file(), op, p.name(), CaseResult.Status.SKIPPED, Double.NaN, c.maxNmse(), reason,
                List.of());
    }
}
