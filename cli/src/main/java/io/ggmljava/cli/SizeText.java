package io.ggmljava.cli;

import io.ggmljava.core.GgmlType;
import io.ggmljava.models.SizeReport;
import io.ggmljava.models.TensorSpec;
import io.ggmljava.models.Verification;
import io.ggmljava.models.WeightStats;
import io.ggmljava.models.Workload;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable report of {@code ggml size}. */
final class SizeText {
    private SizeText() {
    }

    /** {@code 296.01 MiB}, {@code 4.58 GiB}, {@code 512 bytes}. */
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
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** {@code 310390784 bytes (296.01 MiB)}. */
    static String exact(long b) {
        return b < 1024 ? b + " bytes" : String.format(Locale.ROOT, "%,d bytes (%s)", b, bytes(b));
    }

    static String workload(Workload w) {
        return String.format(Locale.ROOT, "ctx %d, batch %d, ubatch %d, KV %s, flash attention %s", w.ctx(), w.batch(),
                w.ubatch(), w.kvType(), w.flashAttn() ? "on" : "off");
    }

    static void print(PrintStream out, SizeReport r) {
        out.printf(Locale.ROOT, "model     %s (%s%s)%n", r.source(), r.architecture(),
                r.headerOnly() ? ", header only: no tensor data, none needed for sizing" : "");
        out.printf(Locale.ROOT, "          %s%n", r.description());
        out.printf(Locale.ROOT, "workload  %s%n", workload(r.workload()));
        out.printf(Locale.ROOT, "          %s%n", r.step());
        out.println();
        weights(out, r.weights(), r.weightsBytes());
        out.printf(Locale.ROOT, "KV cache  %s  (%s)%n", bytes(r.kvBytes()), r.cache());
        out.printf(Locale.ROOT, "compute   %s  measuring pass over the real graph: %d nodes, %d leafs, %s order, "
                + "planner %s%s%n", exact(r.computeBytes()), r.nodes(), r.leafs(), r.order(), r.planner(),
                r.planner().equals(r.strategy()) ? "" : " (kept " + r.strategy() + ")");
        out.printf(Locale.ROOT, "          lower bound %s, ratio %.4f%n", exact(r.lowerBoundBytes()), r.ratio());
        double vs = r.ggmlComputeBytes() == 0 ? 1.0 : (double) r.computeBytes() / r.ggmlComputeBytes();
        out.printf(Locale.ROOT, "          ggml-equivalent (ggml's best-fit planner, ggml's order) %s, ratio %.4f;"
                + " ours/ggml %.4f%n", exact(r.ggmlComputeBytes()), r.ggmlRatio(), vs);
        out.printf(Locale.ROOT, "          work buffer %s for %d thread%s (kept outside the compute buffer, as ggml's "
                + "cplan)%n", bytes(r.workBytes()), r.threads(), r.threads() == 1 ? "" : "s");
        if (r.peakNode() >= 0) {
            long[] live = r.liveBytes();
            out.printf(Locale.ROOT, "peak      %s live after node %d '%s'; largest tensors live there:%n",
                    bytes(live[r.peakNode()]), r.peakNode(), r.peakName());
            for (SizeReport.LiveTensor t : r.largestAtPeak()) {
                out.printf(Locale.ROOT, "          %-12s %-28s %-16s %-5s %s%n", bytes(t.bytes()), t.name(), t.shape(),
                        t.type(), t.op());
            }
        }
        out.printf(Locale.ROOT, "total     %s  (weights + KV cache + compute buffer)%n", bytes(r.totalBytes()));
    }

