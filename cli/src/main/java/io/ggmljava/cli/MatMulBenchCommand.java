package io.ggmljava.cli;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.ComputePlan;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ggml bench matmul}: GFLOP/s ({@code 2*m*n*k} per call) of one MUL_MAT, weights {@code [k, m]} of the given
 * type times f32 activations {@code [k, n]}, on N threads. {@code --cold} cycles through enough weight copies
 * (at least 256 MB) that every call streams its weights from memory, as a model's decode step does.
 */
@Command(name = "matmul", mixinStandardHelpOptions = true,
        description = "Measure MUL_MAT GFLOP/s for a weight type and shape (median of several runs).")
final class MatMulBenchCommand implements Callable<Integer> {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long COLD_BYTES = 256L << 20;

    @Option(names = "--type", defaultValue = "f32", description = "weight type (f32, f16, bf16, q8_0, q4_0, q4_K, ...)")
    String type;
    @Option(names = "--m", defaultValue = "4096", description = "output rows (weight rows)")
    long m;
    @Option(names = "--k", defaultValue = "4096", description = "inner dimension")
    long k;
    @Option(names = "--n", defaultValue = "1", description = "output columns (activation rows)")
    long n;
    @Option(names = "--threads", defaultValue = "1", description = "threads")
    int threads;
    @Option(names = "--cold", description = "cycle through >= 256 MB of weight copies (weights stream from DRAM)")
    boolean cold;
    @Option(names = "--runs", defaultValue = "11", description = "timed runs (the median is reported)")
    int runs;
    @Option(names = "--run-ms", defaultValue = "200", description = "minimum length of one run, milliseconds")
    long runMs;
    @Option(names = "--warmup-ms", defaultValue = "8000", description = "minimum warm-up time, milliseconds; the "
            + "warm-up goes on (up to 60 s) until the speed stops improving, since the JIT compiles the large vector "
            + "kernels late (seconds, on a busy machine)")
    long warmupMs;
    @Option(names = "--kernels", defaultValue = "default", description = "default, scalar, vector, vector-128/256/512")
    String kernels;
    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Override
    public Integer call() {
        GgmlType t = GgmlType.byName(type);
        if (t == null || t.isRetired()) {
            System.err.println("ggml bench matmul: unknown weight type '" + type + "'");
            return 2;
        }
        if (m <= 0 || k <= 0 || n <= 0 || threads <= 0 || runs <= 0 || k % t.blockSize() != 0) {
            System.err.println("ggml bench matmul: m, k, n, threads and runs must be positive and k a multiple of "
                    + t.blockSize() + " for " + t);
            return 2;
        }
        KernelProvider p = provider(kernels);
        try (Arena arena = Arena.ofShared(); Executor ex = new Executor(threads, p)) {
            Context ctx = new Context();
            Tensor b = ctx.newTensor2d(GgmlType.F32, k, n);
            b.bind(arena.allocate(b.nbytes(), 64));
            SplittableRandom rnd = new SplittableRandom(1234);
            fillFloats(b.data(), k * n, rnd);

            long wBytes = t.rowSize(k) * m;
            int copies = cold ? (int) Math.max(2, (COLD_BYTES + wBytes - 1) / wBytes) : 1;
            MemorySegment first = null;
            List<ComputePlan> plans = new ArrayList<>();
            MemorySegment dst = null;
            for (int c = 0; c < copies; c++) {
                Tensor w = ctx.newTensor2d(t, k, m);
                w.bind(arena.allocate(wBytes, 64));
                if (first == null) {
                    fillWeights(p, w, rnd, arena);
                    first = w.data();
                } else {
                    w.data().copyFrom(first);
                }
                Tensor d = ctx.mulMat(w, b);
                if (dst == null) {
                    dst = arena.allocate(d.nbytes(), 64);
                }
                d.bind(dst);
                plans.add(ex.plan(Graph.build(d), threads));
            }
            double flops = 2.0 * m * n * k;

            // warm up in batches of ~200 ms until the JIT is done: at least warmupMs, then until a batch is no
            // faster than the best so far five times in a row (at most 60 s)
            long calls = 0;
            long start = System.nanoTime();
            double best = Double.MAX_VALUE;
            int stale = 0;
            while (true) {
                long b0 = System.nanoTime();
                long n0 = calls;
                while (System.nanoTime() - b0 < 200_000_000L || calls == n0) {
                    ex.compute(plans.get((int) (calls++ % copies)));
                }
                double per = (System.nanoTime() - b0) / (double) (calls - n0);
                stale = per < best * 0.97 ? 0 : stale + 1;
                best = Math.min(best, per);
                long elapsed = System.nanoTime() - start;
                if ((elapsed > warmupMs * 1_000_000L && stale >= 5) || elapsed > 60_000_000_000L) {
                    break;
                }
            }
            double perCall = best;
            long callsPerRun = Math.max(1, (long) Math.ceil(runMs * 1e6 / perCall));
            double[] gf = new double[runs];
            long idx = 0;
            for (int r = 0; r < runs; r++) {
                long s = System.nanoTime();
                for (long c = 0; c < callsPerRun; c++) {
                    ex.compute(plans.get((int) (idx++ % copies)));
                }
                gf[r] = flops * callsPerRun / (System.nanoTime() - s);
            }
            double[] sorted = gf.clone();
            Arrays.sort(sorted);
            double median = sorted[runs / 2];
            if (runs % 2 == 0) {
                median = (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
            }
            if (json) {
                System.out.printf(Locale.ROOT, "{\"op\":\"mul_mat\",\"type\":\"%s\",\"m\":%d,\"k\":%d,\"n\":%d,"
                                + "\"threads\":%d,\"cold\":%b,\"kernels\":\"%s\",\"weight_copies\":%d,"
                                + "\"gflops_median\":%.2f,\"gflops_min\":%.2f,\"gflops_max\":%.2f,\"runs\":%d,"
                                + "\"calls_per_run\":%d,\"ms_per_call_median\":%.4f}%n",
                        t, m, k, n, threads, cold, p.name(), copies, median, sorted[0], sorted[runs - 1], runs,
                        callsPerRun, flops / median / 1e6);
            } else {
                System.out.printf(Locale.ROOT, "mul_mat %s m=%d k=%d n=%d threads=%d %s kernels=%s: %.2f GFLOP/s "
                                + "median of %d runs (min %.2f, max %.2f), %.3f ms/call%n",
                        t, m, k, n, threads, cold ? "cold (" + copies + " weight copies)" : "warm", p.name(), median,
                        runs, sorted[0], sorted[runs - 1], flops / median / 1e6);
            }
            return 0;
        }
    }

    static KernelProvider provider(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "scalar" -> KernelProvider.scalar();
            case "vector" -> KernelProvider.vector(Math.min(512, KernelProvider.preferredVectorBits()));
            case "vector-128" -> KernelProvider.vector(128);
            case "vector-256" -> KernelProvider.vector(256);
            case "vector-512" -> KernelProvider.vector(512);
            default -> KernelProvider.get();
        };
    }

