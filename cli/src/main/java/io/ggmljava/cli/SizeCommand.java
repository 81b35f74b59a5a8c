package io.ggmljava.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ggml size}: the memory-sizing diagnostic (placeholder until the sizing issue lands). */
@Command(name = "size", mixinStandardHelpOptions = true,
        description = "Size the memory a model or graph needs (weights, KV cache, compute buffer), then verify it.")
final class SizeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("ggml size: the memory-sizing diagnostic is not built yet. It will build the real graph of "
                + "a built-in model, run the measuring pass (weights, KV cache, compute buffer, lower bound, ggml's "
                + "size beside ours) and then verify that allocated == measured to the byte.");
        return 0;
    }
}
