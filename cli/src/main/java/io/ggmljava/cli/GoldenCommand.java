package io.ggmljava.cli;

import io.ggmljava.ops.KernelProvider;
import io.ggmljava.testdata.golden.CaseResult;
import io.ggmljava.testdata.golden.GoldenReport;
import io.ggmljava.testdata.golden.GoldenRunner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ggml golden [DIR] [--op NAME]... [--provider scalar|vector|both] [--json]}: runs golden cases through the
 * kernel providers and compares with NMSE as the fixtures' README defines it. Exit status 1 if any case failed.
 */
@Command(name = "golden", description = {
        "Run golden cases (default: the bundled fixtures) through the kernels and compare with NMSE.",
        "Prints one line per failure with the worst elements side by side, then 'N passed, N failed, N skipped'."})
final class GoldenCommand implements Callable<Integer> {
    enum Providers { scalar, vector, both }

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Directory of <op>/<case>.gguf files "
            + "(default: the bundled fixtures).")
    Path dir;

    @Option(names = "--op", paramLabel = "NAME", description = "Only cases of this op (golden.op, unary op name or "
            + "directory, case-insensitive); repeatable.")
    List<String> ops = new ArrayList<>();

    @Option(names = "--name", paramLabel = "TEXT", description = "Only cases whose file path contains TEXT; "
            + "repeatable (re-run one case by its name).")
    List<String> names = new ArrayList<>();

    @Option(names = "--provider", paramLabel = "P", description = "scalar, vector or both (default: ${DEFAULT-VALUE}).")
    Providers provider = Providers.both;

    @Option(names = "--vector-bits", paramLabel = "BITS", description = "Vector width: 128, 256 or 512 "
            + "(default: the machine's preferred width).")
    Integer vectorBits;

    @Option(names = "--threads", paramLabel = "N", description = "Threads per node (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--json", description = "Print JSON (passed, failed, skipped, cases) instead of text.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Print every case, not only failures, and a per-op table.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        List<KernelProvider> ps = new ArrayList<>();
        if (provider != Providers.vector) {
            ps.add(KernelProvider.scalar());
        }
        if (provider != Providers.scalar) {
            if (!KernelProvider.vectorAvailable()) {
                System.err.println("ggml golden: the Vector API is not available (launch with --add-modules "
                        + "jdk.incubator.vector); running scalar only");
                if (ps.isEmpty()) {
                    ps.add(KernelProvider.scalar());
                }
            } else {
                int bits = vectorBits != null ? vectorBits : Math.min(512, KernelProvider.preferredVectorBits());
                ps.add(KernelProvider.vector(bits));
            }
        }
        GoldenRunner.Builder b = GoldenRunner.builder().providers(ps).threads(threads);
        ops.forEach(b::op);
        names.forEach(b::name);
        GoldenRunner runner = b.build();
        Consumer<CaseResult> listener = r -> {
            if (json) {
                return;
            }
            if (r.failed()) {
                out.println(r.describe());
            } else if (verbose) {
                out.println(r.line());
            }
        };
        GoldenReport report;
        if (dir == null) {
            report = runner.runBundled(listener);
        } else {
            if (!Files.isDirectory(dir)) {
                System.err.println("ggml golden: " + dir + " is not a directory");
                return 2;
            }
            report = runner.runDirectory(dir, listener);
        }
        if (json) {
            out.println(report.json());
        } else {
            if (verbose) {
                out.print(report.table());
            }
            out.println(report.summaryLine());
        }
        return report.failed() > 0 ? 1 : 0;
    }
}
