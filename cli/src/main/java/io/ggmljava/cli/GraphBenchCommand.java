package io.ggmljava.cli;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.ExecutionOrder;
import io.ggmljava.graph.Graph;
import io.ggmljava.graph.Liveness;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ggml graph-bench}: the cost per node of building a long chain of ops, of ggml's topological sort
 * ({@code buildForwardExpand}, no recursion), of the memory order and of the liveness sweep.
 */
@Command(name = "graph-bench", mixinStandardHelpOptions = true, description = {
        "Build a chain of N element-wise ops and time, per node: creating the ops (ggml: ~0.25 us), the "
                + "topological sort into a graph (ggml: ~0.13-0.3 us, and its recursive visit overflows the stack "
                + "past ~170k chained nodes), the memory execution order and the liveness sweep.",
        "Medians of --repeat runs (the first runs include JIT warm-up)."})
final class GraphBenchCommand implements Callable<Integer> {
    @Option(names = "--nodes", paramLabel = "N", description = "chain length (default: ${DEFAULT-VALUE})")
    int nodes = 1_000_000;

    @Option(names = "--repeat", description = "runs; medians are reported (default: ${DEFAULT-VALUE})")
    int repeat = 5;

    @Option(names = "--json", description = "machine-readable output on stdout")
    boolean json;

    @Override
    public Integer call() {
        if (nodes < 1 || repeat < 1) {
            throw new IllegalArgumentException("--nodes and --repeat must be positive");
        }
        double[] create = new double[repeat];
        double[] sort = new double[repeat];
        double[] order = new double[repeat];
        double[] live = new double[repeat];
        Graph.Overhead oh = null;
        for (int r = 0; r < repeat; r++) {
            System.err.printf(Locale.ROOT, "graph-bench: run %d/%d%n", r + 1, repeat);
            long t0 = System.nanoTime();
            Context ctx = new Context();
            Tensor y = ctx.newTensor1d(GgmlType.F32, 16).setName("x").setInput();
            for (int i = 0; i < nodes; i++) {
                y = switch (i % 3) {
                    case 0 -> ctx.sqr(y);
                    case 1 -> ctx.neg(y);
                    default -> ctx.scale(y, 0.5f);
                };
            }
            long t1 = System.nanoTime();
            Graph g = Graph.build(y);
            long t2 = System.nanoTime();
            int[] o = ExecutionOrder.MEMORY.order(g);
            long t3 = System.nanoTime();
            Liveness l = Liveness.of(g, o);
            long t4 = System.nanoTime();
            if (g.nodeCount() != nodes || l.steps() != nodes) {
                throw new IllegalStateException("graph-bench: expected " + nodes + " nodes, got " + g.nodeCount());
            }
            create[r] = (t1 - t0) / 1e3 / nodes;
            sort[r] = (t2 - t1) / 1e3 / nodes;
            order[r] = (t3 - t2) / 1e3 / nodes;
            live[r] = (t4 - t3) / 1e3 / nodes;
            oh = g.overhead();
        }
        double c = median(create);
        double s = median(sort);
        double m = median(order);
        double lv = median(live);
        if (json) {
            System.out.println(new JsonWriter().beginObject().field("nodes", nodes).field("repeat", repeat)
                    .field("create_us_per_node", c).field("sort_us_per_node", s)
                    .field("memory_order_us_per_node", m).field("liveness_us_per_node", lv)
                    .field("graph_heap_bytes", oh.heapBytes()).field("ggml_graph_bytes", oh.ggmlGraphBytes())
                    .endObject());
        } else {
            System.out.printf(Locale.ROOT, "chain of %,d nodes, median of %d runs (us per node):%n", nodes, repeat);
            System.out.printf(Locale.ROOT, "  create ops       %.3f   (ggml ~0.25)%n", c);
            System.out.printf(Locale.ROOT, "  sort (build)     %.3f   (ggml ~0.13-0.3, recursive)%n", s);
            System.out.printf(Locale.ROOT, "  memory order     %.3f%n", m);
            System.out.printf(Locale.ROOT, "  liveness sweep   %.3f%n", lv);
            System.out.printf(Locale.ROOT, "  graph itself     %,d bytes here, ggml_graph_nbytes %,d%n", oh.heapBytes(),
                    oh.ggmlGraphBytes());
        }
        return 0;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
