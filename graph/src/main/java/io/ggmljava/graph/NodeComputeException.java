package io.ggmljava.graph;

import io.ggmljava.core.GgmlException;
import io.ggmljava.core.Tensor;

/**
 * A kernel failed while computing one node: the message names the node, its op and position; the cause is the
 * kernel's exception. The executor that threw it stays usable.
 */
public final class NodeComputeException extends GgmlException {
    private static final long serialVersionUID = 1L;

    private final transient Tensor node;
    private final int index;

    NodeComputeException(Tensor node, int index, int nodes, int thread, Throwable cause) {
        super("computing node " + index + "/" + nodes + " '" + node.name() + "' (" + node.opDesc() + ") "
                + node.describe() + " failed on thread " + thread + ": " + cause
                + (cause instanceof WrongThreadException ? " (memory from a confined arena can only be used by its "
                + "thread: allocate with a shared or automatic arena to compute on several threads)" : ""), cause);
        this.node = node;
        this.index = index;
    }

    /** The node that failed. */
    public Tensor node() {
        return node;
    }

    /** Its position in the graph's order. */
    public int index() {
        return index;
    }
}
