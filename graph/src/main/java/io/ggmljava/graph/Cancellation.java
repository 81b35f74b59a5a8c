package io.ggmljava.graph;

/**
 * A flag that stops a running compute between two nodes: another thread calls {@link #cancel()}, and the compute
 * throws {@link ComputeCancelledException} before it starts the next node (the executor stays usable).
 *
 * <pre>{@code
 * Cancellation stop = new Cancellation();
 * executor.schedule(stop::cancel, 2, SECONDS);           // e.g. a time limit
 * try { ex.compute(plan, stop); } catch (ComputeCancelledException e) { ... }
 * }</pre>
 */
public final class Cancellation {
    private volatile boolean cancelled;

    /** Asks the computes watching this flag to stop before their next node. */
    public void cancel() {
        cancelled = true;
    }

    /** True once {@link #cancel()} was called (and not {@linkplain #reset() reset}). */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Clears the flag, so it can be used for another compute. */
    public void reset() {
        cancelled = false;
    }
}
