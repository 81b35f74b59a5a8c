package io.ggmljava.models;

import java.util.List;

/**
 * What {@link Sizing#size} measured for one model and workload: weights, KV cache, the compute buffer of the real
 * graph (our planner and order beside ggml's), the lower bound, the peak and what is live there.
 *
 * @param source           {@code builtin:NAME} or the file
 * @param architecture     {@code llama}, {@code gpt2}, ...
 * @param description      hyper-parameters
 * @param headerOnly       true if the file has no tensor data (sizing needs none)
 * @param workload         the workload with its defaults resolved
 * @param step             what the graph computes
 * @param cache            what the KV cache holds
 * @param weights          weights by type and per layer (bytes as stored)
 * @param weightsBytes     the weights buffer(s) as allocated: each tensor padded to the alignment
 * @param kvBytes          the KV cache buffer, padded likewise
 * @param order            the execution order planned
 * @param planner          the planner used ({@code dynamic}, {@code offline}, {@code best})
 * @param strategy         the placement kept by that planner
 * @param nodes            graph nodes
 * @param leafs            graph leafs
 * @param computeBytes     the compute buffer: exact, from the measuring pass over the real graph
 * @param lowerBoundBytes  the lower bound for this order (in-place sharing counted)
 * @param workBytes        the executor's work buffer for {@code threads} threads (outside ggml's compute buffer)
 * @param threads          threads the work buffer is sized for
 * @param ggmlComputeBytes the ggml-equivalent compute buffer: ggml's planner (best fit) in ggml's order
 * @param ggmlLowerBound   the lower bound in ggml's order
 * @param planNanos        time our planner took
 * @param peakNode         the node after which the most bytes are live (in the planned order)
 * @param peakName         its name
 * @param largestAtPeak    the largest tensors live at the peak
 * @param liveBytes        bytes live after each node, in the planned order
 * @param ggmlLiveBytes    the same in ggml's order (equal to liveBytes when the order is ggml)
 */
public record SizeReport(String source, String architecture, String description, boolean headerOnly,
        Workload workload, String step, String cache, WeightStats weights, long weightsBytes, long kvBytes,
        String order, String planner, String strategy, int nodes, int leafs, long computeBytes, long lowerBoundBytes,
        long workBytes, int threads, long ggmlComputeBytes, long ggmlLowerBound, long planNanos, int peakNode,
        String peakName, List<LiveTensor> largestAtPeak, long[] liveBytes, long[] ggmlLiveBytes) {

    /** A tensor live at the peak. */
    public record LiveTensor(String name, String op, String shape, String type, long bytes) {
    }

    /** Compute buffer over the lower bound (1 when both are 0). */
    public double ratio() {
        return lowerBoundBytes == 0 ? 1.0 : (double) computeBytes / lowerBoundBytes;
    }

    /** ggml's compute buffer over its lower bound. */
    public double ggmlRatio() {
        return ggmlLowerBound == 0 ? 1.0 : (double) ggmlComputeBytes / ggmlLowerBound;
    }

    /** Weights + KV cache + compute buffer: what the model needs for this workload (the work buffer aside). */
    public long totalBytes() {
        return weightsBytes + kvBytes + computeBytes;
    }
}
