package io.ggmljava.models;

/**
 * What {@link Sizing#verify} proved: the measuring pass and a real allocation of an independently built, identical
 * graph give the same bytes, buffer by buffer; the graph then ran on random weights with finite outputs, identical
 * bit for bit to a run where no tensor shares memory.
 *
 * @param configuration      the model as run: {@code full model}, or how it was scaled down and why
 * @param workload           the workload as run
 * @param step               what the graph computes
 * @param nodes              graph nodes run
 * @param measuredCompute    compute buffer from the measuring pass (no memory)
 * @param allocatedCompute   compute buffer as allocated (the segment's size)
 * @param measuredWeights    weights buffer(s) measured
 * @param allocatedWeights   weights buffer(s) allocated
 * @param measuredKv         KV cache buffer measured
 * @param allocatedKv        KV cache buffer allocated
 * @param referenceBytes     bytes of the reference run, every tensor in its own memory
 * @param outputsFinite      no NaN or infinity in the output
 * @param matchesReference   the output equals the reference run's bit for bit
 * @param computeNanos       time of the planned run
 * @param threads            threads the runs used
 */
public record Verification(String configuration, Workload workload, String step, int nodes, long measuredCompute,
        long allocatedCompute, long measuredWeights, long allocatedWeights, long measuredKv, long allocatedKv,
        long referenceBytes, boolean outputsFinite, boolean matchesReference, long computeNanos, int threads) {

    /** True if every allocated buffer has exactly the measured size. */
    public boolean allocatedEqualsMeasured() {
        return measuredCompute == allocatedCompute && measuredWeights == allocatedWeights && measuredKv == allocatedKv;
    }

    /** Allocated == measured, finite outputs, and the same outputs as the reference run. */
    public boolean verified() {
        return allocatedEqualsMeasured() && outputsFinite && matchesReference;
    }
}
