package io.ggmljava.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ggml bench}: quick benchmarks for users (the JMH suites live in the bench module). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Quick benchmarks of kernels.",
        subcommands = {MatMulBenchCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
