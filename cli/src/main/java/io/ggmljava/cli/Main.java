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

    /**
     * Runs the command line and returns the exit status: 0 on success, 2 for bad input (the message names what was
     * wrong, on stderr; the stack trace only with {@code -Dggml.debug=true}), 1 for any other failure (message and
     * stack trace).
     */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::report).execute(args);
    }

    private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String name = cmd.getCommandSpec().qualifiedName();
        boolean badInput = e instanceof IllegalArgumentException || e instanceof io.ggmljava.core.GgmlException
                || e instanceof UnsupportedOperationException;
        cmd.getErr().println(name + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        if (!badInput || Boolean.getBoolean("ggml.debug")) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return badInput ? 2 : 1;
    }

    /** Fails with a clear message if {@code bytes} of memory is more than this machine has. */
    static void requireMemory(long bytes, String what) {
        long total = totalMemory();
        if (bytes < 0 || (total > 0 && bytes > total)) {
            throw new IllegalArgumentException(what + " need" + (bytes < 0 ? " more than 2^63 bytes"
                    : " " + bytes + " bytes (" + SizeText.bytes(bytes) + "), more than this machine's "
                    + SizeText.bytes(total) + " of memory"));
        }
    }

    private static long totalMemory() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
