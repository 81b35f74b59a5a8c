package io.ggmljava.cli;

import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.Planner;
import io.ggmljava.graph.ExecutionOrder;
import io.ggmljava.graph.Graph;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ggml alloc-report}: plans a fixed set of graphs and compares each plan with its lower bound. */
@Command(name = "alloc-report", mixinStandardHelpOptions = true,
        description = {"Plan a fixed benchmark set of graphs (GPT-2 small, LSTM, element-wise chain, random DAGs, "
                + "U-Net) and print, per graph: nodes, plan bytes, lower bound, ratio and planning time.",
                "The lower bound is the most bytes live at once in ggml's execution order (in-place pairs counted "
                + "once). plan_ms is the median of --repeat runs (the first run includes JIT warm-up)."})
final class AllocReportCommand implements Callable<Integer> {
    @Option(names = "--planner", description = "dynamic (ggml's best fit), offline (greedy by size) or best "
            + "(the smaller of both; default)", defaultValue = "best")
    String planner;

    @Option(names = "--json", description = "machine-readable output on stdout")
    boolean json;

    @Option(names = "--repeat", description = "plans per graph; plan_ms is their median (default ${DEFAULT-VALUE})",
            defaultValue = "5")
    int repeat;

    @Option(names = "--only", description = "only graphs whose name contains this text")
    String only;

    @Option(names = "--order", description = "execution order planned: ggml (as built, the default here: the "
            + "targets are for ggml's order) or memory (graph's peak-lowering reorder)", defaultValue = "ggml")
    ExecutionOrder order;

    record Row(String name, int nodes, long planBytes, long lowerBound, long strictBound, double ratio,
               double planMs, double planCpuMs, String strategy, long workBytes, long ggmlBytes) {
    }

    @Override
    public Integer call() {
        Planner p = Planner.byName(planner);
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1");
        }
        List<Row> rows = new ArrayList<>();
        for (AllocBenchmarks.Bench b : AllocBenchmarks.all()) {
            if (only != null && !b.name().contains(only)) {
                continue;
            }
            System.err.println("alloc-report: planning " + b.name() + " ...");
            AllocBenchmarks.Built built = b.build().get();
            Graph g = order.apply(built.graph());
            double[] ms = new double[repeat];
            double[] cpu = new double[repeat];
            MemoryPlan plan = null;
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (int r = 0; r < repeat; r++) {
                long c0 = mx.getCurrentThreadCpuTime();
                plan = p.plan(g, built.options());
                cpu[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                ms[r] = plan.planNanos() / 1e6;
            }
            Arrays.sort(ms);
            Arrays.sort(cpu);
            long ggml = p == Planner.dynamic() ? plan.computeBytes()
                    : Planner.dynamic().plan(g, built.options()).computeBytes();
            rows.add(new Row(b.name(), g.nodeCount(), plan.computeBytes(), plan.lowerBoundBytes(),
                    plan.strictLowerBoundBytes(), plan.ratio(), ms[repeat / 2], cpu[repeat / 2], plan.strategy(),
                    plan.workBytes(), ggml));
        }
        double logSum = 0;
        double worst = 0;
        String worstName = "";
        for (Row r : rows) {
            logSum += Math.log(r.ratio());
            if (r.ratio() > worst) {
                worst = r.ratio();
                worstName = r.name();
            }
        }
        double geomean = rows.isEmpty() ? 1.0 : Math.exp(logSum / rows.size());
        if (json) {
            printJson(p.name(), rows, geomean, worst);
        } else {
            printTable(p.name(), rows, geomean, worst, worstName);
        }
        return 0;
    }

    private void printTable(String name, List<Row> rows, double geomean, double worst, String worstName) {
        System.out.printf(Locale.ROOT, "planner: %s (alignment 32, %s order)%n", name,
                order.name().toLowerCase(Locale.ROOT));
        System.out.printf(Locale.ROOT, "%-28s %7s %12s %12s %7s %9s %9s  %-8s %12s %7s%n", "graph", "nodes",
                "plan_bytes", "lower_bound", "ratio", "plan_ms", "cpu_ms", "kept", "ggml_bytes", "ggml_x");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-28s %7d %12d %12d %7.4f %9.2f %9.2f  %-8s %12d %7.4f%n", r.name(),
                    r.nodes(), r.planBytes(), r.lowerBound(), r.ratio(), r.planMs(), r.planCpuMs(), r.strategy(),
                    r.ggmlBytes(),
                    r.lowerBound() == 0 ? 1.0 : (double) r.ggmlBytes() / r.lowerBound());
        }
        System.out.println("plan_ms: wall time, cpu_ms: the planning thread's CPU time (medians of --repeat runs)");
        System.out.println("ggml_bytes: ggml's planner (dynamic: best fit, ggml's in-place rules) on the same graph");
        System.out.printf(Locale.ROOT, "geomean ratio %.4f, worst %.4f (%s)%n", geomean, worst, worstName);
    }

    private void printJson(String name, List<Row> rows, double geomean, double worst) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"planner\": \"").append(name).append("\",\n  \"order\": \"")
                .append(order.name().toLowerCase(Locale.ROOT)).append("\",\n  \"graphs\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"nodes\": %d, \"plan_bytes\": %d, "
                            + "\"lower_bound_bytes\": %d, \"strict_lower_bound_bytes\": %d, \"ratio\": %.6f, "
                            + "\"plan_ms\": %.3f, \"plan_cpu_ms\": %.3f, \"strategy\": \"%s\", \"work_bytes\": %d, "
                            + "\"ggml_bytes\": %d}%s%n",
                    r.name(), r.nodes(), r.planBytes(), r.lowerBound(), r.strictBound(), r.ratio(), r.planMs(),
                    r.planCpuMs(), r.strategy(), r.workBytes(), r.ggmlBytes(),
                    i + 1 < rows.size() ? "," : ""));
        }
        sb.append(String.format(Locale.ROOT, "  ],%n  \"geomean_ratio\": %.6f,%n  \"worst_ratio\": %.6f%n}%n",
                geomean, worst));
        System.out.print(sb);
    }
}
