package io.ggmljava.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ggml} command. Subcommands print human-readable reports on stdout, or JSON with {@code --json}
 * (stdout carries the JSON alone; logs and progress go to stderr).
 */
@Command(name = "ggml", mixinStandardHelpOptions = true, version = "ggml-java 0.1.0",
        description = "ggml-java: a pure-Java ggml. Memory sizing, golden checks, GGUF inspection, benchmarks.",
        subcommands = {SizeCommand.class, RnnCommand.class, GraphBenchCommand.class, AllocReportCommand.class, TestInfoCommand.class, GoldenCommand.class,
                BenchCommand.class, GgufCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and returns the exit status. */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
