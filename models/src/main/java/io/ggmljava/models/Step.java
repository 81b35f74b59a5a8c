package io.ggmljava.models;

import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One freshly built forward graph of a {@link ModelInstance}: the graph, the tensor it produces, and how to fill its
 * inputs (token ids, positions, masks; called once the inputs have memory).
 *
 * @param graph      the graph, in ggml's order
 * @param output     its result (logits, or the last hidden state)
 * @param fillInputs writes valid input data into the graph's inputs
 */
public record Step(Graph graph, Tensor output, Consumer<RandomGenerator> fillInputs) {
}
