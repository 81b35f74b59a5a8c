package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import java.util.List;

/**
 * An LSTM layer with PyTorch's weight layout and gate order (i, f, g, o), built from ordinary ops:
 *
 * <pre>
 * gates = (W_ih·x_t + b_ih) + (W_hh·h_{t-1} + b_hh)                 # [4H]
 * i = σ(gates[0:H])   f = σ(gates[H:2H])   g = tanh(gates[2H:3H])   o = σ(gates[3H:4H])
 * c_t = f*c_{t-1} + i*g
 * h_t = o*tanh(c_t)
 * </pre>
 *
 * Weights are stored like PyTorch's {@code nn.LSTM} (a weight of PyTorch shape {@code [out, in]} has ggml
 * {@code ne = [in, out]}): {@code w_ih [I, 4H]}, {@code w_hh [H, 4H]}, {@code b_ih [4H]}, {@code b_hh [4H]}.
 *
 * <pre>{@code
 * Lstm lstm = Lstm.create(ctx, 256, 256);                        // weight tensors, no memory yet
 * Rnn.Unrolled u = Rnn.unroll(ctx, lstm, x, List.of(h0, c0), out); // x [I, T] -> out [H, T]
 * Graph g = Rnn.graph(u);                                        // T steps, one graph, no size limit
 * }</pre>
 */
public final class Lstm implements RecurrentCell {
    private final int inputSize;
    private final int hiddenSize;
    private final Tensor wIh;
    private final Tensor wHh;
    private final Tensor bIh;
    private final Tensor bHh;

    /** An LSTM over these weight tensors (shapes checked). */
    public Lstm(Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        long h4 = wIh.ne(1);
        if (h4 % 4 != 0 || h4 == 0) {
            throw new ShapeException("lstm: w_ih.ne1 (" + h4 + ") must be 4*H; w_ih=" + wIh.describe());
        }
        long h = h4 / 4;
        Rnn.requireShape("lstm", "w_hh", wHh, h, h4);
        Rnn.requireShape("lstm", "b_ih", bIh, h4, 1);
        Rnn.requireShape("lstm", "b_hh", bHh, h4, 1);
        this.inputSize = Math.toIntExact(wIh.ne(0));
        this.hiddenSize = Math.toIntExact(h);
        this.wIh = wIh;
        this.wHh = wHh;
        this.bIh = bIh;
        this.bHh = bHh;
    }

    /** An LSTM with new f32 weight tensors named {@code w_ih}, {@code w_hh}, {@code b_ih}, {@code b_hh}. */
    public static Lstm create(Context ctx, int inputSize, int hiddenSize) {
        long h4 = 4L * hiddenSize;
        return new Lstm(ctx.newTensor2d(GgmlType.F32, inputSize, h4).setName("w_ih"),
                ctx.newTensor2d(GgmlType.F32, hiddenSize, h4).setName("w_hh"),
                ctx.newTensor1d(GgmlType.F32, h4).setName("b_ih"),
                ctx.newTensor1d(GgmlType.F32, h4).setName("b_hh"));
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public List<String> stateNames() {
        return List.of("h", "c");
    }

    @Override
    public List<Tensor> weights() {
        return List.of(wIh, wHh, bIh, bHh);
    }

    @Override
    public List<Tensor> step(Context ctx, Tensor x, List<Tensor> state) {
        Tensor h = state.get(0);
        Tensor c = state.get(1);
        long gate = 4L * hiddenSize; // bytes of one gate's slice
        // gates: [4H]
        Tensor gates = ctx.add(ctx.add(ctx.mulMat(wIh, x), bIh), ctx.add(ctx.mulMat(wHh, h), bHh));
        Tensor i = ctx.sigmoid(ctx.view1d(gates, hiddenSize, 0));
        Tensor f = ctx.sigmoid(ctx.view1d(gates, hiddenSize, gate));
        Tensor g = ctx.tanh(ctx.view1d(gates, hiddenSize, 2 * gate));
        Tensor o = ctx.sigmoid(ctx.view1d(gates, hiddenSize, 3 * gate));
        Tensor cNext = ctx.add(ctx.mul(f, c), ctx.mul(i, g));
        Tensor hNext = ctx.mul(o, ctx.tanh(cNext));
        return List.of(hNext, cNext);
    }
}
