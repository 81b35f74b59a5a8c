package io.ggmljava.cli;

import picocli.CommandLine.Command;

/** {@code ggml test} is handled by the launcher script (it runs Maven); this entry documents it in --help. */
@Command(name = "test", description = "Run the whole test suite (Maven verify). Handled by the ./ggml script.")
final class TestInfoCommand implements Runnable {
    @Override
    public void run() {
        System.err.println("ggml test: run it through the ./ggml script, which runs the Maven test suite.");
    }
}