    static void fillFloats(MemorySegment s, long count, SplittableRandom rnd) {
        for (long i = 0; i < count; i++) {
            s.set(F32, 4 * i, (float) (rnd.nextDouble() * 2 - 1));
        }
    }

    /** Random weights in [-1, 1): converted for f16/bf16, quantized with the provider's quantizer otherwise. */
    static void fillWeights(KernelProvider p, Tensor w, SplittableRandom rnd, Arena arena) {
        long k = w.ne(0);
        MemorySegment row = arena.allocate(4 * k, 64);
        MemorySegment d = w.data();
        for (long r = 0; r < w.ne(1); r++) {
            fillFloats(row, k, rnd);
            long off = r * w.nb(1);
            switch (w.type()) {
                case F32 -> MemorySegment.copy(row, 0, d, off, 4 * k);
                case F16 -> {
                    for (long i = 0; i < k; i++) {
                        d.set(ValueLayout.JAVA_SHORT_UNALIGNED, off + 2 * i, Float.floatToFloat16(row.get(F32, 4 * i)));
                    }
                }
                case BF16 -> {
                    for (long i = 0; i < k; i++) {
                        d.set(ValueLayout.JAVA_SHORT_UNALIGNED, off + 2 * i,
                                io.ggmljava.core.Fp16.f32ToBf16(row.get(F32, 4 * i)));
                    }
                }
                default -> p.quant().quantizeRow(w.type(), row, 0, d, off, k);
            }
        }
    }
}
