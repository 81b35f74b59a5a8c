package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;
import java.util.List;

/**
 * One recurrent layer's step, built from ordinary ops: from an input column and the state to the next state. The
 * first state tensor is the hidden state {@code h} (the layer's output). {@link Rnn} unrolls a cell over a sequence
 * or builds one step's graph to reuse.
 */
public sealed interface RecurrentCell permits Lstm, Gru {
    /** Elements of one input column. */
    int inputSize();

    /** Elements of the hidden state. */
    int hiddenSize();

    /** Names of the state tensors, {@code h} first ({@code [h, c]} for an LSTM, {@code [h]} for a GRU). */
    List<String> stateNames();

    /** The weight tensors (metadata; the caller allocates them). */
    List<Tensor> weights();

    /** Builds one step: {@code x} is an input column {@code [I]}, {@code state} the current state tensors {@code [H]}. */
    List<Tensor> step(Context ctx, Tensor x, List<Tensor> state);
}
