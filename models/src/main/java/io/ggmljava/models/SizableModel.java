package io.ggmljava.models;

import java.util.List;

/**
 * A model that can be sized from its GGUF header alone: hyper-parameters, weights (names, types, shapes) and, per
 * {@link Workload}, a {@link ModelInstance} with a cache and a forward graph.
 *
 * <pre>{@code
 * SizableModel m = Models.open("builtin:llama3-8b-q4_k_m");
 * ModelInstance inst = m.instantiate(Workload.defaults().withCtx(8192));
 * Graph g = inst.newStep().graph();                      // 1030 nodes
 * }</pre>
 */
public interface SizableModel {
    /** Where it came from: {@code builtin:NAME} or a file path. */
    String source();

    /** The GGUF {@code general.architecture}: {@code llama}, {@code gpt2}, {@code lstm}. */
    String architecture();

    /** One line of hyper-parameters. */
    String describe();

    /** True if the file had only a header (tensor data absent): sizing needs nothing more. */
    boolean headerOnly();

    /** The weights the file holds, in file order. */
    List<TensorSpec> weightSpecs();

    /** The layer a weight belongs to ({@code blk.N.}), or -1 for model-level tensors. */
    default int layerOf(TensorSpec spec) {
        return QuantMix.layerOf(spec.name());
    }

    /** Makes the weights, cache and graph builder for {@code w} (defaults resolved by the model). */
    ModelInstance instantiate(Workload w);

    /**
     * A smaller configuration of the same model for running it on this machine: at most {@code nLayer} layers (and
     * a vocabulary of at most {@code nVocab} where the model has one); this model if it is already that small.
     */
    SizableModel scaledDown(int nLayer, int nVocab);

    /**
     * The same model with its widths divided by {@code divisor} (embedding, feed-forward, heads; head size and types
     * kept), for running a model whose layers alone are too big; this model if it cannot be narrowed.
     */
    default SizableModel narrowed(int divisor) {
        return this;
    }

    /** A short description of the widths, e.g. {@code n_embd 4096, n_ff 14336, 32/8 heads}, or empty. */
    default String widths() {
        return "";
    }

    /** Number of layers (blocks, or recurrent layers). */
    int layers();
}
