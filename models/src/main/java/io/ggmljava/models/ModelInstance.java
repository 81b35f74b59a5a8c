package io.ggmljava.models;

import io.ggmljava.core.Tensor;
import java.util.List;

/**
 * A model made ready for one {@link Workload}: its weight and cache tensors (metadata; no memory until an allocator
 * binds them) and a builder of the forward graph. Every {@link #newStep()} builds a new graph over the same weights
 * and cache, so a measuring pass and a real run can use independent, structurally identical graphs.
 */
public interface ModelInstance {
    /** The workload with every default resolved (context, tokens, KV type). */
    Workload workload();

    /** The weight tensors, in file order. */
    List<Tensor> weights();

    /** The KV cache or recurrent state tensors (empty if none). */
    List<Tensor> cache();

    /** A short description of the cache, e.g. {@code K f16 + V f16, 32 layers x 4096 cells x 1024}. */
    String describeCache();

    /** Builds the forward graph of this workload. */
    Step newStep();

    /** What one step computes, e.g. {@code 512 tokens written at cell 3584, attending over 4096 cells}. */
    String describeStep();
}
