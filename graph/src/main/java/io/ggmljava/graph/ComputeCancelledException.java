package io.ggmljava.graph;

import io.ggmljava.core.GgmlException;

/** A compute was stopped by its {@link Cancellation} (or its thread was interrupted) before a node. */
public final class ComputeCancelledException extends GgmlException {
    private static final long serialVersionUID = 1L;

    private final int nodesDone;

    ComputeCancelledException(String message, int nodesDone) {
        super(message);
        this.nodesDone = nodesDone;
    }

    /** Nodes that were computed before the compute stopped. */
    public int nodesDone() {
        return nodesDone;
    }
}