    static void weights(PrintStream out, WeightStats w, long allocated) {
        out.printf(Locale.ROOT, "weights   %s in %d tensors (%,d bytes as stored, %,d in memory with each tensor "
                + "32-byte aligned)%n", bytes(allocated), w.tensors(), w.bytes(), allocated);
        StringBuilder types = new StringBuilder();
        for (Map.Entry<GgmlType, WeightStats.TypeCount> e : w.byType().entrySet()) {
            types.append(types.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %d tensors %s",
                    e.getKey(), e.getValue().tensors(), bytes(e.getValue().bytes())));
        }
        out.printf(Locale.ROOT, "  by type %s%n", types);
        long[] layers = w.perLayer();
        if (layers.length > 0) {
            Map<Long, List<Integer>> groups = new LinkedHashMap<>();
            for (int i = 0; i < layers.length; i++) {
                groups.computeIfAbsent(layers[i], k -> new ArrayList<>()).add(i);
            }
            String head = "  per layer";
            for (Map.Entry<Long, List<Integer>> g : groups.entrySet()) {
                out.printf(Locale.ROOT, "%-11s %s x %d (blk %s)%n", head, bytes(g.getKey()), g.getValue().size(),
                        ranges(g.getValue()));
                head = "";
            }
        }
        StringBuilder other = new StringBuilder();
        for (TensorSpec s : w.other()) {
            other.append(other.isEmpty() ? "" : ", ").append(s.name()).append(' ').append(s.type()).append(' ')
                    .append(bytes(s.nbytes()));
        }
        if (!other.isEmpty()) {
            out.printf(Locale.ROOT, "  other   %s%n", other);
        }
    }

    /** {@code 0-3,6,9,27-31}. */
    static String ranges(List<Integer> xs) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < xs.size()) {
            int j = i;
            while (j + 1 < xs.size() && xs.get(j + 1) == xs.get(j) + 1) {
                j++;
            }
            sb.append(sb.isEmpty() ? "" : ",").append(xs.get(i));
            if (j > i) {
                sb.append('-').append(xs.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }

    static void verification(PrintStream out, Verification v) {
        out.println();
        out.printf(Locale.ROOT, "verify    %s%n", v.configuration());
        out.printf(Locale.ROOT, "          %s; %s%n", workload(v.workload()), v.step());
        out.printf(Locale.ROOT, "          compute  measured %s, allocated %s %s%n", exact(v.measuredCompute()),
                exact(v.allocatedCompute()), v.measuredCompute() == v.allocatedCompute() ? "(equal)" : "(DIFFERENT)");
        out.printf(Locale.ROOT, "          weights  measured %s, allocated %s %s%n", exact(v.measuredWeights()),
                exact(v.allocatedWeights()), v.measuredWeights() == v.allocatedWeights() ? "(equal)" : "(DIFFERENT)");
        out.printf(Locale.ROOT, "          KV cache measured %s, allocated %s %s%n", exact(v.measuredKv()),
                exact(v.allocatedKv()), v.measuredKv() == v.allocatedKv() ? "(equal)" : "(DIFFERENT)");
        out.printf(Locale.ROOT, "          ran %d nodes on random weights in %.2f s (%d thread%s): outputs %s, %s a run "
                        + "with no memory shared (%s)%n", v.nodes(), v.computeNanos() / 1e9, v.threads(),
                v.threads() == 1 ? "" : "s", v.outputsFinite() ? "finite" : "NOT FINITE",
                v.matchesReference() ? "bit-identical to" : "DIFFERENT from", bytes(v.referenceBytes()));
        out.printf(Locale.ROOT, "          %s%n", v.verified() ? "verified: allocated == measured, to the byte"
                : "NOT VERIFIED");
    }

    /** The table of a sweep, one row per value. */
    static void sweep(PrintStream out, String key, List<Integer> values, List<SizeReport> rows) {
        SizeReport first = rows.get(0);
        out.printf(Locale.ROOT, "model     %s (%s%s)%n", first.source(), first.architecture(),
                first.headerOnly() ? ", header only" : "");
        out.printf(Locale.ROOT, "          %s%n", first.description());
        out.printf(Locale.ROOT, "sweep     %s; %s order, planner %s; weights %s%n", key, first.order(), first.planner(),
                bytes(first.weightsBytes()));
        out.printf(Locale.ROOT, "%8s %6s %7s %11s %11s %11s %7s %11s %9s %11s%n", key, "tokens", "nodes", "KV cache",
                "compute", "lower bnd", "ratio", "ggml", "ours/ggml", "total");
        for (int i = 0; i < rows.size(); i++) {
            SizeReport r = rows.get(i);
            double vs = r.ggmlComputeBytes() == 0 ? 1.0 : (double) r.computeBytes() / r.ggmlComputeBytes();
            out.printf(Locale.ROOT, "%8d %6d %7d %11s %11s %11s %7.4f %11s %9.4f %11s%n", values.get(i),
                    r.workload().tokens(r.workload().ctx()), r.nodes(), bytes(r.kvBytes()), bytes(r.computeBytes()),
                    bytes(r.lowerBoundBytes()), r.ratio(), bytes(r.ggmlComputeBytes()), vs, bytes(r.totalBytes()));
        }
    }
}
